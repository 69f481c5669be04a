import hashlib

import pytest
from django.urls import reverse

from common.roles import GOVERNANCE_GROUP, Role
from common.testing import SIGNED_IN_KINDS, AccessCase, assert_access
from reports.models import AnnualReport

READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
HEAD = frozenset({Role.HEAD_OF_ICT})
# A committee paper's public part is for publication: officers read it too. Its exempt
# part is for the Head of ICT and the Governance Group; others are told it is not there.
PAPER_READERS = READERS | {Role.OFFICER}


def _paper_file_url(part):
    def url(o):
        kept = o.committee_report.files.get(part=part, file_format="pdf")
        return reverse("reports:committee-report-file", args=[o.committee_report.pk, kept.pk])

    return url


def _url(name, with_report=False):
    return lambda o: reverse(f"reports:{name}", args=[o.report.pk] if with_report else [])


def _run_url(name):
    return lambda o: reverse(f"reports:{name}", args=[o.run.pk])


ACCESS_CASES = [
    AccessCase("reports:archive", lambda o: reverse("reports:archive"), READERS),
    AccessCase("reports:request", lambda o: reverse("reports:request"), HEAD),
    AccessCase("reports:run-detail", _run_url("run-detail"), READERS),
    AccessCase("reports:run-download", _run_url("run-download"), READERS),
    AccessCase("reports:run-status", _run_url("run-status"), READERS),
    AccessCase(
        "reports:schedule-update",
        lambda o: reverse("reports:schedule-update", args=[o.schedule.pk]),
        HEAD,
    ),
    AccessCase("reports:annual-list", _url("annual-list"), READERS),
    AccessCase(
        "reports:annual-start",
        _url("annual-start"),
        HEAD,
        method="post",
        data={"financial_year": "2025"},
        ok_status=302,
    ),
    AccessCase("reports:annual-detail", _url("annual-detail", True), READERS),
    AccessCase("reports:annual-narrative", _url("annual-narrative", True), HEAD),
    AccessCase(
        "reports:annual-finalise", _url("annual-finalise", True), HEAD, "post", ok_status=302
    ),
    AccessCase(
        "reports:annual-produce",
        _url("annual-produce", True),
        READERS,
        method="post",
        data={"file_format": "csv"},
        ok_status=302,
    ),
    AccessCase(
        "reports:annual-file",
        lambda o: reverse("reports:annual-file", args=[o.report.pk, o.export.pk]),
        READERS,
    ),
    AccessCase("reports:annual-history", _url("annual-history", True), READERS),
    AccessCase(
        "reports:committee-list", lambda o: reverse("reports:committee-list"), PAPER_READERS
    ),
    AccessCase("reports:committee-create", lambda o: reverse("reports:committee-create"), HEAD),
    AccessCase(
        "reports:committee-update",
        lambda o: reverse("reports:committee-update", args=[o.committee_report.committee_id]),
        HEAD,
    ),
    AccessCase(
        "reports:committee-history",
        lambda o: reverse("reports:committee-history", args=[o.committee_report.committee_id]),
        PAPER_READERS,
    ),
    AccessCase(
        "reports:committee-report-request",
        lambda o: reverse("reports:committee-report-request"),
        HEAD,
    ),
    AccessCase(
        "reports:committee-report-detail",
        lambda o: o.committee_report.get_absolute_url(),
        PAPER_READERS,
    ),
    AccessCase("reports:committee-report-file", _paper_file_url("public"), PAPER_READERS),
    AccessCase(
        "reports:committee-report-file",
        _paper_file_url("exempt"),
        PAPER_READERS,
        overrides={Role.OFFICER: 404},
    ),
]


@pytest.fixture
def report(db, settings, tmp_path):
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from governance.tests.factories import UserFactory
    from reports.models import ReportExport, ReportRun, ScheduledReport

    settings.MEDIA_ROOT = tmp_path
    run = ReportRun(kind="risk_report", period="2026-Q1", status="done", filename="r.xlsx")
    run.file.save("r.xlsx", ContentFile(b"PK"), save=False)
    run.save()
    annual = AnnualReport.objects.create(financial_year=2025)
    export = ReportExport(
        report=annual,
        file_format="csv",
        filename="annual-report-2025-2026-v1-draft.csv",
        sha256=hashlib.sha256(b"Report").hexdigest(),
        size=6,
        created_by=UserFactory(),
    )
    export.file.save(export.filename, ContentFile(b"Report"), save=False)
    export.save()
    from reports.tests.factories import issued_committee_report

    return SimpleNamespace(
        report=annual,
        run=run,
        export=export,
        schedule=ScheduledReport.objects.first(),
        committee_report=issued_committee_report(),
    )


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case, client, report):
    assert_access(case, role=None, client=client, objects=report, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_signed_in_access_by_role(case, role, users_by_role, client_for, report):
    client = client_for(users_by_role[role])
    assert_access(case, role=role, client=client, objects=report, anonymous=False)


def test_a_year_not_yet_started_cannot_be_opened(head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("reports:annual-start"), {"financial_year": "2099"}, follow=True
    )
    assert "Select a financial year that has started" in response.content.decode()
    assert not AnnualReport.objects.exists()
