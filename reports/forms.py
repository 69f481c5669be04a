from celery.schedules import crontab_parser
from django import forms

from common.forms import GDSFormMixin

from .models import NARRATIVE_FIELDS, Committee, ReportKind


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
    # Committee risk reports are asked for on their own page, for a committee.
    kind = forms.ChoiceField(
        choices=[c for c in ReportKind.choices if c[0] != ReportKind.COMMITTEE_RISK],
        label="Report",
        widget=forms.RadioSelect,
    )


CRON_PART = r"^(\*|[0-9]{1,2}(-[0-9]{1,2})?(,[0-9]{1,2}(-[0-9]{1,2})?)*)(/[0-9]{1,2})?$"


class ScheduleForm(GDSFormMixin, forms.Form):
    submit_label = "Save the schedule"
    error_names = {"day_of_month": "the days of the month", "month_of_year": "the months"}
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
        # Celery's own parser, set up as its crontab sets it up: what it refuses, beat
        # would silently never run.
        parsers = {
            "minute": (crontab_parser(60), "0 to 59"),
            "hour": (crontab_parser(24), "0 to 23"),
            "day_of_month": (crontab_parser(31, 1), "1 to 31"),
            "month_of_year": (crontab_parser(12, 1), "1 to 12"),
        }
        for field, (parser, numbers) in parsers.items():
            value = data.get(field)
            if not value:
                continue
            try:
                parser.parse(value)
            except ValueError:
                self.add_error(field, f"Use numbers from {numbers}, or *, with steps above 0")
        return data


class CommitteeForm(GDSFormMixin, forms.Form):
    submit_label = "Add the committee"
    name = forms.CharField(
        max_length=200,
        help_text="As the council names it, for example Audit and Governance Committee.",
    )
    takes_quarterly_report = forms.BooleanField(
        required=False,
        initial=True,
        label="Send it the quarterly risk report on the schedule",
    )


class CommitteeChangeForm(CommitteeForm):
    submit_label = "Save the committee"


class CommitteeReportRequestForm(GDSFormMixin, forms.Form):
    submit_label = "Produce the report"
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(),
        label="Which committee is the report to?",
        widget=forms.RadioSelect,
        empty_label=None,
    )
