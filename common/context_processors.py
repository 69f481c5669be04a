from django.conf import settings

from .roles import GOVERNANCE_GROUP, Role, roles_of


def portal(request):
    """The council's name and the signed-in user's roles, for every template."""
    user_roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    match = getattr(request, "resolver_match", None)
    return {
        "nav_section": match.namespace if match else "",
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "user_roles": user_roles,
        "is_head_of_ict": Role.HEAD_OF_ICT in user_roles,
        "is_administrator": Role.ADMINISTRATOR in user_roles,
        "is_officer": Role.OFFICER in user_roles,
        "is_group_member": bool(user_roles & GOVERNANCE_GROUP),
        "is_chair": Role.CHAIR in user_roles,
    }
