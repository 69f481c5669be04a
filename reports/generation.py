"""What each scheduled report contains, and the period a run covers."""

import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from weasyprint import HTML

from common.exports import xlsx_bytes
from common.fy import financial_year_label, financial_year_of
from projects import selectors as project_selectors
from risks import selectors as risk_selectors
from risks.choices import AssuranceFlag

from .assembly import annual_report_data
from .documents import pdf_bytes
from .models import AnnualReport, ReportKind


def period_for(kind: str, day: datetime.date) -> str:
    """The period a run on `day` covers: the month for the pack; the financial quarter
    for the risk report; the financial year just ended for the annual draft (it runs on
    1 April)."""
    if kind == ReportKind.GOVERNANCE_PACK:
        return f"{day:%Y-%m}"
    if kind in (ReportKind.RISK_REPORT, ReportKind.COMMITTEE_RISK):
        quarter = (day.month - 4) % 12 // 3 + 1
        return f"{financial_year_of(day)}-Q{quarter}"
    return str(financial_year_of(day) - 1)


def _governance_pack(period: str, progress) -> tuple[bytes, str]:
    """The month's pack. Every reader of the archive and every recipient gets the same
    file, so it holds only what all of them may see: no scores of proposals awaiting
    a decision, which a member sees only once they have scored (projects.policies)."""
    progress(20, "Reading the pipeline, portfolio and risks")
    html = render_to_string(
        "reports/governance_pack_pdf.html",
        {
            "period": period,
            "council_name": settings.COUNCIL_NAME,
            "triage": list(project_selectors.proposals_awaiting_triage()[:100]),
            "decisions_due": list(project_selectors.proposals_in_assessment()[:100]),
            "updates_due": list(project_selectors.projects_needing_update()[:100]),
            "projects": list(project_selectors.projects_with_latest_update()[:200]),
            "outside": list(risk_selectors.register(appetite="outside")[:100]),
        },
    )
    progress(70, "Writing the PDF")
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"), "pdf"


def _risk_report(period: str, progress) -> tuple[bytes, str]:
    progress(30, "Reading the register")
    header = ["Reference", "Title", "Register", "Category", "Owner", "Residual score",
              "Level", "Outside appetite", "Scores differ between registers",
              "Next review"]  # fmt: skip

    def rows(risks):
        return [
            [r.reference, r.title, r.get_register_display(), r.get_category_display(),
             str(r.owner), r.residual_score, r.get_residual_level_display(),
             r.outside_appetite, r.score_mismatch, r.next_review_date]
            for r in risks
        ]  # fmt: skip

    return xlsx_bytes(
        [
            ("Open risks", header, rows(risk_selectors.register())),
            ("Outside appetite", header, rows(risk_selectors.register(appetite="outside"))),
            (
                "Reviews overdue",
                header,
                rows(
                    risk_selectors.register().filter(
                        pk__in=risk_selectors.reviews_overdue().values("pk")
                    )
                ),
            ),
            _controls_sheet(),
        ]
    ), "xlsx"


def _controls_sheet() -> tuple[str, list[str], list[list]]:
    """Each open risk's controls and the assurance on them (Orange Book 2023), with
    the gaps risks.policies flags; a risk with no controls recorded is a row too."""
    header = ["Risk", "Title", "Gross score", "Current score", "Target score",
              "Assurance flags", "Control", "Owner", "Line of assurance", "Effectiveness",
              "Last assessed", "Assurance evidence"]  # fmt: skip
    risks = risk_selectors.with_assurance(risk_selectors.register()).prefetch_related(
        Prefetch("controls", risk_selectors.controls_of_risks())
    )
    rows = []
    for r in risks:
        flags = "; ".join(AssuranceFlag(f).label for f in risk_selectors.flags_of(r))
        risk_cells = [r.reference, r.title, r.inherent_score, r.residual_score, r.target_score,
                      flags]  # fmt: skip
        controls = list(r.controls.all())
        if not controls:
            rows.append([*risk_cells, "None recorded", "", "", "", None, ""])
        for c in controls:
            rows.append([*risk_cells, c.description, str(c.owner), c.get_line_display(),
                         c.get_effectiveness_display(), c.assessed_on, c.evidence])  # fmt: skip
    return "Controls and assurance", header, rows


def _annual_draft(period: str, progress) -> tuple[bytes, str]:
    progress(20, "Gathering the year's figures")
    year = int(period)
    # Rendered from an unsaved draft: a schedule reads the data and writes no report.
    report = AnnualReport(financial_year=year)
    figures = annual_report_data(year)
    progress(60, "Writing the PDF")
    return pdf_bytes(report, figures, council_name=settings.COUNCIL_NAME), "pdf"


BUILDERS = {
    ReportKind.GOVERNANCE_PACK: _governance_pack,
    ReportKind.RISK_REPORT: _risk_report,
    ReportKind.ANNUAL_DRAFT: _annual_draft,
}


def build(kind: str, period: str, progress=lambda percent, stage: None) -> tuple[bytes, str]:
    """The report's content and file extension; `progress(percent, stage)` is told how
    far it has got."""
    return BUILDERS[ReportKind(kind)](period, progress)


def title(kind: str, period: str) -> str:
    if kind == ReportKind.ANNUAL_DRAFT:
        return f"Annual report draft {financial_year_label(int(period))}"
    return f"{ReportKind(kind).label} {period}"
