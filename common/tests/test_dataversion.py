"""The data version and the page fragments remembered under it: a page is never shown
stale after a change, whoever makes it, and a remembered page saves its queries."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common import dataversion
from common.roles import Role
from common.testing import post_sign_in
from governance.tests.factories import BusinessUnitFactory, UserFactory
from projects.tests.factories import ProposalFactory

LIST_URL = reverse("projects:proposal-list")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


# The version


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_counts_once_after_it_commits():
    before = dataversion.current()
    with transaction.atomic():
        unit = BusinessUnitFactory(name="Parks")
        unit.name = "Parks and Open Spaces"
        unit.save()
        assert dataversion.current() == before  # not before the change commits
    assert dataversion.current() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_does_not_count():
    before = dataversion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        BusinessUnitFactory(name="Parks")
        raise RuntimeError("the change fails half-way")
    assert dataversion.current() == before
    BusinessUnitFactory(name="Parks")  # and the next change still counts
    assert dataversion.current() == before + 1


@pytest.mark.django_db(transaction=True)
def test_changes_to_links_and_deletions_count(officer):
    unit = BusinessUnitFactory(name="Parks")
    before = dataversion.current()
    officer.groups.clear()
    assert dataversion.current() == before + 1
    unit.delete()
    assert dataversion.current() == before + 2


@pytest.mark.django_db(transaction=True)
def test_signing_in_changes_no_page_so_does_not_count(client, officer):
    officer.set_password("a long enough password 1")
    officer.save()
    before = dataversion.current()
    response = post_sign_in(client, officer.username, "a long enough password 1")
    assert response.status_code == 302
    client.get(LIST_URL)  # the session is saved on every request
    assert dataversion.current() == before


@pytest.mark.django_db
def test_a_transaction_with_unsaved_changes_has_changes_pending():
    # (Each test runs in a transaction that is never committed.)
    assert not dataversion.changes_pending()
    BusinessUnitFactory(name="Parks")
    assert dataversion.changes_pending()


@pytest.mark.django_db
def test_migrating_counts_as_a_change_since_a_deploy_migrates():
    before = dataversion.current()
    call_command("migrate", verbosity=0)
    assert dataversion.current() > before


@pytest.mark.django_db(transaction=True)
def test_remember_works_out_again_once_the_data_changes():
    calls = []

    def work_out():
        calls.append(1)
        return len(calls)

    assert dataversion.remember("figures", work_out, timeout=60) == 1
    assert dataversion.remember("figures", work_out, timeout=60) == 1  # remembered
    BusinessUnitFactory(name="Parks")
    assert dataversion.remember("figures", work_out, timeout=60) == 2
    assert dataversion.remember("figures", work_out, timeout=60) == 2


@pytest.mark.django_db
def test_remember_works_out_afresh_while_changes_are_uncommitted():
    calls = []

    def work_out():
        calls.append(1)
        return len(calls)

    assert dataversion.remember("figures", work_out, timeout=60) == 1
    BusinessUnitFactory(name="Parks")  # this test's transaction never commits
    assert dataversion.remember("figures", work_out, timeout=60) == 2
    assert dataversion.remember("figures", work_out, timeout=60) == 3


@pytest.mark.django_db(transaction=True)
def test_after_a_restore_forgets_the_version_nothing_remembered_before_matches_again():
    calls = []

    def work_out():
        calls.append(1)
        return len(calls)

    BusinessUnitFactory(name="Parks")
    remembered_at, before = dataversion.current(), dataversion.stamp()
    assert dataversion.remember("figures", work_out, timeout=60) == 1
    dataversion.forget(connection)  # as `restore` does, in whichever process
    after = dataversion.stamp()
    assert after != before and dataversion.stamp() == after  # a new epoch, read alike
    while dataversion.current() < remembered_at:  # restored data, counted up again
        dataversion.bump()
    assert dataversion.current() == remembered_at
    assert dataversion.remember("figures", work_out, timeout=60) == 2


@pytest.mark.django_db(transaction=True)
def test_with_the_page_cache_off_nothing_is_remembered(settings):
    settings.PAGE_CACHE = False
    calls = []

    def work_out():
        calls.append(1)
        return len(calls)

    assert dataversion.remember("figures", work_out, timeout=60) == 1
    assert dataversion.remember("figures", work_out, timeout=60) == 2


@pytest.mark.django_db(transaction=True)
def test_with_the_page_cache_off_a_figure_the_worker_kept_is_read(settings):
    settings.PAGE_CACHE = False
    settings.PRECOMPUTE_FIGURES = True
    calls = []

    def work_out():
        calls.append(1)
        return len(calls)

    # What common.precompute keeps for the current version, as the worker does.
    cache.set(dataversion.versioned("figures", dataversion.stamp()), "kept", 60)
    assert dataversion.remember("figures", work_out, timeout=60) == "kept"
    assert calls == []
    dataversion.bump()  # a change: the kept figure is of an older version
    assert dataversion.remember("figures", work_out, timeout=60) == 1
    settings.PRECOMPUTE_FIGURES = False  # nothing worked out ahead is read either
    cache.set(dataversion.versioned("figures", dataversion.stamp()), "kept", 60)
    assert dataversion.remember("figures", work_out, timeout=60) == 2


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_figures_under_the_version_it_read_first_until_it_counts_a_change(
    settings, rf, officer
):
    """Within a request, `remember` takes the version the middleware read rather than
    reading it again per figure; once the request has committed a change, it reads the
    new version, so it never reads a figure kept for the data before its change."""
    settings.PAGE_CACHE = False
    settings.PRECOMPUTE_FIGURES = True
    seen = {}

    def view(request):
        before = dataversion.stamp()
        cache.set(dataversion.versioned("figures", before), "kept before", 60)
        with CaptureQueriesContext(connection) as queries:
            seen["before"] = dataversion.remember("figures", lambda: "worked out", timeout=60)
        seen["queries"] = len(queries)
        ProposalFactory(title="A change")  # committed at once: the version goes up
        assert dataversion.stamp() != before
        seen["after"] = dataversion.remember("figures", lambda: "worked out", timeout=60)
        return None

    dataversion.DataVersionMiddleware(view)(rf.get("/"))
    assert seen == {"before": "kept before", "queries": 0, "after": "worked out"}
    # Outside a request, the version is read as before.
    cache.set(dataversion.versioned("figures", dataversion.stamp()), "kept now", 60)
    assert dataversion.remember("figures", lambda: "worked out", timeout=60) == "kept now"


# Remembered fragments


# Remembered fragments


@pytest.mark.django_db(transaction=True)
def test_a_page_remembered_saves_its_queries_and_shows_the_same(client_for, officer):
    ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    client = client_for(officer)
    first, cold = _queries(client, LIST_URL)
    second, warm = _queries(client, LIST_URL)
    assert "Housing repairs app" in first
    assert second == first.replace(_csrf(first), _csrf(second))
    assert warm < cold


@pytest.mark.django_db(transaction=True)
def test_with_the_page_cache_off_a_page_is_worked_out_every_time(client_for, officer, settings):
    settings.PAGE_CACHE = False
    ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    client = client_for(officer)
    _, first = _queries(client, LIST_URL)
    _, second = _queries(client, LIST_URL)
    assert second == first


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_page_was_remembered_shows_at_once(client_for, officer):
    proposal = ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    client = client_for(officer)
    assert "Housing repairs app" in _queries(client, LIST_URL)[0]
    proposal.title = "Housing repairs and voids app"
    proposal.save()  # in another request, or the Celery worker: it commits, then counts
    page = _queries(client, LIST_URL)[0]
    assert "Housing repairs and voids app" in page


@pytest.mark.django_db(transaction=True)
def test_a_request_sees_its_own_uncommitted_changes(client_for, officer):
    proposal = ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    client = client_for(officer)
    _queries(client, LIST_URL)
    with transaction.atomic():
        proposal.title = "Housing repairs and voids app"
        proposal.save()
        assert "Housing repairs and voids app" in _queries(client, LIST_URL)[0]


@pytest.mark.django_db(transaction=True)
def test_a_remembered_page_is_never_shown_to_another_person(client_for, officer, finance):
    ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    other = UserFactory(username="fiona", business_unit=finance, roles=[Role.OFFICER])
    assert "Housing repairs app" in _queries(client_for(officer), LIST_URL)[0]
    assert "Housing repairs app" not in _queries(client_for(other), LIST_URL)[0]


@pytest.mark.django_db(transaction=True)
def test_a_remembered_page_is_worked_out_again_the_next_day(client_for, officer, monkeypatch):
    ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    client = client_for(officer)
    _, cold = _queries(client, LIST_URL)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("common.templatetags.fragments.timezone.localdate", lambda: tomorrow)
    assert _queries(client, LIST_URL)[1] == cold


@pytest.mark.django_db(transaction=True)
def test_each_filter_and_page_of_a_list_is_remembered_apart(client_for, officer):
    ProposalFactory(title="Housing repairs app", business_unit=officer.business_unit)
    client = client_for(officer)
    assert "Housing repairs app" in _queries(client, LIST_URL)[0]
    assert "Housing repairs app" not in _queries(client, LIST_URL + "?status=approved")[0]


def test_a_fragment_cannot_hold_a_form_that_posts():
    with pytest.raises(TemplateSyntaxError, match="csrf_token"):
        Template(
            "{% load fragments %}{% fragment 'x' %}<form method='post'>{% csrf_token %}"
            "</form>{% endfragment %}"
        )


def _csrf(page):
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]
