"""The Technology Code of Practice self-assessment: the scale rule, what submission
asks of it, that only the unit changes it and only while it holds the pen, and the
criterion the Head of ICT has scored from it, through the weighted score to the
ranking."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from common.errors import WorkflowError
from common.roles import Role
from governance.tests.factories import BusinessUnitFactory, UserFactory
from projects import policies, selectors, services, tcop
from projects.choices import ProposalStatus, TcopAnswer
from projects.models import Criterion, CriterionScore, TcopPoint, TcopResponse
from projects.setup import TCOP_POINTS
from projects.tests.factories import ProposalFactory

MET, PARTLY, NOT_MET = TcopAnswer.MET, TcopAnswer.PARTLY_MET, TcopAnswer.NOT_MET


@pytest.mark.parametrize(
    ("met", "partly", "not_met", "expected"),
    [
        (13, 0, 0, 5),
        (10, 2, 1, 4),  # 11 / 13 * 5 = 4.23
        (0, 0, 13, 0),
        (0, 0, 0, 0),  # nothing answered counts as nothing met
        (6, 1, 6, 3),  # 6.5 / 13 * 5 = 2.5: a half rounds up
        (5, 1, 7, 2),  # 5.5 / 13 * 5 = 2.12
        (0, 13, 0, 3),  # 6.5 / 13 * 5 = 2.5
    ],
)
def test_the_rating_scales_met_partly_and_not_met_to_0_to_5(met, partly, not_met, expected):
    answers = [MET] * met + [PARTLY] * partly + [NOT_MET] * not_met
    assert tcop.rating(answers, 13) == expected
    assert tcop.summary_of(answers, 13).rating == expected


def test_the_summary_says_how_many_points_are_met_in_words():
    assert str(tcop.summary_of([MET] * 10 + [PARTLY] * 2 + [NOT_MET], 13)) == (
        "10 of 13 met, 2 partly met, 1 not met"
    )
    assert str(tcop.summary_of([MET, NOT_MET], 13)) == (
        "1 of 13 met, 0 partly met, 1 not met, 11 not answered"
    )
    assert str(tcop.summary_of([], 13)) == "Not answered yet"


def test_the_thirteen_points_are_installed_in_the_codes_words(db):
    assert [(p.number, p.title) for p in TcopPoint.objects.all()] == [
        (n, title) for n, (title, _) in enumerate(TCOP_POINTS, start=1)
    ]
    assert len(TCOP_POINTS) == 13
    assert TcopPoint.objects.get(number=13).title == "Meet the Service Standard"


def _answers(**by_number):
    """{point id: (answer, evidence)} with every point met unless said otherwise."""
    return {
        point.pk: by_number.get(f"p{point.number}", (MET, f"Evidence {point.number}"))
        for point in TcopPoint.objects.all()
    }


def test_submission_needs_every_point_answered_and_evidence_where_met(officer, housing):
    draft = ProposalFactory(business_unit=housing, created_by=officer, complete=True, tcop=False)
    first, second, third = TcopPoint.objects.all()[:3]
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(proposal=draft, user=officer)
    assert refused.value.message_dict[f"tcop_{first.pk}"] == [
        "Say whether the proposal meets point 1 (Define user needs)"
    ]
    services.proposal_save_draft(
        proposal=draft,
        user=officer,
        fields={},
        tcop=_answers(p1=(MET, ""), p2=(PARTLY, "  "), p3=(NOT_MET, "")),
    )
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(proposal=draft, user=officer)
    assert set(refused.value.message_dict) == {
        f"tcop_evidence_{first.pk}",
        f"tcop_evidence_{second.pk}",
    }  # not met needs no evidence
    services.proposal_save_draft(
        proposal=draft, user=officer, fields={}, tcop=_answers(p3=(NOT_MET, ""))
    )
    services.proposal_submit(proposal=draft, user=officer)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    assert TcopResponse.objects.get(proposal=draft, point=third).answer == NOT_MET


def test_the_self_assessment_changes_only_while_the_unit_may_edit_the_proposal(officer, housing):
    submitted = ProposalFactory(
        business_unit=housing, created_by=officer, complete=True, status=ProposalStatus.SUBMITTED
    )
    before = list(TcopResponse.objects.filter(proposal=submitted).values_list("answer", "evidence"))
    with pytest.raises(WorkflowError):
        services.proposal_save_draft(
            proposal=submitted, user=officer, fields={}, tcop=_answers(p1=(NOT_MET, ""))
        )
    after = list(TcopResponse.objects.filter(proposal=submitted).values_list("answer", "evidence"))
    assert after == before
    other_unit = UserFactory(business_unit=BusinessUnitFactory(), roles=[Role.OFFICER])
    draft = ProposalFactory(business_unit=housing, created_by=officer)
    with pytest.raises(PermissionDenied):
        services.proposal_save_draft(proposal=draft, user=other_unit, fields={}, tcop=_answers())
    assert not TcopResponse.objects.filter(proposal=draft).exists()


def test_answers_are_kept_with_history_and_blank_points_removed(officer, housing):
    draft = ProposalFactory(business_unit=housing, created_by=officer)
    point = TcopPoint.objects.get(number=5)
    services.proposal_save_draft(
        proposal=draft, user=officer, fields={}, tcop={point.pk: (PARTLY, "Hosted in UK cloud.")}
    )
    response = TcopResponse.objects.get(proposal=draft, point=point)
    services.proposal_save_draft(
        proposal=draft, user=officer, fields={}, tcop={point.pk: (MET, "Hosted in UK cloud.")}
    )
    assert [(h.answer, h.history_user) for h in response.history.order_by("history_date")] == [
        (PARTLY, officer),
        (MET, officer),
    ]
    # Saved unchanged, nothing new is recorded.
    services.proposal_save_draft(
        proposal=draft, user=officer, fields={}, tcop={point.pk: (MET, "Hosted in UK cloud.")}
    )
    assert response.history.count() == 2
    services.proposal_save_draft(proposal=draft, user=officer, fields={}, tcop={point.pk: ("", "")})
    assert not TcopResponse.objects.filter(proposal=draft).exists()
    with pytest.raises(ValidationError):
        services.proposal_save_draft(
            proposal=draft, user=officer, fields={}, tcop={point.pk: ("nearly", "")}
        )


# ------------------------------------------------------------ the criterion it scores


@pytest.fixture
def tcop_criterion(head_of_ict):
    return services.criterion_save(
        user=head_of_ict,
        fields={"name": "Technology Code of Practice", "weight": 20, "from_tcop": True},
    )


def test_only_the_head_of_ict_chooses_the_criterion_and_only_one_is_chosen(
    head_of_ict, member, tcop_criterion
):
    assert policies.may_choose_tcop_criterion(head_of_ict)
    assert not policies.may_choose_tcop_criterion(member)
    with pytest.raises(PermissionDenied):
        services.criterion_save(
            user=member, criterion=tcop_criterion, fields={"from_tcop": True, "weight": 30}
        )
    risk = Criterion.objects.get(name="Risk")
    services.criterion_save(user=head_of_ict, criterion=risk, fields={"from_tcop": True})
    assert list(Criterion.objects.filter(from_tcop=True)) == [risk]
    tcop_criterion.refresh_from_db()
    assert tcop_criterion.history.first().history_user == head_of_ict


def _assess(proposal, member, typed=3):
    ratings = {c.pk: (typed, "") for c in Criterion.objects.filter(is_active=True)}
    return services.assessment_submit(proposal=proposal, user=member, ratings=ratings)


def test_the_chosen_criterion_is_scored_from_the_self_assessment_and_moves_the_ranking(
    housing, member, head_of_ict, tcop_criterion
):
    weak = ProposalFactory(
        business_unit=housing,
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
        tcop={n: NOT_MET for n in range(1, 14)},
    )
    strong = ProposalFactory(
        business_unit=housing,
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
        tcop={4: PARTLY, 12: PARTLY, 3: NOT_MET},
    )
    assert tcop.proposal_rating(strong) == 4
    # The member types 5 for every criterion: the TCoP one takes the worked-out rating.
    weak_score = _assess(weak, member, typed=5)
    strong_score = _assess(strong, member, typed=5)
    fed = CriterionScore.objects.get(assessment=strong_score, criterion=tcop_criterion)
    assert (fed.score, fed.weight, fed.criterion_name) == (4, 20, "Technology Code of Practice")
    assert CriterionScore.objects.get(assessment=weak_score, criterion=tcop_criterion).score == 0
    # Five criteria at 5 (weights 100), this one 4 or 0 (weight 20), out of 5 x 120.
    assert strong_score.weighted_score == Decimal("96.7")  # (500 + 80) / 600
    assert weak_score.weighted_score == Decimal("83.3")  # 500 / 600
    ranked = list(selectors.portfolio(head_of_ict).values_list("pk", flat=True))
    assert ranked.index(strong.pk) < ranked.index(weak.pk)


def test_an_answer_changed_before_scoring_changes_the_score(
    housing, officer, member, head_of_ict, tcop_criterion
):
    proposal = ProposalFactory(business_unit=housing, created_by=officer, complete=True)
    services.proposal_save_draft(
        proposal=proposal, user=officer, fields={}, tcop=_answers(p1=(NOT_MET, ""))
    )
    assert tcop.proposal_rating(proposal) == 5  # 12.0 / 13 * 5 = 4.6
    services.proposal_save_draft(
        proposal=proposal,
        user=officer,
        fields={},
        tcop=_answers(**{f"p{n}": (NOT_MET, "") for n in range(1, 8)}),
    )
    assert tcop.proposal_rating(proposal) == 2  # 6 / 13 * 5 = 2.3
    services.proposal_submit(proposal=proposal, user=officer)
    services.proposal_start_triage(proposal=proposal, user=head_of_ict)
    services.proposal_accept(proposal=proposal, user=head_of_ict)
    assessment = _assess(proposal, member, typed=5)
    assert assessment.weighted_score == Decimal("90.0")  # (500 + 40) / 600


def test_scores_given_before_the_criterion_was_chosen_keep_their_ratings(
    housing, member, head_of_ict
):
    proposal = ProposalFactory(
        business_unit=housing,
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
        tcop={n: NOT_MET for n in range(1, 14)},
    )
    assessment = _assess(proposal, member, typed=4)
    risk = Criterion.objects.get(name="Risk")
    services.criterion_save(user=head_of_ict, criterion=risk, fields={"from_tcop": True})
    assessment.refresh_from_db()
    assert assessment.weighted_score == Decimal("80.0")
    assert CriterionScore.objects.get(assessment=assessment, criterion=risk).score == 4


# ------------------------------------------------------------------ where it is shown


def test_the_scoring_page_shows_the_summary_and_the_worked_out_score(
    housing, member, tcop_criterion, client_for
):
    proposal = ProposalFactory(
        business_unit=housing,
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
        tcop={4: PARTLY, 12: PARTLY, 3: NOT_MET},
    )
    page = client_for(member).get(reverse("projects:proposal-score", args=[proposal.pk]))
    text = page.content.decode()
    assert "10 of 13 met, 2 partly met, 1 not met" in text
    assert "self-assessment: <strong>4 out of 5</strong>" in text
    assert f'name="score_{tcop_criterion.pk}"' not in text
    assert "Partly met</strong>" in text


def test_the_proposals_csv_sums_up_each_self_assessment_for_those_who_may_see_it(
    housing, officer, client_for
):
    ProposalFactory(
        business_unit=housing, created_by=officer, complete=True, tcop={3: NOT_MET}, title="Ours"
    )
    other = UserFactory(business_unit=BusinessUnitFactory(), roles=[Role.OFFICER])
    rows = {
        user: list(
            csv.DictReader(
                io.StringIO(
                    client_for(user)
                    .get(reverse("projects:proposal-list") + "?format=csv")
                    .content.decode("utf-8-sig")
                )
            )
        )
        for user in (officer, other)
    }
    assert [(r["Title"], r["Technology Code of Practice"]) for r in rows[officer]] == [
        ("Ours", "12 of 13 met, 0 partly met, 1 not met")
    ]
    assert rows[other] == []


def test_history_tells_each_answer_changed(housing, officer, client_for):
    draft = ProposalFactory(business_unit=housing, created_by=officer)
    point = TcopPoint.objects.get(number=6)
    services.proposal_save_draft(
        proposal=draft, user=officer, fields={}, tcop={point.pk: (PARTLY, "Pen test booked.")}
    )
    page = client_for(officer).get(reverse("projects:proposal-history", args=[draft.pk]))
    text = page.content.decode()
    assert "Technology Code of Practice point 6. Make things secure" in text
    assert "Pen test booked." in text
    other = UserFactory(business_unit=BusinessUnitFactory(), roles=[Role.OFFICER])
    assert (
        client_for(other).get(reverse("projects:proposal-history", args=[draft.pk])).status_code
        == 404
    )


def test_the_head_of_ict_rewords_a_point_and_answers_stay_with_it(
    housing, officer, head_of_ict, member, client_for
):
    proposal = ProposalFactory(business_unit=housing, created_by=officer, complete=True)
    point = TcopPoint.objects.get(number=5)
    url = reverse("projects:tcop-point-update", args=[point.pk])
    assert client_for(member).get(url).status_code == 403
    response = client_for(head_of_ict).post(
        url, {"title": "Use cloud first (public cloud)", "description": "As the council asks."}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.number, point.title) == (5, "Use cloud first (public cloud)")
    assert point.history.first().history_user == head_of_ict
    assert TcopResponse.objects.get(proposal=proposal, point=point).answer == MET
    page = client_for(officer).get(reverse("projects:proposal-edit", args=[proposal.pk]))
    assert "5. Use cloud first (public cloud)" in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.tcop_point_save(user=member, point=point, fields={"title": "Mine"})


def _score_rows(page_text: str, assessor) -> dict[str, str]:
    """Each criterion's row of `assessor`'s score table: its name cell, as written. (The
    name is escaped as the page writes it: a generated name may hold an apostrophe.)"""
    label = f'aria-label="Scores from {escape(assessor)}"'
    table = page_text.split(label, 1)[1].split("</table>", 1)[0]
    cells = re.findall(
        r'<tr class="govuk-table__row"><td class="govuk-table__cell">(.*?)</td>', table
    )
    return {cell.split("<br>", 1)[0]: cell for cell in cells}


def test_the_proposal_page_says_which_score_was_worked_out_from_the_self_assessment(
    housing, member, chair, head_of_ict, client_for
):
    proposal = ProposalFactory(
        business_unit=housing,
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
        tcop={n: NOT_MET for n in range(1, 14)},
    )
    _assess(proposal, member, typed=4)
    risk = Criterion.objects.get(name="Risk")
    services.criterion_save(user=head_of_ict, criterion=risk, fields={"from_tcop": True})
    _assess(proposal, chair, typed=4)
    text = client_for(member).get(proposal.get_absolute_url()).content.decode()
    label = "Worked out from the"
    worked_out = _score_rows(text, chair)
    assert label in worked_out["Risk"]
    assert [name for name, cell in worked_out.items() if label in cell] == ["Risk"]
    # The member typed their Risk score before it was chosen: it is not relabelled.
    typed = _score_rows(text, member)
    assert "Risk" in typed
    assert not [name for name, cell in typed.items() if label in cell]


def test_the_points_and_answers_read_as_sql_are_the_orm_queries(db):
    """tcop._answered_points (plain SQL) gives every point as `TcopPoint.objects.all()`
    did, by number, each with the proposal's answer and evidence as its TcopResponse
    holds them (blank for a point not answered), and no other proposal's."""
    proposal, other = ProposalFactory(), ProposalFactory()
    points = list(TcopPoint.objects.all())
    TcopPoint.objects.filter(pk=points[0].pk).update(number=99, title="Last & <least>")
    for point, answer, evidence in zip(
        points,
        (TcopAnswer.MET, TcopAnswer.NOT_MET, TcopAnswer.PARTLY_MET, ""),
        ("Fish & <chips>\r\nmore", "", "'quoted'", "Not sure yet"),
        strict=False,
    ):
        TcopResponse.objects.create(
            proposal=proposal, point=point, answer=answer, evidence=evidence
        )
    TcopResponse.objects.create(proposal=other, point=points[5], answer=TcopAnswer.MET)
    for given in (proposal, other, ProposalFactory()):
        responses = {r.point_id: (r.answer, r.evidence) for r in given.tcop_responses.all()}
        assert [
            ([getattr(point, f.attname) for f in TcopPoint._meta.concrete_fields], answer, evidence)
            for point, answer, evidence in tcop._answered_points(given.pk)
        ] == [
            (
                [getattr(point, f.attname) for f in TcopPoint._meta.concrete_fields],
                *responses.get(point.pk, ("", "")),
            )
            for point in TcopPoint.objects.all()
        ]
    answered = tcop._answered_points(proposal.pk)
    assert len(answered) == len(points) and answered[-1][0].number == 99
    assert sum(1 for _, answer, evidence in answered if answer or evidence) == 4
