"""Generate a council's worth of realistic data, for benchmarks and load tests.

    manage.py generate_large_data --proposals 10000 --risks 3000 --years 5 --seed 1

It WRITES INTO THE CONFIGURED DATABASE (DATABASE_URL): point that at a scratch database.
See benchmarks.largedata for what is generated and how.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from benchmarks.largedata import (
    BENCH_PASSWORD,
    GeneratedDataPresent,
    GenerationRun,
    Scale,
    generate,
)
from common.demo import refuse_unless_demo_accounts_allowed


def add_generation_arguments(parser, *, proposals: int, risks: int) -> None:
    """The options this command and bench_annual_report share."""
    parser.add_argument("--proposals", type=int, default=proposals, help="default %(default)s")
    parser.add_argument("--risks", type=int, default=risks, help="default %(default)s")
    parser.add_argument(
        "--years",
        type=int,
        default=5,
        help="Financial years of data, ending with the one containing --as-of "
        "(default %(default)s).",
    )
    parser.add_argument("--seed", type=int, default=1, help="default %(default)s")
    parser.add_argument(
        "--as-of",
        type=datetime.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="The reference date: the data's history ends the day before it, and the next "
        "meetings come after it. Default: today. The same seed, scale and --as-of give the "
        "same data.",
    )
    parser.add_argument(
        "--password",
        default=BENCH_PASSWORD,
        help="Password of the bench-* accounts (default: $BENCH_PASSWORD or %(default)s).",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="Add the proposals and risks to generated data already in the database, "
        "reusing its people, units and meetings. Without it, the command refuses to run "
        "on a database that already holds generated data.",
    )


def run_from_options(options) -> GenerationRun:
    refuse_unless_demo_accounts_allowed("generate_large_data")
    if options["proposals"] < 0 or options["risks"] < 0:
        raise CommandError("--proposals and --risks cannot be negative.")
    if not 1 <= options["years"] <= 20:
        raise CommandError("--years must be from 1 to 20.")
    return GenerationRun(
        seed=options["seed"],
        as_of=options["as_of"] or timezone.localdate(),
        scale=Scale(proposals=options["proposals"], risks=options["risks"], years=options["years"]),
        password=options["password"],
        append=options["append"],
    )


def generate_or_explain(run: GenerationRun, write) -> None:
    """Generate, saying how long each part took; a database already holding generated
    data is a CommandError that says what to do."""
    try:
        generate(run, report=write)
    except GeneratedDataPresent as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Generate realistic data at scale (proposals through their whole workflow, "
        "projects, risks, KPIs, meetings, with history) INTO THE CONFIGURED DATABASE: "
        "use a scratch database. Refuses if generated data is there already, unless "
        "--append. Creates one account per role (bench-officer, bench-member, "
        "bench-chair, bench-headofict, bench-admin) with --password."
    )

    def add_arguments(self, parser):
        add_generation_arguments(parser, proposals=10000, risks=3000)

    def handle(self, *args, **options):
        run = run_from_options(options)
        self.stdout.write(
            f"Generating {run.scale.proposals:,} proposals and {run.scale.risks:,} risks over "
            f"{run.scale.years} financial years, as of {run.as_of:%Y-%m-%d} (seed {run.seed})"
        )
        started = time.perf_counter()
        generate_or_explain(run, self.stdout.write)
        elapsed = time.perf_counter() - started
        self.stdout.write("Rows written:")
        for label, count in sorted(run.rows.items()):
            self.stdout.write(f"  {label:<48} {count:>10,}")
        self.stdout.write(f"  {'total':<48} {sum(run.rows.values()):>10,}")
        self.stdout.write(f"Generated in {elapsed:.1f} s.")
        self.stdout.write(f"Accounts (password: {run.password}):")
        for username, role in run.accounts:
            self.stdout.write(f"  {username:<16} {role}")
        self.stdout.write(
            f"To reproduce this data: --seed {run.seed} --as-of {run.as_of:%Y-%m-%d} "
            f"--proposals {run.scale.proposals} --risks {run.scale.risks} "
            f"--years {run.scale.years}"
        )
