"""Template tags of the projects app."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def status_tag(status: str, label: str) -> str:
    """A proposal status as a tag with its words: a tag, not an include, because a
    list shows one per row and an include per row costs several times as much."""
    return format_html(
        '<strong class="govuk-tag council-status council-status--{}">{}</strong>', status, label
    )
