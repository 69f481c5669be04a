from django.conf import settings
from django.contrib import admin

from .roles import roles_of
from .signin.factors import second_factor_required


def portal(request):
    """The council's name and the signed-in user's roles, for every template. Which
    links and buttons show is asked of each page's own rule ({% may_open %}), never
    decided here by role."""
    user_roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    match = getattr(request, "resolver_match", None)
    return {
        "nav_section": _nav_section(match),
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "user_roles": user_roles,
        # Whether the sign-in page offers every account a password (common.signin).
        "local_passwords": settings.LOCAL_PASSWORDS,
        "second_factor_required": hasattr(request, "user") and second_factor_required(request.user),
        # Django's admin keeps its own rule.
        "can_open_admin": hasattr(request, "user") and admin.site.has_permission(request),
    }


# The service navigation item each page belongs to: the first whose namespace matches
# and whose URL name starts with the prefix.
NAV_SECTIONS = [
    ("projects", "portfolio", "portfolio"),
    ("projects", "project", "projects"),
    ("projects", "contract", "projects"),
    ("projects", "transparency", "projects"),
    ("projects", "criterion", "portfolio"),
    ("projects", "tcop", "portfolio"),
    ("projects", "budget", "portfolio"),
    ("projects", "scenario", "portfolio"),
    ("projects", "agenda", "meetings"),
    ("projects", "decide", "meetings"),
    ("projects", "", "proposals"),
    ("governance", "meeting", "meetings"),
    ("governance", "kpi", "kpis"),
    ("governance", "account", "accounts"),
    ("governance", "business-unit", "accounts"),
    ("governance", "group-mapping", "accounts"),
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
