"""The sign-in page: django-allauth's, letting its form go on to the council's provider."""

from urllib.parse import urlsplit

from allauth.account import views as allauth_views
from allauth.socialaccount.adapter import get_adapter


def provider_origins(request) -> list[str]:
    """The origins of the configured single sign-on providers (their issuers)."""
    origins = []
    for app in get_adapter().list_apps(request):
        url = urlsplit(app.settings.get("server_url", ""))
        if url.scheme and url.netloc:
            origins.append(f"{url.scheme}://{url.netloc}")
    return origins


def sign_in(request, *args, **kwargs):
    """allauth's sign-in. Its single sign-on button posts to the portal, which sends
    the browser on to the provider; the Content-Security-Policy's `form-action`, which
    otherwise allows only the portal, lets this page's forms go there too."""
    response = allauth_views.login(request, *args, **kwargs)
    if origins := provider_origins(request):
        response._csp_update = {"form-action": origins}
    return response
