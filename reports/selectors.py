import datetime
import functools
from typing import NamedTuple

from django.utils import timezone

from common import dataversion, precompute
from common.charts import bar_chart
from common.figures import PERCENT_UNIT, measure_cell, money_cell

from .assembly import annual_report_data
from .models import AnnualReport, ReportKind, ReportStatus, ScheduledReport, recipient_lines

FIGURES_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out


def annual_report_figures(report: AnnualReport) -> dict:
    """A final report's frozen figures, or a draft's live ones. Working out a year's
    figures takes a while on a council's data, so a draft's are remembered until the
    data or the date changes (common.dataversion): never stale."""
    if report.status == ReportStatus.FINAL:
        return report.snapshot
    return _draft_figures(report.financial_year)


def annual_report_page_figures(report: AnnualReport) -> dict:
    """The figures the report's page shows (annual_report_figures): all but the list
    of projects counted, of which the page shows only how many (`number_counted`). On
    a council's data the list runs to thousands of projects, for the Excel and CSV
    files: reading it back was most of what a draft's page cost."""
    if report.status == ReportStatus.FINAL:
        return report.snapshot
    return _draft_page_figures(report.financial_year)


def figures_for_page(figures: dict) -> dict:
    """`figures` without the list of projects counted, with how many there are."""
    projects = figures["projects"]
    if "counted" not in projects:
        return figures
    shown = {key: value for key, value in projects.items() if key != "counted"}
    shown["number_counted"] = len(projects["counted"])
    return {**figures, "projects": shown}


def _draft_figures(year: int) -> dict:
    return dataversion.remember(
        _figures_key(year), lambda: annual_report_data(year), timeout=FIGURES_CACHE
    )


def _draft_page_figures(year: int) -> dict:
    return dataversion.remember(
        _page_figures_key(year),
        lambda: figures_for_page(_draft_figures(year)),
        timeout=FIGURES_CACHE,
    )


def _figures_key(financial_year: int) -> str:
    return f"annual-report-figures:{financial_year}:{timezone.localdate()}"


def _page_figures_key(financial_year: int) -> str:
    return f"annual-report-page-figures:{financial_year}:{timezone.localdate()}"


def figures_to_precompute():
    """Each draft report's figures, and those its page shows, worked out after every
    change (common.precompute) so the first person to open a draft after a change does
    not wait for them. The page's come second: they are made from the figures."""
    years = (
        AnnualReport.objects.filter(status=ReportStatus.DRAFT)
        .order_by("financial_year")
        .values_list("financial_year", flat=True)
    )
    return [
        figure
        for year in years
        for figure in (
            precompute.Figure(
                _figures_key(year), functools.partial(annual_report_data, year), FIGURES_CACHE
            ),
            precompute.Figure(
                _page_figures_key(year),
                functools.partial(_draft_page_figures, year),
                FIGURES_CACHE,
            ),
        )
    ]


class Sheet(NamedTuple):
    """One section's table: a sheet of the workbook, a table on the page and in the
    PDF and Word documents. The caption says what the table holds, so it names the
    table for screen readers without repeating the section's heading."""

    title: str
    caption: str
    header: list[str]
    rows: list[list]
    # A long list (one row per project) goes to the Excel and CSV files only.
    data_files_only: bool = False


def schedules_on():
    """The scheduled reports beat will produce: switched on, with a crontab."""
    return (
        ScheduledReport.objects.filter(
            is_active=True, periodic_task__enabled=True, periodic_task__crontab__isnull=False
        )
        .select_related("periodic_task__crontab")
        .order_by("kind")
    )


class ScheduleRow(NamedTuple):
    pk: int
    name: str
    when: str  # the crontab as "minute hour day month"
    is_active: bool
    recipients: str


CRONTAB_FIELDS = ("minute", "hour", "day_of_month", "month_of_year")


def schedules_listed() -> list[ScheduleRow]:
    """The report archive's schedules as the page shows them: read as the few values it
    shows rather than as schedules with their beat task and crontab, whose building is
    most of what the table costs."""
    crontab = [f"periodic_task__crontab__{field}" for field in CRONTAB_FIELDS]
    kinds = dict(ReportKind.choices)
    return [
        ScheduleRow(
            pk=pk,
            name=kinds.get(kind, kind),
            when=" ".join([part or "" for part in when]),
            is_active=is_active,
            recipients=", ".join(recipient_lines(recipients)),
        )
        for pk, kind, recipients, is_active, *when in ScheduledReport.objects.values_list(
            "pk", "kind", "recipients", "is_active", *crontab
        )
    ]


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _money_rows(figures: dict) -> list[list]:
    """The budget, cost, spend and savings, each labelled with the projects it counts."""
    projects = figures["projects"]
    label = figures["label"]
    number_counted = _number_counted(projects)
    if number_counted is None:
        # Reports finalised before cost and spend counted the same projects keep the
        # figures they were published with, under the words they were published with.
        return [
            ["ICT budget", money_cell(projects["budget"])],
            ["Planned cost of approved projects", money_cell(projects["planned_cost"])],
            [
                "Spend to date on projects in delivery",
                money_cell(projects["spend_to_date_in_delivery"]),
            ],
            ["Cashable savings planned", money_cell(projects["savings_planned"])],
            ["Cashable savings realised", money_cell(projects["savings_realised"])],
        ]
    year = figures["financial_year"]
    first, last = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    return [
        [
            f"Projects counted for cost and spend: every project in delivery at any time "
            f"in {label} (started by {_long_date(last)} and not closed before "
            f"{_long_date(first)})",
            number_counted,
        ],
        [f"ICT budget for {label}", money_cell(projects["budget"])],
        [f"Planned cost in {label} of the projects counted", money_cell(projects["planned_cost"])],
        [
            f"Spend in {label} on the projects counted, from their progress updates",
            money_cell(projects["spend_in_year"]),
        ],
        [
            f"Cashable savings planned for {label} by every approved project",
            money_cell(projects["savings_planned"]),
        ],
        [
            f"Cashable savings realised in {label} by every approved project",
            money_cell(projects["savings_realised"]),
        ],
    ]


def _number_counted(projects: dict) -> int | None:
    """How many projects cost and spend count: None for a report finalised before they
    counted the same projects."""
    if "number_counted" in projects:  # the page's figures (figures_for_page)
        return projects["number_counted"]
    return len(projects["counted"]) if "counted" in projects else None


def _counted_sheet(figures: dict) -> list[Sheet]:
    counted = figures["projects"].get("counted")
    if counted is None:
        return []
    label = figures["label"]
    return [
        Sheet(
            "Projects counted",
            f"Each project in delivery at any time in {label}, with its planned cost and "
            f"spend in the year: the totals under Projects and spend are these columns' sums",
            ["Reference", "Title", "Business unit", "Status", "Started", "Closed",
             f"Planned cost in {label}", f"Spend to date before {label}",
             f"Spend to date at the end of {label}", f"Spend in {label}"],
            [
                [p["reference"], p["title"], p["business_unit"], p["status"],
                 _day(p["started_on"]), _day(p["closed_on"]), money_cell(p["planned_cost"]),
                 money_cell(p["spend_before"]), money_cell(p["spend_at_end"]),
                 money_cell(p["spend_in_year"])]
                for p in counted
            ],
            data_files_only=True,
        )
    ]  # fmt: skip


def report_sheets(figures: dict) -> list[Sheet]:
    """The figures as tables, one per section: the Excel workbook's sheets. Money and
    KPI values are Money and Measure cells (common.figures), so every file shows them
    in the council's format and the workbook keeps them as numbers."""
    return [*_section_sheets(figures), *_counted_sheet(figures)]


def _section_sheets(figures: dict) -> list[Sheet]:
    projects = figures["projects"]
    risks = figures["risks"]
    label = figures["label"]
    return [
        Sheet(
            "Themes",
            "Each theme's objectives and action-plan items, with how many items are "
            "completed and how many are red, amber and green",
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
        Sheet(
            "Projects and spend",
            f"Projects approved, in delivery and closed, and the budget, cost, spend and "
            f"savings for {label}, each with the projects it counts (the Excel and CSV "
            f"files list every project counted)",
            ["Measure", "Value"],
            [
                ["Approved in the year", projects["approved_in_year"]],
                ["In delivery", projects["in_delivery"]],
                ["Closed in the year", projects["closed_in_year"]],
                *_money_rows(figures),
            ],
        ),
        Sheet(
            "Projects by theme",
            "Projects approved, in delivery and closed under each theme they serve (a "
            "project serving two themes is counted under both)",
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
        Sheet(
            "Governance",
            f"Proposals received and decided in {label}, by outcome, with the time taken to "
            f"decide and each business unit's approval rate",
            ["Measure", "Value"],
            [
                ["Proposals received", projects["received"]],
                ["Proposals decided", projects["decided"]],
                ["Median days from submission to decision", projects["median_days_to_decision"]],
                *[[f"Decided: {outcome}", n] for outcome, n in projects["outcomes"].items()],
                *[
                    [f"Approval rate, {unit}", measure_cell(row["approval_rate"], PERCENT_UNIT)]
                    for unit, row in projects["approval_by_unit"].items()
                ],
            ],
        ),
        Sheet(
            "KPIs",
            f"Each KPI with the theme or principle it measures, its target for {label}, its "
            f"latest approved value, its status against the target, its RAG status against "
            f"its thresholds, its trend and another organisation's figure to compare",
            ["KPI", "Measures", "Unit", "Target", "Latest", "Status", "RAG", "Trend",
             "Comparator"],
            [
                [
                    k["name"],
                    k["measures"],
                    k["unit"],
                    measure_cell(k["target"], k["unit"]),
                    measure_cell(k["latest"], k["unit"]),
                    k["status"],
                    # Reports finalised before KPIs had thresholds and comparators.
                    k.get("rag", ""),
                    k["trend"],
                    k.get("comparator", ""),
                ]
                for k in figures["kpis"]
            ],
        ),
        Sheet(
            "Risks",
            "The open risks with the highest residual scores, with their owners and "
            "whether each is outside appetite",
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
        Sheet(
            "Risk movement",
            f"Open risks at the end of {label}, those outside appetite, and how residual "
            f"scores moved since the start of the year. A risk escalated to a higher "
            f"register counts once, by its entry there",
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


def report_tables(figures: dict) -> list[Sheet]:
    """The sections as tables on the page, in the PDF and in Word: the long lists
    stay in the Excel and CSV files (and are not even built for the page: a year's
    counted projects run to thousands)."""
    return [sheet for sheet in _section_sheets(figures) if not sheet.data_files_only]


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
