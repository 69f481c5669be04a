"""What a person's groups give them at single sign-on.

The sign-in code (django-allauth's OpenID Connect provider for Microsoft Entra ID)
calls apply_group_claims at every single sign-on with the values of the ID token's
groups claim; the Administrator's group mappings (governance.models.GroupMapping) say
what each group gives.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower

from common.roles import Role
from common.security import current_request, log_group_claims

from .. import policies
from ..choices import ChangePath
from ..models import GroupMapping, User
from .services import _held, _roles_apply


@dataclass(frozen=True)
class ClaimsApplied:
    """What one sign-in's group claims changed on the account."""

    granted: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    business_unit_changed: bool = False
    # Why the claims could change nothing at all (a deactivated or superuser account).
    refused: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.granted or self.removed or self.business_unit_changed)


@transaction.atomic
def apply_group_claims(
    person: User,
    groups: Iterable[str] | None,
    *,
    source: str = "single sign-on",
    request=None,
) -> ClaimsApplied:
    """Give `person` what the groups they signed in with map to. Safe to call at every
    sign-in: in one transaction, under a lock on the account; claims that map to what
    the account already holds change nothing and write no history.

    - Roles: single sign-on is the source of truth for roles once any mapping gives a
      role. The person's portal roles then become exactly the roles their groups map
      to: a role no group of theirs gives is removed, however it was granted (so a
      role given by hand lasts until their next single sign-on). While no mapping
      gives a role, roles are left to the Administrator's pages.
    - Business unit: if their groups map to exactly one (active) unit, it becomes
      theirs; if to several, theirs stays and a warning is logged; if to none, it
      stays. The officer role needs a unit: with none, it is withheld, with a warning.
    - A group value that no mapping names is ignored; values match whatever their case.
    - `groups` None means the token carried no groups claim at all (Entra ID leaves it
      out when someone is in too many groups, the "overage", and gives a link to fetch
      them instead): nothing is changed, with a warning, rather than every role
      removed. An empty list is a claim of no groups, and is applied.
    - A deactivated account is left exactly as it is (claims never switch it on), and
      so is a superuser's (policies.group_claims_refusal).

    Each role granted or removed is a RoleChange with no actor and the path "single
    sign-on group claims" (the portal acts on the provider's word, not the person, who
    may not change their own roles), shown in the account's history, with a line in the
    security log (`by=(single sign-on)`); a unit changed is in the account's own
    history, with the same reason, and the security log. `source` names the sign-in in
    the security log lines written here (`via=...`); `request` gives them the client's
    address (by default the request being served).
    """
    request = request or current_request()
    caller, person = person, User.objects.select_for_update().get(pk=person.pk)
    refusal = policies.group_claims_refusal(person)
    if refusal is None and groups is None:
        refusal = "the sign-in carried no groups claim"
    if refusal:
        log_group_claims(
            change=f"not applied: {refusal}",
            person=person,
            source=source,
            request=request,
            warning=groups is None,
        )
        return ClaimsApplied(refused=refusal)

    claimed = {value.strip().lower() for value in groups if isinstance(value, str)} - {""}
    mappings = list(
        GroupMapping.objects.alias(key=Lower("claim_value"))
        .filter(key__in=claimed)
        .select_related("business_unit")
    )
    lines: list[tuple[str, bool]] = []  # for the security log: (what, is a warning)
    units = {m.business_unit for m in mappings if m.business_unit and m.business_unit.is_active}
    unit = person.business_unit
    if len(units) == 1:
        unit = next(iter(units))
    elif len(units) > 1:
        names = ", ".join(sorted(u.name for u in units))
        kept = f"kept {unit or 'none'}"
        lines.append((f"groups map to several business units ({names}): {kept}", True))

    held = _held(person)
    roles = held
    if GroupMapping.objects.exclude(role="").exists():
        roles = {m.role for m in mappings if m.role}
        if policies.officer_unit_refusal(roles, unit):
            roles.discard(Role.OFFICER.value)
            lines.append((f"{Role.OFFICER.value} role withheld: no business unit", True))

    # The portal acts, on the provider's word: no one is named as the actor
    # (role_changes and django-simple-history read these), and the path says why.
    person._history_user = None
    person._change_path = ChangePath.SINGLE_SIGN_ON
    person._change_reason = ChangePath.SINGLE_SIGN_ON.label
    if roles != held:
        _roles_apply(actor=None, person=person, roles=roles)
    unit_changed = unit != person.business_unit
    if unit_changed:
        was = person.business_unit
        person.business_unit = unit
        # Only the unit: the rest of the account is not the claims' to validate.
        person.save(update_fields=["business_unit"])
        lines.insert(0, (f"business unit changed from {was or 'none'} to {unit}", False))

    def log():
        for change, warning in lines:
            log_group_claims(
                change=change, person=person, source=source, request=request, warning=warning
            )

    transaction.on_commit(log)
    # The caller's copy of the account (often request.user) reads as it now is.
    caller.business_unit = person.business_unit
    caller.__dict__.pop("_portal_roles", None)
    return ClaimsApplied(
        granted=frozenset(roles - held),
        removed=frozenset(held - roles),
        business_unit_changed=unit_changed,
    )
