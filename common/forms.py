"""What every portal form shares: the GOV.UK look, and error messages in the GOV.UK
style that name the field and say how to put it right ("Enter the title", "Title must
be 200 characters or fewer"), written here once for every kind of field, so no form
shows one of Django's defaults ("This field is required.")."""

import datetime
import re
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import pretty_name
from django.utils.html import conditional_escape

from .dates import in_future_refusal, set_in_past_refusal

# A label put as a question ("What is the proposal called?") does not name the thing
# asked for; messages then use the field's own name unless the form gives one.
QUESTION_WORDS = frozenset(
    {"what", "which", "who", "whom", "whose", "how", "why", "when", "where", "does", "do",
     "did", "is", "are", "was", "can", "has", "have"}
)  # fmt: skip
DETERMINERS = ("the ", "your ", "a ", "an ", "whether ", "who ", "how ", "what ", "which ")


def error_name(field: forms.Field, name: str) -> str:
    """How error messages name a field, after "Enter" or "Select": "the title", from
    its label without any "(optional)" or "(£)"."""
    label = re.sub(r"\s*\([^)]*\)", "", str(field.label or "")).strip().rstrip(":")
    first_word = label.split(" ", 1)[0].lower()
    if not label or label.endswith("?") or first_word in QUESTION_WORDS:
        label = pretty_name(name)
    first = label.split(" ", 1)[0]
    if not (len(first) > 1 and first[1:2].isupper()):  # keep "ICT", "RAG", "KPI"
        label = label[0].lower() + label[1:]
    return label if label.startswith(DETERMINERS) else f"the {label}"


def _subject(named: str) -> str:
    """The name as the subject of a sentence: "the title" -> "Title"."""
    bare = named.removeprefix("the ")
    return bare[0].upper() + bare[1:]


def _is_money(field) -> bool:
    return "£" in str(field.label or "")


def _limit(field, code: str):
    """The limit a field's validator with `code` checks (max_length, min_value...)."""
    return next((v.limit_value for v in field.validators if getattr(v, "code", "") == code), None)


def _number(value, money: bool) -> str:
    return f"£{Decimal(value):,.2f}" if money else f"{value:,}"


def _decimal_messages(field, subject: str, escaped: str) -> dict[str, str]:
    money = _is_money(field)
    if money:
        invalid = f"{subject} must be an amount of money, for example 600 or 193.20"
        places = f"{escaped} must be an amount of money, for example 600 or 193.20"
    else:
        invalid = f"{subject} must be a number"
        places = f"{escaped} must have no more than {field.decimal_places} decimal places"
    messages = {"invalid": invalid, "max_decimal_places": places}
    if field.max_digits is not None:
        decimals = field.decimal_places or 0
        largest = Decimal(10) ** (field.max_digits - decimals) - Decimal(10) ** -decimals
        if _limit(field, "min_value") is None:
            too_big = (
                f"{escaped} must be between {_number(-largest, money)} "
                f"and {_number(largest, money)}"
            )
        else:
            too_big = f"{escaped} must be {_number(largest, money)} or less"
        messages["max_digits"] = messages["max_whole_digits"] = too_big
    return messages


def govuk_messages(field: forms.Field, named: str) -> dict[str, str]:
    """The GOV.UK messages for `field`, named `named` ("the title"), by error code.

    Django fills in %(placeholders)s in the messages of errors that carry parameters
    (a validator's limit, the value chosen), so in those a % in the name is doubled,
    and a limit not known here is left for Django to fill in."""
    subject = _subject(named)
    escaped_name, escaped = named.replace("%", "%%"), subject.replace("%", "%%")
    choice = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField)
    pick = f"Select {named}"
    listed = " from the list" if isinstance(field.widget, forms.Select) else ""
    messages = {
        "required": pick if choice or isinstance(field, forms.FileField) else f"Enter {named}",
        "invalid_choice": f"Select {escaped_name}{listed}",
        "invalid_list": f"Select {named}{listed}",
        "invalid_pk_value": f"Select {escaped_name}{listed}",
        "null_characters_not_allowed": f"Remove the hidden control characters from {escaped_name}",
        "unique": f"{escaped} is already in use: enter a different one",
    }
    messages["blank"] = messages["null"] = messages["required"]
    money = _is_money(field)
    for code, word in (("max_value", "less"), ("min_value", "more")):
        limit = _limit(field, code)
        shown = "%(limit_value)s" if limit is None else _number(limit, money)
        messages[code] = f"{escaped} must be {shown} or {word}"
    for code, word in (("max_length", "fewer"), ("min_length", "more")):
        messages[code] = f"{escaped} must be %(limit_value)d characters or {word}"
    if getattr(field, "step_size", None):
        messages["step_size"] = f"{escaped} must be a multiple of %(limit_value)s"
    # Decimal and float fields are integer fields to Django, so they are asked first.
    if isinstance(field, forms.DecimalField):
        messages |= _decimal_messages(field, subject, escaped)
    elif isinstance(field, forms.FloatField):
        messages["invalid"] = f"{subject} must be a number"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{subject} must be a whole number"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{subject} must be a real time, for example 14:00"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter {escaped_name} in the right format, like name@example.org"
    elif isinstance(field, forms.RegexField):
        hint = f": {field.help_text}" if field.help_text else ""
        messages["invalid"] = f"Enter {named} in the right format{hint}".replace("%", "%%")
    elif isinstance(field, forms.FileField):
        messages |= {
            "invalid": "The selected file could not be uploaded. Try again",
            "missing": pick,
            "empty": "The selected file is empty",
            "max_length": "The name of the selected file must be %(max)d characters or fewer",
        }
    return messages


def _django_defaults(field: forms.Field) -> dict:
    """The messages Django itself gives this kind of field, by code."""
    defaults = {}
    for klass in reversed(type(field).__mro__):
        if klass.__module__.startswith(("django.", "crispy_forms_gds.")):
            defaults.update(getattr(klass, "default_error_messages", {}))
    return {code: str(message) for code, message in defaults.items()}


def name_errors(field: forms.Field, named: str) -> None:
    """Give `field` GOV.UK messages for every error Django would word for it; a message
    the form set itself stays."""
    if isinstance(field, GDSDateField):
        field.name_errors(named)
        return
    defaults = _django_defaults(field)
    for code, message in govuk_messages(field, named).items():
        current = field.error_messages.get(code)
        if current is None or str(current) == defaults.get(code):
            field.error_messages[code] = message


class GOVUKErrorsMixin:
    """Every field's errors in GOV.UK words, named from its label. A form names a field
    itself in `error_names` where the label does not read well in a message:
    {"reported_on": "the date of the update"}. Fields added in __init__ are named too:
    the messages are set when the form is validated."""

    error_names: dict[str, str] = {}

    def full_clean(self):
        for name, field in self.fields.items():
            name_errors(field, self.error_names.get(name) or error_name(field, name))
        super().full_clean()
        if self.is_bound:
            self._check_date_limits()

    def _check_date_limits(self):
        for name, field in self.fields.items():
            if isinstance(field, GDSDateField) and self.cleaned_data.get(name):
                initial = self.get_initial_for_field(field, name)
                refusal = field.limit_refusal(self.cleaned_data[name], initial=initial)
                if refusal:
                    self.add_error(name, refusal)


def _number_box(field: forms.Field) -> forms.TextInput:
    """A number asked for as GOV.UK asks for one: a text box with a numeric keyboard
    (the design system advises against `type="number"`, which browsers round, scroll and
    spin), drawn as a GOV.UK input like every other box. The field still checks it."""
    # Django's DecimalField and FloatField are IntegerFields too.
    whole = not isinstance(field, (forms.DecimalField, forms.FloatField))
    attrs = {
        name: value
        for name, value in field.widget.attrs.items()
        if name not in ("step", "min", "max")
    }
    attrs |= {"inputmode": "numeric" if whole else "decimal", "spellcheck": "false"}
    attrs.setdefault("class", "govuk-input--width-5" if whole else "govuk-input--width-10")
    return forms.TextInput(attrs=attrs)


class GDSFormMixin(GOVUKErrorsMixin):
    """A crispy-forms-gds helper with one submit button labelled by `submit_label`, and
    GOV.UK error messages."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # GOV.UK Frontend's Button module (static/js/init.js: a form that changes
        # something is sent once, however quickly the button is pressed twice).
        self.helper.add_input(Submit("submit", self.submit_label, data_module="govuk-button"))
        for field in self.fields.values():
            if isinstance(field.widget, forms.NumberInput):
                field.widget = _number_box(field)


    def __getitem__(self, name):
        # crispy-forms-gds draws labels, legends and hints as trusted HTML, and labels
        # are often made from data (a criterion's or a proposal's name): escaped here,
        # once for every form, they show markup as text. A label meant as HTML is
        # marked safe and left alone.
        bound = super().__getitem__(name)
        bound.label = conditional_escape(bound.label)
        bound.help_text = conditional_escape(bound.help_text)
        return bound


class GDSDateField(DateInputField):
    """The GOV.UK date pattern (day, month and year boxes) with plain-English errors.

    `past_only` refuses a date after today; `future_only` a date before today, but
    only a date the person set or changed: an old date left as it was still saves."""

    def __init__(self, *, past_only=False, future_only=False, **kwargs):
        # Each box is checked on its own, so a message can say which part is missing.
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.past_only, self.future_only = past_only, future_only
        self.name_errors("the date")

    def name_errors(self, named: str) -> None:
        self.named, subject = named, _subject(named)
        self.real_date = f"{subject} must be a real date, for example 31 3 2027"
        self.error_messages |= {
            "required": f"Enter {named}",
            "incomplete": f"Enter {named}",
            "invalid": self.real_date,
        }
        for part, box in zip(("a day", "a month", "a year"), self.fields, strict=True):
            box.error_messages |= {"incomplete": f"{subject} must include {part}"}
            box.error_messages["invalid"] = self.real_date  # its digits-only validator

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:  # OverflowError: a 40-digit year
            raise ValidationError(self.real_date, code="invalid") from error
        if not 2000 <= value.year <= 2100:
            raise ValidationError(
                f"{_subject(self.named)} must be between 1 1 2000 and 31 12 2100", code="invalid"
            )
        return value

    def limit_refusal(self, value: datetime.date, *, initial=None) -> str | None:
        what = self.named[0].upper() + self.named[1:]
        if self.past_only:
            return in_future_refusal(value, what)
        if self.future_only:
            return set_in_past_refusal(value, what, was=initial)
        return None


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field where the form has
    that field, otherwise in the error summary. A model's own check (a blank or too
    long value) is worded as the form's field words it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        if target:
            messages = form.fields[target].error_messages
            errors = [
                ValidationError(messages[e.code], code=e.code, params=e.params)
                if e.code in messages
                else e
                for e in errors
            ]
        form.add_error(target, errors)


def chosen_and_unseen(form, name: str) -> list:
    """What the multiple-choice field `name` was given, plus the object's links (the
    field's initial value) that the field did not offer. The person saw no box for
    those, so saving the form must keep them rather than drop them."""
    field, current = form.fields[name], list(form.initial.get(name) or ())
    keys = [getattr(link, "pk", link) for link in current]
    offered = set(field.queryset.filter(pk__in=keys).values_list("pk", flat=True))
    unseen = [link for link, key in zip(current, keys, strict=True) if key not in offered]
    return [*form.cleaned_data[name], *unseen]
