"""Three registers on one matrix: project, ICT and corporate. A risk rises one register
by escalation, which raises its own entry above, linked to its source; the two are
flagged while they are scored differently with no reason recorded."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.errors import WorkflowError
from common.fy import financial_year_of
from common.roles import Role
from governance.tests.factories import UserFactory
from projects.tests.factories import ProjectFactory
from risks import policies, selectors, services
from risks.choices import Register
from risks.lists import risk_list
from risks.models import Risk
from risks.tests.factories import RiskFactory, escalated_risk
from risks.tests.test_services import RISK


@pytest.fixture
def project(officer):
    """Managed by an officer of its unit, who reads the register as officers do."""
    return ProjectFactory(proposal__business_unit=officer.business_unit, project_manager=officer)


@pytest.fixture
def project_risk(project, risk_owner):
    risk = RiskFactory(register=Register.PROJECT, project=project, owner=risk_owner)
    risk.projects.add(project)
    return risk


def _annotated(risk):
    return selectors.register(status=None).get(pk=risk.pk)


# ----------------------------------------------------------------------- raising


def test_existing_and_imported_risks_are_in_the_ict_register(head_of_ict, risk_owner):
    risk = services.risk_create(user=head_of_ict, fields={**RISK, "owner": risk_owner})
    assert risk.register == Register.ICT and risk.project is None


def test_a_project_risk_belongs_to_its_project(head_of_ict, risk_owner, project):
    risk = services.risk_create(
        user=head_of_ict,
        fields={**RISK, "owner": risk_owner, "register": Register.PROJECT, "project": project},
    )
    assert (risk.register, risk.project) == (Register.PROJECT, project)
    assert list(risk.projects.all()) == [project]


def test_a_project_risk_without_a_project_is_refused(head_of_ict, risk_owner):
    with pytest.raises(ValidationError):
        services.risk_create(
            user=head_of_ict, fields={**RISK, "owner": risk_owner, "register": Register.PROJECT}
        )
    assert not Risk.objects.exists()


# ------------------------------------------------------------------- escalating


def test_project_manager_escalates_a_project_risk_to_the_ict_register(
    project, project_risk, head_of_ict
):
    manager = project.project_manager
    above = services.risk_escalate(
        user=manager, risk=project_risk, owner=head_of_ict, reason="Threatens two themes"
    )
    assert above.register == Register.ICT and above.escalated_from == project_risk
    assert (above.owner, above.escalated_by) == (head_of_ict, manager)
    assert above.residual_score == project_risk.residual_score
    assert list(above.projects.all()) == [project]
    project_risk.refresh_from_db()
    assert project_risk.status == "open"  # the source stays open, in its own register
    assert _annotated(project_risk).escalated_to_reference == above.reference
    record = above.history.earliest()
    assert record.history_user == manager and record.escalation_reason == "Threatens two themes"


def test_only_the_head_of_ict_escalates_to_the_corporate_register(
    project, project_risk, head_of_ict, member
):
    ict = services.risk_escalate(
        user=head_of_ict, risk=project_risk, owner=member, reason="Council-wide"
    )
    for someone in (project.project_manager, member):  # member owns the ICT entry
        assert not policies.may_escalate_risk(someone, ict)
        with pytest.raises(PermissionDenied):
            services.risk_escalate(user=someone, risk=ict, owner=member, reason="Up")
    corporate = services.risk_escalate(user=head_of_ict, risk=ict, owner=member, reason="Up")
    assert corporate.register == Register.CORPORATE and corporate.escalated_from == ict
    assert not policies.may_escalate_risk(head_of_ict, _annotated(corporate))  # the top


def test_another_projects_manager_cannot_escalate_a_project_risk(project_risk, member):
    stranger = ProjectFactory().project_manager
    with pytest.raises(PermissionDenied):
        services.risk_escalate(user=stranger, risk=project_risk, owner=member, reason="Up")


def test_escalating_needs_a_reason_and_happens_once(project_risk, head_of_ict, member):
    with pytest.raises(ValidationError):
        services.risk_escalate(user=head_of_ict, risk=project_risk, owner=member, reason=" ")
    services.risk_escalate(user=head_of_ict, risk=project_risk, owner=member, reason="Up")
    with pytest.raises(WorkflowError):
        services.risk_escalate(user=head_of_ict, risk=project_risk, owner=member, reason="Again")
    assert Risk.objects.filter(escalated_from=project_risk).count() == 1


def test_a_closed_risk_is_not_escalated(head_of_ict, member):
    risk = RiskFactory(status="closed", closed_reason="Gone")
    with pytest.raises(WorkflowError):
        services.risk_escalate(user=head_of_ict, risk=risk, owner=member, reason="Up")


# ---------------------------------------------------------------------- mismatch


def test_different_scores_are_flagged_on_both_entries(head_of_ict):
    above = escalated_risk()
    source = above.escalated_from
    assert _annotated(above).score_mismatch and _annotated(source).score_mismatch
    assert not _annotated(RiskFactory()).score_mismatch


def test_the_flag_goes_when_the_scores_agree(head_of_ict):
    above = escalated_risk()
    services.risk_review(
        user=head_of_ict, risk=above, residual_likelihood=2, residual_impact=2, note="Agreed."
    )
    assert not _annotated(above).score_mismatch
    assert not _annotated(above.escalated_from).score_mismatch


def test_a_reason_lowers_the_flag_until_either_score_moves(head_of_ict):
    above = escalated_risk()
    services.risk_explain_difference(
        user=head_of_ict, risk=above, reason="Corporate sees the wider impact."
    )
    assert not _annotated(above).score_mismatch
    assert not _annotated(above.escalated_from).score_mismatch
    services.risk_review(
        user=head_of_ict,
        risk=above.escalated_from,
        residual_likelihood=1,
        residual_impact=2,
        note="Controls in place.",
    )
    assert _annotated(above).score_mismatch and _annotated(above.escalated_from).score_mismatch


def test_only_the_head_of_ict_or_owner_explain_a_difference(member, head_of_ict):
    above = escalated_risk()
    with pytest.raises(PermissionDenied):
        services.risk_explain_difference(user=member, risk=above, reason="Because")
    with pytest.raises(ValidationError):
        services.risk_explain_difference(user=above.owner, risk=above, reason="")
    services.risk_explain_difference(user=above.owner, risk=above, reason="Because")


def test_equal_scores_need_no_reason(head_of_ict):
    above = escalated_risk(residual_likelihood=2, residual_impact=2)
    with pytest.raises(WorkflowError):
        services.risk_explain_difference(user=head_of_ict, risk=above, reason="Because")


# -------------------------------------------------------------- the paths out


def test_register_filter_and_columns(head_of_ict):
    above = escalated_risk()
    source = above.escalated_from
    project_risk = RiskFactory(register=Register.PROJECT, project=ProjectFactory())
    filterset = risk_list.filterset(head_of_ict, {"register": "corporate"})
    assert list(filterset.qs) == [above]
    listed = risk_list.rows(head_of_ict, risk_list.filterset(head_of_ict, {}))
    header, rows = risk_list.table(listed)
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_reference[above.reference]["Register"] == "Corporate register"
    assert by_reference[above.reference]["Escalated from"] == source.reference
    assert by_reference[source.reference]["Escalated to"] == above.reference
    assert by_reference[source.reference]["Scores differ between registers"] is True
    assert by_reference[project_risk.reference]["Project"] == str(project_risk.project)


def test_pages_show_the_thread_and_the_flag_in_words(head_of_ict, client_for):
    above = escalated_risk()
    source = above.escalated_from
    client = client_for(head_of_ict)
    page = client.get(source.get_absolute_url()).content.decode()
    assert f"Escalated to {above.reference}" in page and "Scores differ between registers" in page
    page = client.get(above.get_absolute_url()).content.decode()
    assert "Escalated from" in page and source.reference in page
    assert "Record why the registers score it differently" in page
    listed = client.get(reverse("risks:risk-list") + "?register=ict").content.decode()
    assert "Scores differ between registers" in listed and above.title not in listed
    heat = client.get(reverse("risks:heat-map") + "?register=corporate").content.decode()
    assert "The corporate register only." in heat and "register=corporate" in heat


def test_escalate_page_raises_the_entry_above(head_of_ict, member, client_for):
    risk = RiskFactory()
    response = client_for(head_of_ict).post(
        reverse("risks:risk-escalate", args=[risk.pk]),
        {"owner": member.pk, "reason": "Council-wide impact"},
    )
    above = Risk.objects.get(escalated_from=risk)
    assert response.status_code == 302 and response["Location"] == above.get_absolute_url()
    assert above.register == Register.CORPORATE and above.owner == member


def test_escalate_page_is_refused_to_whoever_may_not(client_for, project_risk):
    someone = UserFactory(roles=[Role.MEMBER])
    url = reverse("risks:risk-escalate", args=[project_risk.pk])
    assert client_for(someone).get(url).status_code == 403
    assert client_for(project_risk.project.project_manager).get(url).status_code == 200


def test_a_project_risks_project_is_named_only_to_those_who_may_see_it(
    officer, head_of_ict, client_for
):
    risk = RiskFactory(register=Register.PROJECT, project=ProjectFactory())  # another unit
    name = str(risk.project)
    for user, shown in ((head_of_ict, True), (officer, False)):
        header, rows = risk_list.table(risk_list.rows(user, risk_list.filterset(user, {})))
        (row,) = [dict(zip(header, r, strict=True)) for r in rows]
        assert row["Project"] == (name if shown else "Not shown: a project you cannot see")
        csv = client_for(user).get(reverse("risks:export-csv")).content.decode()
        page = client_for(user).get(risk.get_absolute_url()).content.decode()
        assert (name in csv, name in page) == (shown, shown)


def test_the_api_filters_by_register_and_carries_the_thread(head_of_ict, officer):
    from rest_framework.test import APIClient

    above = escalated_risk()
    hidden = RiskFactory(register=Register.PROJECT, project=ProjectFactory())
    api = APIClient()
    api.force_login(head_of_ict)
    rows = api.get("/api/v1/risks/", {"register": "corporate"}).json()["results"]
    assert [(r["reference"], r["register"], r["escalated_from"]) for r in rows] == [
        (above.reference, "Corporate register", above.escalated_from.reference)
    ]
    assert rows[0]["score_mismatch"] is True
    api.force_login(officer)
    (row,) = api.get("/api/v1/risks/", {"register": "project"}).json()["results"]
    assert row["reference"] == hidden.reference and row["project"] is None


def test_the_annual_report_counts_an_escalated_risk_once_by_its_entry_above(head_of_ict):
    above = escalated_risk()
    source = above.escalated_from
    alone = RiskFactory()
    year = financial_year_of(datetime.date.today())

    def reported():
        summary = selectors.year_summary(year)
        return summary["open"], {row["reference"] for row in summary["top"]}

    assert reported() == (2, {above.reference, alone.reference})
    # Once the entry above is closed, the source reports the risk again.
    services.risk_close(user=head_of_ict, risk=above, reason="Managed at ICT level now.")
    assert reported() == (2, {source.reference, alone.reference})
