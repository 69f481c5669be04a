import datetime

from django.urls import reverse

from governance.catalogue import catalogue_load
from governance.choices import StrategyStatus
from governance.models import BusinessUnit, Principle, Strategy, Theme, User

# The report's own words (cover report to the City Executive Board, 7 December 2011).
SEED_THEMES = [
    "Establishment of the new City ICT service",
    "Exploiting new communication channels to broaden citizen access to our services",
    "Establish new ways of working, both in terms of how Council staff interact with "
    "information services, and in their patterns and location of work",
    "Preparing our information services to exploit the benefits and cost-savings offered "
    "by \u2018cloud services\u2019",
    "Managing our information better",
]
SEED_PRINCIPLES = [
    "Strong governance of ICT project prioritisation and expenditure",
    "Partnership and collaboration within the public sector",
    "Data and system security",
    "Adherence to established service management principles and methodologies",
    "Sustainability",
    "Effective Supplier management",
    "Robust training programmes",
    "Benchmarking of our services",
]


def test_migrate_loads_the_2012_strategy_as_the_report_records_it(db):
    strategy = Strategy.objects.get(title="ICT Strategy 2012 to 2017")
    assert (strategy.start_year, strategy.end_year) == (2012, 2017)
    assert strategy.approving_body == "City Executive Board"
    assert strategy.approval_date == datetime.date(2011, 12, 7)
    assert strategy.policy_framework == "Efficient and Effective Council"
    assert strategy.status == StrategyStatus.APPROVED
    assert [t.title for t in strategy.themes.order_by("number")] == SEED_THEMES
    assert [p.title for p in strategy.principles.order_by("number")] == SEED_PRINCIPLES


def test_the_previous_strategy_is_held_as_superseded(db):
    previous = Strategy.objects.get(start_year=2009)
    assert previous.end_year == 2012
    assert previous.status == StrategyStatus.SUPERSEDED


def test_loading_the_catalogue_again_adds_nothing(db):
    counts = (Strategy.objects.count(), Theme.objects.count(), Principle.objects.count())
    catalogue_load()
    catalogue_load()
    assert (Strategy.objects.count(), Theme.objects.count(), Principle.objects.count()) == counts


def test_loading_the_catalogue_keeps_the_head_of_icts_edits(strategy):
    theme = strategy.themes.get(number=5)
    theme.description = "Edited in the portal"
    theme.save()
    catalogue_load()
    theme.refresh_from_db()
    assert theme.description == "Edited in the portal"


def test_the_catalogue_is_not_demo_data(db):
    assert not User.objects.exists()
    assert not BusinessUnit.objects.exists()


def test_strategy_page_shows_the_themes_and_principles_in_the_reports_words(
    strategy, officer, client_for
):
    response = client_for(officer).get(reverse("governance:strategy-detail", args=[strategy.pk]))
    page = response.content.decode()
    for title in SEED_THEMES + SEED_PRINCIPLES:
        assert title in page
