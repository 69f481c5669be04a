"""Importing projects (with their progress updates) and the proposals pipeline from
Excel or CSV (common.imports), including the export of Microsoft Project Online.

References. A project's reference is its proposal's (P-0001 is proposal 1). A row
naming a reference no proposal holds is created with that id, so a list exported and
imported into a portal without it comes back with the same references (risks.imports
says why this rather than a second reference field). A reference not in the portal's
form is refused; blank adds a new one with the next reference.

Projects. A row makes a project in delivery and the approved proposal behind it, as
the council's project was approved before the portal; closing one asks for its
benefits review, on its page. Progress updates (their own sheet) are validated by the
progress update form and posted by its service, each keyed by project and date: an
update already recorded for that date must match, since updates are a record and are
not edited.

Proposals. An import brings a proposal in awaiting a decision (submitted, in triage or
in assessment: policies.IMPORTABLE_PROPOSAL_STATUSES). Changing an existing proposal's
status goes through the workflow's own steps that the Head of ICT may take; decisions
are the Governance Group's, at a meeting. Costs, scores and dates of submission are
not in the list's columns an import reads: costs are entered per year on the proposal,
scores come from assessments.

Project Online. Project Center's "Export to Excel" (and Project for the web's export)
name the columns their own way. `PROJECT_ONLINE` maps each heading to the portal's
column (the first heading found wins where two map to one), and a file is recognised
by them; the rest is the same import. Project Online's "% Complete", "Health" and
costs are not read: progress is reported in the portal's updates, with its RAGs.
"""

from django.core.exceptions import ValidationError

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
    as_boolean,
    as_choice,
    as_date,
    as_number,
    as_text,
    form_data,
    labels,
    reference_number,
    reset_sequence,
)
from common.imports import register as register_importer
from governance.choices import RAG
from governance.models import BusinessUnit
from governance.selectors import portal_users

from . import policies, services
from .choices import ProjectStatus, ProposalStatus
from .forms import ProgressUpdateForm, ProjectImportForm, ProposalImportForm
from .models import Project, Proposal

# Project Online (Project Center, "Export to Excel") and Project for the web headings,
# and the portal's column each means.
PROJECT_ONLINE = {
    "Title": ("Project Name", "Name"),
    "Project manager": ("Project Manager", "Owner", "Project Owner"),
    "Started": ("Start Date", "Start", "Project Start Date"),
    "Planned finish": ("Finish Date", "Finish", "Project Finish Date"),
    "Business unit": ("Department", "Project Departments", "Departments"),
    "Description": ("Project Description",),
    "Status": ("Project Status", "Project State"),
}
# Project Online's states for a project still being delivered; others are refused.
PROJECT_ONLINE_IN_DELIVERY = ("in progress", "not started", "active", "on track", "at risk",
                              "late", "proposed", "planning", "execution")  # fmt: skip

PROJECT_FIELDS = {
    "title": "Title",
    "business_unit": "Business unit",
    "project_manager": "Project manager",
    "started_on": "Started",
    "end_date": "Planned finish",
    "case_for_change": "Description",
}
NOT_READ = "Kept by the portal; not read by an import"


PROJECTS = ImportSheet(
    "Projects",
    (
        ImportColumn("Reference", help="P-0001 for a project in the portal; blank for a new one.",
                     example=""),
        ImportColumn("Title", True, allowed="Up to 200 characters",
                     example="Replace the housing management system",
                     aliases=PROJECT_ONLINE["Title"]),
        ImportColumn("Business unit", True, allowed="The name of an active business unit",
                     example="Housing Services", aliases=PROJECT_ONLINE["Business unit"]),
        ImportColumn("Project manager", True, allowed="The full name, username or e-mail "
                     "address of someone in the portal", example="David Okafor",
                     aliases=PROJECT_ONLINE["Project manager"]),
        ImportColumn("Status", allowed="In delivery", example="In delivery",
                     aliases=PROJECT_ONLINE["Status"]),
        ImportColumn("Started", True, allowed="A date, for example 01/04/2026",
                     example="01/04/2026", aliases=PROJECT_ONLINE["Started"]),
        ImportColumn("Planned finish", allowed="A date on or after the start",
                     example="31/03/2028", aliases=PROJECT_ONLINE["Planned finish"]),
        ImportColumn("Description", allowed="Why the project is needed",
                     aliases=PROJECT_ONLINE["Description"]),
        ImportColumn("Last update", help="The latest progress update's date; " + NOT_READ,
                     read=False),
        ImportColumn("Closed", help=NOT_READ, read=False),
    ),
)  # fmt: skip
UPDATE_FIELDS = {
    "reported_on": "Reported on",
    "rag_overall": "Overall RAG",
    "rag_time": "Time RAG",
    "rag_cost": "Cost RAG",
    "rag_scope": "Scope RAG",
    "percent_complete": "% complete",
    "actual_spend_to_date": "Spend to date",
    "milestones_met": "Milestones met",
    "narrative": "Progress and issues",
}
UPDATES = ImportSheet(
    "Progress updates",
    (
        ImportColumn("Project", True, allowed="The project's reference (P-0001)",
                     example="P-0001"),
        ImportColumn("Reported on", True, allowed="A date not after today", example="30/04/2026"),
        *(ImportColumn(h, True, allowed=labels(RAG.choices), example="Green")
          for h in ("Overall RAG", "Time RAG", "Cost RAG", "Scope RAG")),
        ImportColumn("% complete", True, allowed="A whole number from 0 to 100", example=10),
        ImportColumn("Spend to date", True, allowed="An amount in pounds", example=12500),
        ImportColumn("Milestones met"),
        ImportColumn("Progress and issues", True, example="Supplier appointed."),
    ),
    reference="Project",
)  # fmt: skip


def _context_people(context) -> People:
    if "people" not in context:
        context["people"] = People(portal_users())
    return context["people"]


def _unit(value, header="Business unit"):
    text = as_text(value)
    if not text:
        raise ValidationError(f"Enter the {header.lower()}")
    unit = BusinessUnit.objects.filter(is_active=True, name__iexact=text).first()
    if unit is None:
        raise ValidationError(f"{header}: there is no active business unit called “{text}”")
    return unit


def _project_status(value) -> str:
    text = as_text(value).casefold()
    if not text or text in (ProjectStatus.IN_DELIVERY.label.casefold(), ProjectStatus.IN_DELIVERY,
                            *PROJECT_ONLINE_IN_DELIVERY):  # fmt: skip
        return ProjectStatus.IN_DELIVERY
    raise ValidationError(
        f"Status: an import brings in projects in delivery, not “{as_text(value)}”; "
        "close a project on its page, with its benefits review"
    )


class ProjectImporter(Importer):
    name = "projects"
    title = "Projects"
    description = ("Projects in delivery with their progress updates, from the project list's "
                   "Excel download or Microsoft Project Online's export.")  # fmt: skip
    allowed_roles = policies.IMPORTERS
    sheets = (PROJECTS, UPDATES)
    list_url_name = "projects:project-list"
    order = 30

    def recognise(self, headings) -> str:
        folded = {h.casefold() for h in headings}
        if "project name" in folded and "title" not in folded:
            return "Read as a Microsoft Project Online export: " + "; ".join(
                f"{alias} as {column}" for column, aliases in PROJECT_ONLINE.items()
                for alias in aliases if alias.casefold() in folded
            )  # fmt: skip
        return ""

    def handle(self, row, *, user, context) -> Outcome:
        if row.sheet == UPDATES.title:
            return self._update(row, user=user)
        problems = Problems()
        number = problems.check("reference", reference_number, row.text("Reference"), "P",
                                example="P-0001", what="project")  # fmt: skip
        proposal = Proposal.objects.filter(pk=number).select_related("project").first()
        project = getattr(proposal, "project", None) if proposal else None
        if proposal is not None and project is None:
            problems.messages.append(
                f"Reference: {proposal.reference} is a proposal without a project"
            )
        if project is not None and project.status != ProjectStatus.IN_DELIVERY:
            problems.messages.append(f"{project.proposal.reference} is closed: nothing changes")
        problems.check("status", _project_status, row.get("Status"))
        values = {
            "title": row.text("Title"),
            "business_unit": problems.check("business_unit", _unit, row.get("Business unit")),
            "project_manager": problems.check("project_manager", _context_people(context).find,
                                              row.get("Project manager"), "Project manager"),
            "started_on": problems.check("started_on", as_date, row.get("Started"), "Started"),
            "end_date": problems.check("end_date", as_date, row.get("Planned finish"),
                                       "Planned finish"),
            "case_for_change": row.text("Description"),
        }  # fmt: skip
        form = ProjectImportForm(form_data(ProjectImportForm.base_fields, values))
        cleaned = problems.validated(form, PROJECT_FIELDS)
        if project is None:
            project = services.project_import(user=user, fields=cleaned, pk=number)
            return Outcome(CREATE, project.proposal.reference, project.proposal.title)
        current = {
            "title": proposal.title, "business_unit": proposal.business_unit,
            "project_manager": project.project_manager, "started_on": project.started_on,
            "end_date": proposal.end_date, "case_for_change": proposal.case_for_change,
        }  # fmt: skip
        # A column the file does not have (a Project Online export has no description)
        # leaves that field as it is.
        changed = {
            name: value for name, value in cleaned.items()
            if current[name] != value and (PROJECT_FIELDS[name] in row.values)
        }  # fmt: skip
        if not changed:
            return Outcome(UNCHANGED, proposal.reference, proposal.title)
        services.project_import_update(user=user, project=project, fields=changed)
        return Outcome(CHANGE, proposal.reference, proposal.title,
                       [PROJECT_FIELDS[n] for n in changed])  # fmt: skip

    def _update(self, row, *, user) -> Outcome:
        problems = Problems()
        number = problems.check("project", reference_number, row.text("Project"), "P",
                                example="P-0001", what="project")  # fmt: skip
        project = Project.objects.filter(proposal_id=number).first() if number else None
        if project is None and number:
            problems.messages.append(f"Project: there is no project {row.text('Project')}")
        elif number is None and not problems.messages:
            problems.messages.append("Enter the project")
        values = {name: row.text(header) for name, header in UPDATE_FIELDS.items()}
        values |= {
            "reported_on": problems.check("reported_on", as_date, row.get("Reported on"),
                                          "Reported on"),
            "actual_spend_to_date": problems.check("actual_spend_to_date", as_number,
                                                   row.get("Spend to date"), "Spend to date"),
            **{name: problems.check(name, as_choice, row.get(UPDATE_FIELDS[name]), RAG.choices,
                                    UPDATE_FIELDS[name])
               for name in ("rag_overall", "rag_time", "rag_cost", "rag_scope")},
        }  # fmt: skip
        form = ProgressUpdateForm(form_data(ProgressUpdateForm.base_fields, values))
        cleaned = problems.validated(form, UPDATE_FIELDS)
        label = f"Update of {cleaned['reported_on']:%d/%m/%Y}"
        existing = project.updates.filter(reported_on=cleaned["reported_on"]).first()
        if existing is not None:
            differing = [h for name, h in UPDATE_FIELDS.items()
                         if getattr(existing, name) != cleaned[name]]  # fmt: skip
            if differing:
                raise ValidationError(
                    f"{project.proposal.reference} already has an update for "
                    f"{cleaned['reported_on']:%d/%m/%Y} with a different "
                    + ", ".join(d.lower() for d in differing)
                    + ": updates are a record and are not changed"
                )
            return Outcome(UNCHANGED, project.proposal.reference, label)
        services.progress_update_add(project=project, user=user, fields=cleaned)
        return Outcome(CREATE, project.proposal.reference, label)

    def finish(self, *, user, context) -> None:
        reset_sequence(Proposal)


PROPOSAL_FIELDS = {"title": "Title", "business_unit": "Business unit", "is_statutory": "Statutory"}
PROPOSALS = ImportSheet(
    "Proposals",
    (
        ImportColumn("Reference", help="P-0001 for a proposal in the portal; blank for a new one."),
        ImportColumn("Title", True, allowed="Up to 200 characters",
                     example="Online housing repairs"),
        ImportColumn("Business unit", True, allowed="The name of an active business unit",
                     example="Housing Services"),
        ImportColumn("Status", True, allowed=", ".join(
            s.label for s in ProposalStatus if s in policies.IMPORTABLE_PROPOSAL_STATUSES),
            example="Submitted"),
        ImportColumn("Statutory", allowed="Yes or No", example="No"),
        *(ImportColumn(h, help=NOT_READ, read=False)
          for h in ("Total cost", "Score", "Scores", "Submitted", "Updated")),
    ),
)  # fmt: skip


class ProposalImporter(Importer):
    name = "proposals"
    title = "Proposals"
    description = "The pipeline of proposals awaiting a decision."
    allowed_roles = policies.IMPORTERS
    sheets = (PROPOSALS,)
    list_url_name = "projects:proposal-list"
    order = 20

    def handle(self, row, *, user, context) -> Outcome:
        problems = Problems()
        number = problems.check("reference", reference_number, row.text("Reference"), "P",
                                example="P-0001", what="proposal")  # fmt: skip
        proposal = Proposal.objects.filter(pk=number).first() if number else None
        status = problems.check("status", as_choice, row.get("Status"), ProposalStatus.choices,
                                "Status")  # fmt: skip
        values = {
            "title": row.text("Title"),
            "business_unit": problems.check("business_unit", _unit, row.get("Business unit")),
            "is_statutory": problems.check("is_statutory", as_boolean, row.get("Statutory"),
                                           "Statutory"),
        }  # fmt: skip
        form = ProposalImportForm(form_data(ProposalImportForm.base_fields, values))
        cleaned = problems.validated(form, PROPOSAL_FIELDS)
        if proposal is None:
            if status not in policies.IMPORTABLE_PROPOSAL_STATUSES:
                raise ValidationError(
                    f"Status: an import brings in proposals submitted, in triage or in "
                    f"assessment, not “{row.text('Status')}”"
                )
            proposal = services.proposal_import(user=user, fields=cleaned, status=status,
                                                pk=number)  # fmt: skip
            return Outcome(CREATE, proposal.reference, proposal.title)
        changed = {n: v for n, v in cleaned.items() if getattr(proposal, n) != v}
        labels = [PROPOSAL_FIELDS[n] for n in changed]
        if status != proposal.status:
            labels.append("Status")
        if not labels:
            return Outcome(UNCHANGED, proposal.reference, proposal.title)
        services.proposal_import_update(user=user, proposal=proposal, fields=changed,
                                        status=status)  # fmt: skip
        return Outcome(CHANGE, proposal.reference, proposal.title, labels)

    def finish(self, *, user, context) -> None:
        reset_sequence(Proposal)


def register() -> None:
    register_importer(ProposalImporter())
    register_importer(ProjectImporter())

