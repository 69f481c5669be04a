"""The annual report's figures, read from the other apps through their selectors.

The result is plain JSON-ready data (numbers as strings where they are money), so a
finalised report stores exactly what it showed, and exports read the same thing."""

from decimal import Decimal

from common.figures import measure_cell
from common.fy import financial_year_label
from governance import selectors as governance_selectors
from projects import selectors as project_selectors
from risks import selectors as risk_selectors

CENT = Decimal("0.01")
# Values that stay as they are. Checked by exact type before any call: a year's figures
# hold tens of thousands of values on a large council's data (a row per project).
AS_THEY_ARE = frozenset({str, int, bool, float, type(None)})


def _plain(value):
    kind = type(value)
    if kind in AS_THEY_ARE:
        return value
    if kind is dict:
        return {str(k): v if type(v) in AS_THEY_ARE else _plain(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in AS_THEY_ARE else _plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def annual_report_data(financial_year: int) -> dict:
    strategy = governance_selectors.strategy_current()
    kpis = [
        {
            "name": kpi.name,
            "unit": kpi.unit,
            "target": kpi.target,
            "latest": kpi.latest.value if kpi.latest else None,
            "status": kpi.status,
            "rag": kpi.rag,
            "trend": kpi.trend,
            "comparator": (
                f"{kpi.comparator.organisation}, "
                f"{financial_year_label(kpi.comparator.financial_year)}: "
                f"{measure_cell(kpi.comparator.value, kpi.unit)} ({kpi.comparator.source})"
                if kpi.comparator
                else ""
            ),
            "measures": (
                f"Theme {kpi.theme.number}"
                if kpi.theme
                else (kpi.principle.title if kpi.principle else "")
            ),
        }
        # A published document: approved KPI values only, whoever produces it.
        for kpi in governance_selectors.kpis_with_latest(financial_year, user=None)
    ]
    return _plain(
        {
            "financial_year": financial_year,
            "label": financial_year_label(financial_year),
            "strategy": str(strategy) if strategy else "",
            "themes": governance_selectors.action_plan_summary(strategy) if strategy else [],
            "projects": project_selectors.year_summary(financial_year),
            "kpis": kpis,
            "risks": risk_selectors.year_summary(financial_year),
        }
    )
