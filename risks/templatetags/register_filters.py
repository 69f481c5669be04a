"""The register's filter form."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def options(choices, selected):
    """A <select>'s <option>s for (value, label) pairs, the one whose value is
    `selected` selected: written in one step, where a loop in the template looks each
    option's value and label up in turn (the owners alone run to dozens)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )
