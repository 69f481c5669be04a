"""Markup written in one pass from values: for the tables and panels whose rows, each
through the template language's lookups, filters and escapes, cost a page more than the
rest of it (issue 15: a page worked out from nothing within 3x a bare page). Each value
is escaped as the template language escapes it; the markup around it is the template's,
byte for byte, and each tag's test holds the two equal."""

from django.utils.safestring import SafeData, SafeString, mark_safe

# What django.utils.html.escape (html.escape) replaces, as it replaces it, in one pass.
# A plain str (not markup already safe) is escaped by str.translate(ESCAPES) alone.
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape(value) -> str:
    """conditional_escape(value) in one call: markup already safe as it is, any other
    value as text, escaped."""
    if isinstance(value, SafeData):
        return value.__html__()
    return str(value).translate(ESCAPES)


def fill(markup: str, *values) -> SafeString:
    """`markup` (a str.format pattern) filled with `values`, each escaped (escape):
    format_html's answer, without its wrapping of every value."""
    return mark_safe(markup.format(*(escape(value) for value in values)))  # noqa: S308 - escaped above
