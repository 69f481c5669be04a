"""Each main page makes the same number of queries however much data there is: the
pages the benchmark measures, on generated data, before and after tripling it. And each
remembers its costly parts until the data changes (common.dataversion), so reading it
again costs a handful of queries and shows the same page."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import largedata
from benchmarks.management.commands.bench import main_pages
from common.testing import CSRF_TOKEN
from governance.models import User


def _generate(**scale):
    call_command("generate_large_data", years=2, stdout=io.StringIO(), **scale)


def _query_counts(client_for, pages):
    people = {role: User.objects.get(username=name) for role, name in largedata.BENCH_USERS.items()}
    counts = {}
    for page in pages:
        client = client_for(people[page.role])
        client.get(page.url)  # warm: the session, and anything cached per process
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        assert response.status_code == 200, f"{page.name} as {page.role}"
        counts[f"{page.name} as {page.role}"] = len(queries)
    return counts


def test_main_pages_make_as_many_queries_with_three_times_the_data(db, client_for):
    _generate(proposals=100, risks=30, seed=3)
    pages = main_pages()[1:]  # the first is the bare page, served only by the benchmark
    before = _query_counts(client_for, pages)
    _generate(proposals=200, risks=60, seed=4, append=True)
    after = _query_counts(client_for, pages)
    assert after == before


# Reading a remembered page: the session, the user and their roles, the data version,
# at most two of the page's own (the proposal page reads the proposal and its
# documents, which sit beside forms that post), and at most once a minute the session's
# save to run 30 more minutes (BEGIN, UPDATE, COMMIT; common.sessions).
REMEMBERED_PAGE_QUERIES = 9

# A list or home page has no object of its own to read: remembered, it reads only what
# every request does (the session, the person and their roles, the data version).
EVERY_REQUESTS_TABLES = {
    "django_session", "governance_user", "auth_group", "governance_user_groups", "common_dataversion",
}  # fmt: skip
OBJECT_PAGES = {"Proposal", "Strategy", "Annual report"}
TABLE = re.compile(r'(?:FROM|UPDATE|JOIN) "([a-z0-9_]+)"')


@pytest.mark.django_db(transaction=True)
def test_main_pages_read_again_are_remembered_and_the_same(client_for):
    _generate(proposals=100, risks=30, seed=3)
    people = {role: User.objects.get(username=name) for role, name in largedata.BENCH_USERS.items()}
    for page in main_pages()[1:]:
        client = client_for(people[page.role])
        with CaptureQueriesContext(connection) as first_queries:
            first = client.get(page.url).content.decode()
        with CaptureQueriesContext(connection) as again_queries:
            again = client.get(page.url).content.decode()
        name = f"{page.name} as {page.role}"
        assert CSRF_TOKEN.sub("", again) == CSRF_TOKEN.sub("", first), name
        assert len(again_queries) < len(first_queries), name
        assert len(again_queries) <= REMEMBERED_PAGE_QUERIES, name
        if page.name not in OBJECT_PAGES:
            read = {t for q in again_queries.captured_queries for t in TABLE.findall(q["sql"])}
            assert read <= EVERY_REQUESTS_TABLES, f"{name} read {read - EVERY_REQUESTS_TABLES}"
