"""Every grant and removal of a role, and every change of privilege, recorded whatever
path makes it: a portal page, the Django admin, a shell or a command.

Roles are groups, so a role changes when a row of the account-group link table is
added or removed; Django sends m2m_changed for each such change made through the
related managers (`person.groups.add/remove/set/clear`, `group.user_set...`), from
either side. The receiver works out which links the call added or removed, writes a
RoleChange for each (the history of roles, shown on the account's history page) and,
once the change commits, a line in the security log. Superuser and staff status and
model permissions are not roles; changing them writes a warning to the security log.

Who acted: the user the calling code names (`instance._history_user`, as
django-simple-history reads it and the services set it), else the signed-in user of
the request being served (django-simple-history's HistoryRequestMiddleware keeps it),
else no one: a shell or a command. At a single sign-on the portal itself acts, from
the provider's group claims: no one is named, and the path says so.

Not seen: raw SQL, and `bulk_create` of link rows (the large-data generator writes its
own RoleChange rows beside its grants). Deleting an account removes its links without
the signal; RoleChange.person keeps every account that ever held a role from deletion.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.urls import reverse

from common.security import current_request, log_privilege_change, log_role_change

from ..choices import ChangePath, RoleChangeKind
from ..models import RoleChange, User

PRIVILEGE_FLAGS = ("is_superuser", "is_staff")
# Who the security log names when the portal acts on its own, by path.
SYSTEM_ACTORS = {ChangePath.SINGLE_SIGN_ON: "(single sign-on)"}


def change_path(request) -> ChangePath:
    if request is None:
        return ChangePath.NO_REQUEST
    if request.path.startswith(reverse("admin:index")):
        return ChangePath.ADMIN
    return ChangePath.PORTAL


def _who_acted(instance):
    """(actor, request, path): who made the change being recorded, the request it
    came in, if any, and which way. Code that acts on its own account rather than a
    person's (single sign-on) says so on the instance: `_change_path`, with
    `_history_user` None; the request's user is then not taken for the actor."""
    request = current_request()
    actor = getattr(instance, "_history_user", None)
    path = getattr(instance, "_change_path", None)
    if path is not None:
        return actor, request, path
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return actor, request, change_path(request)


def _links(through, source: str, target: str, *, instance, reverse: bool, pk_set):
    """The (source id, target id) links of `instance` now, among `pk_set` if given."""
    mine, theirs = (target, source) if reverse else (source, target)
    rows = through.objects.filter(**{f"{mine}_id": instance.pk})
    if pk_set is not None:
        rows = rows.filter(**{f"{theirs}_id__in": pk_set})
    return set(rows.values_list(f"{source}_id", f"{target}_id"))


def _changed_links(through, source: str, target: str, *, instance, action, reverse, pk_set):
    """(added, removed) links, once an m2m_changed call has made its change; None
    before it. `add` names only the links it creates; `remove` names whatever it was
    asked to remove, held or not, and `clear` names nothing, so what they remove is
    read before they remove it."""
    going = f"_links_going_{through._meta.db_table}"
    if action in ("pre_remove", "pre_clear"):
        links = _links(through, source, target, instance=instance, reverse=reverse, pk_set=pk_set)
        setattr(instance, going, links)
        return None
    if action == "post_add":
        return {(pk, instance.pk) if reverse else (instance.pk, pk) for pk in pk_set}, set()
    if action in ("post_remove", "post_clear"):
        return set(), instance.__dict__.pop(going, set())
    return None


def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    changed = _changed_links(
        sender, "user", "group", instance=instance, action=action, reverse=reverse, pk_set=pk_set
    )
    if not changed or not (changed[0] or changed[1]):
        return
    added, removed = changed
    actor, request, path = _who_acted(instance)
    people = User.objects.in_bulk({user for user, _ in added | removed})
    groups = Group.objects.in_bulk({group for _, group in added | removed})
    rows = [
        RoleChange(person=people[user], role=groups[group].name, kind=kind, actor=actor, path=path)
        for links, kind in ((removed, RoleChangeKind.REMOVED), (added, RoleChangeKind.GRANTED))
        for user, group in sorted(links)
    ]
    RoleChange.objects.bulk_create(rows)

    def log():
        for row in rows:
            log_role_change(
                granted=row.kind == RoleChangeKind.GRANTED,
                role=row.role,
                person=row.person,
                actor=actor,
                path=path.label,
                request=request,
                by=SYSTEM_ACTORS.get(path),
            )

    transaction.on_commit(log)


def _permissions_changed(source: str, holder_model):
    """A receiver for the permission links of accounts (source "user") or groups."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs):
        changed = _changed_links(
            sender,
            source,
            "permission",
            instance=instance,
            action=action,
            reverse=reverse,
            pk_set=pk_set,
        )
        if not changed or not (changed[0] or changed[1]):
            return
        actor, request, path = _who_acted(instance)
        holders = holder_model.objects.in_bulk({holder for holder, _ in changed[0] | changed[1]})
        permissions = Permission.objects.select_related("content_type").in_bulk(
            {permission for _, permission in changed[0] | changed[1]}
        )
        lines = [
            (
                f"permission {verb} {permissions[permission].content_type.app_label}."
                f"{permissions[permission].codename}",
                f"{source}={holders[holder]}",
            )
            for links, verb in ((changed[0], "granted"), (changed[1], "removed"))
            for holder, permission in sorted(links)
        ]

        def log():
            for change, holder in lines:
                log_privilege_change(
                    change=change, holder=holder, actor=actor, path=path.label, request=request
                )

        transaction.on_commit(log)

    return receiver


def _privileges_changing(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not set(update_fields) & set(PRIVILEGE_FLAGS)):
        return
    before = (
        User.objects.filter(pk=instance.pk).values(*PRIVILEGE_FLAGS).first()
        if instance.pk is not None
        else None
    ) or dict.fromkeys(PRIVILEGE_FLAGS, False)
    instance._privileges_changing = [
        flag for flag in PRIVILEGE_FLAGS if before[flag] != getattr(instance, flag)
    ]


def _privileges_changed(sender, instance, **kwargs):
    flags = instance.__dict__.pop("_privileges_changing", None)
    if not flags:
        return
    actor, request, path = _who_acted(instance)
    changes = [f"{flag} set to {getattr(instance, flag)}" for flag in flags]
    holder = f"user={instance.get_username()}"

    def log():
        for change in changes:
            log_privilege_change(
                change=change, holder=holder, actor=actor, path=path.label, request=request
            )

    transaction.on_commit(log)


def connect() -> None:
    m2m_changed.connect(_roles_changed, sender=User.groups.through, dispatch_uid="role-changes")
    m2m_changed.connect(
        _permissions_changed("user", User),
        sender=User.user_permissions.through,
        dispatch_uid="account-permission-changes",
        weak=False,
    )
    m2m_changed.connect(
        _permissions_changed("group", Group),
        sender=Group.permissions.through,
        dispatch_uid="group-permission-changes",
        weak=False,
    )
    pre_save.connect(_privileges_changing, sender=User, dispatch_uid="privileges-changing")
    post_save.connect(_privileges_changed, sender=User, dispatch_uid="privileges-changed")
