"""The one-pass markup of common.markup escapes each value as the template language does."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from common.formatting import short_date
from common.markup import escape, fill

VALUES = ["Fish & chips <b>", "\"quoted\" and 'single'", 1610, None, mark_safe("<b>kept</b>")]


@pytest.mark.parametrize("value", VALUES)
def test_escape_is_the_template_languages_escape(value):
    assert escape(value) == conditional_escape(value)


def test_fill_is_format_html():
    markup = '<a href="{}">{}</a> {}'
    values = ("/risks/1/?a=1&b=2", "R1 <script>", mark_safe("<strong>tag</strong>"))
    filled = fill(markup, *values)
    assert isinstance(filled, SafeString)
    assert filled == format_html(markup, *values)


def test_short_date_is_the_date_filter_for_every_month():
    for month in range(1, 13):
        day = datetime.date(2026, month, 9)
        assert short_date(day) == date_filter(day, "j M Y")
    assert short_date(None) == ""
