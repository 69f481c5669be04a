from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from common.errors import WorkflowError
from common.roles import Role
from governance.tests.factories import UserFactory
from projects import services
from projects.choices import ProposalStatus
from projects.models import Criterion
from projects.scoring import weighted_score
from projects.selectors import assessments_for_detail, score_summary, with_scores
from projects.tests.factories import ProposalFactory


def test_weighted_score_by_hand():
    # (4*30 + 2*10) / (5 * 40) * 100 = 140 / 200 * 100 = 70.0
    assert weighted_score([(4, 30), (2, 10)]) == Decimal("70.0")
    # Defaults 30/20/20/15/15 rated 5,4,3,2,1: (150+80+60+30+15)/500*100 = 67.0
    assert weighted_score([(5, 30), (4, 20), (3, 20), (2, 15), (1, 15)]) == Decimal("67.0")
    assert weighted_score([(0, 10), (0, 90)]) == Decimal("0.0")
    assert weighted_score([(5, 1)]) == Decimal("100.0")
    # 1/3 of the way: (1*1)/(5*1)... rounding half up to one decimal place: 2/3*100
    assert weighted_score([(2, 1), (1, 2)]) == Decimal("26.7")  # 4/15*100 = 26.666…


def test_default_criteria_are_installed_with_their_weights(db):
    assert [(c.name, c.weight) for c in Criterion.objects.all()] == [
        ("Strategic alignment", 30),
        ("Corporate objectives", 20),
        ("Financial return", 20),
        ("Risk", 15),
        ("Deliverability", 15),
    ]


@pytest.fixture
def assessing(housing):
    return ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )


def _ratings(*values):
    criteria = list(Criterion.objects.filter(is_active=True))
    return {
        c.pk: (v, f"comment {i}") for i, (c, v) in enumerate(zip(criteria, values, strict=True))
    }


def test_members_scores_average_with_spread_and_keep_the_weights_they_were_given_under(
    assessing, member, chair, head_of_ict
):
    services.assessment_submit(proposal=assessing, user=member, ratings=_ratings(5, 4, 3, 2, 1))
    # The Head of ICT then reweights: the first member's score must not change.
    strategic = Criterion.objects.get(name="Strategic alignment")
    services.criterion_save(user=head_of_ict, criterion=strategic, fields={"weight": 80})
    services.assessment_submit(proposal=assessing, user=chair, ratings=_ratings(1, 1, 1, 1, 1))

    first = assessing.assessments.get(assessor=member)
    assert first.weighted_score == Decimal("67.0")
    assert first.scores.get(criterion=strategic).weight == 30
    second = assessing.assessments.get(assessor=chair)
    assert second.weighted_score == Decimal("20.0")
    assert second.scores.get(criterion=strategic).weight == 80

    scored = with_scores(type(assessing).objects.filter(pk=assessing.pk), viewer=head_of_ict).get()
    assert scored.score == pytest.approx(Decimal("43.5"))
    assert (scored.score_low, scored.score_high, scored.score_count) == (
        Decimal("20.0"),
        Decimal("67.0"),
        2,
    )


def test_proposal_page_summary_equals_the_databases_and_leaves_out_conflicts(
    assessing, member, chair, head_of_ict
):
    services.assessment_submit(proposal=assessing, user=member, ratings=_ratings(5, 4, 3, 2, 1))
    services.assessment_submit(proposal=assessing, user=chair, ratings=_ratings(2, 3, 1, 1, 0))
    conflicted = UserFactory(roles=[Role.MEMBER])
    services.conflict_declare(proposal=assessing, user=conflicted, note="A relative bids.")

    assessments = assessments_for_detail(assessing)
    summary = score_summary(assessments)
    scored = with_scores(type(assessing).objects.filter(pk=assessing.pk), viewer=head_of_ict).get()
    assert (summary.score, summary.score_low, summary.score_high, summary.score_count) == (
        scored.score,
        scored.score_low,
        scored.score_high,
        scored.score_count,
    )
    first = next(a for a in assessments if a.assessor == member)
    assert [row["score"] for row in first.score_rows] == [s.score for s in first.scores.all()]
    assert score_summary([]).score_count == 0


def test_member_cannot_score_own_unit_proposal(assessing):
    insider = UserFactory(business_unit=assessing.business_unit, roles=[Role.MEMBER])
    with pytest.raises(WorkflowError, match="own business unit"):
        services.assessment_submit(
            proposal=assessing, user=insider, ratings=_ratings(3, 3, 3, 3, 3)
        )


def test_member_with_a_declared_conflict_cannot_score(assessing, member, head_of_ict):
    services.conflict_declare(
        proposal=assessing, user=member, note="My partner works for the supplier."
    )
    with pytest.raises(WorkflowError):
        services.assessment_submit(proposal=assessing, user=member, ratings=_ratings(3, 3, 3, 3, 3))
    scored = with_scores(type(assessing).objects.filter(pk=assessing.pk), viewer=head_of_ict).get()
    assert scored.score_count == 0 and scored.score is None


def test_member_scores_once_and_only_in_assessment(housing, member):
    proposal = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.SUBMITTED
    )
    with pytest.raises(WorkflowError, match="in assessment"):
        services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(3, 3, 3, 3, 3))
    proposal.status = ProposalStatus.IN_ASSESSMENT
    proposal.save()
    services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(3, 3, 3, 3, 3))
    with pytest.raises(WorkflowError, match="already scored"):
        services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(4, 4, 4, 4, 4))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HEAD_OF_ICT, Role.ADMINISTRATOR])
def test_only_governance_group_members_score(role, assessing):
    with pytest.raises(PermissionDenied):
        services.assessment_submit(
            proposal=assessing, user=UserFactory(roles=[role]), ratings=_ratings(3, 3, 3, 3, 3)
        )


def test_members_see_others_scores_only_after_scoring_their_own(
    assessing, member, chair, client_for
):
    services.assessment_submit(proposal=assessing, user=chair, ratings=_ratings(5, 5, 5, 5, 0))
    url = reverse("projects:proposal-detail", args=[assessing.pk])
    before = client_for(member).get(url).content.decode()
    assert "comment 0" not in before and escape(chair) not in before
    assert "once you have submitted yours" in before

    response = client_for(member).post(
        reverse("projects:proposal-score", args=[assessing.pk]),
        {
            **{f"score_{c.pk}": "2" for c in Criterion.objects.all()},
            **{f"comment_{c.pk}": "" for c in Criterion.objects.all()},
        },
    )
    assert response.status_code == 302
    after = client_for(member).get(url).content.decode()
    assert f"{escape(chair)}: 85.0 out of 100" in after  # names like O'Donnell are escaped
    assert "spread 40.0 to 85.0" in after


def test_score_form_refuses_missing_and_out_of_range_ratings(assessing, member, client_for):
    criteria = list(Criterion.objects.all())
    data = {f"score_{c.pk}": "3" for c in criteria}
    data[f"score_{criteria[0].pk}"] = "6"
    del data[f"score_{criteria[1].pk}"]
    response = client_for(member).post(
        reverse("projects:proposal-score", args=[assessing.pk]), data
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"Select a score for {criteria[0].name.lower()}" in errors[f"score_{criteria[0].pk}"][0]
    assert "Select a score for corporate objectives" in errors[f"score_{criteria[1].pk}"][0]
    assert not assessing.assessments.exists()
