"""The home page's risk panels read their lines as values (or as text the worker worked
out ahead): each line must read as the risk's own page names and links it."""

import datetime

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from risks.panels import _truncated
from risks.tests.factories import RiskFactory


def test_owned_panel_lines_link_name_and_date_each_risk(risk_owner, client_for, strategy):
    today = timezone.localdate()
    overdue = RiskFactory(
        owner=risk_owner, title="Cooling <fails>", next_review_date=today - datetime.timedelta(2)
    )
    due = RiskFactory(owner=risk_owner, next_review_date=today + datetime.timedelta(days=3))
    home = client_for(risk_owner).get(reverse("home")).content.decode()
    overdue_tag = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    for risk, when in ((overdue, overdue_tag), (due, "due")):
        link = f'<a class="govuk-link" href="{risk.get_absolute_url()}">'
        name = escape(f"{risk.reference} {risk.title}")
        review = date_filter(risk.next_review_date, "j M Y")
        assert f"{link}{name}</a>: review {when} {review}</li>" in home


def test_action_descriptions_are_cut_as_the_truncatechars_filter_cuts_them():
    for text in ("Short", "x" * 80, "x" * 81, "Café " * 20, "e\u0301" * 85, ""):
        assert _truncated(text, 80) == truncatechars(text, 80)
