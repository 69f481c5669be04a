"""Time the annual report on a year of large, generated data.

    manage.py bench_annual_report --proposals 3000 --risks 1000 --seed 1

Generates the data with generate_large_data (proposals through their workflow, with
costs, scores and decisions; projects; risks with reviews; over --years financial
years) into the configured database, then prints how long assembling the last complete
year's report figures and rendering its PDF take. Use a scratch database: the data it
adds stays. If generated data is there already, it times the report on that data.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from benchmarks.largedata import is_generated
from benchmarks.management.commands.generate_large_data import (
    add_generation_arguments,
    generate_or_explain,
    run_from_options,
)
from common.fy import financial_year_label, financial_year_of
from projects.models import Proposal
from reports.assembly import annual_report_data
from reports.documents import pdf_bytes
from reports.models import AnnualReport
from risks.models import Risk


def time_annual_report(year: int) -> tuple[float, float, int]:
    """Seconds to assemble the year's figures and to render its PDF, and the PDF's size."""
    started = time.perf_counter()
    figures = annual_report_data(year)
    assembled = time.perf_counter() - started
    started = time.perf_counter()
    pdf = pdf_bytes(AnnualReport(financial_year=year), figures, council_name="Benchmark")
    return assembled, time.perf_counter() - started, len(pdf)


class Command(BaseCommand):
    help = "Generate large data (see generate_large_data) and time the annual report on it."

    def add_arguments(self, parser):
        add_generation_arguments(parser, proposals=3000, risks=1000)
        parser.add_argument("--no-generate", action="store_true", help="Time existing data.")

    def handle(self, *args, **options):
        if not options["no_generate"]:
            self._generate(options)
        year = financial_year_of(timezone.localdate()) - 1
        self.stdout.write(
            f"Proposals: {Proposal.objects.count()}, risks: {Risk.objects.count()}, "
            f"year: {financial_year_label(year)}"
        )
        assembled, rendered, size = time_annual_report(year)
        self.stdout.write(f"Annual report figures assembled in {assembled:.2f} s")
        self.stdout.write(f"Annual report PDF rendered in {rendered:.2f} s ({size:,} bytes)")
        self.stdout.write(f"Total {assembled + rendered:.2f} s (target: under 10 s)")

    def _generate(self, options):
        if is_generated() and not options["append"]:
            self.stdout.write("Generated data is already here: timing the report on it.")
            return
        run = run_from_options(options)
        started = time.perf_counter()
        generate_or_explain(run, self.stdout.write)
        self.stdout.write(f"Generated data in {time.perf_counter() - started:.1f} s")
