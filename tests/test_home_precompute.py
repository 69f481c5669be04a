"""The home page's panels that are the same for everyone who sees them, the strategy's
gaps and overdue work and the risks outside appetite or overdue for review, are worked
out after each change (common.precompute), so the first home page after a change reads
them instead of working them out; and never those of an older version of the data, or
of another day (what is overdue changes at midnight)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from common.precompute import figures_precompute
from common.testing import page_and_queries
from governance.tests.factories import ActionPlanItemFactory, ObjectiveFactory
from projects.choices import ProposalStatus
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
