"""Changes to accounts, roles, business units and the single sign-on group mappings.
Each asks governance.policies whether the actor may make it, runs in one transaction,
and leaves history naming the actor: the account's, the unit's and the mapping's own
history records, and a RoleChange (with a line in the security log) for each role
granted or removed, written by role_changes. What a person's groups give them at
sign-in is group_claims.apply_group_claims."""

from collections.abc import Iterable, Mapping
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common.emails import email_queue
from common.roles import Role
from common.security import current_request, log_group_mapping
from common.services import save_with_history

from .. import policies
from ..choices import SecondFactorChangeKind
from ..models import BusinessUnit, GroupMapping, User
from . import factor_changes

ACCOUNT_FIELDS = frozenset(
    {"first_name", "last_name", "email", "job_title", "business_unit", "is_active"}
)
UNIT_FIELDS = frozenset({"name", "code", "is_active"})
MAPPING_FIELDS = frozenset({"claim_value", "label", "role", "business_unit"})


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _check_email_free(email: str, *, person: User | None = None) -> None:
    others = User.objects.filter(email__iexact=email)
    if person is not None:
        others = others.exclude(pk=person.pk)
    if others.exists():
        raise ValidationError({"email": "Another account already has this e-mail address"})


def _check_officer_unit(roles: Iterable[str], business_unit: BusinessUnit | None) -> None:
    if refusal := policies.officer_unit_refusal(set(roles), business_unit):
        raise ValidationError({"business_unit": refusal})


def _roles_apply(*, actor: User, person: User, roles: set[str]) -> None:
    """Give `person` exactly `roles` among the portal's roles, leaving any other group
    alone. The caller has checked each change."""
    held = _held(person)
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    person._history_user = actor  # role_changes names who acted from it
    person.groups.remove(*(groups[name] for name in sorted(held - roles)))
    person.groups.add(*(groups[name] for name in sorted(roles - held)))
    person.__dict__.pop("_portal_roles", None)


def _held(person: User) -> set[str]:
    """The portal roles an account holds, active or not (roles_of counts none for an
    inactive account, since it may not use them)."""
    return set(person.groups.filter(name__in=Role.values).values_list("name", flat=True))


def _check_role_changes(*, actor: User, person: User | None, roles: set[str]) -> None:
    held = _held(person) if person is not None else set()
    for role in sorted(roles ^ held):
        _refuse(policies.role_change_refusal(actor, person, role))


@transaction.atomic
def account_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str = "",
    business_unit: BusinessUnit | None = None,
    roles: Iterable[str] = (),
) -> User:
    """Open an account with no password, and e-mail its holder a link to set one: the
    administrator never knows it."""
    _refuse(policies.administration_refusal(actor))
    roles = set(roles)
    _check_role_changes(actor=actor, person=None, roles=roles)
    _check_officer_unit(roles, business_unit)
    _check_email_free(email)
    person = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        business_unit=business_unit,
    )
    person.set_unusable_password()
    save_with_history(person, user=actor)
    _roles_apply(actor=actor, person=person, roles=roles)
    _password_link_queue(person)
    return person


@transaction.atomic
def account_update(
    *,
    actor: User,
    person: User,
    changes: Mapping[str, Any],
    roles: Iterable[str] | None = None,
) -> User:
    """Change an account's details and, unless `roles` is None, its roles, together."""
    person = User.objects.select_for_update().get(pk=person.pk)
    _refuse(policies.account_edit_refusal(actor, person))
    unknown = set(changes) - ACCOUNT_FIELDS
    if unknown:
        raise ValueError(f"{sorted(unknown)} cannot be changed here")
    if changes.get("is_active") is False and person.is_active:
        _refuse(policies.deactivation_refusal(actor, person))
    roles = _held(person) if roles is None else set(roles)
    _check_role_changes(actor=actor, person=person, roles=roles)
    _check_officer_unit(roles, changes.get("business_unit", person.business_unit))
    if "email" in changes:
        _check_email_free(changes["email"], person=person)
    changed = {field for field, value in changes.items() if getattr(person, field) != value}
    for field in changed:
        setattr(person, field, changes[field])
    if changed:
        save_with_history(person, user=actor)
    _roles_apply(actor=actor, person=person, roles=roles)
    return person


@transaction.atomic
def account_roles_set(*, actor: User, person: User, roles: Iterable[str]) -> User:
    """Give `person` exactly these portal roles (their other groups stay)."""
    return account_update(actor=actor, person=person, changes={}, roles=roles)


@transaction.atomic
def account_password_link_send(*, actor: User, person: User) -> None:
    """E-mail a new link to set the password of an account never signed in to (the
    first one has expired, or went to a wrong address since corrected)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    _refuse(policies.password_link_refusal(actor, person))
    _password_link_queue(person)


def _password_link_queue(person: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    link = settings.PORTAL_BASE_URL + reverse("password_reset_confirm", args=[uid, token])
    days = round(settings.PASSWORD_RESET_TIMEOUT / 86400)
    email_queue(
        to=person.email,
        subject="Set your password for the ICT Strategy Portal",
        body=(
            f"An account has been opened for you in the ICT Strategy Portal. Your username "
            f"is {person.get_username()}.\n\nSet your password here (the link works once, "
            f"for {days} days):\n{link}\n\nIf you did not expect this, ignore this e-mail "
            "and tell the portal's administrator."
        ),
    )


@transaction.atomic
def business_unit_create(*, actor: User, name: str, code: str) -> BusinessUnit:
    _refuse(policies.administration_refusal(actor))
    unit = BusinessUnit(name=name, code=code)
    save_with_history(unit, user=actor)
    return unit


@transaction.atomic
def business_unit_update(
    *, actor: User, unit: BusinessUnit, changes: Mapping[str, Any]
) -> BusinessUnit:
    """Rename a unit, or deactivate it (it is then offered for no new work), or bring
    it back."""
    _refuse(policies.administration_refusal(actor))
    unit = BusinessUnit.objects.select_for_update().get(pk=unit.pk)
    unknown = set(changes) - UNIT_FIELDS
    if unknown:
        raise ValueError(f"{sorted(unknown)} cannot be changed here")
    deactivating = changes.get("is_active") is False and unit.is_active
    if deactivating and (refusal := policies.unit_deactivation_refusal(unit)):
        raise ValidationError({"is_active": refusal})
    changed = {field for field, value in changes.items() if getattr(unit, field) != value}
    for field in changed:
        setattr(unit, field, changes[field])
    if changed:
        save_with_history(unit, user=actor)
    return unit


@transaction.atomic
def second_factors_reset(*, actor: User, person: User, request=None) -> int:
    """Remove every second factor of `person` (authenticator apps, passkeys, recovery
    codes), for a person who has lost theirs: they set up new ones at their next
    sign-in if their role requires one. Recorded in their history and the security log.
    Returns how many were removed."""
    _refuse(policies.second_factor_reset_refusal(actor, person))
    removed, _ = Authenticator.objects.filter(user=person).delete()
    if removed:
        factor_changes.record(
            kind=SecondFactorChangeKind.RESET, person=person, actor=actor, request=request
        )
    return removed


def _log_mapping(change: str, mapping: GroupMapping, actor: User) -> None:
    request = current_request()
    transaction.on_commit(
        lambda: log_group_mapping(change=change, mapping=mapping, actor=actor, request=request)
    )


@transaction.atomic
def group_mapping_create(
    *,
    actor: User,
    claim_value: str,
    label: str,
    role: str = "",
    business_unit: BusinessUnit | None = None,
) -> GroupMapping:
    """Map a group of the identity provider to a role or a business unit: from each
    member's next single sign-on, they have it."""
    _refuse(policies.group_mapping_refusal(actor, role))
    mapping = GroupMapping(
        claim_value=claim_value, label=label, role=role, business_unit=business_unit
    )
    save_with_history(mapping, user=actor)
    _log_mapping("added", mapping, actor)
    return mapping


@transaction.atomic
def group_mapping_update(
    *, actor: User, mapping: GroupMapping, changes: Mapping[str, Any]
) -> GroupMapping:
    """Change a mapping: both what it gave and what it gives must be the actor's to
    give."""
    mapping = GroupMapping.objects.select_for_update().get(pk=mapping.pk)
    unknown = set(changes) - MAPPING_FIELDS
    if unknown:
        raise ValueError(f"{sorted(unknown)} cannot be changed here")
    _refuse(policies.group_mapping_refusal(actor, mapping.role))
    _refuse(policies.group_mapping_refusal(actor, changes.get("role", mapping.role)))
    gave = mapping.gives
    for field, value in changes.items():
        setattr(mapping, field, value)
    if save_with_history(mapping, user=actor):
        _log_mapping(f"changed (it gave {gave!r})", mapping, actor)
    return mapping


@transaction.atomic
def group_mapping_remove(*, actor: User, mapping: GroupMapping) -> None:
    """Remove a mapping. It is configuration, not a record: it goes, and its history
    (with who removed it) stays. Its members keep what it gave until they next sign
    in."""
    mapping = GroupMapping.objects.select_for_update().get(pk=mapping.pk)
    _refuse(policies.group_mapping_refusal(actor, mapping.role))
    mapping._history_user = actor
    mapping.delete()
    _log_mapping("removed", mapping, actor)
