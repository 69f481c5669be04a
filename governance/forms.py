import datetime

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from common.forms import GDSDateField, GDSFormMixin
from common.fy import financial_year_choices, financial_year_of
from common.roles import Role

from . import meetings, selectors
from .choices import MEMBER_ATTENDANCE, AttendanceStatus
from .models import (
    KPI,
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    Meeting,
    Objective,
    TermsOfReference,
    User,
)
from .selectors import portal_users


class ObjectiveForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save objective"
    corporate_objectives = forms.ModelMultipleChoiceField(
        queryset=CorporateObjective.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Corporate objectives it serves",
    )

    class Meta:
        model = Objective
        fields = ["title", "description", "owner", "corporate_objectives"]
        labels = {"title": "Objective", "owner": "Owner (optional)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = portal_users()


class ActionPlanItemForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save action-plan item"
    due_date = GDSDateField(required=False, future_only=True, help_text="For example, 31 3 2027")

    class Meta:
        model = ActionPlanItem
        fields = [
            "title",
            "description",
            "owner",
            "lead_unit",
            "due_date",
            "status",
            "rag",
            "progress",
        ]
        labels = {"title": "Action", "owner": "Owner (optional)"}
        help_texts = {
            "rag": "Red: will not be delivered as planned without intervention. "
            "Amber: at risk. Green: on track.",
            "progress": "A whole number from 0 to 100.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = portal_users()
        self.fields["lead_unit"].queryset = BusinessUnit.objects.filter(is_active=True)
        self.fields["lead_unit"].required = False


class MeetingForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save meeting"
    error_names = {"date": "the date of the meeting"}
    date = GDSDateField(label="Date", future_only=True, help_text="For example, 14 1 2027")
    time = forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 14:00",
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )

    class Meta:
        model = Meeting
        fields = ["title", "location", "quorum", "chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.CHAIR.value
        ).distinct()
        minimum = selectors.terms_of_reference().minimum_quorum
        self.fields["quorum"].help_text = (
            f"How many voting members must be present for decisions to be made: {minimum} "
            "or more, as the terms of reference set."
        )
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update(
                date=local.date(), time=local.time().replace(second=0, microsecond=0)
            )
        else:
            self.initial.setdefault("quorum", max(minimum, self.fields["quorum"].initial or 1))
        self.order_fields(["title", "date", "time", "location", "quorum", "chair"])

    def clean_quorum(self):
        quorum = self.cleaned_data["quorum"]
        error = meetings.quorum_error(quorum)
        if error:
            raise forms.ValidationError(error)
        return quorum

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(
                datetime.datetime.combine(data["date"], data["time"])
            )
            # The page shows the time to the minute: left as shown, the meeting keeps
            # the time it has, seconds and all.
            shown = (self.initial.get("date"), self.initial.get("time"))
            if self.instance.pk and (data["date"], data["time"]) == shown:
                data["starts_at"] = self.instance.starts_at
        return data

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            **{field: data[field] for field in self.Meta.fields},
        }


class AttendanceForm(GDSFormMixin, forms.Form):
    """Each voting member present, with apologies or absent; others in attendance."""

    submit_label = "Save attendance"
    in_attendance = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Others in attendance, without a vote",
        help_text="The Head of ICT and officers attending. They never count towards the quorum.",
    )

    def __init__(self, *args, members, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for person in self.members:
            self.fields[f"member_{person.pk}"] = forms.ChoiceField(
                choices=[(status.value, status.label) for status in MEMBER_ATTENDANCE],
                widget=forms.RadioSelect,
                label=person.get_full_name() or person.username,
                error_messages={
                    "required": f"Select whether {person.get_full_name() or person.username} "
                    "is present, sent apologies or is absent"
                },
            )
        self.fields["in_attendance"].queryset = others
        self.fields["in_attendance"].label_from_instance = _person_with_title
        self.helper.layout = Layout(
            Fieldset(
                *(Field.radios(f"member_{p.pk}", inline=True, legend_size=Size.SMALL)
                  for p in self.members),
                legend="Voting members",
                legend_size=Size.MEDIUM,
            ),
            Field.checkboxes("in_attendance", legend_size=Size.MEDIUM),
        )  # fmt: skip

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        chosen = {p: data[f"member_{p.pk}"] for p in self.members}
        return {
            "present": [p for p, s in chosen.items() if s == AttendanceStatus.PRESENT],
            "apologies": [p for p, s in chosen.items() if s == AttendanceStatus.APOLOGIES],
            "in_attendance": list(data["in_attendance"]),
        }


def _person_with_title(person) -> str:
    name = person.get_full_name() or person.username
    return f"{name}, {person.job_title}" if person.job_title else name


class MinutesForm(GDSFormMixin, forms.Form):
    submit_label = "Save the draft minutes"
    notes = forms.CharField(
        label="Discussion and actions",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What was discussed and who will do what. Attendance, the agenda and each "
        "decision with its reason and conditions are added to the minutes for you.",
    )


class TermsOfReferenceForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save the terms of reference"
    chair_counts = forms.TypedChoiceField(
        label="Does the chair count towards the quorum?",
        choices=[(True, "Yes, the chair counts like any member"),
                 (False, "No, the quorum is met by the other members present")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the chair counts towards the quorum"},
    )  # fmt: skip
    head_of_ict_attends = forms.TypedChoiceField(
        label="Does the Head of ICT attend meetings?",
        help_text="Always without a vote: the Head of ICT never counts towards the quorum.",
        choices=[(True, "Yes, without a vote"), (False, "No, only when invited")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the Head of ICT attends meetings"},
    )

    class Meta:
        model = TermsOfReference
        fields = ["minimum_quorum", "chair_counts", "head_of_ict_attends", "remit"]
        widgets = {"remit": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "minimum_quorum",
            Field.radios("chair_counts", legend_size=Size.SMALL),
            Field.radios("head_of_ict_attends", legend_size=Size.SMALL),
            "remit",
        )


class KPIForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save KPI"

    class Meta:
        model = KPI
        fields = [
            "name", "description", "unit", "direction", "theme", "principle",
            "is_rate", "numerator_label", "denominator_label", "red_boundary", "green_boundary",
        ]  # fmt: skip
        labels = {
            "theme": "Theme it measures (optional)",
            "principle": "Principle it measures (optional)",
            "is_rate": "A rate: a numerator over a denominator, as a percentage",
            "numerator_label": "What the numerator counts (for a rate)",
            "denominator_label": "What the denominator counts (for a rate)",
            "red_boundary": "Red boundary (optional)",
            "green_boundary": "Green boundary (optional)",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "direction": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = self.fields["direction"].choices[1:]

    def clean(self):
        cleaned = super().clean()
        red, green = cleaned.get("red_boundary"), cleaned.get("green_boundary")
        if (red is None) != (green is None):
            missing = "green_boundary" if green is None else "red_boundary"
            self.add_error(missing, "Give both RAG boundaries, or neither")
        if cleaned.get("is_rate") and cleaned.get("unit") not in (None, "%"):
            self.add_error("unit", "A rate is a percentage: its unit is %")
        return cleaned


class MeasurementForm(GDSFormMixin, forms.Form):
    """A KPI's value for a period and its commentary. Given the KPI, the form asks a
    rate for its numerator and denominator (its value is worked out from them) and any
    other KPI for its value."""

    submit_label = "Record the value"
    period_end = GDSDateField(
        label="End of the period measured", past_only=True, help_text="For example, 31 3 2027"
    )
    value = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    numerator = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    denominator = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    note = forms.CharField(
        label="Commentary",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the figure shows and why, for the period.",
    )

    def __init__(self, *args, kpi=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        if kpi is None:
            return
        if kpi.is_rate:
            del self.fields["value"]
            for name in ("numerator", "denominator"):
                self.fields[name].required = True
            if kpi.numerator_label:
                self.fields["numerator"].label = f"Numerator: {kpi.numerator_label}"
            if kpi.denominator_label:
                self.fields["denominator"].label = f"Denominator: {kpi.denominator_label}"
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["value"].required = True

    def clean_denominator(self):
        denominator = self.cleaned_data.get("denominator")
        if denominator is not None and denominator <= 0:
            raise forms.ValidationError("The denominator must be more than 0")
        return denominator


class ComparatorForm(GDSFormMixin, forms.Form):
    submit_label = "Save comparator"
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    organisation = forms.CharField(
        max_length=200, help_text="For example, Oxfordshire County Council"
    )
    value = forms.DecimalField(max_digits=14, decimal_places=2, label="Their figure")
    source = forms.CharField(
        max_length=300, help_text="Where the figure comes from, for example a benchmarking club"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        self.fields["financial_year"].choices = financial_year_choices(around=this_year)
        self.fields["financial_year"].initial = this_year


class TargetForm(GDSFormMixin, forms.Form):
    submit_label = "Save target"
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    target = forms.DecimalField(max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        self.fields["financial_year"].choices = financial_year_choices(around=this_year)
