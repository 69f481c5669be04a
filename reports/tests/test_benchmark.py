import io
import re

from django.core.management import call_command

from projects.models import Proposal
from risks.models import Risk


def test_the_benchmark_generates_the_data_and_prints_the_times(db):
    out = io.StringIO()
    call_command("bench_annual_report", proposals=60, risks=20, seed=3, stdout=out)
    text = out.getvalue()
    assert Proposal.objects.filter(title__startswith="Benchmark").count() == 60
    assert Risk.objects.filter(title__startswith="Benchmark").count() == 20
    assert Proposal.history.filter(title__startswith="Benchmark").count() == 60
    assert re.search(r"Annual report figures assembled in \d+\.\d\d s", text)
    assert re.search(r"Total \d+\.\d\d s \(target: under 10 s\)", text)
