"""Generated reports (see benchmarks.largedata): the draft annual report for the last
complete financial year, as the Head of ICT would start it after the year ends."""

import datetime

from django.db.models import Max

from benchmarks.largedata import stamp
from benchmarks.largedata.governance import Population
from reports.models import AnnualReport, ReportStatus


def generate_reports(run) -> None:
    population: Population = run.made["governance"]
    year = max(run.last_year - 1, run.first_year)
    if AnnualReport.objects.filter(financial_year=year, status=ReportStatus.DRAFT).exists():
        return
    version = (
        AnnualReport.objects.filter(financial_year=year).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    started = min(
        run.at(datetime.date(year + 1, 4, 20), 10), run.cutoff - datetime.timedelta(hours=2)
    )
    report = AnnualReport(
        financial_year=year,
        version=version,
        executive_summary="Generated data: the year's progress on the ICT strategy.",
        priorities="Generated data: next year's priorities.",
    )
    run.insert(AnnualReport, [stamp(report, who=population.head, when=started)])
