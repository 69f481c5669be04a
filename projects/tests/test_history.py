"""A proposal's and a project's history, as a person reads it: names, links in words,
money, local times, no empty entries, the parts, and scores only for those who may
see them."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.history import history_entries
from common.roles import Role
from governance import services as governance_services
from governance.models import Objective
from governance.tests.factories import ObjectiveFactory, TermsOfReferenceFactory, UserFactory
from projects import services
from projects.choices import ProcurementRoute, ProposalStatus
from projects.models import Attachment, Criterion, Proposal
from projects.policies import may_see_scores
from projects.tests.factories import MeetingFactory, ProjectFactory, ProposalFactory


@pytest.fixture
def objectives(strategy):
    themes = list(strategy.themes.all())
    return [
        ObjectiveFactory(theme=themes[n % len(themes)], title=f"Objective number {n}")
        for n in range(10)
    ]


@pytest.fixture
def draft(officer, housing, strategy):
    return ProposalFactory(business_unit=housing, created_by=officer, strategy=strategy)


def _save(proposal, officer, **kwargs):
    return services.proposal_save_draft(
        proposal=proposal, user=officer, fields=kwargs.pop("fields", {}), **kwargs
    )


def _earlier(proposal, minutes=5):
    """Move what history holds so far back in time, so the next save reads as a later
    edit rather than part of the same one (those a person makes are minutes apart)."""
    proposal.history.update(history_date=F("history_date") - datetime.timedelta(minutes=minutes))


def _page(client, proposal) -> str:
    response = client.get(reverse("projects:proposal-history", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(page: str) -> str:
    """The page's text, tags out, entities read (O'Neill, not O&#x27;Neill) and spaces
    squeezed, as a reader meets it."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _ratings(*values):
    criteria = list(Criterion.objects.filter(is_active=True))
    return {c.pk: (v, f"Comment on {c.name}") for c, v in zip(criteria, values, strict=True)}


# ----------------------------------------------------------------------- readability


def test_links_read_as_added_and_removed_by_name(draft, officer, objectives, client_for):
    first, second, third = objectives[:3]
    _save(draft, officer, objectives=[first, second])
    _earlier(draft)
    _save(draft, officer, objectives=[first, third])

    text = _text(_page(client_for(officer), draft))

    assert f"Added: {third}; removed: {second}" in text
    assert f"Objectives it delivers Added: {first}, {second}" in text or (
        f"Objectives it delivers Added: {second}, {first}" in text
    )
    assert "Historical" not in text and ".None" not in text


def test_foreign_keys_read_by_name_choices_by_label_and_booleans_as_yes_or_no(
    draft, officer, client_for
):
    manager = UserFactory(first_name="Priya", last_name="Shah")
    _save(
        draft,
        officer,
        fields={
            "project_manager": manager,
            "procurement_route": ProcurementRoute.FRAMEWORK,
            "is_statutory": True,
            "statutory_basis": "The Care Act 2014.",
            "start_date": datetime.date(2026, 6, 1),
        },
    )

    text = _text(_page(client_for(officer), draft))

    assert "Project manager Not set Priya Shah" in text
    assert f"Procurement route Not set {ProcurementRoute.FRAMEWORK.label}" in text
    assert "Statutory or mandatory No Yes" in text
    assert "Start date Not set 1 June 2026" in text
    assert f"Business unit {draft.business_unit.name}" in text  # in the created entry
    assert f"#{manager.pk}" not in text


def test_a_link_to_a_deleted_object_reads_by_its_last_name(draft, officer, strategy, client_for):
    theme = strategy.themes.get(number=5)
    gone = Objective.objects.create(theme=theme, title="Archive the paper files")
    _save(draft, officer, objectives=[gone])
    _earlier(draft)
    _save(draft, officer, objectives=[])
    name = str(gone)
    gone._history_user = officer
    gone.delete()

    text = _text(_page(client_for(officer), draft))

    assert f"Added: {name} (deleted)" in text
    assert f"Removed: {name} (deleted)" in text


def test_an_object_history_forgot_reads_as_deleted(draft, officer, strategy, client_for):
    theme = strategy.themes.get(number=5)
    gone = Objective.objects.create(theme=theme, title="Something nobody recorded")
    _save(draft, officer, objectives=[gone])
    history = gone.history.model.objects.filter(id=gone.pk)
    gone._history_user = officer
    gone.delete()
    history.delete()

    text = _text(_page(client_for(officer), draft))

    assert "Added: (deleted objective)" in text
    assert "Something nobody recorded" not in text


def test_money_reads_in_pounds_and_years_as_financial_years(draft, officer, client_for):
    _save(draft, officer, years={2026: {"capital_cost": Decimal("600000"),
                                        "revenue_cost": Decimal("1610.50")}})  # fmt: skip
    _save(draft, officer, years={2026: {"capital_cost": Decimal("1610"),
                                        "revenue_cost": Decimal("1610.50")}})  # fmt: skip

    text = _text(_page(client_for(officer), draft))

    assert "Costs and savings for 2026/27: added by" in text
    assert "Capital cost £600,000" in text and "Revenue cost £1,610.50" in text
    assert "Costs and savings for 2026/27: changed by" in text
    assert "Capital cost £600,000 £1,610" in text
    assert "600000" not in text


def test_times_read_in_the_councils_time_zone_to_the_minute(draft, officer, client_for):
    # 14:27 UTC on 6 July is 3:27pm in London, where summer time is in force.
    when = datetime.datetime(2026, 7, 6, 14, 27, 31, 123456, tzinfo=datetime.UTC)
    draft.history.update(history_date=when)

    page = _page(client_for(officer), draft)

    assert "6 July 2026 at 3:27pm" in _text(page)
    assert "123456" not in page and "14:27" not in page and "UTC" not in page


def test_a_save_that_changes_nothing_a_person_sees_is_not_listed(draft, officer, client_for):
    _save(draft, officer, fields={"sponsor": "Director of Housing"})
    for _ in range(3):
        _save(draft, officer, fields={"sponsor": "Director of Housing"}, objectives=[])

    entries = history_entries(draft, user=officer)
    text = _text(_page(client_for(officer), draft))

    assert [e.action for e in entries if not e.part] == ["Changed", "Created"]
    assert "No field values changed" not in text
    assert text.count("Changed by") == 1


def test_an_object_whose_history_begins_with_a_change_shows_what_it_holds(
    draft, officer, client_for
):
    draft.history.all().delete()
    _save(draft, officer, fields={"sponsor": "Director of Housing"})

    text = _text(_page(client_for(officer), draft))

    assert "Sponsor Not set Director of Housing" in text
    assert f"Title Not set {draft.title}" in text


def test_created_and_deleted_parts_are_always_listed(draft, officer, client_for):
    attachment = Attachment.objects.create(
        proposal=draft, file="proposals/x/a.pdf", original_name="costs.pdf", kind="PDF",
        content_type="application/pdf", size=9, uploaded_by=officer,
    )  # fmt: skip
    attachment._history_user = officer
    attachment.delete()

    text = _text(_page(client_for(officer), draft))

    assert "Document costs.pdf: added by" in text
    assert "Document costs.pdf: removed by" in text
    assert "proposals/x/a.pdf" not in text


# ----------------------------------------------------------------------------- parts


@pytest.fixture
def decided(officer, housing, strategy, head_of_ict, member, chair):
    """A proposal through its whole workflow: themes, costs, scored by the member and
    the chair, put on an agenda and approved."""
    proposal = ProposalFactory(
        business_unit=housing, created_by=officer, strategy=strategy, complete=True
    )
    services.proposal_submit(proposal=proposal, user=officer)
    services.proposal_start_triage(proposal=proposal, user=head_of_ict)
    proposal = services.proposal_accept(proposal=proposal, user=head_of_ict)
    services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(5, 4, 3, 2, 1))
    services.assessment_submit(proposal=proposal, user=chair, ratings=_ratings(1, 1, 1, 1, 1))
    TermsOfReferenceFactory(minimum_quorum=2)
    meeting = MeetingFactory(chair=chair, title="ICT Governance Group", in_session=True)
    governance_services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    services.agenda_add(meeting=meeting, proposal=proposal, user=chair)
    services.proposal_decide(
        proposal=proposal, user=chair, meeting=meeting, outcome="approved", rationale="Fits."
    )
    proposal.refresh_from_db()
    return proposal


def test_a_proposals_history_shows_its_themes_costs_workflow_scores_and_decision(
    decided, head_of_ict, member, client_for
):
    text = _text(_page(client_for(head_of_ict), decided))

    theme = decided.strategy.themes.get(number=1)
    assert f"Serves {theme}: added by" in text
    assert "Costs and savings for 2026/27: added by" in text and "£50,000" in text
    assert "Moved from Submitted to In triage: added by Hannah Ives" in text
    assert f"Assessment by {member}: added by {member}" in text and "Weighted score 67" in text
    assert f"Assessment by {member}, Strategic alignment: added by" in text
    assert "Score 5" in text and "Comment on Strategic alignment" in text
    assert "Decision at ICT Governance Group" in text and "Approve" in text


def test_a_member_sees_scores_in_history_only_after_scoring(
    officer, housing, strategy, head_of_ict, member, chair, client_for
):
    proposal = ProposalFactory(
        business_unit=housing, created_by=officer, strategy=strategy, complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
    )  # fmt: skip
    services.assessment_submit(proposal=proposal, user=chair, ratings=_ratings(1, 2, 3, 4, 5))

    before = _text(_page(client_for(member), proposal))
    services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(5, 4, 3, 2, 1))
    after = _text(_page(client_for(member), proposal))

    assert "Assessment by" not in before and "Comment on Risk" not in before
    assert "Weighted score" not in before
    assert "Assessment by" in after and "Comment on Risk" in after
    assert "Weighted score" in after


def test_a_conflict_declaration_is_hidden_like_a_score(
    officer, housing, strategy, head_of_ict, member, chair, client_for
):
    proposal = ProposalFactory(
        business_unit=housing, created_by=officer, strategy=strategy, complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
    )  # fmt: skip
    services.conflict_declare(proposal=proposal, user=chair, note="My partner bids for this.")
    services.conflict_declare(proposal=proposal, user=member, note="I sit on the supplier board.")

    assert "My partner bids for this." in _page(client_for(head_of_ict), proposal)
    for viewer in (member, chair, officer):
        page = _page(client_for(viewer), proposal)
        assert "My partner bids" not in page and "supplier board" not in page, viewer


def test_the_proposing_unit_sees_scores_in_history_once_decided(decided, officer, client_for):
    assert "Assessment by" in _text(_page(client_for(officer), decided))


def test_the_proposing_unit_does_not_see_scores_in_history_while_awaiting_a_decision(
    officer, housing, strategy, member, client_for
):
    proposal = ProposalFactory(
        business_unit=housing, created_by=officer, strategy=strategy, complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
    )  # fmt: skip
    services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(5, 4, 3, 2, 1))

    page = _page(client_for(officer), proposal)

    assert "Assessment by" not in page and "Comment on" not in page


def test_a_projects_history_shows_its_progress_updates_and_benefits(
    officer, housing, head_of_ict, client_for
):
    project = ProjectFactory(proposal__business_unit=housing, proposal__created_by=officer)
    services.progress_update_add(
        project=project,
        user=head_of_ict,
        fields={
            "reported_on": timezone.localdate(), "rag_overall": "amber", "rag_time": "green",
            "rag_cost": "amber", "rag_scope": "green", "percent_complete": 40,
            "narrative": "Supplier onboarded.", "actual_spend_to_date": Decimal("125000"),
        },
    )  # fmt: skip
    services.project_close(
        project=project, user=head_of_ict, summary="Delivered.", non_cashable_realised="",
        realised={2026: Decimal("8000")},
    )  # fmt: skip

    response = client_for(head_of_ict).get(reverse("projects:project-history", args=[project.pk]))
    text = _text(response.content.decode())

    assert "Progress update for " in text and "Overall RAG Amber" in text
    assert "Actual spend to date £125,000" in text
    assert "Savings realised in 2026/27: added by Hannah Ives" in text and "£8,000" in text
    assert "Status In delivery Closed" in text


def test_a_meetings_history_shows_its_attendance_agenda_and_decisions(
    decided, chair, member, client_for
):
    meeting = decided.decisions.get().meeting

    response = client_for(member).get(reverse("governance:meeting-history", args=[meeting.pk]))
    text = _text(response.content.decode())

    assert f"Attendance of {member}: added by" in text and "Status Present" in text
    assert f"Agenda: {decided}: added by" in text
    assert f"Decision on {decided}: added by" in text and "Outcome Approve" in text


# --------------------------------------------------------------------------- queries


def _history_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, proposal)
    return len(queries)


def test_the_history_page_reads_in_queries_that_do_not_grow_with_its_entries(
    decided, strategy, objectives, officer, head_of_ict, client_for
):
    def edit(times):
        Proposal.objects.filter(pk=decided.pk).update(status=ProposalStatus.DRAFT)
        decided.refresh_from_db()
        for n in range(times):
            _save(
                decided,
                officer,
                fields={"sponsor": f"Sponsor {n}"},
                objectives=objectives[n : n + 2],
                years={2027 + n % 3: {"capital_cost": Decimal(1000 * n)}},
                themes={strategy.themes.get(number=1 + n % 5).pk: f"Way {n}"},
            )
        Proposal.objects.filter(pk=decided.pk).update(status=ProposalStatus.APPROVED)

    client = client_for(head_of_ict)
    edit(1)
    client.get(reverse("projects:proposal-history", args=[decided.pk]))  # session, roles
    few = _history_queries(client, decided)
    edit(8)
    many = _history_queries(client, decided)

    assert len(history_entries(decided, user=head_of_ict)) > 30
    assert many == few


def test_scored_members_and_the_head_of_ict_are_the_only_group_readers_of_scores(
    officer, housing, strategy, head_of_ict, member, chair
):
    """The rule itself, as history asks it."""
    proposal = ProposalFactory(
        business_unit=housing, created_by=officer, strategy=strategy, complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
    )  # fmt: skip
    other_member = UserFactory(roles=[Role.MEMBER])
    services.assessment_submit(proposal=proposal, user=chair, ratings=_ratings(1, 2, 3, 4, 5))
    services.conflict_declare(proposal=proposal, user=member, note="Conflicted.")

    assert may_see_scores(head_of_ict, proposal)
    assert may_see_scores(chair, proposal)
    assert not may_see_scores(member, proposal)
    assert not may_see_scores(other_member, proposal)
    assert not may_see_scores(officer, proposal)
