"""The Administrator role loses the model permissions it had for the Django admin
(accounts, groups, business units, corporate objectives): the admin is now for
superusers only, and the role works in the portal's own pages. Roles carry no model
permissions at all; anything a superuser had added to a role group goes too."""

from django.db import migrations

ROLES = [
    "Business unit officer",
    "Governance Group member",
    "Governance Group chair",
    "Head of ICT",
    "Administrator",
]


def roles_without_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("governance", "0005_role_changes"),
    ]

    operations = [
        # Going back gives nothing back: the old grants were what let the role escalate.
        migrations.RunPython(roles_without_permissions, migrations.RunPython.noop),
    ]
