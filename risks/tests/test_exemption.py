"""Marking a risk exempt from publication under Schedule 12A: the Head of ICT or the
risk's owner, with a paragraph and a reason; no one else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from risks import services
from risks.tests.factories import RiskFactory


@pytest.fixture
def risk(risk_owner):
    return RiskFactory(owner=risk_owner)


def test_the_owner_marks_their_risk_exempt_and_history_names_them(risk, risk_owner):
    services.risk_exemption_set(
        user=risk_owner, risk=risk, paragraph=3, reason="Names the supplier's prices."
    )
    risk.refresh_from_db()
    assert (risk.exempt_paragraph, risk.exempt_reason) == (3, "Names the supplier's prices.")
    assert risk.history.first().history_user == risk_owner


def test_an_exempt_risk_needs_a_reason(risk, head_of_ict):
    with pytest.raises(ValidationError, match="Say why"):
        services.risk_exemption_set(user=head_of_ict, risk=risk, paragraph=1, reason="  ")
    risk.refresh_from_db()
    assert risk.exempt_paragraph is None


def test_no_longer_exempt_forgets_the_reason(risk, head_of_ict):
    services.risk_exemption_set(user=head_of_ict, risk=risk, paragraph=7, reason="Police inquiry")
    services.risk_exemption_set(
        user=head_of_ict, risk=risk, paragraph=None, reason="Police inquiry"
    )
    risk.refresh_from_db()
    assert (risk.exempt_paragraph, risk.exempt_reason) == (None, "")


def test_another_group_member_may_not_mark_a_risk_exempt(risk, member, client_for):
    with pytest.raises(PermissionDenied):
        services.risk_exemption_set(user=member, risk=risk, paragraph=3, reason="Prices")
    response = client_for(member).post(
        reverse("risks:risk-exemption", args=[risk.pk]), {"paragraph": "3", "reason": "Prices"}
    )
    assert response.status_code == 403
    risk.refresh_from_db()
    assert risk.exempt_paragraph is None


def test_a_paragraph_outside_schedule_12a_is_refused_at_the_field(risk, head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("risks:risk-exemption", args=[risk.pk]), {"paragraph": "8", "reason": "x"}
    )
    assert response.status_code == 200
    assert "Select the paragraph" in response.content.decode()


def test_the_risk_page_says_where_committee_papers_report_it(risk, head_of_ict, client_for):
    services.risk_exemption_set(user=head_of_ict, risk=risk, paragraph=5, reason="Legal advice")
    page = client_for(head_of_ict).get(risk.get_absolute_url()).content.decode()
    assert "Exempt: reported only in the exempt part" in page
    assert "paragraph 5 of Part 1 of Schedule 12A" in page
