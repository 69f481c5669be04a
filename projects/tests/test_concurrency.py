"""Two chairs record a decision on one proposal at the same moment: exactly one decision
is recorded, and the other chair is told who decided first."""

import threading

import pytest
from django.db import connection

from common.errors import WorkflowError
from common.roles import Role
from governance import services as governance_services
from governance.tests.factories import TermsOfReferenceFactory, UserFactory
from projects import services
from projects.choices import ProposalStatus
from projects.models import AgendaItem, Decision, Project
from projects.tests.factories import MeetingFactory, ProposalFactory


@pytest.mark.django_db(transaction=True)
def test_two_chairs_deciding_at_once_record_exactly_one_decision(housing):
    chairs = [UserFactory(roles=[Role.CHAIR]) for _ in range(2)]
    TermsOfReferenceFactory(minimum_quorum=2)
    meeting = MeetingFactory(chair=chairs[0], quorum=2, in_session=True)
    governance_services.attendance_record(meeting=meeting, user=chairs[0], present=chairs)
    proposal = ProposalFactory(business_unit=housing, complete=True, status="in_assessment")
    AgendaItem.objects.create(meeting=meeting, proposal=proposal, position=1)

    start = threading.Barrier(2)
    outcomes = {}

    def decide(chair, outcome):
        try:
            start.wait(timeout=10)
            services.proposal_decide(
                proposal=proposal,
                user=chair,
                meeting=meeting,
                outcome=outcome,
                rationale=f"{chair} says {outcome}",
                conditions="",
            )
            outcomes[chair.pk] = "decided"
        except WorkflowError as error:
            outcomes[chair.pk] = str(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(chairs[0], "approved")),
        threading.Thread(target=decide, args=(chairs[1], "rejected")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Decision.objects.count() == 1
    decision = Decision.objects.get()
    winner = decision.decided_by
    loser = next(c for c in chairs if c != winner)
    assert outcomes[winner.pk] == "decided"
    assert "Nothing was changed" in outcomes[loser.pk]
    assert str(winner) in outcomes[loser.pk]
    proposal.refresh_from_db()
    assert proposal.status == decision.outcome
    expected_projects = 1 if proposal.status == ProposalStatus.APPROVED else 0
    assert Project.objects.count() == expected_projects
