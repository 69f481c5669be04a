from django import template
from django.urls import reverse

from common import figures, formatting
from common.addresses import page_url
from common.fy import financial_year_label
from common.permissions import may_open as _may_open

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*labels_and_urls):
    """{% breadcrumbs "Strategy" url "Theme 1" "" %}: Home comes first; an empty url
    marks the current page."""
    pairs = list(zip(labels_and_urls[::2], labels_and_urls[1::2], strict=True))
    return {"crumbs": [("Home", reverse("home")), *pairs]}


@register.inclusion_tag("includes/breadcrumbs.html")
def trail(obj, *below):
    """Breadcrumbs from Home down to `obj`, following each object's `breadcrumb_parent`
    (so down the golden thread: strategy, theme, objective, action). `below` is an
    optional label for a page under the object, such as "History" or "Edit"."""
    crumbs = []
    node = obj
    while node is not None:
        crumbs.append((node.breadcrumb_label, node.get_absolute_url()))
        node = node.breadcrumb_parent
    crumbs.append(("Home", reverse("home")))
    crumbs.reverse()
    if below:
        crumbs.append((below[0], ""))
    else:
        crumbs[-1] = (crumbs[-1][0], "")
    return {"crumbs": crumbs}


@register.inclusion_tag("includes/rag.html")
def rag(value, label):
    return {"rag": value, "label": label}


@register.filter
def listed(values):
    """`values` read once, into a list: {% for %} asks for the length of what it walks
    before walking it, which for a model choice field's choices is a COUNT query and
    then the query for the rows. (Not list(values): that asks for the length too.)"""
    return [value for value in values]


@register.filter
def in_sentence(label):
    """A label inside a sentence (common.formatting.in_sentence)."""
    return formatting.in_sentence(str(label))


@register.filter
def fy(start_year):
    """2026 -> "2026/27"."""
    return financial_year_label(int(start_year)) if start_year not in (None, "") else ""


@register.filter
def money(value):
    """600000 -> "£600,000"; 1610.5 -> "£1,610.50"; -1610 -> "-£1,610"."""
    return figures.money(value)


@register.filter
def measure(value, unit):
    """A KPI's value in its unit: {{ value|measure:kpi.unit }} -> "£1,610", "97.5%",
    "12 days"."""
    return figures.measure(value, unit)


@register.filter
def figure(value, missing=figures.NOTHING):
    """A table cell that may hold money, a measure, a count, yes or no, or nothing:
    {{ cell|figure }}, or {{ cell|figure:"Not recorded" }}."""
    return figures.figure(value, missing=missing)


@register.inclusion_tag("includes/csv_link.html", takes_context=True)
def csv_link(context, label="Download this list as CSV"):
    """A link to the current page as CSV, keeping its filters."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return {"url": f"?{query.urlencode()}", "label": label}


@register.inclusion_tag("includes/download_links.html", takes_context=True)
def download_links(context):
    """Links to a declared list (common.lists) as CSV and as Excel, keeping its filters."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    links = []
    for file_format, label in (("csv", "CSV"), ("xlsx", "Excel")):
        query["format"] = file_format
        links.append({"url": f"?{query.urlencode()}", "label": label})
    return {"links": links}


@register.simple_tag(takes_context=True)
def may_open(context, url_name):
    """{% may_open "risks:risk-create" as can_raise %}: whether the signed-in user may
    open that page, by the page's own rule (common.permissions.may_open)."""
    return _may_open(context["request"].user, url_name)


@register.inclusion_tag("includes/nav_item.html", takes_context=True)
def nav_item(context, section, label, url_name):
    """A service navigation link, shown only to those the page lets in."""
    return {
        "show": _may_open(context["request"].user, url_name),
        "url": page_url(url_name),
        "section": section,
        "label": label,
        "nav_section": context.get("nav_section"),
    }


@register.inclusion_tag("includes/import_link.html", takes_context=True)
def import_link(context, kind):
    """{% import_link "risks" %}: a link to import that kind from Excel, shown only to
    those its importer allows (each app's policies.py)."""
    from common.imports import importer

    found = importer(kind)
    return {"importer": found if found and found.allows(context["request"].user) else None}
