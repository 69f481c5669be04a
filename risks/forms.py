from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from common.forms import GDSDateField, GDSFormMixin, chosen_and_unseen
from governance.models import Principle, Theme, User
from governance.selectors import portal_users
from projects.models import Project, Proposal

from . import policies
from .choices import (
    LINE_MEANINGS,
    AppetiteLevel,
    AssuranceLine,
    Effectiveness,
    ExemptParagraph,
    Level,
    Proximity,
    Register,
    RiskCategory,
)
from .models import RiskAction, RiskControl, RiskMatrix
from .rating import IMPACT, LIKELIHOOD

RATING_CHOICES = [("", "Select")] + [(n, f"{n} {LIKELIHOOD[n][0]}") for n in range(1, 6)]
IMPACT_CHOICES = [("", "Select")] + [(n, f"{n} {IMPACT[n][0]}") for n in range(1, 6)]


def _rating(label, choices):
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int)


class RiskForm(GDSFormMixin, forms.Form):
    """A risk in the Orange Book's terms. The links and ratings are ordinary fields;
    scores and levels come from the current matrix when the service saves."""

    submit_label = "Save risk"
    title = forms.CharField(max_length=200)
    cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    event = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    consequence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    category = forms.ChoiceField(choices=[("", "Select a category"), *RiskCategory.choices])
    owner = forms.ModelChoiceField(queryset=User.objects.none())
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Strategy themes it threatens",
    )
    principles = forms.ModelMultipleChoiceField(
        queryset=Principle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Principles it threatens",
    )
    proposals = forms.ModelMultipleChoiceField(
        queryset=Proposal.objects.none(), required=False, label="Proposals it threatens"
    )
    projects = forms.ModelMultipleChoiceField(
        queryset=Project.objects.none(), required=False, label="Projects it threatens"
    )
    inherent_likelihood = _rating("Inherent likelihood (before controls)", RATING_CHOICES)
    inherent_impact = _rating("Inherent impact (before controls)", IMPACT_CHOICES)
    existing_controls = forms.CharField(
        label="Other controls (not yet recorded one by one)",
        help_text="Record each control, with its owner and assurance, from the risk's page.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    residual_likelihood = _rating("Residual likelihood (with controls)", RATING_CHOICES)
    residual_impact = _rating("Residual impact (with controls)", IMPACT_CHOICES)
    target_likelihood = _rating("Target likelihood", RATING_CHOICES)
    target_impact = _rating("Target impact", IMPACT_CHOICES)
    target_date = GDSDateField(
        required=False, future_only=True, help_text="When the target should be reached."
    )
    response = forms.ChoiceField(
        choices=[
            ("", "Select a response"),
            ("treat", "Treat: act to reduce it"),
            ("tolerate", "Tolerate: accept it"),
            ("transfer", "Transfer: insure or contract it out"),
            ("terminate", "Terminate: stop the activity"),
        ]
    )
    proximity = forms.ChoiceField(
        required=False,
        choices=[("", "Not known"), *Proximity.choices],
    )
    review_every_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        label="Review every (days, optional)",
        help_text="Leave blank to follow the frequency for the risk's level.",
    )

    register = forms.ChoiceField(
        label="Register",
        choices=Register.choices,
        initial=Register.ICT,
        required=False,
        widget=forms.RadioSelect,
        help_text="A risk moves to a higher register by escalation, from its page.",
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        label="Project whose register holds it",
        help_text="For a project register's risk only.",
    )

    LINKS = ("themes", "principles", "proposals", "projects")
    CREATE_ONLY = ("register", "project")
    error_names = {"review_every_days": "the number of days between reviews"}

    def __init__(self, *args, strategy, user, risk=None, **kwargs):
        """`user` decides what the form offers (risks.policies): the proposals and
        projects they may see, and the owner only if they may reassign the risk. An
        existing `risk`'s links show ticked, as far as the user may see them."""
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = portal_users()
        self.fields["themes"].queryset = strategy.themes.all()
        self.fields["principles"].queryset = strategy.principles.all()
        self.fields["proposals"].queryset = Proposal.objects.filter(
            policies.proposals_linkable(user)
        ).select_related("business_unit")
        self.fields["projects"].queryset = Project.objects.filter(
            policies.projects_linkable(user)
        ).select_related("proposal")
        self.fields["project"].queryset = self.fields["projects"].queryset
        if risk is not None:
            # The register is chosen when a risk is raised; it rises only by escalation.
            for name in self.CREATE_ONLY:
                del self.fields[name]
            for name in self.LINKS:
                self.initial[name] = list(
                    getattr(risk, name).filter(pk__in=self.fields[name].queryset.values("pk"))
                )
            if not policies.may_reassign_risk(user):
                self.fields["owner"].disabled = True
        self.helper.layout = Layout(
            Field.text("title"),
            *([Field.radios("register", legend_size=Size.MEDIUM, legend_tag="h2"), "project"]
              if risk is None else []),
            Fieldset(
                "cause", "event", "consequence", Field.select("category"), Field.select("owner"),
                legend="The risk", legend_size=Size.MEDIUM, legend_tag="h2",
            ),
            Fieldset(
                Field.checkboxes("themes"), Field.checkboxes("principles"), "proposals", "projects",
                legend="What it threatens", legend_size=Size.MEDIUM, legend_tag="h2",
            ),
            Fieldset(
                Field.select("inherent_likelihood"), Field.select("inherent_impact"),
                "existing_controls",
                Field.select("residual_likelihood"), Field.select("residual_impact"),
                Field.select("target_likelihood"), Field.select("target_impact"), "target_date",
                legend="Rating", legend_size=Size.MEDIUM, legend_tag="h2",
            ),
            Fieldset(
                Field.select("response"), Field.select("proximity"),
                Field.text("review_every_days", field_width=3),
                legend="Response and review", legend_size=Size.MEDIUM, legend_tag="h2",
            ),
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        register = data.get("register") or Register.ICT
        if "register" in self.fields:
            data["register"] = register
            if register == Register.PROJECT and not data.get("project"):
                self.add_error("project", "Choose the project whose register holds the risk")
            if register != Register.PROJECT:
                data["project"] = None
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        # An owner may edit a risk linked to what they may not see: those links stay.
        links = {name: chosen_and_unseen(self, name) for name in self.LINKS}
        for name in self.LINKS:
            data.pop(name)
        if self.fields["owner"].disabled:
            data.pop("owner")
        return {"fields": data, "links": links}


class EscalateForm(GDSFormMixin, forms.Form):
    """Escalating a risk one register up: the entry above gets its own owner."""

    submit_label = "Escalate the risk"
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Owner in the higher register",
        help_text="Who owns the risk's entry in the register it is escalated to.",
    )
    reason = forms.CharField(
        label="Why is it escalated?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = portal_users()


class DifferenceForm(GDSFormMixin, forms.Form):
    submit_label = "Record the reason"
    reason = forms.CharField(
        label="Why do the registers score it differently?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ReviewForm(GDSFormMixin, forms.Form):
    submit_label = "Record the review"
    reviewed_on = GDSDateField(
        label="Date of review", past_only=True, help_text="For example, 27 11 2026"
    )
    residual_likelihood = _rating("Residual likelihood now", RATING_CHOICES)
    residual_impact = _rating("Residual impact now", IMPACT_CHOICES)
    note = forms.CharField(
        label="What the review found",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()


class CloseForm(GDSFormMixin, forms.Form):
    submit_label = "Close the risk"
    reason = forms.CharField(
        label="Why is the risk closed?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ActionForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save action"
    due_date = GDSDateField(label="Due date", future_only=True, help_text="For example, 31 1 2027")

    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_date", "status"]
        labels = {"description": "Mitigating action"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = portal_users()


class ControlForm(GDSFormMixin, forms.Form):
    """A control on a risk: what it is, its owner, the line of assurance on it and how
    well it works as last assessed."""

    submit_label = "Save control"
    FIELDS = ("description", "owner", "line", "effectiveness", "assessed_on", "evidence")
    field_order = FIELDS
    line = forms.ChoiceField(
        label="Line of assurance",
        choices=[Choice(ln.value, ln.label, hint=LINE_MEANINGS[ln]) for ln in AssuranceLine],
        widget=forms.RadioSelect,
        help_text="Who gives assurance that the control works.",
    )
    effectiveness = forms.ChoiceField(
        label="How well does it work?",
        choices=Effectiveness.choices,
        initial=Effectiveness.NOT_ASSESSED,
        widget=forms.RadioSelect,
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), help_text="Who owns and runs the control."
    )
    description = forms.CharField(
        label="Control",
        help_text="What is in place that makes the risk less likely or less harmful.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    evidence = forms.CharField(
        label="Assurance evidence (optional)",
        help_text="Where the assurance comes from: an audit report, a test, a compliance "
        "certificate, a monitoring report.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    assessed_on = GDSDateField(
        label="Date last assessed",
        required=False,
        past_only=True,
        help_text="Leave blank if not yet assessed. For example, 30 9 2026",
    )

    def __init__(self, *args, control: RiskControl | None = None, **kwargs):
        """The rule that an assessment is dated is the service's (control_add and
        control_update), which puts its message at the date."""
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = portal_users()
        if control is not None:
            self.initial |= {name: getattr(control, name) for name in self.FIELDS}
        self.helper.layout = Layout(
            "description", Field.select("owner"),
            Field.radios("line", legend_size=Size.SMALL),
            Field.radios("effectiveness", legend_size=Size.SMALL),
            "assessed_on", "evidence",
        )  # fmt: skip

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class MatrixForm(GDSFormMixin, forms.Form):
    """The 5x5 lookup: a score and a level for each cell, a label and description for
    each point of both scales."""

    submit_label = "Save as a new matrix version"

    def __init__(self, *args, matrix: RiskMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_names = []
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                cell = matrix.cell(likelihood, impact)
                key = f"{likelihood}_{impact}"
                self.fields[f"score_{key}"] = forms.IntegerField(
                    label=f"Likelihood {likelihood}, impact {impact}: score",
                    min_value=1,
                    max_value=25,
                    initial=cell["score"],
                )
                self.fields[f"level_{key}"] = forms.ChoiceField(
                    label=f"Likelihood {likelihood}, impact {impact}: level",
                    choices=Level.choices,
                    initial=cell["level"],
                )
                self.cell_names.append(key)
        for axis in ("likelihood", "impact"):
            for point in range(1, 6):
                label, description = matrix.descriptors[axis][str(point)]
                self.fields[f"{axis}_{point}_label"] = forms.CharField(
                    label=f"{axis.capitalize()} {point}: name", max_length=40, initial=label
                )
                self.fields[f"{axis}_{point}_description"] = forms.CharField(
                    label=f"{axis.capitalize()} {point}: description",
                    max_length=200,
                    initial=description,
                )

    def clean(self):
        data = super().clean()
        # A higher likelihood or impact must never score lower: the matrix would
        # otherwise reward making a risk worse.
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                score = data.get(f"score_{likelihood}_{impact}")
                for other in (
                    f"score_{likelihood + 1}_{impact}",
                    f"score_{likelihood}_{impact + 1}",
                ):
                    if score is not None and data.get(other) is not None and data[other] < score:
                        self.add_error(other, "A higher likelihood or impact cannot score lower")
        return data

    def matrix_arguments(self) -> dict:
        data = self.cleaned_data
        cells = {
            f"{key[0]},{key[2]}": {"score": data[f"score_{key}"], "level": data[f"level_{key}"]}
            for key in self.cell_names
        }
        descriptors = {
            axis: {
                str(point): [data[f"{axis}_{point}_label"], data[f"{axis}_{point}_description"]]
                for point in range(1, 6)
            }
            for axis in ("likelihood", "impact")
        }
        return {"cells": cells, "descriptors": descriptors}


class AppetiteForm(GDSFormMixin, forms.Form):
    submit_label = "Save appetite"

    def __init__(self, *args, thresholds: dict, categories: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for level in AppetiteLevel:
            self.fields[f"threshold_{level.value}"] = forms.IntegerField(
                label=f"{level.label}: highest residual score tolerated",
                min_value=1,
                max_value=25,
                initial=thresholds.get(level.value),
            )
        for category in RiskCategory:
            self.fields[f"category_{category.value}"] = forms.ChoiceField(
                label=f"{category.label} risks: appetite",
                choices=AppetiteLevel.choices,
                initial=categories.get(category.value),
            )

    def appetite_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "thresholds": {
                level.value: data[f"threshold_{level.value}"] for level in AppetiteLevel
            },
            "categories": {c.value: data[f"category_{c.value}"] for c in RiskCategory},
        }


class ReviewFrequencyForm(GDSFormMixin, forms.Form):
    submit_label = "Save review frequencies"

    def __init__(self, *args, days: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for level in reversed(Level):
            self.fields[f"days_{level.value}"] = forms.IntegerField(
                label=f"{level.label} risks: review every (days)",
                min_value=1,
                max_value=366,
                initial=days.get(level.value),
            )

    def frequency_arguments(self) -> dict:
        return {"days": {level.value: self.cleaned_data[f"days_{level.value}"] for level in Level}}


NOT_EXEMPT = "none"
EXEMPT_CHOICES = ExemptParagraph.choices


class ExemptionForm(GDSFormMixin, forms.Form):
    submit_label = "Save"
    paragraph = forms.ChoiceField(
        label="Is the risk's information exempt from publication?",
        choices=[(NOT_EXEMPT, "No: report it in the public part of committee papers")]
        + [(str(value), f"Yes, under paragraph {label}") for value, label in EXEMPT_CHOICES],
        widget=forms.RadioSelect,
        help_text="Part 1 of Schedule 12A to the Local Government Act 1972.",
    )
    reason = forms.CharField(
        label="Why is it exempt?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what in the risk is exempt information, for the committee's clerk. "
        "Leave blank if it is not exempt.",
    )

    def clean_paragraph(self):
        value = self.cleaned_data["paragraph"]
        return None if value == NOT_EXEMPT else int(value)
