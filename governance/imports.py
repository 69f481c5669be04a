"""Importing the action plan and KPIs from Excel or CSV (common.imports).

Action plan. A row's reference (1.2.3: theme 1, objective 2, item 3 of the current
strategy) names the item it changes; a reference no item holds adds the item with
that number, so an exported plan imported into a portal without it comes back with
the same references (the number is the item's place in its objective, the reference
people cite). A row without a reference is added to the objective its Theme and
Objective columns name, with the next number. Objectives are the strategy's own
structure, kept on the strategy's pages: an import names existing ones and adds none.

KPIs. A KPI's reference is its name. The KPI list's Excel download carries its values
and targets on sheets of their own, which import back with it; a file of values alone
(the "KPI values" kind, also the columns kpi, period_end, value and note of the CSV
import this replaced) records values for KPIs already in the portal. A value for a
period already recorded replaces it. Each KPI given values keeps a record of the import
(who, which file, how many values), as its history shows.
"""

from collections import Counter

from django.core.exceptions import ValidationError

from common.fy import financial_year_label
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
)
from common.imports import register as register_importer

from . import policies, selectors, services
from .choices import RAG, ActionStatus, Direction
from .forms import ActionPlanItemForm, KPIForm, MeasurementForm, TargetForm
from .models import KPI, ActionPlanItem, BusinessUnit, KPIMeasurement, KPITarget, Objective

ACTION_FIELDS = {
    "title": "Action",
    "owner": "Owner",
    "lead_unit": "Lead unit",
    "due_date": "Due",
    "status": "Status",
    "rag": "RAG",
    "progress": "Progress (%)",
}


ACTION_PLAN = ImportSheet(
    "Action plan",
    (
        ImportColumn("Reference", help="1.2.3 for an item in the portal (theme, objective, "
                     "item); blank for a new item.", example="1.1.4"),
        ImportColumn("Theme", help="The theme's title, or its number. Needed without a "
                     "reference.", example="Establishment of the new City ICT service"),
        ImportColumn("Objective", help="The objective's title. Needed without a reference.",
                     allowed="An objective already in the portal, under that theme"),
        ImportColumn("Action", True, allowed="Up to 300 characters",
                     example="Move the service desk to the new ICT service"),
        ImportColumn("Owner", allowed="The full name, username or e-mail address of someone in "
                     "the portal", example="David Okafor"),
        ImportColumn("Lead unit", allowed="The name of an active business unit"),
        ImportColumn("Due", allowed="A date from today on, for example 31/03/2028",
                     example="31/03/2028"),
        ImportColumn("Status", True, allowed=labels(ActionStatus.choices), example="Not started"),
        ImportColumn("RAG", True, allowed=labels(RAG.choices), example="Green"),
        ImportColumn("Progress (%)", True, allowed="A whole number from 0 to 100 (100 when "
                     "completed)", example=0),
    ),
)  # fmt: skip


def _people(context) -> People:
    if "people" not in context:
        context["people"] = People(selectors.portal_users())
    return context["people"]


class ActionPlanImporter(Importer):
    name = "action-plan"
    title = "Action plan"
    description = "The current strategy's action plan: each item's owner, due date and RAG."
    allowed_roles = policies.STRATEGY_OWNERS
    sheets = (ACTION_PLAN,)
    list_url_name = "governance:strategy-list"
    order = 10

    def handle(self, row, *, user, context) -> Outcome:
        problems = Problems()
        strategy = selectors.strategy_current()
        item, objective, number = None, None, None
        reference = row.text("Reference")
        if reference:
            parts = reference.split(".")
            if len(parts) != 3 or not all(p.isdigit() for p in parts):
                problems.messages.append(
                    f"Reference “{reference}” is not an action-plan reference like 1.2.3: "
                    "leave it blank to add the row as a new item"
                )
            else:
                theme, objective_number, number = (int(p) for p in parts)
                objective = Objective.objects.filter(
                    theme__strategy=strategy, theme__number=theme, number=objective_number
                ).first()
                if objective is None:
                    problems.messages.append(
                        f"Reference: the strategy has no objective {theme}.{objective_number}; "
                        "add objectives on the strategy's pages"
                    )
                item = ActionPlanItem.objects.filter(objective=objective, number=number).first()
        else:
            objective = problems.check("objective", self._objective, row, strategy)
        values = {
            "title": row.text("Action"),
            "description": item.description if item else "",
            "owner": problems.check("owner", _people(context).find, row.get("Owner"), "Owner",
                                    required=False),
            "lead_unit": problems.check("lead_unit", self._unit, row.get("Lead unit")),
            "due_date": problems.check("due_date", as_date, row.get("Due"), "Due"),
            "status": problems.check("status", as_choice, row.get("Status"),
                                     ActionStatus.choices, "Status"),
            "rag": problems.check("rag", as_choice, row.get("RAG"), RAG.choices, "RAG"),
            "progress": row.text("Progress (%)"),
        }  # fmt: skip
        before = {name: getattr(item, name) for name in ACTION_FIELDS} if item else None
        form = ActionPlanItemForm(
            form_data(ActionPlanItemForm.base_fields, values),
            instance=ActionPlanItem.objects.get(pk=item.pk) if item else ActionPlanItem(
                objective=objective or Objective(), number=number or 0),
        )  # fmt: skip
        cleaned = problems.validated(form, ACTION_FIELDS)
        fields = {name: cleaned[name] for name in ACTION_FIELDS}
        if item is None:
            item = services.action_item_create(
                user=user, objective=objective, fields=fields, number=number
            )
            return Outcome(CREATE, item.reference, item.title)
        changed = {name: value for name, value in fields.items() if before[name] != value}
        if not changed:
            return Outcome(UNCHANGED, item.reference, item.title)
        services.action_item_update(user=user, item=item, changes=changed)
        return Outcome(CHANGE, item.reference, item.title, [ACTION_FIELDS[n] for n in changed])

    def _objective(self, row, strategy) -> Objective:
        theme_text, title = row.text("Theme"), row.text("Objective")
        if not theme_text or not title:
            raise ValidationError("Enter the reference, or the theme and the objective")
        themes = strategy.themes.all()
        theme = next(
            (t for t in themes if t.title.casefold() == theme_text.casefold()
             or str(t.number) == theme_text.removeprefix("Theme ").strip()),
            None,
        )  # fmt: skip
        if theme is None:
            raise ValidationError(f"Theme: the strategy has no theme “{theme_text}”")
        objective = theme.objectives.filter(title__iexact=title).first()
        if objective is None:
            raise ValidationError(
                f"Objective: theme {theme.number} has no objective “{title}”; "
                "add objectives on the strategy's pages"
            )
        return objective

    def _unit(self, value):
        text = as_text(value)
        if not text:
            return None
        unit = BusinessUnit.objects.filter(is_active=True, name__iexact=text).first()
        if unit is None:
            raise ValidationError(f"Lead unit: there is no active business unit called “{text}”")
        return unit

    def finish(self, *, user, context) -> None:
        """Nothing to move on: items are numbered within their objective, not by id."""


KPI_FIELDS = {
    "name": "KPI",
    "description": "Description",
    "unit": "Unit",
    "direction": "Direction",
    "theme": "Theme",
    "principle": "Principle",
    "is_rate": "Rate",
    "numerator_label": "Numerator counts",
    "denominator_label": "Denominator counts",
    "red_boundary": "Red boundary",
    "green_boundary": "Green boundary",
}
KPIS = ImportSheet(
    "KPIs",
    (
        ImportColumn("KPI", True, "The KPI's name: its reference.", "Up to 200 characters",
                     "Calls resolved at first contact"),
        ImportColumn("Description"),
        ImportColumn("Unit", True, allowed="For example %, £, days or incidents", example="%"),
        ImportColumn("Direction", True, allowed=labels(Direction.choices),
                     example=Direction.choices[0][1]),
        ImportColumn("Theme", allowed="The title of a theme of the current strategy"),
        ImportColumn("Principle", allowed="The title of a principle of the current strategy"),
        ImportColumn("Rate", allowed="Yes if its values are a numerator over a denominator "
                     "(as a percentage), else No or blank"),
        ImportColumn("Numerator counts", allowed="For a rate: up to 100 characters"),
        ImportColumn("Denominator counts", allowed="For a rate: up to 100 characters"),
        ImportColumn("Red boundary", allowed="A number in the KPI's unit: worse than this is "
                     "red; blank for no thresholds"),
        ImportColumn("Green boundary", allowed="A number in the KPI's unit: at least this good "
                     "is green; blank for no thresholds"),
        *(ImportColumn(h, help="Worked out from the values and targets; not read", read=False)
          for h in ("Latest value", "Period ending", "Target this year", "Latest value approved",
                    "Status", "RAG", "Trend", "Comparator")),
    ),
    reference="KPI",
)  # fmt: skip
VALUES = ImportSheet(
    "KPI values",
    (
        ImportColumn("KPI", True, allowed="The name of a KPI in the portal (or in this file)",
                     example="Calls resolved at first contact", aliases=("kpi",)),
        ImportColumn("Period ending", True, allowed="A date not after today",
                     example="31/03/2026", aliases=("period_end",)),
        ImportColumn("Value", allowed="A number in the KPI's unit; for a rate, left out "
                     "(it is worked out)", example=82.5, aliases=("value",)),
        ImportColumn("Numerator", allowed="For a rate: a number", aliases=("numerator",)),
        ImportColumn("Denominator", allowed="For a rate: a number more than 0",
                     aliases=("denominator",)),
        ImportColumn("Commentary", allowed="Up to 2,000 characters", aliases=("note", "Note")),
        ImportColumn("Approved", read=False),
    ),
    reference="KPI",
)  # fmt: skip
TARGETS = ImportSheet(
    "KPI targets",
    (
        ImportColumn("KPI", True, allowed="The name of a KPI in the portal (or in this file)",
                     example="Calls resolved at first contact"),
        ImportColumn("Financial year", True, allowed="For example 2026/27", example="2026/27"),
        ImportColumn("Target", True, allowed="A number in the KPI's unit", example=85),
    ),
    reference="KPI",
)  # fmt: skip


def _kpi(name: str) -> KPI:
    kpi = KPI.objects.filter(name__iexact=name).first() if name else None
    if kpi is None:
        raise ValidationError(f"KPI: there is no KPI called “{name}”" if name else "Enter the KPI")
    return kpi


class KPIImporter(Importer):
    name = "kpis"
    title = "KPIs"
    description = "KPIs with their values and targets (the KPI list's Excel download)."
    allowed_roles = policies.STRATEGY_OWNERS
    sheets = (KPIS, VALUES, TARGETS)
    list_url_name = "governance:kpi-list"
    order = 50

    def handle(self, row, *, user, context) -> Outcome:
        if row.sheet == VALUES.title:
            return _value(row, user=user, context=context)
        if row.sheet == TARGETS.title:
            return _target(row, user=user)
        problems = Problems()
        strategy = selectors.strategy_current()
        kpi = KPI.objects.filter(name__iexact=row.text("KPI")).first() if row.text("KPI") else None
        values = {
            "name": row.text("KPI"),
            "description": row.text("Description"),
            "unit": row.text("Unit"),
            "direction": problems.check("direction", as_choice, row.get("Direction"),
                                        Direction.choices, "Direction"),
            "theme": problems.check("theme", _titled, strategy.themes, row.text("Theme"),
                                    "Theme"),
            "principle": problems.check("principle", _titled, strategy.principles,
                                        row.text("Principle"), "Principle"),
            "is_rate": problems.check("is_rate", as_boolean, row.get("Rate"), "Rate"),
            "numerator_label": row.text("Numerator counts"),
            "denominator_label": row.text("Denominator counts"),
            **{name: problems.check(name, as_number, row.get(KPI_FIELDS[name]), KPI_FIELDS[name])
               for name in ("red_boundary", "green_boundary")},
        }  # fmt: skip
        before = {name: getattr(kpi, name) for name in KPI_FIELDS} if kpi else None
        form = KPIForm(
            form_data(KPIForm.base_fields, values),
            instance=KPI.objects.get(pk=kpi.pk) if kpi else None,
        )
        cleaned = problems.validated(form, KPI_FIELDS)
        fields = {name: cleaned[name] for name in KPI_FIELDS}
        if kpi is None:
            kpi = services.kpi_save(user=user, fields=fields)
            return Outcome(CREATE, kpi.name, kpi.name)
        changed = {name: value for name, value in fields.items() if before[name] != value}
        if not changed:
            return Outcome(UNCHANGED, kpi.name, kpi.name)
        services.kpi_save(user=user, fields=changed, kpi=kpi)
        return Outcome(CHANGE, kpi.name, kpi.name, [KPI_FIELDS[n] for n in changed])

    def finish(self, *, user, context) -> None:
        _record_imports(user=user, context=context)


class KPIValuesImporter(Importer):
    name = "kpi-values"
    title = "KPI values"
    description = "Values of KPIs already in the portal, a row per KPI and period."
    allowed_roles = policies.STRATEGY_OWNERS
    sheets = (VALUES,)
    list_url_name = "governance:kpi-list"
    order = 60

    def handle(self, row, *, user, context) -> Outcome:
        return _value(row, user=user, context=context)

    def finish(self, *, user, context) -> None:
        _record_imports(user=user, context=context)


def _titled(queryset, title: str, header: str):
    if not title:
        return None
    found = queryset.filter(title__iexact=title).first()
    if found is None:
        raise ValidationError(f"{header}: the current strategy has no {header.lower()} “{title}”")
    return found


def _value(row, *, user, context) -> Outcome:
    """A value read as the form reads it; a rate's value is worked out from its
    numerator and denominator, so any value given for one is not read. Recorded or
    changed, it awaits approval (governance.services.kpi_measurement_record)."""
    problems = Problems()
    kpi = problems.check("kpi", _kpi, row.text("KPI"))
    numbers = ("numerator", "denominator") if kpi is not None and kpi.is_rate else ("value",)
    headers = {"period_end": "Period ending", "value": "Value", "numerator": "Numerator",
               "denominator": "Denominator", "note": "Commentary"}  # fmt: skip
    values = {
        "period_end": problems.check("period_end", as_date, row.get("Period ending"),
                                     "Period ending"),
        **{name: problems.check(name, as_number, row.get(headers[name]), headers[name])
           for name in numbers},
        "note": row.text("Commentary"),
    }  # fmt: skip
    form = MeasurementForm(form_data(MeasurementForm.base_fields, values), kpi=kpi)
    cleaned = problems.validated(form, headers)
    label = f"{kpi.name}, period ending {cleaned['period_end']:%d/%m/%Y}"
    existing = KPIMeasurement.objects.filter(kpi=kpi, period_end=cleaned["period_end"]).first()
    changes = []
    if existing is not None:
        changes = [headers[name] for name in (*numbers, "note")
                   if getattr(existing, name) != cleaned[name]]  # fmt: skip
        if not changes:
            return Outcome(UNCHANGED, kpi.name, label)
    services.kpi_measurement_record(user=user, kpi=kpi, **cleaned)
    context.setdefault("values", Counter())[kpi.pk] += 1
    return Outcome(CHANGE if existing else CREATE, kpi.name, label, changes)


def _target(row, *, user) -> Outcome:
    problems = Problems()
    kpi = problems.check("kpi", _kpi, row.text("KPI"))
    year_text = row.text("Financial year")
    year = year_text.split("/")[0] if year_text else ""
    form = TargetForm({"financial_year": year, "target": problems.check(
        "target", as_number, row.get("Target"), "Target")})  # fmt: skip
    cleaned = problems.validated(form, {"financial_year": "Financial year", "target": "Target"})
    label = f"{kpi.name}, {financial_year_label(cleaned['financial_year'])}"
    existing = KPITarget.objects.filter(kpi=kpi, financial_year=cleaned["financial_year"]).first()
    if existing is not None and existing.target == cleaned["target"]:
        return Outcome(UNCHANGED, kpi.name, label)
    services.kpi_target_set(user=user, kpi=kpi, **cleaned)
    return Outcome(CHANGE if existing else CREATE, kpi.name, label, ["Target"] if existing else [])


def _record_imports(*, user, context) -> None:
    if context.get("values"):
        services.kpi_imports_record(
            user=user, values_by_kpi=dict(context["values"]), file_name=context["file_name"]
        )


def register() -> None:
    for importer in (ActionPlanImporter(), KPIImporter(), KPIValuesImporter()):
        register_importer(importer)
