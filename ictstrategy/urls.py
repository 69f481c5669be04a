import re
from importlib import import_module

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLResolver, include, path, re_path
from django.urls.resolvers import RoutePattern
from drf_spectacular.views import SpectacularAPIView

from common.api import FeedView, api_not_found
from common.forms_auth import PasswordChangeGDSForm, SetPasswordGDSForm
from common.views import ApiReferenceView


def pages_at(module: str):
    """include(module), its pages sitting at the top of the site: tried only for an
    address that starts as one of its pages' addresses does. Django otherwise tries each
    pattern of each app in turn (and notes each it tried) before reaching the app asked
    for, which cost the reports pages a thousand function calls a request. The check is
    a lookahead, so it takes nothing off the address, and reverse() ignores it: every
    address is the same. An app with a page whose address starts with a parameter or a
    regular expression is tried for every address, as before."""
    starts = _starts(import_module(module).urlpatterns)
    if starts is None:
        return path("", include(module))
    # The shortest beginnings suffice: "risks/" lets through "risks/new/" too ("" is
    # the site's own address alone, so no beginning of others).
    shortest = {s for s in starts if not any(t and s.startswith(t) for t in starts - {s})}
    ways = [re.escape(start) if start else r"\Z" for start in sorted(shortest)]
    return re_path(f"^(?={'|'.join(ways)})", include(module))


def _starts(patterns, prefix: str = "") -> set[str] | None:
    """How the addresses `patterns` match begin (below `prefix`): the text before
    their first parameter, "" for the site's own address alone; None where one may
    begin anyhow."""
    starts = set()
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            if not prefix:
                return None
            starts.add(prefix)
            continue
        route = prefix + str(pattern.pattern)
        literal = route.split("<", 1)[0]
        if isinstance(pattern, URLResolver) and literal == route:
            inner = _starts(pattern.url_patterns, route)
            if inner is None:
                return None
            starts |= inner
        elif literal or route == "":
            starts.add(literal)
        else:
            return None
    return starts


urlpatterns = [
    # Signing in and out, second factors and single sign-on (common/signin/).
    pages_at("common.signin.urls"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeGDSForm),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # A new account's holder sets their password from the link e-mailed to them
    # (governance.accounts.services), so the administrator who opened it never knows it.
    path(
        "account/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordGDSForm),
        name="password_reset_confirm",
    ),
    path(
        "account/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # The REST API (common.api): its endpoints, its OpenAPI schema and a page reading it.
    path("api/v1/", include("ictstrategy.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", ApiReferenceView.as_view(), name="api-reference"),
    re_path(r"^api/", api_not_found, name="api-not-found"),
    # Power BI: each declared list at a fixed URL, with a feed key (README).
    path("feeds/<slug:name>.json", FeedView.as_view(), name="powerbi-feed"),
    pages_at("common.urls"),
    pages_at("governance.urls"),
    pages_at("projects.urls"),
    pages_at("risks.urls"),
    pages_at("reports.urls"),
]
