"""Server-drawn charts: an image with a name, every value in text."""

from decimal import Decimal

import pytest
from django.utils.html import escape as django_escape
from django.utils.safestring import mark_safe

from common.charts import escape, grouped_bar_chart
from common.figures import money


def test_a_grouped_chart_is_a_named_image_stating_every_value():
    svg = grouped_bar_chart(
        chart_id="chart-spend",
        title="Spend <against> budget",
        groups=[
            ("2026/27", [("Budget", Decimal("600000")), ("Spend", Decimal("550000.50"))]),
            ("2027/28", [("Budget", Decimal(0)), ("Spend", Decimal(70000))]),
        ],
        shown=money,
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-spend-title chart-spend-desc"' in svg
    assert '<title id="chart-spend-title">Spend &lt;against&gt; budget</title>' in svg
    assert "2026/27: Budget £600,000; Spend £550,000.50. 2027/28: Budget £0; Spend £70,000." in svg
    assert svg.count("<rect") == 4


def test_a_chart_of_nothing_says_so():
    svg = grouped_bar_chart(chart_id="c", title="Nothing", groups=[], shown=money)
    assert "No data" in svg


@pytest.mark.parametrize(
    "value",
    ["Fish & chips <b>", "\"quoted\" and 'single'", 1610, None, Decimal("1.50"),
     mark_safe("<b>escaped all the same</b>")],
)  # fmt: skip
def test_a_charts_escape_is_djangos(value):
    assert escape(value) == django_escape(value)
