"""Each main page makes the same number of queries however much data there is: the
pages the benchmark measures, on generated data, before and after tripling it."""

import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import largedata
from common.management.commands.bench import main_pages
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
