import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone
from django.utils.html import escape

from common.dates import before_refusal
from common.figures import money
from common.forms import GDSDateField, GDSFormMixin, GOVUKErrorsMixin
from common.fy import financial_year_choices, financial_year_label, financial_year_of
from common.uploads import DocumentField
from governance.models import BusinessUnit, CorporateObjective, Objective, Principle, User
from governance.selectors import portal_users

from . import tcop
from .choices import Outcome, ProposalStatus, TcopAnswer
from .models import (
    MAX_YEARS,
    Contract,
    Criterion,
    ProgressUpdate,
    Proposal,
    RoutingThresholds,
    TcopPoint,
)
from .routing import RISK_QUESTIONS

MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "required": False}
YEAR_AMOUNTS = (
    ("capital", "capital_cost", "Capital cost (£)"),
    ("revenue", "revenue_cost", "Revenue cost (£)"),
    ("savings", "cashable_savings", "Cashable savings (£)"),
)


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, widget=forms.NumberInput(attrs={"step": "0.01"}), **MONEY_FIELD
    )


class ProposalStartForm(GDSFormMixin, forms.Form):
    submit_label = "Start the proposal"
    error_names = {"title": "the title of the proposal"}
    title = forms.CharField(max_length=200, label="What is the proposal called?")


class ProposalForm(GOVUKErrorsMixin, forms.ModelForm):
    """The whole five-case business case on one page. Every part may be left blank in
    a draft; submitting checks the whole case (projects.completeness)."""

    error_names = {
        "themes": "the strategy themes it serves",
        "corporate_objectives": "the corporate objectives it serves",
        "objectives": "the objectives it delivers",
        "principles": "the underpinning principles it touches",
        "personal_data": "whether it involves personal data",
        "is_statutory": "whether it is statutory or mandatory work",
        "risk_novel": "whether it is novel or contentious",
        "risk_personal_data_at_scale": "whether it handles personal data at scale",
        "risk_frontline": "whether it changes a frontline service",
        "risk_immature_market": "whether the supplier market is immature",
    }
    start_date = GDSDateField(required=False)
    end_date = GDSDateField(required=False)
    themes = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which strategy themes does it serve?",
    )
    corporate_objectives = forms.ModelMultipleChoiceField(
        queryset=CorporateObjective.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which corporate objectives does it serve?",
    )
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which objectives of the action plan does it deliver? (optional)",
    )
    principles = forms.ModelMultipleChoiceField(
        queryset=Principle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which underpinning principles does it touch?",
        help_text="For example security, sustainability, suppliers, partnership with other "
        "public bodies, training.",
    )
    first_financial_year = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="First financial year of the figures"
    )
    answer = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your answer to the request for more information",
    )

    class Meta:
        model = Proposal
        fields = [
            "title", "case_for_change", "is_statutory", "statutory_basis",
            "options_considered", "preferred_option", "non_cashable_benefits",
            "first_financial_year", "procurement_route", "suppliers", "funding_source",
            "sponsor", "project_manager", "start_date", "end_date", "milestones",
            "key_risks", "dependencies", "personal_data", "security_impact", "security_notes",
            *RISK_QUESTIONS,
        ]  # fmt: skip
        labels = {
            **RISK_QUESTIONS,
            "is_statutory": "This is statutory or mandatory work",
            "personal_data": "Does it involve personal data?",
            "security_notes": "Security notes (optional)",
            "dependencies": "Dependencies (optional)",
            "suppliers": "Suppliers (optional)",
        }
        help_texts = {
            "personal_data": "If yes, a data protection impact assessment (DPIA) is needed.",
            "statutory_basis": "The law, regulation or mandate that requires it.",
            "preferred_option": "Say why it gives the best value for money.",
            "sponsor": "The senior officer accountable for the benefits.",
        }
        widgets = {
            field: forms.Textarea(attrs={"rows": 4})
            for field in [
                "case_for_change", "statutory_basis", "options_considered", "preferred_option",
                "non_cashable_benefits", "suppliers", "milestones", "key_risks",
                "dependencies", "security_notes",
            ]
        } | {
            "personal_data": forms.RadioSelect,
            "security_impact": forms.RadioSelect,
        } | {field: forms.RadioSelect for field in RISK_QUESTIONS}  # fmt: skip

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, instance=proposal, **kwargs)
        self.proposal = proposal
        theme_list = list(proposal.strategy.themes.all())
        links = {link.theme_id: link.how for link in proposal.theme_links.all()}
        self.fields["themes"].choices = [(t.pk, f"Theme {t.number}: {t.title}") for t in theme_list]
        self.initial["themes"] = list(links)
        # Declared here rather than in Meta.fields, so the ModelForm does not fill them.
        for name in ("corporate_objectives", "objectives", "principles"):
            self.initial[name] = list(getattr(proposal, name).all())
        self.fields["principles"].queryset = proposal.strategy.principles.all()
        self.fields["objectives"].queryset = Objective.objects.filter(
            theme__strategy=proposal.strategy
        ).select_related("theme")
        self.fields["project_manager"].queryset = portal_users()
        self.fields["personal_data"].choices = self.fields["personal_data"].choices[1:]
        self.fields["security_impact"].choices = self.fields["security_impact"].choices[1:]
        for field in RISK_QUESTIONS:
            self.fields[field].choices = self.fields[field].choices[1:]
        this_year = financial_year_of(timezone.localdate())
        self.fields["first_financial_year"].choices = [
            ("", "Select a year"),
            *financial_year_choices(around=proposal.first_financial_year or this_year),
        ]

        self.how_fields = []
        self.error_names = dict(self.error_names)
        for theme in theme_list:
            name = f"how_{theme.pk}"
            self.error_names[name] = f"how it serves theme {theme.number}"
            self.fields[name] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                label=f"How does it serve theme {theme.number}?",
                help_text="Only needed for the themes you selected.",
            )
            self.initial[name] = links.get(theme.pk, "")
            self.how_fields.append(name)

        years = {row.financial_year: row for row in proposal.years.all()}
        first = proposal.first_financial_year
        self.year_fields = []
        for index in range(MAX_YEARS):
            names = []
            row = years.get(first + index) if first else None
            for prefix, attribute, label in YEAR_AMOUNTS:
                name = f"{prefix}_{index}"
                self.fields[name] = _money(label)
                if row:
                    self.initial[name] = getattr(row, attribute)
                names.append(name)
            self.year_fields.append(names)

        self.tcop_fields = {}
        responses = {r.point_id: r for r in proposal.tcop_responses.all()}
        for point in TcopPoint.objects.all():
            answer, evidence = f"tcop_{point.pk}", f"tcop_evidence_{point.pk}"
            self.fields[answer] = forms.ChoiceField(
                required=False,
                choices=TcopAnswer.choices,
                widget=forms.RadioSelect,
                label=escape(f"{point.number}. {point.title}"),
                help_text=escape(point.description),
            )
            self.fields[evidence] = forms.CharField(
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"Evidence for point {point.number}",
                help_text="Needed if you answer met or partly met: say what shows it.",
            )
            self.error_names[answer] = f"whether it meets point {point.number}"
            self.error_names[evidence] = f"the evidence for point {point.number}"
            response = responses.get(point.pk)
            self.initial[answer] = response.answer if response else ""
            self.initial[evidence] = response.evidence if response else ""
            self.tcop_fields[point.pk] = (answer, evidence)

        if proposal.status != ProposalStatus.RETURNED:
            del self.fields["answer"]
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        year_sets = [
            Fieldset(
                *(Field.text(name, field_width=10) for name in names),
                legend=f"Year {index + 1}"
                + (
                    f" ({financial_year_label(self.proposal.first_financial_year + index)})"
                    if self.proposal.first_financial_year
                    else ""
                ),
                legend_size=Size.SMALL,
            )
            for index, names in enumerate(self.year_fields)
        ]
        answer = ["answer"] if "answer" in self.fields else []
        helper.layout = Layout(
            *answer,
            Field.text("title"),
            Fieldset(
                "case_for_change",
                Field.checkboxes("themes"),
                *self.how_fields,
                Field.checkboxes("objectives"),
                Field.checkboxes("corporate_objectives"),
                Field.checkboxes("principles"),
                "is_statutory",
                "statutory_basis",
                legend="Strategic case",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                "options_considered",
                "preferred_option",
                "non_cashable_benefits",
                legend="Economic case",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.select("procurement_route"),
                "suppliers",
                legend="Commercial case",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("funding_source"),
                Field.select("first_financial_year"),
                HTML(
                    '<p class="govuk-body">Costs and cashable savings for up to five '
                    "financial years (April to March), in pounds.</p>"
                ),
                *year_sets,
                legend="Financial case",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("sponsor"),
                Field.select("project_manager"),
                "start_date",
                "end_date",
                "milestones",
                "key_risks",
                "dependencies",
                Field.radios("personal_data", inline=True),
                Field.radios("security_impact", inline=True),
                "security_notes",
                legend="Management case",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">These questions set how much assurance the scheme '
                    "needs: a small scheme with low risk potential may take one Business "
                    "Justification Case; others go through a Strategic Outline Case, an "
                    "Outline Business Case and a Full Business Case.</p>"
                ),
                *(Field.radios(field, inline=True) for field in RISK_QUESTIONS),
                legend="Risk potential",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">For each point of the Technology Code of Practice, '
                    "say whether the proposal meets it, partly meets it or does not, and give "
                    "the evidence. The ICT Governance Group sees it beside the scores.</p>"
                ),
                *(
                    item
                    for answer, evidence in self.tcop_fields.values()
                    for item in (Field.radios(answer, inline=True), evidence)
                ),
                legend="Technology Code of Practice self-assessment",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
        )
        helper.add_input(Submit("save_draft", "Save as draft", css_class="govuk-button--secondary"))
        helper.add_input(Submit("submit_case", "Submit to the Head of ICT"))
        return helper

    def service_arguments(self) -> dict:
        """The cleaned data in the shape proposal_save_draft takes."""
        data = dict(self.cleaned_data)
        first = data.get("first_financial_year")
        years = {}
        for index, names in enumerate(self.year_fields):
            amounts = {
                attribute: data.pop(name)
                for name, (_, attribute, _) in zip(names, YEAR_AMOUNTS, strict=True)
            }
            if first and any(amount for amount in amounts.values()):
                years[first + index] = amounts
        chosen = data.pop("themes")
        themes = {theme_id: data.get(f"how_{theme_id}", "") for theme_id in chosen}
        for name in self.how_fields:
            data.pop(name)
        answer = data.pop("answer", "")
        tcop_answers = {
            point_id: (data.pop(answer_name), data.pop(evidence_name))
            for point_id, (answer_name, evidence_name) in self.tcop_fields.items()
        }
        return {
            "fields": {k: v for k, v in data.items() if k in self.Meta.fields},
            "corporate_objectives": data["corporate_objectives"],
            "principles": data["principles"],
            "objectives": data["objectives"],
            "themes": themes,
            "years": years,
            "tcop": tcop_answers,
            "answer": answer,
        }


class CommentForm(GDSFormMixin, forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def __init__(self, *args, label: str, required: bool, submit_label: str, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label
        self.fields["comment"].required = required


class AttachmentForm(GDSFormMixin, forms.Form):
    submit_label = "Upload"
    file = DocumentField(
        label="Upload a document",
        help_text="PDF, Word, Excel or OpenDocument, up to 10 MB.",
    )


class ScoreForm(GDSFormMixin, forms.Form):
    submit_label = "Submit my scores"

    def __init__(self, *args, criteria: list[Criterion], tcop_rating: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.tcop_rating = tcop_rating
        self.error_names = {}
        for criterion in criteria:
            if criterion.from_tcop:
                self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    label=f"Comment on {criterion.name.lower()} (optional)",
                )
                continue
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                coerce=int,
                choices=[(n, str(n)) for n in range(6)],
                widget=forms.RadioSelect,
                label=f"{criterion.name} (weight {criterion.weight})",
                help_text=(criterion.description + " " if criterion.description else "")
                + "0 is none, 5 is excellent.",
            )
            self.error_names[f"score_{criterion.pk}"] = f"a score for {criterion.name.lower()}"
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"Comment on {criterion.name.lower()} (optional)",
            )
        self.helper.layout = Layout(*(item for c in criteria for item in self._criterion_layout(c)))

    def _criterion_layout(self, criterion: Criterion) -> tuple:
        if not criterion.from_tcop:
            return (Field.radios(f"score_{criterion.pk}", inline=True), f"comment_{criterion.pk}")
        worked_out = HTML(
            '<div class="govuk-form-group"><h2 class="govuk-heading-s">'
            f"{escape(criterion.name)} (weight {criterion.weight})</h2>"
            '<p class="govuk-body">Scored from the Technology Code of Practice '
            f"self-assessment: <strong>{self.tcop_rating} out of 5</strong>. "
            "You do not score it yourself.</p>"
            f'<p class="govuk-body-s">{escape(tcop.RULE)}</p></div>'
        )
        return (worked_out, f"comment_{criterion.pk}")

    def ratings(self) -> dict[int, tuple[int, str]]:
        """Each criterion's rating and comment; the TCoP-fed criterion's rating is the
        one worked out from the self-assessment (services.assessment_submit works it out
        again from the stored answers)."""
        return {
            c.pk: (
                self.tcop_rating if c.from_tcop else self.cleaned_data[f"score_{c.pk}"],
                self.cleaned_data[f"comment_{c.pk}"],
            )
            for c in self.criteria
        }


class ConflictForm(GDSFormMixin, forms.Form):
    submit_label = "Declare the conflict"
    note = forms.CharField(
        label="Describe your conflict of interest",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class CriterionForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save criterion"

    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "position", "is_active", "from_tcop"]
        labels = {
            "position": "Order on the scoring form",
            "from_tcop": "Score this criterion from the Technology Code of Practice "
            "self-assessment",
        }
        help_texts = {
            "from_tcop": "Members do not score it: the portal works it out from each "
            "proposal's self-assessment. " + tcop.RULE + " Only one criterion can be scored "
            "this way: choosing this one stops any other being scored from it."
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TcopPointForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save the point"

    class Meta:
        model = TcopPoint
        fields = ["title", "description"]
        labels = {"title": "The point, in a few words", "description": "What it asks"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class BudgetForm(GDSFormMixin, forms.Form):
    submit_label = "Save budget"
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, label="ICT budget (£)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        self.fields["financial_year"].choices = financial_year_choices(around=this_year)


class ThresholdsForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save the thresholds"
    error_names = {
        "bjc_limit": "the Business Justification Case limit",
        "key_decision_limit": "the key-decision limit",
        "council_limit": "the full Council limit",
    }

    class Meta:
        model = RoutingThresholds
        fields = ["bjc_limit", "key_decision_limit", "council_limit"]
        labels = {
            "bjc_limit": "Business Justification Case limit (£)",
            "key_decision_limit": "Key-decision limit (£)",
            "council_limit": "Full Council limit (£, optional)",
        }


class AgendaAddForm(GDSFormMixin, forms.Form):
    submit_label = "Add to the agenda"
    proposal = forms.ModelChoiceField(queryset=Proposal.objects.none(), label="Proposal")

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class DecisionForm(GDSFormMixin, forms.Form):
    submit_label = "Record the decision"
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect, label="Decision")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Reason for the decision"
    )
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label="Conditions",
        help_text="Needed when approving with conditions.",
    )
    revisit_date = GDSDateField(
        required=False,
        future_only=True,
        label="Date to revisit",
        help_text="Needed when deferring. For example, 31 3 2027",
    )

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.APPROVED_WITH_CONDITIONS and not data.get("conditions", "").strip():
            self.add_error("conditions", "Say what the conditions are")
        if outcome == Outcome.DEFERRED and not data.get("revisit_date"):
            self.add_error("revisit_date", "Give the date to revisit a deferred proposal")
        return data


class ProgressUpdateForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Post the update"
    error_names = {"reported_on": "the date of the update"}
    reported_on = GDSDateField(
        label="Reporting date", past_only=True, help_text="For example, 30 4 2027"
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "reported_on", "rag_overall", "rag_time", "rag_cost", "rag_scope",
            "percent_complete", "actual_spend_to_date", "milestones_met", "narrative",
        ]  # fmt: skip
        labels = {
            "actual_spend_to_date": "Actual spend to date (£)",
            "milestones_met": "Milestones met since the last update (optional)",
            "narrative": "Progress and issues",
        }
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "milestones_met": forms.Textarea(attrs={"rows": 3}),
            "rag_overall": forms.RadioSelect,
            "rag_time": forms.RadioSelect,
            "rag_cost": forms.RadioSelect,
            "rag_scope": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rag_overall", "rag_time", "rag_cost", "rag_scope"):
            self.fields[name].choices = self.fields[name].choices[1:]
        self.helper.layout = Layout(
            "reported_on",
            *(
                Field.radios(n, inline=True)
                for n in ("rag_overall", "rag_time", "rag_cost", "rag_scope")
            ),
            Field.text("percent_complete", field_width=3),
            Field.text("actual_spend_to_date", field_width=10),
            "milestones_met",
            "narrative",
        )


class ClosureForm(GDSFormMixin, forms.Form):
    submit_label = "Close the project"
    summary = forms.CharField(
        label="Benefits review",
        help_text="What the project delivered against its business case.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    non_cashable_realised = forms.CharField(
        required=False,
        label="Non-cashable benefits realised (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )

    def __init__(self, *args, planned: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        # Savings are realised only in years that have started.
        this_year = financial_year_of(timezone.localdate())
        self.years = sorted(year for year in planned if year <= this_year)
        for year in self.years:
            self.fields[f"realised_{year}"] = forms.DecimalField(
                label=f"Cashable savings realised in {financial_year_label(year)} (£)",
                help_text=f"Planned: {money(planned[year])}",
                **{**MONEY_FIELD, "required": True},
            )

    def realised(self) -> dict[int, object]:
        return {year: self.cleaned_data[f"realised_{year}"] for year in self.years}


class ContractForm(GDSFormMixin, forms.ModelForm):
    """A contract let for a project, with what the Transparency Code publishes."""

    submit_label = "Save the contract"
    error_names = {
        "supplier_is_sme": "whether the supplier is a small or medium-sized enterprise",
        "supplier_is_vcse": "whether the supplier is a voluntary or community sector organisation",
        "process": "how the contract was let",
    }
    total_value = forms.DecimalField(
        label="Total value (£)",
        help_text="The sum to be paid over the length of the contract.",
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        **{**MONEY_FIELD, "required": True},
    )
    irrecoverable_vat = forms.DecimalField(
        label="VAT that cannot be recovered (£, optional)",
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        **MONEY_FIELD,
    )
    start_date = GDSDateField(label="Start date", help_text="For example, 1 4 2027")
    end_date = GDSDateField(label="End date", help_text="For example, 31 3 2029")
    review_date = GDSDateField(
        required=False, label="Review date (optional)", help_text="For example, 1 10 2028"
    )

    class Meta:
        model = Contract
        fields = [
            "reference", "title", "description", "department", "supplier_name",
            "supplier_company_number", "supplier_charity_number", "supplier_is_sme",
            "supplier_is_vcse", "total_value", "irrecoverable_vat", "start_date", "end_date",
            "review_date", "process",
        ]  # fmt: skip
        labels = {
            "reference": "Contract reference",
            "title": "Title of the contract",
            "description": "Goods or services provided",
            "department": "Department responsible",
            "supplier_company_number": "Supplier's registered company number (optional)",
            "supplier_charity_number": "Supplier's registered charity number (optional)",
            "supplier_is_sme": "Is the supplier a small or medium-sized enterprise (SME)?",
            "supplier_is_vcse": "Is the supplier a voluntary or community sector organisation?",
            "process": "How was the contract let?",
        }
        help_texts = {
            "reference": "The council's own reference for the contract.",
            "supplier_is_sme": "Fewer than 250 staff, and a turnover of no more than "
            "€50 million or a balance sheet of no more than €43 million.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "supplier_is_sme": forms.RadioSelect,
            "supplier_is_vcse": forms.RadioSelect,
            "process": forms.RadioSelect,
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("department", str(project.proposal.business_unit))
        for name in ("supplier_is_sme", "supplier_is_vcse", "process"):
            self.fields[name].choices = self.fields[name].choices[1:]
        self.helper.layout = Layout(
            Field.text("reference", field_width=10),
            Field.text("title"),
            "description",
            Field.text("department"),
            Fieldset(
                Field.text("supplier_name"),
                Field.text("supplier_company_number", field_width=10),
                Field.text("supplier_charity_number", field_width=10),
                Field.radios("supplier_is_sme", inline=True),
                Field.radios("supplier_is_vcse", inline=True),
                legend="Supplier",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("total_value", field_width=10),
                Field.text("irrecoverable_vat", field_width=10),
                "start_date",
                "end_date",
                "review_date",
                Field.radios("process"),
                legend="Value, dates and procurement",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
        )


class ConfirmForm(GDSFormMixin, forms.Form):
    """A button that confirms an action described on the page."""

    def __init__(self, *args, submit_label: str, warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        css_class = "govuk-button--warning" if warning else ""
        self.helper.inputs = [Submit("submit", submit_label, css_class=css_class)]


class ProjectImportForm(GDSFormMixin, forms.Form):
    """A project in delivery as a council brings it in from its spreadsheets or the
    tool it is leaving (projects.imports). No page makes projects (a decision does), so
    this form is the import's own; its rules are the proposal's where they overlap."""

    title = forms.CharField(max_length=200)
    business_unit = forms.ModelChoiceField(queryset=BusinessUnit.objects.filter(is_active=True))
    project_manager = forms.ModelChoiceField(queryset=User.objects.none())
    started_on = GDSDateField(label="Start date")
    end_date = GDSDateField(label="Planned finish", required=False)
    case_for_change = forms.CharField(required=False, max_length=20000, label="Description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_manager"].queryset = portal_users()

    def clean(self):
        cleaned = super().clean()
        refusal = before_refusal(
            cleaned.get("end_date"), cleaned.get("started_on") or datetime.date.min,
            "The planned finish", "the start date",
        )  # fmt: skip
        if refusal:
            self.add_error("end_date", refusal)
        return cleaned


class ProposalImportForm(GDSFormMixin, forms.Form):
    """A proposal in the council's pipeline as an import brings it in: the fields the
    proposals list shows (projects.imports)."""

    title = forms.CharField(max_length=200)
    business_unit = forms.ModelChoiceField(queryset=BusinessUnit.objects.filter(is_active=True))
    is_statutory = forms.BooleanField(required=False, label="Statutory")


# --------------------------------------------------------------------------- scenarios


def _move_label(years: int) -> str:
    if years == 0:
        return "Not moved"
    unit = "year" if abs(years) == 1 else "years"
    return f"{abs(years)} {unit} {'later' if years > 0 else 'earlier'}"


KEEP, FORCE_IN, FORCE_OUT = "recommended", "in", "out"
SCENARIO_CHOICES = (
    (KEEP, "As the portal recommends"),
    (FORCE_IN, "Forced in"),
    (FORCE_OUT, "Left out"),
)
YES_NO = (("yes", "Yes"), ("no", "No"))
MOVES_OFFERED = [(years, _move_label(years)) for years in range(-2, 4)]


class ScenarioForm(GDSFormMixin, forms.Form):
    """A scenario and every adjustment it may make, each shown at the value the
    scenario works with (the live one where it adjusts nothing), so the form always
    shows the whole scenario. Built from the live budgets, active criteria and the
    proposals awaiting a decision that the person may see."""

    submit_label = "Save the scenario"
    error_names = {
        "is_shared": "whether to share the scenario with the Governance Group",
        "name": "the name of the scenario",
    }
    name = forms.CharField(max_length=200, label="Name of the scenario")
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What it tries (optional)",
    )
    is_shared = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Share it with the Governance Group?",
        help_text="Members and the chair can then open it; only you and the Head of ICT "
        "can change it.",
    )

    def __init__(self, *args, scenario=None, budgets, criteria, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_names = dict(self.error_names)  # per form: names below are added
        stored_budgets = dict(scenario.budgets) if scenario else {}
        stored_weights = dict(scenario.weights) if scenario else {}
        forced = dict(scenario.forced) if scenario else {}
        moves = dict(scenario.moves) if scenario else {}
        self.initial.setdefault("name", scenario.name if scenario else "")
        self.initial.setdefault("description", scenario.description if scenario else "")
        self.initial.setdefault("is_shared", "yes" if scenario and scenario.is_shared else "no")
        years = sorted(set(budgets) | {int(year) for year in stored_budgets})
        self.budget_fields = {}
        for year in years:
            name = f"budget_{year}"
            self.fields[name] = forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                min_value=0,
                label=f"ICT budget for {financial_year_label(year)} (£)",
                widget=forms.NumberInput(attrs={"step": "0.01"}),
            )
            stored = stored_budgets.get(str(year))
            self.initial[name] = stored if stored is not None else budgets.get(year)
            self.budget_fields[name] = year
        self.weight_fields = {}
        for criterion in criteria:
            name = f"weight_{criterion.pk}"
            self.fields[name] = forms.IntegerField(
                min_value=1, max_value=100, label=escape(f"Weight of {criterion.name}")
            )
            self.initial[name] = stored_weights.get(str(criterion.pk), criterion.weight)
            self.weight_fields[name] = criterion.pk
        self.proposal_fields = {}
        for proposal in proposals:
            choice, move = f"proposal_{proposal.pk}", f"move_{proposal.pk}"
            named = f"{proposal.reference} {proposal.title}"
            self.fields[choice] = forms.ChoiceField(
                choices=SCENARIO_CHOICES, label=f"{named}: in the recommendation"
            )
            self.fields[move] = forms.TypedChoiceField(
                coerce=int, choices=MOVES_OFFERED, label=f"{named}: move its start"
            )
            self.error_names[choice] = f"whether {proposal.reference} is in the recommendation"
            self.error_names[move] = f"how far to move the start of {proposal.reference}"
            self.initial[choice] = forced.get(str(proposal.pk), KEEP)
            self.initial[move] = int(moves.get(str(proposal.pk), 0))
            self.proposal_fields[proposal.pk] = (proposal, choice, move)
        layout = [Field.text("name"), Field.textarea("description"), Field.radios("is_shared")]
        if self.budget_fields:
            layout.append(
                Fieldset(
                    # Number inputs: crispy-forms-gds styles only text inputs itself.
                    *[
                        Field(n, css_class="govuk-input govuk-input--width-10")
                        for n in self.budget_fields
                    ],
                    legend="Budgets",
                    legend_size=Size.MEDIUM,
                )
            )
        if self.weight_fields:
            layout.append(
                Fieldset(
                    *[
                        Field(n, css_class="govuk-input govuk-input--width-3")
                        for n in self.weight_fields
                    ],
                    legend="Weights of the scoring criteria",
                    legend_size=Size.MEDIUM,
                )
            )
        # The proposals are drawn by the page's own table (proposal_rows), not by
        # crispy-forms: a council may have a thousand awaiting a decision, and a crispy
        # field each would take seconds to draw.
        self.helper.layout = Layout(*layout)
        self.helper.inputs = []

    def proposal_rows(self) -> list[dict]:
        """Per proposal awaiting a decision, its two choices as the table draws them."""
        rows = []
        for proposal, choice, move in self.proposal_fields.values():
            row = {"label": f"{proposal.reference} {proposal.title}", "fields": []}
            for name, choices in ((choice, SCENARIO_CHOICES), (move, MOVES_OFFERED)):
                bound = self[name]
                row["fields"].append(
                    {
                        "name": name,
                        "id": bound.auto_id,
                        "value": str(bound.value()),
                        "choices": [(str(value), text) for value, text in choices],
                        "errors": bound.errors,
                    }
                )
            rows.append(row)
        return rows

    def adjustments(self) -> dict:
        """The cleaned form as scenarios.scenario_save takes it."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "is_shared": data["is_shared"] == "yes",
            "budgets": {year: data[name] for name, year in self.budget_fields.items()},
            "weights": {pk: data[name] for name, pk in self.weight_fields.items()},
            "forced": {
                pk: data[choice]
                for pk, (_, choice, _move) in self.proposal_fields.items()
                if data[choice] != KEEP
            },
            "moves": {pk: data[move] for pk, (_, _choice, move) in self.proposal_fields.items()},
        }


class ScenarioPaperForm(GDSFormMixin, forms.Form):
    submit_label = "Put it to the meeting"
    meeting = forms.ModelChoiceField(queryset=None, label="Meeting")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: str(m)
