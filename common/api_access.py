"""Who is calling the REST API, and what they may do: kept apart from common.api
because REST framework imports these classes from its settings while it loads, and
common.api imports REST framework's views."""

from rest_framework import authentication, exceptions, permissions, throttling

from .roles import roles_of

TOKEN_KEYWORDS = ("Bearer", "Token")


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` with a personal API token (common.tokens). The
    token is `request.auth`; a revoked one is refused at once, since every request
    looks its key up."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] not in TOKEN_KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token after the word Bearer.")
        from .choices import AccessTokenKind
        from .tokens import token_authenticate

        token = token_authenticate(header[1], kind=AccessTokenKind.API)
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid, or was revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ReadOnlyUnlessAllowed(permissions.BasePermission):
    """Signed in (by session or token) and holding a role; a token may change things
    only if its holder asked for that when making it."""

    message = "This token is read-only. Make a token that may make changes."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not roles_of(user):
            raise exceptions.PermissionDenied("Your account has no role in the portal yet.")
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return token is None or getattr(token, "can_write", False)


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """Requests per token (or per person, signed in by session), on the shared cache."""

    scope = "api"

    def get_cache_key(self, request, view):
        if request.auth is not None and getattr(request.auth, "pk", None):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class FeedKeyAuthentication(TokenAuthentication):
    """A Power BI feed's key in the query string (`?key=`), where Power BI's Web
    connector puts a "Web API" credential (Web.Contents with ApiKeyName="key"), so the
    key is kept in Power BI's credential store and not written into the report."""

    def authenticate(self, request):
        key = request.query_params.get("key")
        if not key:
            return super().authenticate(request)
        from .choices import AccessTokenKind
        from .tokens import token_authenticate

        token = token_authenticate(key, kind=AccessTokenKind.API)
        if token is None:
            raise exceptions.AuthenticationFailed("This feed key is not valid, or was revoked.")
        return token.user, token
