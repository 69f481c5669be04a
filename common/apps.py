from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the portal's site: superusers only (common.admin)."""

    default = False  # named in INSTALLED_APPS; not the common app's own config
    default_site = "common.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()  # finds every app's admin module, which registers its models
        from .admin import read_only_third_party

        read_only_third_party(self.module.site)


class CommonConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "common"
    verbose_name = "Common"

    def ready(self):
        from django.db.models.signals import post_migrate

        # security, sessions and throttle connect their signal receivers.
        from . import dataversion, security, sessions, throttle  # noqa: F401
        from .account import register_account_sections
        from .roles import ensure_role_groups
        from .signin import factors, sso  # noqa: F401 - they connect to allauth's signals

        # After every migrate, and after each flush between transactional tests, the
        # role groups exist, as content types and permissions do.
        post_migrate.connect(ensure_role_groups, sender=self)
        dataversion.connect(self)
        register_account_sections()
