"""What every install needs after migrate: the strategy catalogue, and the permissions
that let the Administrator role manage people and units in the Django admin."""

from django.contrib.auth.models import Group, Permission

from common.roles import Role
from common.services import after_migrate as common_after_migrate

from .catalogue import catalogue_load
from .models import Theme

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


def governance_ensure() -> None:
    catalogue_load()
    administrator_permissions_grant()


after_migrate = common_after_migrate(Theme, governance_ensure)
