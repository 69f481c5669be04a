"""The register's filter form."""

from django import template
from django.utils.safestring import mark_safe

from common.markup import escape

register = template.Library()


@register.simple_tag
def options(choices, selected):
    """A <select>'s <option>s for (value, label) pairs, the one whose value is
    `selected` selected: written in one step, where a loop in the template looks each
    option's value and label up in turn (the owners alone run to dozens). Each value
    and label escaped as format_html_join escapes them (common.markup.escape)."""
    return mark_safe(  # noqa: S308 - each value and label escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
