"""Reads of accounts, their roles and business units, as ready querysets."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet

from common.history import Change, HistoryEntry, history_entries
from common.roles import Role

from ..choices import ChangePath, RoleChangeKind
from ..models import BusinessUnit, GroupMapping, RoleChange, SecondFactorChange, User

NONE = "none"  # the filter value for "no role" and "no business unit"


@dataclass(frozen=True)
class AccountFilters:
    """What the account list is narrowed to; blank means any."""

    role: str = ""  # a Role value, or NONE
    unit: str = ""  # a business unit's id, or NONE
    status: str = ""  # "active", "inactive"
    search: str = ""  # part of a name, username or e-mail address

    @classmethod
    def from_query(cls, query) -> "AccountFilters":
        """The filters in a page's query string; anything not understood is ignored."""
        role = query.get("role", "")
        unit = query.get("unit", "")
        status = query.get("status", "")
        return cls(
            role=role if role in {*Role.values, NONE} else "",
            unit=unit if unit == NONE or (unit.isdecimal() and len(unit) < 19) else "",
            status=status if status in {"active", "inactive"} else "",
            search=query.get("q", "").strip()[:100],
        )


def _role_groups() -> QuerySet[Group]:
    return Group.objects.filter(name__in=Role.values)


def accounts(filters: AccountFilters = AccountFilters()) -> QuerySet[User]:
    """Accounts with their unit and groups, in two queries, narrowed by `filters`."""
    people = User.objects.select_related("business_unit").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )
    if filters.role == NONE:
        people = people.exclude(groups__in=_role_groups())
    elif filters.role:
        people = people.filter(groups__name=filters.role)
    if filters.unit == NONE:
        people = people.filter(business_unit__isnull=True)
    elif filters.unit:
        people = people.filter(business_unit_id=int(filters.unit))
    if filters.status:
        people = people.filter(is_active=filters.status == "active")
    if filters.search:
        words = Q()
        for field in ("username", "first_name", "last_name", "email"):
            words |= Q(**{f"{field}__icontains": filters.search})
        people = people.filter(words)
    return people.distinct()


def business_units() -> QuerySet[BusinessUnit]:
    """Every business unit, with how many active accounts and officers it has."""
    active = Q(members__is_active=True)
    return BusinessUnit.objects.annotate(
        active_accounts=Count("members", filter=active, distinct=True),
        active_officers=Count(
            "members", filter=active & Q(members__groups__name=Role.OFFICER.value), distinct=True
        ),
    )


def unit_choices() -> QuerySet[BusinessUnit]:
    return BusinessUnit.objects.filter(is_active=True)


# Second factors by the names people know them by.
FACTOR_NAMES = {
    Authenticator.Type.TOTP: "Authenticator app",
    Authenticator.Type.WEBAUTHN: "Passkey or security key",
    Authenticator.Type.RECOVERY_CODES: "Recovery codes",
}


def second_factors(person: User) -> list[str]:
    """The names of the second factors an account has, for the Administrator (never
    their secrets)."""
    kinds = Authenticator.objects.filter(user=person).values_list("type", flat=True)
    return [FACTOR_NAMES[kind] for kind in FACTOR_NAMES if kind in set(kinds)]


def account_history(person: User, *, viewer: User) -> list[HistoryEntry]:
    """Changes to the account's details, its roles and its second factors, newest
    first. The roles' changes are RoleChange rows: those made together (one edit) are
    one entry."""
    entries = history_entries(person, user=viewer)
    for change in SecondFactorChange.objects.filter(person=person).select_related("actor"):
        summary = change.get_kind_display()
        if change.factor:
            summary += f": {FACTOR_NAMES.get(change.factor, change.factor)}"
        entries.append(
            HistoryEntry(
                when=change.at,
                who=_name(change.actor),
                action="Changed",
                part="",
                changes=[
                    Change("Second factors", summary=summary)
                ],
            )
        )
    changes = RoleChange.objects.filter(person=person).select_related("actor").order_by("at", "pk")
    groups: dict[tuple, list[RoleChange]] = {}
    for change in changes:
        groups.setdefault((change.at, change.actor_id, change.path), []).append(change)
    for rows in groups.values():
        first = rows[0]
        said = [
            f"{kind.label.lower()}: {', '.join(row.role for row in rows if row.kind == kind)}"
            for kind in (RoleChangeKind.GRANTED, RoleChangeKind.REMOVED)
            if any(row.kind == kind for row in rows)
        ]
        text = "; ".join(said)
        entries.append(
            HistoryEntry(
                when=first.at,
                who=_who(first),
                action="Changed",
                part="",
                changes=[Change("Roles", summary=text[0].upper() + text[1:])],
            )
        )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _name(actor: User | None) -> str:
    return (actor.get_full_name() or actor.get_username()) if actor else "System"


def _who(change: RoleChange) -> str:
    actor = change.actor
    if actor is None and change.path == ChangePath.SINGLE_SIGN_ON:
        return f"The portal ({change.get_path_display()})"
    name = _name(actor)
    if change.path == ChangePath.PORTAL:
        return name
    return f"{name}, in {change.get_path_display()}"


def group_mappings() -> QuerySet[GroupMapping]:
    return GroupMapping.objects.select_related("business_unit")


def roles_mapped() -> bool:
    """Whether any mapping gives a role: single sign-on then sets everyone's roles."""
    return GroupMapping.objects.exclude(role="").exists()


def removed_group_mappings(limit: int = 20) -> QuerySet:
    """The latest removals of mappings, from their history: what each gave, who
    removed it and when."""
    return (
        GroupMapping.history.filter(history_type="-")
        .select_related("history_user", "business_unit")
        .order_by("-history_date", "-history_id")[:limit]
    )
