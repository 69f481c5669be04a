"""A risk's assurance flags in words for templates, from the one declaration of them
(risks.policies.FLAG_WORDS), so the register's tags and the risk's page say the same."""

from django import template

from risks import policies, selectors

register = template.Library()


@register.filter
def assurance_flags(risk) -> list[policies.FlagWords]:
    """The flags raised on a risk annotated by selectors.with_assurance, in order."""
    return [policies.FLAG_WORDS[flag] for flag in selectors.flags_of(risk)]
