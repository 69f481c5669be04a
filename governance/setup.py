"""What every install needs after migrate: the strategy catalogue, and the permissions
that let the Administrator role manage people and units in the Django admin."""

from django.contrib.auth.models import Group, Permission
from django.db import connections

from common.roles import Role

from .catalogue import catalogue_load

ADMINISTRATOR_MODELS = {
    "auth": ["group"],
    "governance": ["user", "businessunit", "corporateobjective"],
}


def administrator_permissions_grant() -> None:
    group, _ = Group.objects.get_or_create(name=Role.ADMINISTRATOR.value)
    for app_label, models in ADMINISTRATOR_MODELS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )


def after_migrate(*, plan=None, using="default", **kwargs):
    # post_migrate fires for every app whatever was migrated: skip a rollback, and a
    # partial migrate that has not created governance's tables yet.
    if plan and all(backwards for _, backwards in plan):
        return
    if "governance_theme" not in connections[using].introspection.table_names():
        return
    catalogue_load()
    administrator_permissions_grant()
