import datetime

from django import forms
from django.utils import timezone

from common.forms import GDSDateField, GDSFormMixin
from common.fy import financial_year_choices, financial_year_of
from common.roles import Role

from . import kpis
from .models import KPI, ActionPlanItem, BusinessUnit, CorporateObjective, Meeting, Objective, User
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
        fields = ["title", "location", "quorum", "chair", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.CHAIR.value
        ).distinct()
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.update(
                date=local.date(), time=local.time().replace(second=0, microsecond=0)
            )
        self.order_fields(["title", "date", "time", "location", "quorum", "chair", "notes"])

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
    submit_label = "Save attendance"
    error_names = {"present": "who attended"}
    present = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who attended?",
        help_text="Governance Group members not ticked are recorded as absent.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members


class KPIForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save KPI"

    class Meta:
        model = KPI
        fields = ["name", "description", "unit", "direction", "theme", "principle"]
        labels = {
            "theme": "Theme it measures (optional)",
            "principle": "Principle it measures (optional)",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "direction": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = self.fields["direction"].choices[1:]


class MeasurementForm(GDSFormMixin, forms.Form):
    submit_label = "Record the value"
    period_end = GDSDateField(
        label="End of the period measured", past_only=True, help_text="For example, 31 3 2027"
    )
    value = forms.DecimalField(max_digits=14, decimal_places=2)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TargetForm(GDSFormMixin, forms.Form):
    submit_label = "Save target"
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    target = forms.DecimalField(max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        self.fields["financial_year"].choices = financial_year_choices(around=this_year)


class KPIImportForm(GDSFormMixin, forms.Form):
    submit_label = "Import the values"
    file = forms.FileField(
        label="CSV file of values",
        help_text="Columns kpi, period_end, value and (optionally) note, with a heading row. "
        "Dates like 2027-03-31. A value for a period already recorded replaces it.",
    )

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {kpi.name.lower(): kpi for kpi in kpis}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("The selected file must be smaller than 1 MB")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The selected file must be a CSV file in UTF-8") from error
        if "\x00" in text:  # no text file holds a NUL, and PostgreSQL cannot store one
            raise forms.ValidationError("The selected file must be a CSV file in UTF-8")
        rows, errors = kpis.parse_measurements_csv(text, self.known)
        if errors:
            raise forms.ValidationError(errors[:20])
        if not rows:
            raise forms.ValidationError("The selected file has no values")
        self.rows = rows
        return upload
