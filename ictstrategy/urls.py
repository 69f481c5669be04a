from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from common.api import FeedView, api_not_found
from common.forms_auth import PasswordChangeGDSForm, SetPasswordGDSForm
from common.views import ApiReferenceView

urlpatterns = [
    # Signing in and out, second factors and single sign-on (common/signin/).
    path("", include("common.signin.urls")),
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
    path("", include("common.urls")),
    path("", include("governance.urls")),
    path("", include("projects.urls")),
    path("", include("risks.urls")),
    path("", include("reports.urls")),
]
