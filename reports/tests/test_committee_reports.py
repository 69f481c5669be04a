"""Risk reports to a committee: direction of travel against the last report to the same
committee, worked out by hand; exempt risks only in the exempt part (its PDF and Word
text read back); long-standing red risks flagged; the exempt part refused to those the
policy refuses; the schedule issuing reports through a real Celery worker."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from common.models import OutboundEmail
from common.roles import Role
from governance.tests.factories import UserFactory
from reports import services
from reports.committee import months_before
from reports.models import Committee, CommitteeRiskReport, ScheduledReport
from risks import services as risk_services
from risks.choices import Register, ReviewKind
from risks.models import RiskMatrix, RiskReview
from risks.tests.factories import RiskFactory

EXEMPT_TITLE = "Northgate contract renegotiation stalls"
EXEMPT_REASON = "Names the supplier's commercial position"


def issue(committee, user):
    report = services.committee_report_request(committee=committee, requested_by=user)
    assert services.committee_report_generate(report_id=report.pk) is True
    report.refresh_from_db()
    return report


def review(user, risk, likelihood, impact):
    risk_services.risk_review(
        user=user, risk=risk, residual_likelihood=likelihood, residual_impact=impact,
        note="Quarterly review",
    )  # fmt: skip


@pytest.fixture
def two_reports(db, head_of_ict, settings, tmp_path):
    """Two reports to the Audit and Governance Committee, with these movements between
    them, worked out by hand (residual likelihood x impact):

    A  4 (2x2) -> 16 (4x4)   worsened
    B 12 (4x3) ->  6 (2x3)   improved
    C  9 (3x3) ->  9         unchanged; owner changed from Olwen to Piers
    D 25 (5x5) -> 25         unchanged; red in both reports
    E  4                     closed between the reports
    F                        raised between the reports: new (16, 4x4)
    X  6 (2x3) ->  9 (3x3)   worsened; exempt under paragraph 3, so only in the exempt part
    P  a project register's risk: in neither report.
    Cabinet has a report of its own in between, which the committee's comparison ignores."""
    settings.MEDIA_ROOT = tmp_path
    olwen = UserFactory(first_name="Olwen", last_name="Hughes", roles=[Role.MEMBER])
    piers = UserFactory(first_name="Piers", last_name="Lamb", roles=[Role.MEMBER])
    risks = SimpleNamespace(
        a=RiskFactory(title="Data centre lease ends", residual_likelihood=2, residual_impact=2),
        b=RiskFactory(title="Supplier insolvency", residual_likelihood=4, residual_impact=3),
        c=RiskFactory(
            title="Key staff leave", residual_likelihood=3, residual_impact=3, owner=olwen
        ),
        d=RiskFactory(title="Ransomware attack", residual_likelihood=5, residual_impact=5),
        e=RiskFactory(title="Old telephony fails", residual_likelihood=2, residual_impact=2),
        x=RiskFactory(
            title=EXEMPT_TITLE,
            residual_likelihood=2,
            residual_impact=3,
            exempt_paragraph=3,
            exempt_reason=EXEMPT_REASON,
        ),
        p=RiskFactory(title="Project slips", register=Register.PROJECT, project=_project()),
    )
    committee = Committee.objects.create(name="Audit and Governance Committee")
    cabinet = Committee.objects.create(name="Cabinet")
    first = issue(committee, head_of_ict)

    review(head_of_ict, risks.a, 4, 4)
    review(head_of_ict, risks.b, 2, 3)
    risk_services.risk_update(user=head_of_ict, risk=risks.c, fields={"owner": piers})
    risk_services.risk_close(user=head_of_ict, risk=risks.e, reason="Replaced by Teams calling")
    review(head_of_ict, risks.x, 3, 3)
    risks.f = RiskFactory(title="Cloud costs overrun", residual_likelihood=4, residual_impact=4)
    issue(cabinet, head_of_ict)
    second = issue(committee, head_of_ict)
    return SimpleNamespace(risks=risks, first=first, second=second, committee=committee)


def _project():
    from projects.tests.factories import ProjectFactory

    return ProjectFactory()


def rows_by_title(report, part="public"):
    from reports.committee import paper

    return {row["title"]: row for row in paper(report.snapshot, part)["rows"]}


def test_direction_of_travel_matches_the_movements_worked_out_by_hand(two_reports):
    rows = rows_by_title(two_reports.second)
    moved = {
        title: (row["direction"], row["previous_score"], row["score"])
        for title, row in rows.items()
    }
    assert moved == {
        "Data centre lease ends": ("worsened", 4, 16),
        "Supplier insolvency": ("improved", 12, 6),
        "Key staff leave": ("unchanged", 9, 9),
        "Ransomware attack": ("unchanged", 25, 25),
        "Cloud costs overrun": ("new", None, 16),
    }
    assert rows["Data centre lease ends"]["changes"] == [
        "Residual score rose from 4 to 16",
        "Level changed from Medium to Very high",
    ]
    assert rows["Supplier insolvency"]["changes"][0] == "Residual score fell from 12 to 6"
    assert rows["Key staff leave"]["changes"] == ["Owner changed from Olwen Hughes to Piers Lamb"]
    assert two_reports.second.previous == two_reports.first
    closed = two_reports.second.snapshot["closed"]
    assert [(c["title"], c["outcome"], c["reason"]) for c in closed] == [
        ("Old telephony fails", "Closed", "Replaced by Teams calling")
    ]
    exempt = rows_by_title(two_reports.second, "exempt")
    assert list(exempt) == [EXEMPT_TITLE]
    assert (exempt[EXEMPT_TITLE]["direction"], exempt[EXEMPT_TITLE]["previous_score"]) == (
        "worsened",
        6,
    )


def test_the_first_report_to_a_committee_reports_every_risk_as_first_reported(two_reports):
    rows = rows_by_title(two_reports.first)
    assert {row["direction_label"] for row in rows.values()} == {"First reported"}
    assert "Project slips" not in rows
    first = " ".join(_pdf_text(_files(two_reports.first)["public", "pdf"]).split())
    assert "5 reported for the first time" in first and "worsened" not in first
    second = " ".join(_pdf_text(_files(two_reports.second)["public", "pdf"]).split())
    assert "1 worsened, 1 improved, 2 unchanged, 1 new since the last report" in second


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


def _files(report):
    return {(kept.part, kept.file_format): kept.file.read() for kept in report.files.all()}


def test_exempt_risks_are_only_in_the_exempt_part_of_the_pdf_and_word_files(two_reports):
    files = _files(two_reports.second)
    texts = {
        "public": _pdf_text(files["public", "pdf"]) + _docx_text(files["public", "docx"]),
        "exempt": _pdf_text(files["exempt", "pdf"]) + _docx_text(files["exempt", "docx"]),
    }
    public, exempt = (" ".join(texts[p].split()) for p in ("public", "exempt"))
    assert "Northgate" not in public and EXEMPT_REASON not in public
    assert "Data centre lease ends" in public and "Worsened: 4 to 16" in public
    assert "1 risk is reported in the exempt part" in public
    # The public totals count five open risks, not six.
    assert "5 open risks" in public
    assert "Northgate" in exempt and EXEMPT_REASON in exempt
    assert (
        "Exempt: not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A "
        "to the Local Government Act 1972"
    ) in exempt
    assert "Supplier insolvency" not in exempt  # public risks stay in the public part


def test_the_public_heat_map_leaves_exempt_risks_out(two_reports):
    from reports.committee import paper

    def count(part, likelihood, impact):
        grid = paper(two_reports.second.snapshot, part)["heat_map"]
        row = next(r for r in grid if r["impact"] == impact)
        return row["cells"][likelihood - 1]["count"]

    # X sits at 3 x 3 beside C: public counts C only; the exempt part counts both.
    assert (count("public", 3, 3), count("exempt", 3, 3)) == (1, 2)


def test_a_risk_no_longer_exempt_is_new_to_the_public_part_saying_nothing_of_before(
    two_reports, head_of_ict
):
    exempt = two_reports.risks.x
    risk_services.risk_exemption_set(user=head_of_ict, risk=exempt, paragraph=None, reason="")
    third = issue(two_reports.committee, head_of_ict)
    row = rows_by_title(third)[EXEMPT_TITLE]
    assert (row["direction_label"], row["previous_score"], row["changes"]) == (
        "New to the public part",
        None,
        [],
    )
    text = " ".join(_pdf_text(_files(third)["public", "pdf"]).split())
    assert EXEMPT_TITLE in text and EXEMPT_REASON not in text


def test_a_risk_red_in_three_reports_running_is_flagged_long_standing(two_reports, head_of_ict):
    assert not rows_by_title(two_reports.second)["Ransomware attack"]["long_standing_red"]
    third = issue(two_reports.committee, head_of_ict)
    rows = rows_by_title(third)
    assert rows["Ransomware attack"]["red_streak"] == 3
    assert rows["Ransomware attack"]["long_standing_red"]
    assert not rows["Data centre lease ends"]["long_standing_red"]  # red in two only
    text = " ".join(_pdf_text(_files(third)["public", "pdf"]).split())
    assert "Ransomware attack: score 25, very high in 3 reports running" in text


def test_a_risk_red_for_over_six_months_is_flagged_in_its_first_report(db, head_of_ict):
    risk = RiskFactory(title="Legacy payroll", residual_likelihood=5, residual_impact=4)
    RiskReview.objects.create(
        risk=risk, kind=ReviewKind.RAISED, reviewer=head_of_ict,
        reviewed_on=months_before(timezone.localdate(), 7), matrix=RiskMatrix.objects.get(
            is_current=True), residual_likelihood=5, residual_impact=4, residual_score=20,
        residual_level="very_high", outside_appetite=True, next_review_date="2030-01-01",
    )  # fmt: skip
    report = issue(Committee.objects.create(name="Cabinet"), head_of_ict)
    assert rows_by_title(report)["Legacy payroll"]["long_standing_red"]


def test_months_before_keeps_the_day_or_takes_the_months_last(db):
    assert months_before(datetime.date(2026, 12, 6), 6) == datetime.date(2026, 6, 6)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize("role", [Role.OFFICER])
def test_the_exempt_part_is_not_found_for_those_the_policy_refuses(
    two_reports, users_by_role, client_for, role
):
    client = client_for(users_by_role[role])
    report = two_reports.second
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    assert "Data centre lease ends" in page.content.decode()
    assert "Northgate" not in page.content.decode()
    exempt_files = report.files.filter(part="exempt")
    for kept in exempt_files:
        url = reverse("reports:committee-report-file", args=[report.pk, kept.pk])
        assert client.get(url).status_code == 404
    public = report.files.get(part="public", file_format="pdf")
    url = reverse("reports:committee-report-file", args=[report.pk, public.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, None])
def test_those_without_a_reading_role_see_no_part(two_reports, users_by_role, client_for, role):
    client = client_for(users_by_role[role])
    report = two_reports.second
    assert client.get(report.get_absolute_url()).status_code == 403
    for kept in report.files.all():
        url = reverse("reports:committee-report-file", args=[report.pk, kept.pk])
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.HEAD_OF_ICT, Role.MEMBER, Role.CHAIR])
def test_the_head_of_ict_and_the_governance_group_see_the_exempt_part(
    two_reports, users_by_role, client_for, role
):
    client = client_for(users_by_role[role])
    report = two_reports.second
    page = client.get(report.get_absolute_url()).content.decode()
    assert EXEMPT_TITLE in page
    kept = report.files.get(part="exempt", file_format="docx")
    url = reverse("reports:committee-report-file", args=[report.pk, kept.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert EXEMPT_TITLE in _docx_text(b"".join(response.streaming_content))


def test_an_issued_report_keeps_its_scores_when_the_register_changes(two_reports, head_of_ict):
    review(head_of_ict, two_reports.risks.a, 1, 1)
    two_reports.second.refresh_from_db()
    assert rows_by_title(two_reports.second)["Data centre lease ends"]["score"] == 16


def test_the_email_of_a_report_carries_no_part_of_it(two_reports, head_of_ict):
    sent = OutboundEmail.objects.filter(recipient=head_of_ict.email)
    assert sent.exists()
    for email in sent:
        assert "Northgate" not in email.body and "Data centre" not in email.body


def test_the_schedule_issues_one_report_per_committee_per_quarter(two_reports):
    Committee.objects.create(name="Cabinet only on request", takes_quarterly_report=False)
    schedule = ScheduledReport.objects.get(kind="committee_risk")
    day = datetime.date(2026, 10, 1)
    services.scheduled_report_run(schedule_id=schedule.pk, day=day)
    services.scheduled_report_run(schedule_id=schedule.pk, day=day)
    scheduled = CommitteeRiskReport.objects.filter(period="2026-Q3")
    assert sorted(r.committee.name for r in scheduled) == [
        "Audit and Governance Committee",
        "Cabinet",
    ]


def test_a_committee_name_is_given_once(head_of_ict, client_for, db):
    client = client_for(head_of_ict)
    url = reverse("reports:committee-create")
    assert client.post(url, {"name": "Cabinet"}).status_code == 302
    response = client.post(url, {"name": " cabinet "})
    assert response.status_code == 200
    assert "There is already a committee with this name" in response.content.decode()
    assert Committee.objects.count() == 1


def test_a_renamed_committee_keeps_its_papers_names_and_its_baseline(
    two_reports, head_of_ict, client_for
):
    """The council renames a body: the papers issued to it keep the name they were
    issued under, the next compares with the last one issued to it, and history says
    who renamed it."""
    committee = two_reports.committee
    client = client_for(head_of_ict)
    url = reverse("reports:committee-update", args=[committee.pk])
    page = client.get(url).content.decode()
    assert 'value="Audit and Governance Committee"' in page  # the form shows what it holds
    response = client.post(url, {"name": "Audit, Risk and Governance Committee"})
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.name == "Audit, Risk and Governance Committee"
    assert committee.takes_quarterly_report is False  # unticked: on request only now

    two_reports.second.refresh_from_db()
    assert two_reports.second.snapshot["committee"] == "Audit and Governance Committee"
    third = issue(committee, head_of_ict)
    assert third.previous == two_reports.second
    assert third.snapshot["committee"] == "Audit, Risk and Governance Committee"
    assert rows_by_title(third)["Data centre lease ends"]["direction"] == "unchanged"

    history = client.get(reverse("reports:committee-history", args=[committee.pk])).text
    assert "Audit and Governance Committee" in history
    assert "Audit, Risk and Governance Committee" in history
    assert head_of_ict.get_full_name() in history


def test_a_report_asked_for_twice_while_it_is_produced_is_one_report(
    two_reports, head_of_ict, client_for
):
    committee = two_reports.committee
    client = client_for(head_of_ict)
    url = reverse("reports:committee-report-request")
    first = client.post(url, {"committee": committee.pk})
    again = client.post(url, {"committee": committee.pk})  # pressed twice, or a second tab
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    waiting = CommitteeRiskReport.objects.filter(committee=committee, status="pending")
    assert waiting.count() == 1
    assert services.committee_report_generate(report_id=waiting.get().pk) is True
    client.post(url, {"committee": committee.pk})  # once issued, a new one is a new report
    assert CommitteeRiskReport.objects.filter(committee=committee).count() == 4


def test_a_committee_is_not_renamed_to_another_ones_name(two_reports, head_of_ict, client_for):
    committee = two_reports.committee
    response = client_for(head_of_ict).post(
        reverse("reports:committee-update", args=[committee.pk]),
        {"name": " CABINET ", "takes_quarterly_report": "on"},
    )
    assert response.status_code == 200
    assert "There is already a committee with this name" in response.content.decode()
    committee.refresh_from_db()
    assert committee.name == "Audit and Governance Committee"


def test_only_the_head_of_ict_changes_a_committee_and_all_readers_see_its_history(
    two_reports, users_by_role, client_for
):
    committee = two_reports.committee
    change = reverse("reports:committee-update", args=[committee.pk])
    for role in (Role.OFFICER, Role.MEMBER, Role.CHAIR):
        client = client_for(users_by_role[role])
        assert client.post(change, {"name": "Renamed"}).status_code == 403, role
        history = client.get(reverse("reports:committee-history", args=[committee.pk]))
        assert history.status_code == 200, role
        listing = client.get(reverse("reports:committee-list")).content.decode()
        assert change not in listing, role  # no link to a page they may not use
    committee.refresh_from_db()
    assert committee.name == "Audit and Governance Committee"


@pytest.mark.django_db(transaction=True)
def test_a_schedule_run_twice_by_a_real_worker_issues_one_report_to_each_committee(
    settings, tmp_path
):
    import time

    from celery.contrib.testing.worker import start_worker

    from common.testing import wait_for
    from ictstrategy.celery import app as celery_app
    from reports.tasks import run_scheduled_report

    settings.MEDIA_ROOT = tmp_path
    RiskFactory(title=EXEMPT_TITLE, exempt_paragraph=3, exempt_reason=EXEMPT_REASON)
    RiskFactory(title="Data centre lease ends")
    Committee.objects.create(name="Audit and Governance Committee")
    schedule = ScheduledReport.objects.get(kind="committee_risk")
    schedule.recipients = "democratic.services@example.org"
    schedule.save()
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        run_scheduled_report.delay(schedule.pk).get(timeout=60)
        run_scheduled_report.delay(schedule.pk).get(timeout=60)
        assert wait_for(lambda: CommitteeRiskReport.objects.filter(status="done").exists(), 120)
        time.sleep(1)
    report = CommitteeRiskReport.objects.get()
    assert report.schedule == schedule and report.period
    assert report.files.count() == 4
    public = report.files.get(part="public", file_format="pdf").file.read()
    assert "Northgate" not in _pdf_text(public)
    email = OutboundEmail.objects.get(recipient="democratic.services@example.org")
    assert report.get_absolute_url() in email.body and "Northgate" not in email.body
