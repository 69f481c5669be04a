"""The Administrator cannot make a superuser, grant model permissions, change their own
roles or touch a superuser's account, through any URL the portal serves (issue 11).

The URLs are walked from the URL patterns, Django's admin included, not kept by hand:
each portal URL is built as its app's access cases build it (with the account it acts
on set to the Administrator's own, to a superuser's and to an officer's), and each
admin URL from its pattern's parameters. Signed in as the Administrator, the test reads
each page's form as a browser would, posts it filled in with every escalation a form
could carry added (superuser and staff flags, every group, every permission, every
role), and after each request checks that no privilege changed in the database.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from common.roles import Role
from governance.models import User
from governance.tests.factories import UserFactory

from .test_hostile_input import (  # noqa: F401 - the fixtures build each app's URLs
    LOCAL_APPS,
    common_objects,
    governance_objects,
    page_form,
    post,
    projects_objects,
    reports_objects,
    risks_objects,
)


def _access_cases():
    import importlib

    for app in LOCAL_APPS:
        for case in importlib.import_module(f"{app}.tests.test_access").ACCESS_CASES:
            yield app, case


def _admin_patterns(resolver=None, namespace=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _admin_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and namespace == "admin" and pattern.name:
            yield pattern


def privileges(administrator, root) -> dict:
    """Everything an escalation would change."""
    through = User.groups.through
    return {
        "superusers": set(User.objects.filter(is_superuser=True).values_list("pk", flat=True)),
        "staff": set(User.objects.filter(is_staff=True).values_list("pk", flat=True)),
        "account permissions": set(User.user_permissions.through.objects.values_list()),
        "group permissions": set(Group.permissions.through.objects.values_list()),
        "groups": set(Group.objects.values_list("pk", "name")),
        "own roles": set(through.objects.filter(user=administrator).values_list("group_id")),
        "superuser's roles": set(through.objects.filter(user=root).values_list("group_id")),
        "active": set(
            User.objects.filter(pk__in=[administrator.pk, root.pk]).values_list("pk", "is_active")
        ),
        "superuser's details": set(
            User.objects.filter(pk=root.pk).values_list("first_name", "email", "password")
        ),
    }


@pytest.fixture
def root(db):
    return UserFactory(username="root", first_name="Root", is_superuser=True, is_staff=True)


@pytest.fixture
def escalation(administrator, root):
    """What a form would carry to escalate, on top of what the page sends."""
    every_group = [str(pk) for pk in Group.objects.values_list("pk", flat=True)]
    return {
        "is_superuser": ["on"],
        "is_staff": ["on"],
        "groups": every_group,
        "user_permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)],
        "permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)],
        "roles": list(Role.values),
        "is_active": ["on"],
        "action": ["delete_selected"],
        "_selected_action": [str(administrator.pk), str(root.pk)],
    }


def _attempt(administrator, url, escalation):
    """GET the page as the Administrator, then POST its form with the escalation.
    Returns both answers."""
    client = Client()
    client.force_login(administrator)
    page = client.get(url)
    data = {**page_form(page).filled_in(), **escalation}
    client = Client()  # signed in afresh, in case the GET signed out
    client.force_login(administrator)
    return page, post(client, url, data)


def test_the_administrator_cannot_escalate_through_any_portal_url(
    administrator, root, officer, escalation, request
):
    before = privileges(administrator, root)
    tried = set()
    objects = {app: request.getfixturevalue(f"{app}_objects") for app in LOCAL_APPS}
    for app, case in _access_cases():
        targets = [objects[app]]
        if app == "governance":  # the accounts an account page acts on
            targets = [
                SimpleNamespace(**{**vars(objects[app]), "person": person})
                for person in (administrator, root, officer)
            ]
        for target in targets:
            url = case.url(target)
            if url in tried:
                continue
            tried.add(url)
            _attempt(administrator, url, escalation)
            assert privileges(administrator, root) == before, f"changed by POST {url}"
    assert len(tried) > 100


def _admin_url(pattern, *, target, user_history_id):
    regex = pattern.pattern.regex
    values = {
        "object_id": target.pk,
        "id": target.pk,
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "app_label": "governance",
        "url": "anything/",
    }
    kwargs = {name: values[name] for name in regex.groupindex}
    args = [target.pk, user_history_id][: regex.groups - len(regex.groupindex)]
    return reverse(f"admin:{pattern.name}", args=args or None, kwargs=kwargs or None)


def test_the_administrator_cannot_escalate_through_any_admin_url(
    administrator, root, officer, escalation
):
    assert administrator.is_staff  # a staff Administrator, as the demo account once was
    before = privileges(administrator, root)
    patterns = list(_admin_patterns())
    assert len(patterns) > 100
    for pattern in patterns:
        # An account's own pages are tried on the Administrator's, a superuser's and
        # an officer's account; any other model's on one id.
        accounts = pattern.name.startswith(("governance_user", "auth_user"))
        for target in (administrator, root, officer) if accounts else (administrator,):
            url = _admin_url(
                pattern, target=target, user_history_id=target.history.latest().history_id
            )
            page, response = _attempt(administrator, url, escalation)
            if pattern.name != "login":  # the admin's sign-in page, which refuses them
                assert page.status_code in (302, 404), url
                assert response.status_code in (302, 403, 404, 405), url
            assert privileges(administrator, root) == before, f"changed by POST {url}"


def test_the_walk_would_see_an_escalation(administrator, root):
    """The check itself: a superuser, a permission or a role of one's own shows."""
    before = privileges(administrator, root)
    administrator.groups.add(Group.objects.get(name=Role.HEAD_OF_ICT.value))
    assert privileges(administrator, root) != before
    administrator.groups.remove(Group.objects.get(name=Role.HEAD_OF_ICT.value))
    administrator.user_permissions.add(Permission.objects.first())
    assert privileges(administrator, root) != before


def test_the_administrator_sees_no_proposal_on_any_page_they_may_open(administrator, request):
    """Nothing in the workflow: no proposal, draft or not, on any page their role
    opens, found from every app's access cases."""
    objects = {app: request.getfixturevalue(f"{app}_objects") for app in LOCAL_APPS}
    made = objects["projects"]
    titles = {
        proposal.title
        for proposal in (
            made.draft,
            made.submitted,
            made.assessing,
            made.project.proposal,
        )
    }
    client = Client()
    client.force_login(administrator)
    opened = 0
    for app, case in _access_cases():
        if case.method != "get" or Role.ADMINISTRATOR not in case.allowed:
            continue
        response = client.get(case.url(objects[app]))
        if response.status_code != 200 or response.streaming:
            continue
        opened += 1
        shown = [title for title in titles if title in response.text]
        assert not shown, f"{case.url(objects[app])} shows {shown}"
    assert opened > 20
