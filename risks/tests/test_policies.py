"""What a risk may be linked to, and shown as linked to, follows what its user may see
(risks/policies.py): on the form, the risk's page and in the service."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.roles import Role
from governance.tests.factories import UserFactory
from projects.choices import ProposalStatus
from projects.tests.factories import ProposalFactory
from risks import services
from risks.tests.factories import RiskFactory


@pytest.fixture
def linked(strategy, housing, finance):
    """A Housing officer owns a risk linked to a Finance proposal and to their own."""
    officer = UserFactory(business_unit=housing, roles=[Role.OFFICER])
    theirs = ProposalFactory(
        title="Finance ledger upgrade", business_unit=finance, status=ProposalStatus.SUBMITTED
    )
    own = ProposalFactory(
        title="Housing repairs portal", business_unit=housing, status=ProposalStatus.SUBMITTED
    )
    risk = RiskFactory(owner=officer)
    risk.proposals.add(theirs, own)
    return officer, risk, theirs, own


def test_risk_form_offers_only_proposals_the_officer_may_see(linked, client_for):
    officer, risk, theirs, own = linked
    page = client_for(officer).get(reverse("risks:risk-update", args=[risk.pk])).content.decode()
    assert own.title in page
    assert theirs.title not in page
    page = client_for(officer).get(reverse("risks:risk-detail", args=[risk.pk])).content.decode()
    assert own.title in page and theirs.title not in page


def test_head_of_ict_sees_and_may_link_every_submitted_proposal(linked, head_of_ict, client_for):
    _, risk, theirs, own = linked
    page = client_for(head_of_ict).get(reverse("risks:risk-update", args=[risk.pk]))
    assert theirs.title in page.content.decode() and own.title in page.content.decode()


def test_saving_the_risk_keeps_links_its_editor_cannot_see(linked):
    officer, risk, theirs, own = linked
    services.risk_update(user=officer, risk=risk, fields={}, links={"proposals": []})
    assert set(risk.proposals.all()) == {theirs}
    services.risk_update(user=officer, risk=risk, fields={}, links={"proposals": [own]})
    assert set(risk.proposals.all()) == {theirs, own}


def test_officer_cannot_link_a_proposal_they_cannot_see(linked, finance):
    officer, risk, _, _ = linked
    hidden = ProposalFactory(business_unit=finance, status=ProposalStatus.SUBMITTED)
    with pytest.raises(ValidationError) as raised:
        services.risk_update(user=officer, risk=risk, fields={}, links={"proposals": [hidden]})
    assert "proposals" in raised.value.error_dict
    assert hidden not in risk.proposals.all()


def test_an_action_owner_is_offered_the_update_link_for_their_action_only(
    linked, member, client_for
):
    _, risk, _, _ = linked
    theirs = risk.actions.create(description="Ask the supplier", owner=member, due_date="2027-01-31")
    risk.actions.create(description="Someone else's", owner=linked[0], due_date="2027-01-31")
    page = client_for(member).get(reverse("risks:risk-detail", args=[risk.pk])).content.decode()
    assert reverse("risks:action-update", args=[theirs.pk]) in page
    assert page.count("/edit/") == 1
