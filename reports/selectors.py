from django.utils import timezone

from common import dataversion
from common.charts import bar_chart

from .assembly import annual_report_data
from .models import AnnualReport, ReportStatus

FIGURES_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out


def annual_report_figures(report: AnnualReport) -> dict:
    """A final report's frozen figures, or a draft's live ones. Working out a year's
    figures takes a while on a council's data, so a draft's are remembered until the
    data or the date changes (common.dataversion): never stale."""
    if report.status == ReportStatus.FINAL:
        return report.snapshot
    year = report.financial_year
    key = f"annual-report-figures:{year}:{timezone.localdate()}"
    return dataversion.remember(key, lambda: annual_report_data(year), timeout=FIGURES_CACHE)


def report_sheets(figures: dict) -> list[tuple[str, list[str], list[list]]]:
    """The figures as tables, one per section: the Excel workbook's sheets."""
    projects = figures["projects"]
    risks = figures["risks"]
    return [
        (
            "Themes",
            [
                "Theme",
                "Title",
                "Objectives",
                "Action-plan items",
                "Completed",
                "Red",
                "Amber",
                "Green",
            ],
            [
                [
                    t["number"],
                    t["title"],
                    t["objectives"],
                    t["items"],
                    t["by_status"]["Completed"],
                    t["by_rag"]["Red"],
                    t["by_rag"]["Amber"],
                    t["by_rag"]["Green"],
                ]
                for t in figures["themes"]
            ],
        ),
        (
            "Projects and spend",
            ["Measure", "Value"],
            [
                ["Approved in the year", projects["approved_in_year"]],
                ["In delivery", projects["in_delivery"]],
                ["Closed in the year", projects["closed_in_year"]],
                ["ICT budget (£)", projects["budget"]],
                ["Planned cost of approved projects (£)", projects["planned_cost"]],
                [
                    "Spend to date on projects in delivery (£)",
                    projects["spend_to_date_in_delivery"],
                ],
                ["Cashable savings planned (£)", projects["savings_planned"]],
                ["Cashable savings realised (£)", projects["savings_realised"]],
            ],
        ),
        (
            "Projects by theme",
            ["Theme", "Approved in the year", "In delivery", "Closed in the year"],
            [
                [
                    f"Theme {number}",
                    row["approved_in_year"],
                    row["in_delivery"],
                    row["closed_in_year"],
                ]
                for number, row in projects["by_theme"].items()
            ],
        ),
        (
            "Governance",
            ["Measure", "Value"],
            [
                ["Proposals received", projects["received"]],
                ["Proposals decided", projects["decided"]],
                ["Median days from submission to decision", projects["median_days_to_decision"]],
                *[[f"Decided: {outcome}", n] for outcome, n in projects["outcomes"].items()],
                *[
                    [f"Approval rate, {unit} (%)", row["approval_rate"]]
                    for unit, row in projects["approval_by_unit"].items()
                ],
            ],
        ),
        (
            "KPIs",
            ["KPI", "Measures", "Unit", "Target", "Latest", "Status", "Trend"],
            [
                [
                    k["name"],
                    k["measures"],
                    k["unit"],
                    k["target"],
                    k["latest"],
                    k["status"],
                    k["trend"],
                ]
                for k in figures["kpis"]
            ],
        ),
        (
            "Risks",
            [
                "Reference",
                "Title",
                "Category",
                "Owner",
                "Residual score",
                "Level",
                "Outside appetite",
            ],
            [
                [
                    r["reference"],
                    r["title"],
                    r["category"],
                    r["owner"],
                    r["residual_score"],
                    r["level"],
                    r["outside_appetite"],
                ]
                for r in risks["top"]
            ],
        ),
        (
            "Risk movement",
            ["Measure", "Value"],
            [
                ["Open risks at year end", risks["open"]],
                ["Outside appetite", len(risks["outside_appetite"])],
                ["Residual score worse than at the start of the year", risks["worse"]],
                ["Residual score better than at the start of the year", risks["better"]],
                ["Residual score unchanged", risks["unchanged"]],
                *[
                    [f"Outside appetite: {r['reference']} {r['title']}", r["residual_score"]]
                    for r in risks["outside_appetite"]
                ],
            ],
        ),
    ]


def report_charts(figures: dict) -> list[dict]:
    """The report's charts; the tables beside them hold the same numbers."""
    charts = [
        (
            "chart-themes",
            "Action-plan items completed, by theme",
            [(f"Theme {t['number']}", t["by_status"]["Completed"]) for t in figures["themes"]],
        ),
        (
            "chart-outcomes",
            "Proposals decided in the year, by outcome",
            list(figures["projects"]["outcomes"].items()),
        ),
    ]
    # A chart with nothing to show would be an empty picture: say so in words instead.
    return [
        {
            "title": title,
            "svg": bar_chart(chart_id=chart_id, title=title, bars=bars) if bars else None,
        }
        for chart_id, title, bars in charts
    ]
