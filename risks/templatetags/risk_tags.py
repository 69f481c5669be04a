"""A risk's level and appetite as GOV.UK tags, as simple tags: the register writes
both on each of its rows, where an include per row cost more than the row's data."""

from django import template
from django.utils.html import format_html, mark_safe

register = template.Library()

# The line breaks around the level's tag are those of the template these tags replaced
# (its comment line ended in one), kept so that no page reads differently.
LEVEL = '\n<strong class="govuk-tag council-level council-level--{}">{}</strong>\n'
OUTSIDE = '<strong class="govuk-tag govuk-tag--red">Outside appetite</strong>\n'
WITHIN = '<strong class="govuk-tag govuk-tag--green">Within appetite</strong>\n'


@register.simple_tag
def level_tag(level, label):
    """A matrix level as a tag with its name: colour is never the only signal."""
    return format_html(LEVEL, level, label)


@register.simple_tag
def appetite_tag(outside):
    """Outside or within appetite, in words on a red or green tag."""
    return mark_safe(OUTSIDE if outside else WITHIN)  # noqa: S308 - constant markup
