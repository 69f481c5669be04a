"""The projects rules (projects/policies.py): each holds the same on one object as in
the querysets lists are built from, and says what the Governance Group expects."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from common.roles import Role
from governance.tests.factories import BusinessUnitFactory, UserFactory
from projects import policies, selectors, services
from projects.choices import AWAITING_DECISION, ProposalStatus
from projects.models import Criterion, Proposal
from projects.tests.factories import ProposalFactory


def _ratings(value):
    return {c.pk: (value, "") for c in Criterion.objects.filter(is_active=True)}


@pytest.fixture
def people(housing, finance):
    planning = BusinessUnitFactory(name="Planning", code="planning")
    return {
        "officer": UserFactory(business_unit=housing, roles=[Role.OFFICER]),
        "other_officer": UserFactory(business_unit=finance, roles=[Role.OFFICER]),
        "scorer": UserFactory(business_unit=planning, roles=[Role.MEMBER]),
        "unscored": UserFactory(business_unit=planning, roles=[Role.MEMBER]),
        "conflicted": UserFactory(business_unit=planning, roles=[Role.MEMBER]),
        "insider": UserFactory(business_unit=housing, roles=[Role.MEMBER]),
        "chair": UserFactory(business_unit=planning, roles=[Role.CHAIR]),
        "head": UserFactory(roles=[Role.HEAD_OF_ICT]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


@pytest.fixture
def proposals(strategy, housing, people):
    """One housing proposal in each state; those that have been in assessment were
    scored by `scorer` there, with `conflicted` stepping aside."""
    made = {}
    for status in ProposalStatus:
        made[status] = ProposalFactory(
            business_unit=housing,
            created_by=people["officer"],
            complete=True,
            status=status if status in policies.BEFORE_SCORING else ProposalStatus.IN_ASSESSMENT,
        )
        if status in policies.BEFORE_SCORING:
            continue
        services.assessment_submit(
            proposal=made[status], user=people["scorer"], ratings=_ratings(4)
        )
        services.conflict_declare(proposal=made[status], user=people["conflicted"], note="Kin.")
        Proposal.objects.filter(pk=made[status].pk).update(status=status)
        made[status].refresh_from_db()
    return made


def test_scores_rule_is_the_same_for_one_proposal_and_for_a_list(people, proposals):
    for user in people.values():
        visible = Proposal.objects.filter(policies.proposals_visible(user))
        in_list = set(
            visible.filter(policies.scores_visible(user)).values_list("pk", flat=True)
        )
        for proposal in visible:
            assert policies.may_see_scores(user, proposal) == (proposal.pk in in_list), (
                user.username,
                proposal.status,
            )


def test_independent_scoring_who_sees_scores_while_in_assessment(people, proposals):
    assessing = proposals[ProposalStatus.IN_ASSESSMENT]
    sees = {key for key, user in people.items() if policies.may_see_scores(user, assessing)}
    assert sees == {"scorer", "head"}


def test_before_assessment_there_are_no_scores_to_keep_apart(people, proposals):
    """A member may be told a submitted proposal is not scored: nobody can have scored
    it yet, so the portfolio can rank it and show the recommended set."""
    submitted = proposals[ProposalStatus.SUBMITTED]
    assert not submitted.assessments.exists()
    assert policies.may_see_scores(people["unscored"], submitted)


@pytest.mark.parametrize(
    "status",
    [ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN],
)
def test_everyone_who_may_see_a_finally_decided_proposal_sees_its_scores(
    people, proposals, status
):
    decided = proposals[status]
    for key in ("officer", "unscored", "conflicted", "insider", "chair", "head"):
        assert policies.may_see_scores(people[key], decided), key


def test_deferred_is_not_final_so_scoring_stays_independent(people, proposals):
    deferred = proposals[ProposalStatus.DEFERRED]
    assert not policies.may_see_scores(people["unscored"], deferred)
    assert not policies.may_see_scores(people["officer"], deferred)


def test_list_and_its_csv_hide_scores_from_a_member_who_has_not_scored(
    people, proposals, client_for
):
    assessing = proposals[ProposalStatus.IN_ASSESSMENT]
    for key, shown in (("unscored", False), ("conflicted", False), ("scorer", True)):
        listed = selectors.proposals_listed(people[key])
        row = selectors.with_list_file_figures(listed, viewer=people[key]).get(pk=assessing.pk)
        assert (row.score is not None, row.score_count is not None) == (shown, shown), key
        csv = client_for(people[key]).get(reverse("projects:proposal-list") + "?format=csv")
        line = next(
            line for line in csv.content.decode().splitlines() if assessing.reference in line
        )
        assert ("80.0" in line) == shown, (key, line)


def test_portfolio_ranks_for_a_member_only_what_they_have_scored(
    people, proposals, client_for
):
    assessing = proposals[ProposalStatus.IN_ASSESSMENT]
    page = client_for(people["unscored"]).get(reverse("projects:portfolio"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not shown until you have scored it" in text
    assert "80.0" not in text
    assert "recommended set, which weighs every score" in text
    csv = client_for(people["conflicted"]).get(reverse("projects:portfolio") + "?format=csv")
    line = next(line for line in csv.content.decode().splitlines() if assessing.reference in line)
    assert "declared a conflict" in line and "80.0" not in line
    head = client_for(people["head"]).get(reverse("projects:portfolio") + "?format=csv")
    line = next(line for line in head.content.decode().splitlines() if assessing.reference in line)
    assert "80.0" in line


def test_conflict_may_be_declared_only_by_someone_who_may_score(people, proposals):
    assessing = proposals[ProposalStatus.IN_ASSESSMENT]
    with pytest.raises(WorkflowError, match="own business unit"):
        services.conflict_declare(proposal=assessing, user=people["insider"], note="Mine.")
    with pytest.raises(WorkflowError, match="only while in assessment"):
        services.conflict_declare(
            proposal=proposals[ProposalStatus.APPROVED], user=people["unscored"], note="Late."
        )
    with pytest.raises(PermissionDenied):
        services.conflict_declare(proposal=assessing, user=people["officer"], note="Not mine.")
    # And declaring one never opens the scores.
    services.conflict_declare(proposal=assessing, user=people["unscored"], note="Spouse.")
    assert not policies.may_see_scores(people["unscored"], assessing)


def test_a_conflict_link_is_offered_only_when_it_may_be_declared(people, proposals, client_for):
    for key, status in (("insider", ProposalStatus.IN_ASSESSMENT), ("unscored", "approved")):
        proposal = proposals[status]
        page = client_for(people[key]).get(proposal.get_absolute_url()).content.decode()
        assert reverse("projects:proposal-conflict", args=[proposal.pk]) not in page, key
    page = client_for(people["unscored"]).get(
        proposals[ProposalStatus.IN_ASSESSMENT].get_absolute_url()
    )
    assert reverse(
        "projects:proposal-conflict", args=[proposals[ProposalStatus.IN_ASSESSMENT].pk]
    ) in page.content.decode()


def test_administrator_is_offered_no_page_it_may_not_open(people, strategy, client_for):
    """The menu and a theme's page (with its proposals and risks sections) offer the
    Administrator only pages whose own rule lets it in."""
    client = client_for(people["administrator"])
    theme = strategy.themes.get(number=1)
    for url in (reverse("home"), theme.get_absolute_url()):
        page = client.get(url).content.decode()
        for path in ("/risks/", "/proposals/", "/portfolio/", "/meetings/"):
            assert f'href="{path}' not in page, (url, path)


def test_each_portfolio_row_shows_the_scores_its_reader_may_see_and_no_other(
    people, proposals, client_for
):
    """The page reads a row's spread and number of scores for its own rows only, after
    the ranking: each cell must say what the whole-list annotation (with_scores) says."""
    assessing = proposals[ProposalStatus.IN_ASSESSMENT]
    services.assessment_submit(proposal=assessing, user=people["chair"], ratings=_ratings(2))
    for key in ("scorer", "unscored", "conflicted", "chair", "head"):
        viewer = people[key]
        page = client_for(viewer).get(reverse("projects:portfolio")).content.decode()
        rows = page.split('<tr class="govuk-table__row">')
        awaiting = selectors.with_scores(
            Proposal.objects.filter(status__in=AWAITING_DECISION), viewer=viewer
        )
        for proposal in awaiting:
            (row,) = [row for row in rows if f'href="{proposal.get_absolute_url()}"' in row]
            if not proposal.scores_visible:
                assert "spread" not in row and "Not shown" in row, (key, proposal)
            elif proposal.score is None:
                assert "Not scored" in row, (key, proposal)
            else:
                count = proposal.score_count
                shown = (
                    f"{proposal.score:.1f}<br><span class=\"govuk-body-s\">{count} "
                    f"score{'' if count == 1 else 's'}, spread {proposal.score_low:.1f} "
                    f"to {proposal.score_high:.1f}</span>"
                )
                assert shown in row, (key, proposal, row)
    head = client_for(people["head"]).get(reverse("projects:portfolio")).content.decode()
    assert "60.0<br><span class=\"govuk-body-s\">2 scores, spread 40.0 to 80.0</span>" in head


def test_portfolio_ranking_from_shared_figures_is_the_querys_for_every_reader(
    people, proposals, housing, strategy
):
    """`ranked` builds each reader's ranking from figures every reader shares
    (portfolio_facts) and the visibility the database answers for the reader: the same
    ranking, scores, spreads and hidden scores as the query that annotates the scores
    as the reader may see them (portfolio, with_scores)."""
    from projects.models import ProposalTheme

    themes = list(strategy.themes.order_by("number")[:3])
    for value, scorer, linked in ((2, "unscored", themes[2:]), (5, "scorer", themes),
                                  (4, "unscored", []), (4, "insider", themes[1:2])):
        scored = ProposalFactory(
            business_unit=people["insider"].business_unit if scorer != "insider" else housing,
            created_by=people["officer"], complete=True, themes=linked,
            status=ProposalStatus.IN_ASSESSMENT, costs={2026: 1000 * value, 2027: 5},
        )
        if scorer == "insider":
            scored.business_unit = BusinessUnitFactory(name="Parks", code="parks")
            scored.save()
        services.assessment_submit(proposal=scored, user=people[scorer], ratings=_ratings(value))
        services.assessment_submit(proposal=scored, user=people["chair"], ratings=_ratings(3))
    ProposalFactory(business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT)
    ProposalFactory(business_unit=housing, status=ProposalStatus.SUBMITTED, costs={})

    facts = selectors.portfolio_facts()
    readers = [u for u in people.values() if roles_allow(u)]
    assert {u.username for u in readers} >= {people["scorer"].username, people["head"].username}
    for user in readers:
        old = list(selectors.portfolio(user))
        spread = {p.pk: p for p in selectors.with_scores(Proposal.objects.all(), viewer=user)}
        costs = selectors.portfolio_costs([p.pk for p in old])
        ranked, unranked = selectors.ranked(selectors.portfolio_awaiting(), user, facts)
        assert [p.pk for p in ranked] == [p.pk for p in old if p.scores_visible], user.username
        assert [p.pk for p in unranked] == [p.pk for p in old if not p.scores_visible]
        was = {p.pk: p for p in old}
        for new in ranked + unranked:
            before = was[new.pk]
            assert (new.title, new.status, new.is_statutory, new.business_unit) == (
                before.title, before.status, before.is_statutory, before.business_unit.name,
            )  # fmt: skip
            assert (new.scores_visible, new.score, new.total_cost) == (
                before.scores_visible, before.score, before.total_cost,
            )  # fmt: skip
            shown = before.scores_visible and before.score is not None
            assert (new.score_low, new.score_high, new.score_count) == (
                (spread[new.pk].score_low, spread[new.pk].score_high, spread[new.pk].score_count)
                if shown
                else (None, None, None)
            )
            assert new.theme_numbers == list(
                ProposalTheme.objects.filter(proposal=new.pk)
                .order_by("theme__number")
                .values_list("theme__number", flat=True)
            )
            assert new.year_costs == costs.get(new.pk, {})
        if user == people["scorer"]:
            assert ranked and unranked and any(p.score is None for p in unranked)
            assert all(p.score_low is None for p in unranked)
        # As ranked from the reader's marks (reader_marks, worked out ahead for them).
        marks = selectors._reader_marks(user)
        assert marks.conflicted == selectors.conflicts_declared(
            user, list(selectors.portfolio_awaiting().values_list("pk", flat=True))
        )
        assert selectors.ranked(selectors.portfolio_awaiting(), user, facts, marks) == (
            ranked, unranked,
        )  # fmt: skip


def roles_allow(user):
    from projects.lists import portfolio_list

    return portfolio_list.allows(user)


def test_ready_for_decision_rows_from_shared_figures_are_the_querys_for_everyone(
    people, proposals, housing
):
    """The home page's "ready for a decision" lines (ready_for_decision_rows) come from
    the figures every reader shares and the visibility the database answers for the
    reader: the same proposals, in the same order, as proposals_ready_for_decision,
    whose order is each reader's visible mean score, hidden and unscored last by pk."""
    for value, scorer in ((5, "scorer"), (3, "scorer"), (5, "unscored"), (3, "insider")):
        scored = ProposalFactory(
            business_unit=housing if scorer != "insider" else people["scorer"].business_unit,
            created_by=people["officer"], complete=True, status=ProposalStatus.IN_ASSESSMENT,
        )  # fmt: skip
        services.assessment_submit(proposal=scored, user=people[scorer], ratings=_ratings(value))
    ProposalFactory(business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT)
    facts = selectors.portfolio_facts()
    for user in people.values():
        expected = [
            (p.pk, p.title, p.business_unit.name)
            for p in selectors.proposals_ready_for_decision(user)
        ]
        assert selectors.ready_for_decision_rows(user, facts, 100) == expected, user.username
        assert selectors.ready_for_decision_rows(user, facts, 2) == expected[:2]
        # Facts read before a change are read again.
        assert selectors.ready_for_decision_rows(user, {}, 100) == expected
        # Given the marks the home page reads once for both of its panels.
        marks = selectors.in_assessment_marks(user)
        assert selectors.ready_for_decision_rows(user, facts, 100, marks) == expected
    assert len(selectors.proposals_ready_for_decision(people["head"])) > 3


def test_to_score_rows_from_shared_figures_are_the_querys_for_everyone(people, proposals, housing):
    """The home page's "waiting for your score" lines for the chair (to_score_rows) come
    from the marks read with the "ready for a decision" panel's (in_assessment_marks)
    and the shared figures: the same proposals, in the same order, as
    proposals_to_score, for everyone, scorer or not."""
    now = timezone.now()
    for hours, scorer in ((3, "scorer"), (1, None), (2, None), (4, "insider")):
        proposal = ProposalFactory(
            business_unit=housing if scorer != "insider" else people["scorer"].business_unit,
            created_by=people["officer"], complete=True, status=ProposalStatus.IN_ASSESSMENT,
        )  # fmt: skip
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=now - datetime.timedelta(hours=hours)
        )
        if scorer:
            services.assessment_submit(proposal=proposal, user=people[scorer], ratings=_ratings(3))
    facts = selectors.portfolio_facts()
    for user in people.values():
        expected = [
            (p.pk, p.title, p.business_unit.name) for p in selectors.proposals_to_score(user)
        ]
        marks = selectors.in_assessment_marks(user)
        assert selectors.to_score_rows(user, facts, 100, marks) == expected, user.username
        assert selectors.to_score_rows(user, facts, 2) == expected[:2]
        assert selectors.to_score_rows(user, {}, 100) == expected
    assert len(selectors.proposals_to_score(people["unscored"])) > 2
