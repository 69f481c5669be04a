"""The strategy catalogue: reference data from the council's ICT strategy report.

Taken from the cover report to the City Executive Board of 7 December 2011 (paragraphs
1, 5, 6 and 8). Theme and principle titles are the report's own words. This is not demo
data: every install gets it. Loading adds what is missing and never overwrites what the
Head of ICT has since edited in the portal.
"""

import datetime

from django.db import transaction

from .choices import StrategyStatus
from .models import CorporateObjective, Principle, Strategy, Theme

CURRENT_STRATEGY = {
    "title": "ICT Strategy 2012 to 2017",
    "start_year": 2012,
    "end_year": 2017,
    "approving_body": "City Executive Board",
    "approval_date": datetime.date(2011, 12, 7),
    "policy_framework": "Efficient and Effective Council",
    "status": StrategyStatus.APPROVED,
    "summary": (
        "To align the Council's information systems with its strategic priorities, to "
        "drive business improvement, deliver added value and be an enabler of change. "
        "Technology and business information systems must prove their value by "
        "delivering financial savings and/or enabling business transformation. "
        "Report of the Head of ICT Strategy; executive lead member Cllr Ed Turner."
    ),
}

PREVIOUS_STRATEGY = {
    "title": "ICT Strategy 2009 to 2012",
    "start_year": 2009,
    "end_year": 2012,
    "status": StrategyStatus.SUPERSEDED,
    "summary": "The previous ICT strategy, finalised in 2009 to cover the period to 2012.",
}

THEMES = [
    "Establishment of the new City ICT service",
    "Exploiting new communication channels to broaden citizen access to our services",
    "Establish new ways of working, both in terms of how Council staff interact with "
    "information services, and in their patterns and location of work",
    "Preparing our information services to exploit the benefits and cost-savings offered "
    "by \u2018cloud services\u2019",
    "Managing our information better",
]

PRINCIPLES = [
    "Strong governance of ICT project prioritisation and expenditure",
    "Partnership and collaboration within the public sector",
    "Data and system security",
    "Adherence to established service management principles and methodologies",
    "Sustainability",
    "Effective Supplier management",
    "Robust training programmes",
    "Benchmarking of our services",
]

CORPORATE_OBJECTIVES = [
    (
        "Efficient and Effective Council",
        "The policy framework under which the ICT strategy was approved.",
    ),
]


@transaction.atomic
def catalogue_load() -> Strategy:
    """Create whatever part of the catalogue is missing; returns the current strategy."""
    Strategy.objects.get_or_create(title=PREVIOUS_STRATEGY["title"], defaults=PREVIOUS_STRATEGY)
    strategy, _ = Strategy.objects.get_or_create(
        title=CURRENT_STRATEGY["title"], defaults=CURRENT_STRATEGY
    )
    for number, title in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(strategy=strategy, number=number, defaults={"title": title})
    for number, title in enumerate(PRINCIPLES, start=1):
        Principle.objects.get_or_create(strategy=strategy, number=number, defaults={"title": title})
    for title, description in CORPORATE_OBJECTIVES:
        CorporateObjective.objects.get_or_create(title=title, defaults={"description": description})
    return strategy
