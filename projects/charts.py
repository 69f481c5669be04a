"""Spend against budget per financial year, drawn as SVG on the server
(common.charts); the pages show the same figures in a table beside each chart."""

from common.charts import grouped_bar_chart
from common.figures import money
from common.fy import financial_year_label


def portfolio_chart(summary: list[dict], *, recommended: bool):
    """Per year: the ICT budget, and what approved projects commit plus (where the
    reader is shown the recommendation) what the recommended proposals would spend."""
    spend_name = "Approved and recommended" if recommended else "Approved projects"
    groups = [
        (
            financial_year_label(row["year"]),
            [
                ("ICT budget", row["budget"] or 0),
                (spend_name, row["committed"] + (row["recommended"] if recommended else 0)),
            ],
        )
        for row in summary
    ]
    return grouped_bar_chart(
        chart_id="chart-portfolio-spend",
        title=f"Spend against ICT budget by financial year: {spend_name.lower()}",
        groups=groups,
        shown=money,
    )


def scenario_chart(comparison):
    """Per year: the scenario's budget, and approved projects plus the recommended
    set's spend, now and in the scenario."""
    groups = [
        (
            financial_year_label(row["year"]),
            [
                ("Scenario budget", row["scenario_budget"] or 0),
                ("Spend now", row["baseline_spend"]),
                ("Spend in the scenario", row["scenario_spend"]),
            ],
        )
        for row in comparison.years
    ]
    return grouped_bar_chart(
        chart_id="chart-scenario-spend",
        title="Spend against budget by financial year, now and in the scenario",
        groups=groups,
        shown=money,
    )
