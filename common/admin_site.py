"""The portal's admin site: superusers only, signing in through the portal.

It lives apart from common.admin, which registers models on it. Django builds the site
when something first registers on it, importing the module named by the admin's
`default_site` (common.apps.PortalAdminConfig); were that common.admin, its own
registrations would run inside that first build, land on a site built for them, and be
lost when the first build put its own site in place (so the outbound e-mails were once
missing from the admin).
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def may_use_admin(user) -> bool:
    return user.is_active and user.is_superuser


class PortalAdminSite(admin.AdminSite):
    site_header = "ICT Strategy Portal administration"
    site_title = "ICT Strategy Portal"

    def has_permission(self, request):
        return may_use_admin(request.user)

    def login(self, request, extra_context=None):
        """The admin has no sign-in of its own: a superuser signs in to the portal,
        with the second factor every superuser must use (common.signin.factors), and
        comes back."""
        if not request.user.is_authenticated:
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
            return redirect(f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if not self.has_permission(request):
            raise PermissionDenied("The Django admin is for superusers only.")
        return redirect(reverse("admin:index"))
