"""A risk's history with its actions and reviews; a meeting's with the risks on its
agenda; and links to proposals named only to those who may see them."""

import datetime
import html
import re

from django.urls import reverse
from django.utils import timezone

from common import formatting
from governance.tests.factories import BusinessUnitFactory
from projects.choices import ProposalStatus
from projects.tests.factories import MeetingFactory, ProposalFactory
from risks import services
from risks.tests.test_services import RISK


def _text(response) -> str:
    assert response.status_code == 200
    # Entities read, as a reader meets them: O'Neill, not O&#x27;Neill.
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", page)


def _risk_history(client, risk) -> str:
    return _text(client.get(reverse("risks:risk-history", args=[risk.pk])))


def test_a_risks_history_shows_its_actions_and_reviews(head_of_ict, risk_owner, client_for):
    risk = services.risk_create(user=head_of_ict, fields={**RISK, "owner": risk_owner})
    action = services.action_add(
        user=head_of_ict,
        risk=risk,
        fields={"description": "Add exit clauses to the hosting contract", "owner": risk_owner,
                "due_date": datetime.date(2030, 1, 31)},
    )  # fmt: skip
    services.action_update(user=head_of_ict, action=action, fields={"status": "completed"})
    services.risk_review(
        user=head_of_ict, risk=risk, residual_likelihood=2, residual_impact=2,
        note="Controls now in place.", reviewed_on=timezone.localdate(),
    )  # fmt: skip

    text = _risk_history(client_for(head_of_ict), risk)

    assert "Action: Add exit clauses to the hosting contract: added by Hannah Ives" in text
    assert "Due date 31 January 2030" in text and f"Owner {risk_owner}" in text
    assert "Action: Add exit clauses to the hosting contract: changed by Hannah Ives" in text
    assert "Status Not started Completed" in text
    assert f"Review of {formatting.date(timezone.localdate())}: added by Hannah Ives" in text
    assert "Note Controls now in place." in text


def test_a_meetings_history_shows_the_risks_on_its_agenda(head_of_ict, risk_owner, chair,
                                                           client_for):  # fmt: skip
    meeting = MeetingFactory(chair=chair)
    risk = services.risk_create(user=head_of_ict, fields={**RISK, "owner": risk_owner})

    text = _text(client_for(chair).get(reverse("governance:meeting-history", args=[meeting.pk])))

    assert f"Agenda: {risk} at {meeting}" not in text  # the risk's name, not the item's
    assert f"Agenda: {risk}: added by Hannah Ives" in text and "Reason Outside appetite" in text


def test_a_linked_proposal_is_named_only_to_those_who_may_see_it(
    head_of_ict, risk_owner, officer, client_for
):
    other_units = ProposalFactory(
        title="Confidential restructure", business_unit=BusinessUnitFactory(),
        status=ProposalStatus.SUBMITTED,
    )  # fmt: skip
    risk = services.risk_create(
        user=head_of_ict, fields={**RISK, "owner": risk_owner}, links={"proposals": [other_units]}
    )

    assert f"Proposals {other_units}" in _risk_history(client_for(head_of_ict), risk)
    seen_by_officer = _risk_history(client_for(officer), risk)
    assert "Confidential restructure" not in seen_by_officer
    assert "(a proposal you cannot see)" in seen_by_officer
