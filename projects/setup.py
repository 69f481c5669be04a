"""Reference data every install needs: the default scoring criteria and the points of
the Technology Code of Practice."""

from common.services import after_migrate as common_after_migrate

from .models import Criterion, TcopPoint

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


# The Technology Code of Practice (GOV.UK), point by point: what a proposal's
# self-assessment answers. The council may reword them (the admin); the number stays.
TCOP_POINTS = [
    ("Define user needs", "Know who the users are and what they need from the service."),
    ("Make things accessible and inclusive", "Everyone who needs it can use it, to WCAG 2.2 AA."),
    ("Be open and use open source", "Publish code and use open source where it fits."),
    ("Make use of open standards", "Use open standards for data and interfaces."),
    ("Use cloud first", "Consider public cloud before other hosting."),
    ("Make things secure", "Protect the service and its data, and keep them secure."),
    ("Make privacy integral", "Protect personal data from the start (privacy by design)."),
    ("Share, reuse and collaborate", "Reuse what exists and share what is built."),
    ("Integrate and adapt technology", "Work with existing systems and adapt as needs change."),
    ("Make better use of data", "Use data to run and improve the service, and share it."),
    ("Define your purchasing strategy", "Buy in a way that avoids lock-in and gives value."),
    ("Make your technology sustainable", "Reduce the environmental impact of the technology."),
    ("Meet the Service Standard", "Build the service to the Service Standard."),
]


def tcop_points_ensure() -> None:
    """Create the thirteen points on a new install; once any exist, the council's
    wording is left alone."""
    if TcopPoint.objects.exists():
        return
    for number, (title, description) in enumerate(TCOP_POINTS, start=1):
        TcopPoint.objects.create(number=number, title=title, description=description)


def reference_data_ensure() -> None:
    criteria_ensure_defaults()
    tcop_points_ensure()


after_migrate = common_after_migrate(TcopPoint, reference_data_ensure)
