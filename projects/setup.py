"""Reference data every install needs: the default scoring criteria."""

from common.services import after_migrate as common_after_migrate

from .models import Criterion

DEFAULT_CRITERIA = [
    ("Strategic alignment", 30, "How well it delivers the ICT strategy's themes."),
    ("Corporate objectives", 20, "How much it serves the council's corporate objectives."),
    ("Financial return", 20, "Cashable savings and value for money over its life."),
    ("Risk", 15, "How low the delivery and operational risks are (5: lowest risk)."),
    ("Deliverability", 15, "Whether the council has the skills, suppliers and time."),
]


def criteria_ensure_defaults() -> None:
    """Create the default criteria on a new install; once any exist, the Head of ICT's
    criteria are left alone."""
    if Criterion.objects.exists():
        return
    for position, (name, weight, description) in enumerate(DEFAULT_CRITERIA, start=1):
        Criterion.objects.create(
            name=name, weight=weight, description=description, position=position
        )


after_migrate = common_after_migrate(Criterion, criteria_ensure_defaults)
