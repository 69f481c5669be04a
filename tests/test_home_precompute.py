"""The home page's panels that are the same for everyone who sees them, the strategy's
gaps and overdue work and the risks outside appetite or overdue for review, and each
decider's marks on the proposals in assessment, are worked out after each change
(common.precompute), so the first home page after a change reads them instead of
working them out; and never those of an older version of the data, of another day
(what is overdue changes at midnight), or of another person, unit or set of roles."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.precompute import figures_precompute
from common.roles import Role
from common.testing import page_and_queries
from governance.models import User
from governance.tests.factories import ActionPlanItemFactory, ObjectiveFactory, UserFactory
from projects import services
from projects.choices import ProposalStatus
from projects.models import Criterion
from projects.tests.factories import ProposalFactory
from risks.tests.factories import RiskFactory

# Changes must commit, as on the web, for the version to go up (common.dataversion).
pytestmark = pytest.mark.django_db(transaction=True)


def _home(client):
    return page_and_queries(client, reverse("home"))


def _overdue_action(strategy, title, days):
    objective = ObjectiveFactory(theme=strategy.themes.first())
    today = timezone.localdate()
    return ActionPlanItemFactory(
        objective=objective, title=title, due_date=today + datetime.timedelta(days=days)
    )


def _review_due(title, days):
    return RiskFactory(
        title=title, next_review_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_the_first_home_page_after_a_change_reads_the_shared_panels_worked_out_ahead(
    strategy, head_of_ict, client_for, precomputing
):
    _overdue_action(strategy, "Renew the firewall contract", days=-3)
    _review_due("Data centre cooling fails", days=-2)
    ProposalFactory(title="Replace the <payroll> system", status=ProposalStatus.SUBMITTED)
    client = client_for(head_of_ict)
    inline, inline_queries = _home(client)
    assert "Renew the firewall contract" in inline
    assert "Data centre cooling fails" in inline
    assert "Replace the &lt;payroll&gt; system" in inline  # waiting for triage

    assert figures_precompute() >= 3  # as the worker does after the change
    page, queries = _home(client)
    assert page == inline
    # Each panel's reads (the strategy, its overdue items and gaps; the risks outside
    # appetite and overdue; the proposals waiting for triage) become none: the page
    # reads them under the version it read first.
    assert queries <= inline_queries - 5


def test_a_change_after_the_panels_were_worked_out_shows_at_once(
    strategy, head_of_ict, client_for, precomputing
):
    client = client_for(head_of_ict)
    assert figures_precompute() >= 2
    _overdue_action(strategy, "Replace the telephony platform", days=-1)
    _review_due("Cyber attack on the payments system", days=-5)
    page, _ = _home(client)  # nothing worked out for the new version yet
    assert "Replace the telephony platform" in page
    assert "Cyber attack on the payments system" in page


def test_the_panels_worked_out_yesterday_are_not_shown_today(
    strategy, head_of_ict, client_for, precomputing, monkeypatch
):
    _overdue_action(strategy, "Archive the old intranet", days=0)
    _review_due("Supplier goes into administration", days=0)
    client = client_for(head_of_ict)
    assert figures_precompute() >= 2
    page, _ = _home(client)
    assert "Archive the old intranet" not in page  # due today: not overdue yet
    assert "Supplier goes into administration" not in page

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    page, _ = _home(client)  # the same data version, the next day
    assert "Archive the old intranet" in page
    assert "Supplier goes into administration" in page


def _in_assessment(title, unit):
    return ProposalFactory(
        title=title, business_unit=unit, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )


def _ratings(value):
    return {criterion.pk: (value, "") for criterion in Criterion.objects.filter(is_active=True)}


def _home_reading_assessments(client) -> tuple[str, bool]:
    """The home page, and whether it asked the database about anyone's assessments."""
    with CaptureQueriesContext(connection) as queries:
        page, _ = _home(client)
    return page, any('"projects_assessment"' in query["sql"] for query in queries)


def test_each_deciders_marks_on_proposals_in_assessment_are_worked_out_ahead_for_them(
    strategy, chair, housing, finance, client_for, precomputing
):
    """The chair's two panels on proposals in assessment, to score and to decide, weigh
    every proposal in assessment against the chair's own assessments: worked out after
    each change for each person who decides, and each reads only their own."""
    deputy = UserFactory(username="dee", business_unit=housing, roles=[Role.CHAIR])
    scored = _in_assessment("Scored <by the chair>", housing)
    services.assessment_submit(proposal=scored, user=chair, ratings=_ratings(4))
    _in_assessment("Housing repairs app", housing)  # the deputy's own unit: not theirs to score
    _in_assessment("Finance ledger", finance)  # the chair's own unit
    clients = {person: client_for(person) for person in (chair, deputy)}
    inline = {person: _home_reading_assessments(client) for person, client in clients.items()}
    assert all(asked for _, asked in inline.values())
    # Each may score the other's unit's proposal and not their own; the chair has
    # scored one, and may see its scores.
    assert inline[chair][0] != inline[deputy][0]

    figures_precompute()  # as the worker does after the change
    for person, client in clients.items():
        page, asked = _home_reading_assessments(client)
        assert page == inline[person][0], person.username
        assert not asked, person.username


def test_marks_worked_out_for_a_decider_are_not_read_once_their_unit_or_roles_differ(
    strategy, chair, member, housing, client_for, precomputing, settings
):
    """The marks depend on the person's unit and roles as well as the data, so they
    are kept under a key that names both: a unit set outside the portal's forms (no
    change the data version counts) is seen at once, and after a new role the worker's
    marks for the person as they are now are read."""

    def worked_out_on_the_page():
        settings.PRECOMPUTE_FIGURES = False
        page, _ = _home(client)
        settings.PRECOMPUTE_FIGURES = True
        return page

    proposal = _in_assessment("Housing repairs app", housing)
    services.assessment_submit(proposal=proposal, user=member, ratings=_ratings(4))
    client = client_for(chair)
    figures_precompute()
    before, asked = _home_reading_assessments(client)
    assert not asked

    User.objects.filter(pk=chair.pk).update(business_unit=housing)  # no signal, no version
    page, asked = _home_reading_assessments(client)
    assert asked  # the kept marks are another unit's
    assert page == worked_out_on_the_page() != before  # no longer theirs to score

    chair.groups.add(Group.objects.get(name=Role.HEAD_OF_ICT))
    figures_precompute()
    page, asked = _home_reading_assessments(client)
    assert not asked
    assert page == worked_out_on_the_page()
