"""The committee the Head of ICT sends quarterly risk reports to, as demo data."""

from governance.models import User

from . import services
from .models import Committee

DEMO_COMMITTEE = "Audit and Governance Committee"


def demo_committee_load(**kwargs) -> None:
    if Committee.objects.filter(name=DEMO_COMMITTEE).exists():
        return
    services.committee_create(
        user=User.objects.get(username="headofict"),
        name=DEMO_COMMITTEE,
        takes_quarterly_report=True,
    )
