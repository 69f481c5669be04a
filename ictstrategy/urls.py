from allauth.account import views as allauth_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from common.forms_auth import PasswordChangeGDSForm, SetPasswordGDSForm
from common.signin import views as signin_views
from common.views import not_found

urlpatterns = [
    # Signing in and out are django-allauth's flows (common/signin/).
    path("sign-in/", signin_views.sign_in, name="login"),
    path("sign-out/", allauth_views.logout, name="logout"),
    # allauth's pages the portal does not offer: nobody signs themselves up, changes
    # their e-mail address or resets a password by e-mail (the Administrator sends a
    # set-password link), and a single sign-on account stays joined to its provider.
    re_path(
        r"^accounts/(signup|email|password|confirm-email|phone|login/code)/",
        not_found,
    ),
    path("accounts/3rdparty/", not_found),
    path("accounts/", include("allauth.urls")),
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
    path("", include("common.urls")),
    path("", include("governance.urls")),
    path("", include("projects.urls")),
    path("", include("risks.urls")),
    path("", include("reports.urls")),
]
