"""Dates and amounts checked against each other and against today: by the forms, with
a message at the field, and by the services, however they are called."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from common.fy import financial_year_of
from governance import services as governance_services
from governance.tests.factories import TermsOfReferenceFactory
from projects import services
from projects.choices import Outcome, ProjectStatus, ProposalStatus
from projects.forms import ClosureForm
from projects.models import AgendaItem, ProgressUpdate
from projects.tests.factories import MeetingFactory, ProjectFactory, ProposalFactory

DAY = datetime.timedelta(days=1)
UPDATE = {
    "rag_overall": "green", "rag_time": "green", "rag_cost": "green", "rag_scope": "green",
    "percent_complete": 10, "actual_spend_to_date": Decimal(100), "narrative": "On track",
}  # fmt: skip


def _date_boxes(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def project(officer):
    return ProjectFactory(
        proposal__business_unit=officer.business_unit,
        proposal__created_by=officer,
        started_on=timezone.localdate() - 30 * DAY,
    )


def test_a_progress_update_dated_in_the_future_is_refused_by_the_service(project, officer):
    tomorrow = timezone.localdate() + DAY
    with pytest.raises(ValidationError) as refused:
        services.progress_update_add(
            project=project, user=officer, fields={**UPDATE, "reported_on": tomorrow}
        )
    assert refused.value.message_dict == {
        "reported_on": ["The date of the update must be today or in the past"]
    }
    assert not ProgressUpdate.objects.exists()


def test_a_progress_update_dated_before_the_project_started_is_refused(project, officer):
    day_before = project.started_on - DAY
    with pytest.raises(ValidationError) as refused:
        services.progress_update_add(
            project=project, user=officer, fields={**UPDATE, "reported_on": day_before}
        )
    started = project.started_on
    assert refused.value.message_dict["reported_on"] == [
        f"The date of the update must be on or after {started.day} {started:%B %Y}, "
        "when the project started"
    ]


@pytest.mark.parametrize(
    ("days_from_start", "message"),
    [
        (31, "The date of the update must be today or in the past"),
        (-1, "The date of the update must be on or after"),
    ],
)
def test_the_progress_update_form_says_what_is_wrong_with_its_date(
    project, officer, client_for, days_from_start, message
):
    day = project.started_on + days_from_start * DAY
    response = client_for(officer).post(
        reverse("projects:progress-update-create", args=[project.pk]),
        {**UPDATE, **_date_boxes("reported_on", day)},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["reported_on"])
    assert not ProgressUpdate.objects.exists()


def test_a_project_cannot_be_closed_before_it_starts(officer):
    starts = timezone.localdate() + 10 * DAY
    project = ProjectFactory(
        proposal__business_unit=officer.business_unit,
        proposal__created_by=officer,
        started_on=starts,
    )
    with pytest.raises(ValidationError) as refused:
        services.project_close(
            project=project, user=officer, summary="Done", non_cashable_realised="", realised={}
        )
    assert refused.value.messages == [
        f"You can close this project from {starts.day} {starts:%B %Y}, when it starts"
    ]
    project.refresh_from_db()
    assert (project.status, project.closed_on) == (ProjectStatus.IN_DELIVERY, None)


def test_savings_realised_cannot_be_recorded_for_a_year_not_yet_started(project, officer):
    next_year = financial_year_of(timezone.localdate()) + 1
    with pytest.raises(ValidationError) as refused:
        services.project_close(
            project=project,
            user=officer,
            summary="Done",
            non_cashable_realised="",
            realised={next_year: Decimal(500)},
        )
    assert "that financial year has not started" in refused.value.message_dict["realised"][0]
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_DELIVERY


def test_the_closure_form_asks_only_for_years_that_have_started():
    this_year = financial_year_of(timezone.localdate())
    form = ClosureForm(planned={this_year - 1: 1, this_year: 2, this_year + 1: 3})
    assert form.years == [this_year - 1, this_year]
    assert f"realised_{this_year + 1}" not in form.fields


def test_a_proposals_costs_cannot_start_in_a_year_before_the_project(officer, client_for):
    proposal = ProposalFactory(
        business_unit=officer.business_unit, created_by=officer, complete=True
    )
    fields = {"start_date": datetime.date(2027, 5, 1), "first_financial_year": 2026}
    with pytest.raises(ValidationError) as refused:
        services.proposal_save_draft(proposal=proposal, user=officer, fields=fields)
    assert refused.value.message_dict["first_financial_year"] == [
        "The first financial year must be 2027/28 or later: the project starts on 1 May 2027"
    ]
    proposal.refresh_from_db()
    assert proposal.start_date == datetime.date(2026, 6, 1)


def test_the_business_case_form_refuses_costs_before_the_start_at_the_year(officer, client_for):
    proposal = ProposalFactory(
        business_unit=officer.business_unit, created_by=officer, complete=True
    )
    url = reverse("projects:proposal-edit", args=[proposal.pk])
    response = client_for(officer).post(
        url,
        {
            "title": proposal.title,
            "first_financial_year": "2026",
            **_date_boxes("start_date", datetime.date(2027, 5, 1)),
            **_date_boxes("end_date", datetime.date(2028, 3, 31)),
            "personal_data": "yes",
            "security_impact": "low",
            "save_draft": "Save as draft",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_financial_year"] == [
        "The first financial year must be 2027/28 or later: the project starts on 1 May 2027"
    ]


def test_a_proposal_cannot_end_before_it_starts(officer):
    proposal = ProposalFactory(
        business_unit=officer.business_unit, created_by=officer, complete=True
    )
    with pytest.raises(ValidationError) as refused:
        services.proposal_save_draft(
            proposal=proposal, user=officer, fields={"end_date": datetime.date(2026, 5, 31)}
        )
    assert refused.value.message_dict["end_date"] == [
        "The end date must be on or after 1 June 2026, the start date"
    ]


def test_a_deferred_proposal_is_revisited_after_the_meeting(chair, member, housing):
    TermsOfReferenceFactory(minimum_quorum=2)
    meeting = MeetingFactory(chair=chair, quorum=2, in_session=True)
    governance_services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    proposal = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    AgendaItem.objects.create(meeting=meeting, proposal=proposal, position=1)
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=proposal,
            user=chair,
            meeting=meeting,
            outcome=Outcome.DEFERRED,
            rationale="Wait for the budget.",
            revisit_date=timezone.localdate(meeting.starts_at),
        )
    assert refused.value.message_dict["revisit_date"][0].startswith(
        "The date to revisit must be after"
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_ASSESSMENT
