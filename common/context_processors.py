from django.conf import settings

from .roles import GOVERNANCE_GROUP, Role, roles_of


def portal(request):
    """The council's name and the signed-in user's roles, for every template."""
    user_roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    match = getattr(request, "resolver_match", None)
    return {
        "nav_section": _nav_section(match),
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "user_roles": user_roles,
        "is_head_of_ict": Role.HEAD_OF_ICT in user_roles,
        "is_administrator": Role.ADMINISTRATOR in user_roles,
        "is_officer": Role.OFFICER in user_roles,
        "is_group_member": bool(user_roles & GOVERNANCE_GROUP),
        "is_chair": Role.CHAIR in user_roles,
    }


# The service navigation item each page belongs to: the first whose namespace matches
# and whose URL name starts with the prefix.
NAV_SECTIONS = [
    ("projects", "portfolio", "portfolio"),
    ("projects", "project", "projects"),
    ("projects", "criterion", "portfolio"),
    ("projects", "budget", "portfolio"),
    ("projects", "agenda", "meetings"),
    ("projects", "decide", "meetings"),
    ("projects", "", "proposals"),
    ("governance", "meeting", "meetings"),
    ("governance", "kpi", "kpis"),
    ("governance", "", "strategy"),
    ("risks", "", "risks"),
    ("reports", "", "reports"),
]


def _nav_section(match) -> str:
    if match is None:
        return ""
    for namespace, prefix, section in NAV_SECTIONS:
        if match.namespace == namespace and (match.url_name or "").startswith(prefix):
            return section
    return match.url_name or ""
