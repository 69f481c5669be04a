import io
import re

from django.core.management import call_command

from benchmarks.largedata import BENCH_USERS
from governance.models import User
from projects.models import Proposal
from risks.models import Risk


def test_the_benchmark_generates_the_data_and_prints_the_times(db):
    out = io.StringIO()
    call_command("bench_annual_report", proposals=60, risks=20, years=2, seed=3, stdout=out)
    text = out.getvalue()
    assert Proposal.objects.count() == 60
    assert Risk.objects.count() == 20
    assert Proposal.history.filter(history_type="+").count() == 60
    assert User.objects.filter(username__in=BENCH_USERS.values()).count() == len(BENCH_USERS)
    assert re.search(r"Generated data in \d+\.\d s", text)
    assert re.search(r"Annual report figures assembled in \d+\.\d\d s", text)
    assert re.search(r"Total \d+\.\d\d s \(target: under 10 s\)", text)


def test_the_benchmark_times_data_already_generated_without_adding_to_it(db):
    call_command("generate_large_data", proposals=30, risks=10, years=2, stdout=io.StringIO())
    out = io.StringIO()
    call_command("bench_annual_report", proposals=60, risks=20, stdout=out)
    assert "already here" in out.getvalue()
    assert Proposal.objects.count() == 30
    assert re.search(r"Total \d+\.\d\d s", out.getvalue())
