"""The Django admin is a superuser's break-glass tool: nobody else gets in, the portal's
own records are read-only there, and each list holds only what the same person may see
in the portal."""

import pytest
from django.contrib import admin
from django.urls import reverse

from common.roles import Role
from common.services import save_with_history
from governance.models import BusinessUnit, CorporateObjective, Strategy
from governance.tests.factories import BusinessUnitFactory, UserFactory
from projects.choices import ProposalStatus
from projects.models import Assessment, Proposal
from projects.tests.factories import ProposalFactory


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _changelist(client, model):
    opts = model._meta
    return client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def test_the_admin_lets_in_superusers_only(administrator, users_by_role, root, client_for):
    assert administrator.is_staff  # even a staff Administrator
    for user in users_by_role.values():
        response = client_for(user).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert client_for(root).get(reverse("admin:index")).status_code == 200


def test_the_admin_has_no_sign_in_of_its_own(administrator, root, client, client_for):
    """Its sign-in is the portal's, where a superuser's second factor is asked for; a
    signed-in person who is not a superuser is refused, and nothing is signed in by a
    password posted to the admin."""
    index = reverse("admin:index")
    response = client.get(reverse("admin:login"), {"next": index})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2F"
    response = client.post(
        reverse("admin:login"),
        {"username": administrator.username, "password": "correct-horse-battery-staple"},
    )
    assert "_auth_user_id" not in client.session
    assert client_for(administrator).get(reverse("admin:login")).status_code == 403
    assert client_for(root).get(reverse("admin:login"))["Location"] == index


def test_the_administration_link_shows_only_to_those_the_admin_lets_in(
    administrator, root, client_for
):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link not in client_for(administrator).get(reverse("home")).text
    assert admin_link in client_for(root).get(reverse("home")).text


def test_the_portals_records_are_read_only_in_the_admin_even_for_superusers(
    root, client_for, strategy
):
    root.groups.add(*_role_groups(Role.HEAD_OF_ICT))
    client = client_for(root)
    for model, registered in admin.site._registry.items():
        if model._meta.app_label not in {"governance", "projects", "risks", "reports", "common"}:
            continue
        if model._meta.model_name == "user":
            continue  # how a superuser gives the first Administrator their role
        if model._meta.label in REFERENCE_DATA:
            continue  # no portal page edits it
        opts = model._meta
        assert not registered.has_add_permission(_request(root)), opts.label
        assert not registered.has_change_permission(_request(root)), opts.label
        assert not registered.has_delete_permission(_request(root)), opts.label
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert client.post(add, {}).status_code == 403, opts.label

    objective = strategy.themes.first().objectives.create(title="Kept", number=99)
    change = reverse("admin:governance_objective_change", args=[objective.pk])
    assert client.post(change, {"title": "Rewritten"}).status_code == 403
    objective.refresh_from_db()
    assert objective.title == "Kept"


REFERENCE_DATA = {
    "governance.Strategy", "governance.Theme", "governance.Principle",
    "governance.CorporateObjective",
}  # fmt: skip


def test_a_superuser_keeps_the_strategys_reference_data_with_history(root, client_for, strategy):
    """The strategy's themes and principles and the corporate objectives have no
    portal page: a superuser corrects them here, and history names them; nobody else
    may, and nothing is deleted. Like every list here, it shows only to a superuser
    who may read the strategy in the portal."""
    root.groups.set(_role_groups(Role.HEAD_OF_ICT))
    objective = CorporateObjective.objects.create(title="A thriving economy")
    change = reverse("admin:governance_corporateobjective_change", args=[objective.pk])
    response = client_for(root).post(change, {"title": "A strong, vibrant economy"})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "A strong, vibrant economy"
    assert objective.history.first().history_user == root
    request = _request(root)
    assert not admin.site._registry[CorporateObjective].has_delete_permission(request)


def test_reverting_from_history_in_the_admin_is_refused(root, client_for, strategy):
    root.groups.add(*_role_groups(Role.HEAD_OF_ICT))
    first = strategy.history.earliest()
    strategy.title = "The strategy as it now reads"
    save_with_history(strategy, user=root)
    url = reverse("admin:governance_strategy_simple_history", args=[strategy.pk, first.pk])
    client = client_for(root)
    assert client.get(url).status_code == 200
    # The form has no fields (nothing is editable), so any POST would be a valid revert.
    assert client.post(url, {}).status_code == 403
    assert Strategy.objects.get(pk=strategy.pk).title == "The strategy as it now reads"


def test_the_admin_lists_only_the_proposals_the_superuser_may_see(
    root, housing, finance, client_for
):
    root.business_unit = housing
    root.save()
    root.groups.add(*_role_groups(Role.OFFICER))
    own = ProposalFactory(title="Own unit draft", business_unit=housing)
    other = ProposalFactory(title="Other unit draft", business_unit=finance)
    client = client_for(root)
    listing = _changelist(client, Proposal).text
    assert own.title in listing and other.title not in listing
    for view in ("change", "history"):
        url = reverse(f"admin:projects_proposal_{view}", args=[other.pk])
        response = client.get(url)
        assert response.status_code in (302, 404), view
        assert other.title not in client.get(url, follow=True).text, view


def test_the_admin_lists_scores_only_where_the_viewer_may_see_them(
    root, housing, finance, client_for
):
    root.business_unit = finance
    root.save()
    root.groups.add(*_role_groups(Role.MEMBER))
    proposal = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    colleague = UserFactory(roles=[Role.MEMBER])
    Assessment.objects.create(proposal=proposal, assessor=colleague, weighted_score=87)
    client = client_for(root)
    assert _changelist(client, Assessment).context["cl"].result_count == 0

    Assessment.objects.create(proposal=proposal, assessor=root, weighted_score=40)
    assert _changelist(client, Assessment).context["cl"].result_count == 2


def test_a_superuser_without_a_role_sees_none_of_the_portals_records(root, client_for, strategy):
    ProposalFactory(status=ProposalStatus.SUBMITTED)
    BusinessUnitFactory()
    client = client_for(root)
    for model in (Strategy, Proposal, BusinessUnit):
        assert _changelist(client, model).context["cl"].result_count == 0, model


def _role_groups(*roles):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=[role.value for role in roles])


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
