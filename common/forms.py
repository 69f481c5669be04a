import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class GDSFormMixin:
    """A crispy-forms-gds helper with one submit button labelled by `submit_label`."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", self.submit_label))


class GDSDateField(DateInputField):
    """The GOV.UK date pattern (day, month and year boxes) with plain-English errors."""

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:  # OverflowError: a 40-digit year
            raise ValidationError(
                "Enter a real date, for example 31 3 2027", code="invalid"
            ) from error
        if not 2000 <= value.year <= 2100:
            raise ValidationError("Enter a year between 2000 and 2100", code="invalid")
        return value


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field where the form has
    that field, otherwise in the error summary."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
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
