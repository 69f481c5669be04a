import re

from django import forms

from common.forms import GDSFormMixin

from .models import NARRATIVE_FIELDS, ReportKind


class NarrativeForm(GDSFormMixin, forms.Form):
    submit_label = "Save the narrative"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in NARRATIVE_FIELDS:
            self.fields[field] = forms.CharField(
                label=label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )


class ReportRequestForm(GDSFormMixin, forms.Form):
    submit_label = "Produce the report"
    kind = forms.ChoiceField(choices=ReportKind.choices, label="Report", widget=forms.RadioSelect)


CRON_PART = r"^(\*|[0-9]{1,2}(-[0-9]{1,2})?(,[0-9]{1,2}(-[0-9]{1,2})?)*)(/[0-9]{1,2})?$"


class ScheduleForm(GDSFormMixin, forms.Form):
    submit_label = "Save the schedule"
    is_active = forms.BooleanField(required=False, label="Produce this report on its schedule")
    minute = forms.RegexField(regex=CRON_PART, max_length=60, help_text="0 to 59, or *")
    hour = forms.RegexField(regex=CRON_PART, max_length=60, help_text="0 to 23, or *")
    day_of_month = forms.RegexField(regex=CRON_PART, max_length=60, label="Day of the month",
                                    help_text="1 to 31, or *")  # fmt: skip
    month_of_year = forms.RegexField(regex=CRON_PART, max_length=60, label="Months",
                                     help_text="1 to 12, comma separated, or *")  # fmt: skip
    recipients = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="E-mail addresses, one a line.",
    )

    def clean_recipients(self):
        validate = forms.EmailField().clean
        lines = [line.strip() for line in self.cleaned_data["recipients"].splitlines()]
        for line in filter(None, lines):
            try:
                validate(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(f"{line} is not a valid e-mail address") from error
        return "\n".join(filter(None, lines))

    def clean(self):
        data = super().clean()
        limits = {"minute": 59, "hour": 23, "day_of_month": 31, "month_of_year": 12}
        for field, top in limits.items():
            value = data.get(field)
            if value and any(int(n) > top for n in re.findall(r"[0-9]+", value.split("/")[0])):
                self.add_error(field, f"Use numbers up to {top}")
        return data
