"""The sign-in pages: django-allauth's views the portal offers, and no others (no
sign-up, no e-mail management, no password reset by e-mail: the Administrator opens
accounts and sends set-password links; a single sign-on account stays joined to its
provider)."""

from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    # allauth's name for the sign-in page, where its flows and decorators send people.
    path("sign-in/", views.sign_in, name="account_login"),
    path("sign-out/", account_views.logout, name="logout"),
    path(
        "accounts/",
        include(
            [
                path("logout/", account_views.logout, name="account_logout"),
                path("inactive/", account_views.account_inactive, name="account_inactive"),
                path(
                    "reauthenticate/",
                    account_views.reauthenticate,
                    name="account_reauthenticate",
                ),
                path("2fa/", include("allauth.mfa.urls")),
                path(
                    "3rdparty/login/cancelled/",
                    social_views.login_cancelled,
                    name="socialaccount_login_cancelled",
                ),
                path(
                    "3rdparty/login/error/",
                    social_views.login_error,
                    name="socialaccount_login_error",
                ),
                path("3rdparty/signup/", social_views.signup, name="socialaccount_signup"),
                # /accounts/oidc/<provider id>/login/ and .../login/callback/
                path("", include("allauth.socialaccount.providers.openid_connect.urls")),
            ]
        ),
    ),
]
