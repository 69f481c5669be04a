"""A draft's figures worked out ahead (common.precompute): after a change commits, so
the first person to open the draft finds them ready, and never those of an older
version of the data."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError

from common import dataversion, tasks
from common.precompute import done_key, figures_precompute
from common.testing import page_and_queries
from ictstrategy.celery import app as celery_app
from projects.choices import ProposalStatus
from projects.models import Proposal
from projects.tests.factories import ProposalFactory
from reports import services
from reports.assembly import annual_report_data
from reports.selectors import annual_report_figures

from .conftest import FY, at_noon

pytestmark = pytest.mark.django_db(transaction=True)


def _page(client, report):
    return page_and_queries(client, report.get_absolute_url())


def _decide_one_more_in_the_year():
    return ProposalFactory(
        status=ProposalStatus.APPROVED,
        complete=True,
        submitted_at=at_noon(datetime.date(2026, 12, 1)),
        decided_at=at_noon(datetime.date(2026, 12, 5)),
    )


@pytest.fixture
def queued(monkeypatch, settings):
    settings.PRECOMPUTE_FIGURES = True
    calls = []
    monkeypatch.setattr(
        tasks.precompute_figures, "apply_async", lambda **options: calls.append(options)
    )
    return calls


def test_a_change_queues_the_figures_once_it_has_committed(year_of_data, queued):
    queued.clear()
    with transaction.atomic():
        _decide_one_more_in_the_year()
        assert queued == []  # not before the change commits
    assert queued == [{"retry": False}]


def test_a_broker_that_is_down_fails_no_change(year_of_data, monkeypatch, settings):
    settings.PRECOMPUTE_FIGURES = True

    def down(**options):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.precompute_figures, "apply_async", down)
    before = dataversion.current()
    decided = _decide_one_more_in_the_year()
    assert Proposal.objects.filter(pk=decided.pk).exists()
    assert dataversion.current() > before  # counted, so no page shows what it was


def test_the_first_request_after_a_change_finds_the_drafts_figures_ready(
    year_of_data, head_of_ict, client_for, settings, queued
):
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    _decide_one_more_in_the_year()
    client = client_for(head_of_ict)
    settings.PAGE_CACHE = False
    worked_out_inline, inline_queries = _page(client, draft)

    settings.PAGE_CACHE = True
    assert figures_precompute() >= 1  # as the worker does after the change
    figures = annual_report_figures(draft)
    assert figures == annual_report_data(FY)
    assert figures["projects"]["decided"] == 5  # the change is in them
    page, queries = _page(client, draft)
    assert page == worked_out_inline
    assert queries < inline_queries


def test_a_real_worker_works_the_figures_out_after_a_change_before_anyone_asks(
    year_of_data, head_of_ict, client_for, settings
):
    settings.PRECOMPUTE_FIGURES = True
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    client = client_for(head_of_ict)
    settings.PAGE_CACHE = False
    _, inline_queries = _page(client, draft)
    settings.PAGE_CACHE = True
    celery_app.control.purge()  # earlier tests' changes queued tasks of their own
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        _decide_one_more_in_the_year()  # commits (a save or two), each queueing the task
        version = dataversion.stamp()  # the last of them
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _worked_out_for(version):
            time.sleep(0.2)
    assert _worked_out_for(version)
    _, queries = _page(client, draft)  # the first request after the change
    assert queries < inline_queries
    assert annual_report_figures(draft)["projects"]["decided"] == 5


def _worked_out_for(version):
    return cache.get(done_key(version)) is not None


def test_figures_worked_out_before_a_change_are_never_shown_after_it(
    year_of_data, head_of_ict, queued
):
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    assert figures_precompute() >= 1
    assert annual_report_figures(draft)["projects"]["decided"] == 4
    # A run that read the version before the next change keeps what it worked out
    # under that version, which no request after the change asks for.
    stale_version = dataversion.stamp()
    _decide_one_more_in_the_year()
    assert dataversion.stamp() != stale_version
    assert annual_report_figures(draft)["projects"]["decided"] == 5


def test_each_version_is_worked_out_once_however_many_tasks_run(year_of_data, head_of_ict, queued):
    services.annual_report_draft(user=head_of_ict, financial_year=FY)
    assert figures_precompute() >= 1
    assert figures_precompute() == 0
    _decide_one_more_in_the_year()
    assert figures_precompute() >= 1


def test_a_run_marks_its_version_done_only_once_every_figure_is_kept(
    year_of_data, head_of_ict, queued
):
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    version = dataversion.stamp()
    assert cache.get(done_key(version)) is None
    worked_out = figures_precompute()
    assert cache.get(done_key(version)) == worked_out
    assert annual_report_figures(draft)["projects"]["decided"] == 4
    assert figures_precompute() == 0  # another run for the version leaves its mark alone
    assert cache.get(done_key(version)) == worked_out
    _decide_one_more_in_the_year()
    assert cache.get(done_key(dataversion.stamp())) is None  # the new version is not done


def test_with_the_page_cache_off_pages_read_the_figures_worked_out_ahead_and_keep_none(
    year_of_data, head_of_ict, client_for, settings, queued
):
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    settings.PAGE_CACHE = False
    queued.clear()
    _decide_one_more_in_the_year()
    assert queued and all(q == {"retry": False} for q in queued)  # worked out all the same
    client = client_for(head_of_ict)
    inline, inline_queries = _page(client, draft)
    assert _page(client, draft)[1] == inline_queries  # the page kept nothing itself
    assert figures_precompute() >= 1  # as the worker does after the change
    page, queries = _page(client, draft)
    assert page == inline
    assert queries < inline_queries
