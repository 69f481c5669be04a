"""The strategy's own risks, as clearly labelled demo data (is_demo, "Demo" tags)."""

import datetime

from django.db import transaction
from django.utils import timezone

from governance.catalogue import catalogue_load
from governance.models import User

from . import services
from .choices import AssuranceLine, Effectiveness, Proximity, Response, RiskCategory
from .models import Risk

# title, category, owner, themes, (inherent L, I), (residual L, I), (target L, I),
# cause, event, consequence, controls
RISKS = [
    ("Savings from ICT projects are not realised", RiskCategory.FINANCIAL, "headofict", [1, 4],
     (4, 4), (3, 4), (2, 3), "Benefits are planned but not tracked after go-live.",
     "Cashable savings in business cases do not reach the budget.",
     "The medium-term financial plan has a gap; services are cut.",
     "Benefits reviews at project closure."),
    ("Lock-in to a single cloud supplier", RiskCategory.SUPPLIER, "headofict", [4],
     (3, 4), (3, 3), (2, 3), "Hosted services use proprietary formats and contracts.",
     "The council cannot move services or data at contract end.",
     "Higher prices and weaker service at renewal.",
     "Exit clauses in framework call-offs."),
    ("Personal data breach from a council system", RiskCategory.INFORMATION_SECURITY,
     "member", [5, 3], (4, 5), (2, 4), (1, 4),
     "Mobile devices and new channels widen the attack surface.",
     "Residents' personal data is lost or disclosed.",
     "ICO enforcement, harm to residents, loss of trust.",
     "PSN compliance; encryption; annual penetration test."),
    ("Skills gaps in the new City ICT service", RiskCategory.PEOPLE, "headofict", [1],
     (4, 3), (3, 3), (2, 2), "The restructure lost experienced staff.",
     "The service cannot support new systems.", "Projects slip; incidents take longer to fix.",
     "Training programme; partnership with a neighbouring council."),
    ("Benefits of new ways of working are not adopted", RiskCategory.STRATEGIC, "officer", [3],
     (3, 3), (3, 2), (2, 2), "Staff keep paper-based habits.",
     "Flexible working tools go unused.", "Accommodation savings are not realised.",
     "Change champions in each service."),
]  # fmt: skip


# Controls on a few of the risks, with the line of assurance on each and how well it
# worked when last assessed (days ago): description, owner, line, effectiveness,
# assessed days ago, evidence. The other risks' controls are still free text only.
CONTROLS = {
    "Personal data breach from a council system": [
        ("Laptops and phones encrypted before issue", "headofict", AssuranceLine.FIRST,
         Effectiveness.EFFECTIVE, 45, "Device management compliance report"),
        ("PSN compliance checked each year", "headofict", AssuranceLine.SECOND,
         Effectiveness.EFFECTIVE, 120, "PSN compliance certificate"),
        ("Annual penetration test of internet-facing systems", "headofict", AssuranceLine.THIRD,
         Effectiveness.PARTLY_EFFECTIVE, 90,
         "Penetration test report: two medium findings still open"),
    ],
    "Savings from ICT projects are not realised": [
        ("Benefits reviews at project closure", "chair", AssuranceLine.FIRST,
         Effectiveness.NOT_ASSESSED, None, ""),
    ],
    "Lock-in to a single cloud supplier": [
        ("Exit clauses in framework call-offs, checked by Legal", "headofict",
         AssuranceLine.SECOND, Effectiveness.PARTLY_EFFECTIVE, 200,
         "Legal Services' contract review"),
    ],
}  # fmt: skip


@transaction.atomic
def demo_risks_load(**kwargs) -> None:
    strategy = catalogue_load()
    head = User.objects.get(username="headofict")
    themes = {t.number: t for t in strategy.themes.all()}
    for row in RISKS:
        title, category, owner, theme_numbers, inherent, residual, target, *text = row
        if Risk.objects.filter(title=title).exists():
            continue
        cause, event, consequence, controls = text
        risk = services.risk_create(
            user=head,
            fields={
                "title": title,
                "category": category,
                "owner": User.objects.get(username=owner),
                "cause": cause,
                "event": event,
                "consequence": consequence,
                "existing_controls": controls,
                "inherent_likelihood": inherent[0],
                "inherent_impact": inherent[1],
                "residual_likelihood": residual[0],
                "residual_impact": residual[1],
                "target_likelihood": target[0],
                "target_impact": target[1],
                "target_date": timezone.localdate() + datetime.timedelta(days=180),
                "response": Response.TREAT,
                "proximity": Proximity.NEAR,
                "is_demo": True,
            },
            links={"themes": [themes[n] for n in theme_numbers]},
        )
        for description, owner, line, effectiveness, days_ago, evidence in CONTROLS.get(title, []):
            services.control_add(
                user=head,
                risk=risk,
                fields={
                    "description": description,
                    "owner": User.objects.get(username=owner),
                    "line": line,
                    "effectiveness": effectiveness,
                    "assessed_on": timezone.localdate() - datetime.timedelta(days=days_ago)
                    if days_ago is not None
                    else None,
                    "evidence": evidence,
                },
            )
