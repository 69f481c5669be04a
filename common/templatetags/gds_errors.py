"""The links of the GOV.UK error summary (templates/gds/layout/error_summary.html), each
to the input that takes focus for its field, whatever kind of input the field has."""

from django import forms, template

register = template.Library()


def focus_id(field: forms.BoundField, part: int = 0) -> str:
    """The id of the input a summary link for `field` moves focus to: its `part`-th box
    for a GOV.UK date input (day, month, year), the first option of a set of radios or
    checkboxes, otherwise the field's own input."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}_{part}"  # Django numbers a multi-widget's inputs from 0
    if isinstance(widget, forms.RadioSelect):  # checkboxes too: a subclass of RadioSelect
        # crispy-forms-gds numbers the options from 1 and builds their ids from the
        # field's name, not its auto_id (its templates gds/layout/radio_item.html and
        # checkboxes.html).
        return f"id_{field.html_name}_1"
    return field.auto_id


def _field_links(field: forms.BoundField) -> list[tuple[str, str]]:
    links, placed = [], set()
    for part, subfield in enumerate(getattr(field.field, "fields", ())):
        # crispy-forms-gds's date field leaves each box's own errors on that box's widget.
        for error in getattr(subfield.widget, "errors", ()):
            links.append((focus_id(field, part), error))
            placed.add(error)
    links += [(focus_id(field), error) for error in field.errors if error not in placed]
    return links


@register.filter
def error_links(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(id of the input to focus, message) for each error on `form`, in the order the
    fields appear; an error about the whole form goes to its first field, or has no
    link ("") when the form has no field to fill in."""
    fields = form.visible_fields()
    first = focus_id(fields[0]) if fields else ""
    links = [(first, error) for error in form.non_field_errors()]
    for field in fields:
        links += _field_links(field)
    return links
