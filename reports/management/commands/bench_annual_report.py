"""Time the annual report on a year of large, generated data.

    manage.py bench_annual_report --proposals 3000 --risks 1000 --seed 1

Generates proposals (with costs, scores and decisions across the year) and risks (with
reviews) in bulk, with history, into the configured database, then prints how long
assembling the report's figures and rendering its PDF take. Use a scratch database:
the data it adds stays.
"""

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from common.fy import financial_year_of
from governance.catalogue import catalogue_load
from governance.models import BusinessUnit, User
from projects.choices import ProposalStatus
from projects.models import Assessment, Proposal, ProposalYear
from reports.assembly import annual_report_data
from reports.documents import pdf_bytes
from reports.models import AnnualReport
from risks.choices import RiskCategory
from risks.models import Risk, RiskMatrix, RiskReview
from risks.setup import risk_settings_ensure

STATUSES = [
    ProposalStatus.SUBMITTED, ProposalStatus.IN_ASSESSMENT, ProposalStatus.APPROVED,
    ProposalStatus.APPROVED_WITH_CONDITIONS, ProposalStatus.DEFERRED, ProposalStatus.REJECTED,
]  # fmt: skip


class Command(BaseCommand):
    help = "Generate a year of large data and time the annual report on it."

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=3000)
        parser.add_argument("--risks", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-generate", action="store_true", help="Time existing data.")

    def handle(self, *args, **options):
        year = financial_year_of(timezone.localdate()) - 1
        if not options["no_generate"]:
            started = time.perf_counter()
            self._generate(
                year, options["proposals"], options["risks"], random.Random(options["seed"])
            )
            self.stdout.write(f"Generated data in {time.perf_counter() - started:.1f} s")
        self.stdout.write(
            f"Proposals: {Proposal.objects.count()}, risks: {Risk.objects.count()}, "
            f"year: {year}/{(year + 1) % 100:02d}"
        )
        started = time.perf_counter()
        figures = annual_report_data(year)
        assembled = time.perf_counter() - started
        started = time.perf_counter()
        pdf = pdf_bytes(AnnualReport(financial_year=year), figures, council_name="Benchmark")
        rendered = time.perf_counter() - started
        self.stdout.write(f"Annual report figures assembled in {assembled:.2f} s")
        self.stdout.write(f"Annual report PDF rendered in {rendered:.2f} s ({len(pdf):,} bytes)")
        self.stdout.write(f"Total {assembled + rendered:.2f} s (target: under 10 s)")

    @transaction.atomic
    def _generate(self, year, n_proposals, n_risks, rng):
        strategy = catalogue_load()
        risk_settings_ensure()
        units = [
            BusinessUnit.objects.get_or_create(code=f"bench-{i}", defaults={"name": f"Bench unit {i}"})[0]
            for i in range(12)
        ]  # fmt: skip
        people = [
            User.objects.get_or_create(username=f"bench{i}", defaults={"email": f"bench{i}@example.org"})[0]
            for i in range(20)
        ]  # fmt: skip
        start = datetime.datetime(year, 4, 1, 9, tzinfo=datetime.UTC)
        proposals = []
        for i in range(n_proposals):
            submitted = start + datetime.timedelta(days=rng.randrange(0, 330))
            status = rng.choice(STATUSES)
            decided = status not in (ProposalStatus.SUBMITTED, ProposalStatus.IN_ASSESSMENT)
            proposals.append(
                Proposal(
                    title=f"Benchmark proposal {i}", business_unit=rng.choice(units),
                    strategy=strategy, created_by=rng.choice(people), status=status,
                    submitted_at=submitted,
                    decided_at=submitted + datetime.timedelta(days=rng.randrange(5, 60)) if decided else None,
                    first_financial_year=year,
                )
            )  # fmt: skip
        proposals = bulk_create_with_history(proposals, Proposal, batch_size=1000)
        proposals = list(Proposal.objects.filter(title__startswith="Benchmark proposal"))
        bulk_create_with_history(
            [
                ProposalYear(proposal=p, financial_year=year + k,
                             capital_cost=Decimal(rng.randrange(1, 200) * 1000),
                             cashable_savings=Decimal(rng.randrange(0, 80) * 1000))
                for p in proposals for k in range(2)
            ],
            ProposalYear, batch_size=2000,
        )  # fmt: skip
        bulk_create_with_history(
            [
                Assessment(proposal=p, assessor=person, weighted_score=Decimal(rng.randrange(0, 1000)) / 10)
                for p in proposals if p.status != ProposalStatus.SUBMITTED
                for person in rng.sample(people, 3)
            ],
            Assessment, batch_size=2000,
        )  # fmt: skip
        matrix = RiskMatrix.objects.get(is_current=True)
        risks = []
        for i in range(n_risks):
            likelihood, impact = rng.randrange(1, 6), rng.randrange(1, 6)
            risks.append(
                Risk(
                    title=f"Benchmark risk {i}", cause="c", event="e", consequence="q",
                    category=rng.choice(RiskCategory.values), owner=rng.choice(people),
                    strategy=strategy, inherent_likelihood=5, inherent_impact=5,
                    residual_likelihood=likelihood, residual_impact=impact,
                    target_likelihood=1, target_impact=1, matrix=matrix,
                    inherent_score=matrix.score(5, 5), residual_score=matrix.score(likelihood, impact),
                    residual_level=matrix.level(likelihood, impact), target_score=1,
                    response="treat", next_review_date=timezone.localdate(),
                )
            )  # fmt: skip
        bulk_create_with_history(risks, Risk, batch_size=1000)
        risks = Risk.objects.filter(title__startswith="Benchmark risk")
        bulk_create_with_history(
            [
                RiskReview(risk=r, kind="raised", reviewer=r.owner, reviewed_on=start.date(), matrix=matrix,
                           residual_likelihood=3, residual_impact=3, residual_score=9,
                           residual_level="high", outside_appetite=False,
                           next_review_date=start.date())
                for r in risks
            ],
            RiskReview, batch_size=2000,
        )  # fmt: skip
