"""Importing a risk register from Excel or CSV (common.imports): the register's own
export, or a council's spreadsheet with the same headings.

Each row is validated by the risk form the register's pages use and written by
risk_create or risk_update. A row whose reference names an existing risk changes it;
any other row raises a new risk.

References. A risk's reference is its id (R-007 is risk 7). A row naming a reference
that no risk holds raises the risk with that id, so exporting a register and importing
it into an empty portal gives back the same references, and papers that cite R-007
still find it. The alternative, keeping the file's reference in a field of its own,
would give every risk two references to tell apart. A reference not in the portal's
form (a council's own "RSK-12") is refused rather than guessed at: leave it blank and
the risk is raised with the next free reference.

What is not read: scores, levels, "outside appetite" and the next review date are
worked out from the ratings under the current matrix, as when a risk is raised on its
page. Links to themes, proposals and projects are not in the register's columns, so
an import leaves a risk's links as they are. An import adds and changes open risks;
closing one asks for its reason, on its page.

Controls. The free-text "Existing controls" column is read, as before. Controls
recorded one by one, with their owners and assurance, are recorded on the risk's page:
the register's Excel file lists them on a sheet of its own, which an import does not
read, and its control counts and assurance flags are worked out, not read.
"""

from common.imports import (
    CHANGE,
    CREATE,
    UNCHANGED,
    ImportColumn,
    Importer,
    ImportSheet,
    Outcome,
    People,
    Problems,
    as_choice,
    as_date,
    form_data,
    labels,
    reference_number,
    reset_sequence,
)
from governance.selectors import portal_users, strategy_current

from . import policies, services
from .choices import Proximity, Response, RiskCategory, RiskStatus
from .forms import RiskForm
from .models import Risk

RATING = "1 (lowest) to 5 (highest)"
NOT_READ = "Worked out by the portal from the ratings; not read by an import"
ESCALATION = "Set when a risk is escalated, on its page; not read by an import"
CONTROLS = "From the controls recorded on the risk's page; not read by an import"

# The form's field for each column the import reads.
FIELDS = {
    "title": "Title",
    "category": "Category",
    "owner": "Owner",
    "cause": "Cause",
    "event": "Event",
    "consequence": "Consequence",
    "inherent_likelihood": "Inherent likelihood",
    "inherent_impact": "Inherent impact",
    "existing_controls": "Existing controls",
    "residual_likelihood": "Residual likelihood",
    "residual_impact": "Residual impact",
    "target_likelihood": "Target likelihood",
    "target_impact": "Target impact",
    "target_date": "Target date",
    "response": "Response",
    "proximity": "Proximity",
    "review_every_days": "Review every (days)",
}


REGISTER = ImportSheet(
    "Risk register",
    (
        ImportColumn("Reference", help="R-001 for a risk in the portal; blank for a new risk.",
                     example=""),
        ImportColumn("Title", True, "What could happen, in a line.", "Up to 200 characters",
                     "Data centre lease ends before cloud migration"),
        ImportColumn("Category", True, allowed=labels(RiskCategory.choices),
                     example="Operational"),
        ImportColumn("Owner", True, "Who owns the risk.",
                     "The full name, username or e-mail address of someone in the portal",
                     "David Okafor"),
        ImportColumn("Cause", True, example="The lease on the council's data centre ends in 2027"),
        ImportColumn("Event", True, example="Services still hosted there must move in a hurry"),
        ImportColumn("Consequence", True, example="Outages of services residents rely on"),
        ImportColumn("Inherent likelihood", True, allowed=RATING, example=4),
        ImportColumn("Inherent impact", True, allowed=RATING, example=5),
        ImportColumn("Inherent score", help=NOT_READ, read=False),
        ImportColumn("Existing controls", help="Controls not yet recorded one by one; each "
                     "control, with its owner and assurance, is recorded on the risk's page",
                     example="Migration plan agreed with the supplier"),
        ImportColumn("Residual likelihood", True, allowed=RATING, example=3),
        ImportColumn("Residual impact", True, allowed=RATING, example=4),
        ImportColumn("Residual score", help=NOT_READ, read=False),
        ImportColumn("Residual level", help=NOT_READ, read=False),
        ImportColumn("Outside appetite", help=NOT_READ, read=False),
        ImportColumn("Target likelihood", True, allowed=RATING, example=2),
        ImportColumn("Target impact", True, allowed=RATING, example=3),
        ImportColumn("Target score", help=NOT_READ, read=False),
        ImportColumn("Target date", help="When the target should be reached.",
                     allowed="A date from today on, for example 31/03/2028", example="31/03/2028"),
        ImportColumn("Response", True, allowed=labels(Response.choices), example="Treat"),
        ImportColumn("Proximity", allowed=labels(Proximity.choices), example="Near"),
        ImportColumn("Review every (days)", help="Blank to follow the frequency for its level.",
                     allowed="1 to 366"),
        ImportColumn("Status", help="An import adds and changes open risks.", allowed="Open",
                     example="Open"),
        ImportColumn("Next review", help="Set from today and the risk's level when raised; "
                     "not read by an import", read=False),
        ImportColumn("Register", help="An import raises risks in the ICT register; a risk "
                     "moves up by escalation, on its page; not read by an import", read=False),
        ImportColumn("Project", help="The project whose register holds a project risk; "
                     "not read by an import", read=False),
        ImportColumn("Escalated from", help=ESCALATION, read=False),
        ImportColumn("Escalated to", help=ESCALATION, read=False),
        ImportColumn("Scores differ between registers", help=NOT_READ, read=False),
        ImportColumn("Gross level", help=NOT_READ, read=False),
        ImportColumn("Current level", help=NOT_READ, read=False),
        ImportColumn("Target level", help=NOT_READ, read=False),
        ImportColumn("Controls recorded", help=CONTROLS, read=False),
        ImportColumn("Controls effectiveness", help=CONTROLS, read=False),
        ImportColumn("Controls with third-line assurance", help=CONTROLS, read=False),
        ImportColumn("Assurance flags", help=NOT_READ, read=False),
    ),
)  # fmt: skip


class RiskImporter(Importer):
    name = "risks"
    title = "Risks"
    description = "The risk register: each risk's owner, ratings and response."
    allowed_roles = policies.RISK_IMPORTERS
    sheets = (REGISTER,)
    list_url_name = "risks:risk-list"
    order = 40

    def handle(self, row, *, user, context) -> Outcome:
        problems = Problems()
        number = problems.check(
            "reference", reference_number, row.text("Reference"), "R",
            example="R-001", what="risk",
        )  # fmt: skip
        risk = Risk.objects.filter(pk=number).first() if number else None
        status = problems.check("status", as_choice, row.get("Status"), RiskStatus.choices,
                                "Status", blank=RiskStatus.OPEN)  # fmt: skip
        if status == RiskStatus.CLOSED or (risk and risk.status == RiskStatus.CLOSED):
            problems.messages.append(
                "Status: an import adds and changes open risks; close or reopen a risk on its page"
            )
        if "people" not in context:
            context["people"] = People(portal_users())
        people = context["people"]
        values = {name: row.text(header) for name, header in FIELDS.items()}
        values |= {
            "category": problems.check("category", as_choice, row.get("Category"),
                                       RiskCategory.choices, "Category"),
            "owner": problems.check("owner", people.find, row.get("Owner"), "Owner"),
            "response": problems.check("response", as_choice, row.get("Response"),
                                       Response.choices, "Response"),
            "proximity": problems.check("proximity", as_choice, row.get("Proximity"),
                                        Proximity.choices, "Proximity"),
            "target_date": problems.check("target_date", as_date, row.get("Target date"),
                                          "Target date"),
        }  # fmt: skip
        form = RiskForm(
            form_data(RiskForm.base_fields, values),
            strategy=strategy_current(), user=user, risk=risk,
        )  # fmt: skip
        cleaned = problems.validated(form, FIELDS)
        fields = {name: cleaned[name] for name in FIELDS}
        if risk is None:
            risk = services.risk_create(user=user, fields=fields, pk=number)
            return Outcome(CREATE, risk.reference, risk.title)
        changed = {name: value for name, value in fields.items() if getattr(risk, name) != value}
        if not changed:
            return Outcome(UNCHANGED, risk.reference, risk.title)
        services.risk_update(user=user, risk=risk, fields=changed)
        return Outcome(CHANGE, risk.reference, risk.title, [FIELDS[n] for n in changed])

    def finish(self, *, user, context) -> None:
        reset_sequence(Risk)


def register() -> None:
    from common.imports import register as register_importer

    register_importer(RiskImporter())
