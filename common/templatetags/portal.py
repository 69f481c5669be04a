from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe

from common import figures, formatting
from common.addresses import page_url, unkeyed_page_urls
from common.fy import financial_year_label
from common.markup import ESCAPES, escape
from common.permissions import may_open as _may_open

register = template.Library()


@register.simple_tag
def breadcrumbs(*labels_and_urls):
    """{% breadcrumbs "Strategy" url "Theme 1" "" %}: Home comes first; an empty url
    marks the current page."""
    pairs = list(zip(labels_and_urls[::2], labels_and_urls[1::2], strict=True))
    return _breadcrumbs([("Home", page_url("home")), *pairs])


@register.simple_tag
def trail(obj, *below):
    """Breadcrumbs from Home down to `obj`, following each object's `breadcrumb_parent`
    (so down the golden thread: strategy, theme, objective, action). `below` is an
    optional label for a page under the object, such as "History" or "Edit"."""
    crumbs = []
    node = obj
    while node is not None:
        crumbs.append((node.breadcrumb_label, node.get_absolute_url()))
        node = node.breadcrumb_parent
    crumbs.append(("Home", page_url("home")))
    crumbs.reverse()
    if below:
        crumbs.append((below[0], ""))
    else:
        crumbs[-1] = (crumbs[-1][0], "")
    return _breadcrumbs(crumbs)


def _breadcrumbs(crumbs):
    """The GOV.UK breadcrumbs for (label, url) pairs, made here rather than by
    including a template: every page shows them."""
    items = "".join(
        [
            f'\n      <li class="govuk-breadcrumbs__list-item">{_crumb(label, url)}</li>\n    '
            for label, url in crumbs
        ]
    )
    return mark_safe(  # noqa: S308 - every label and url is escaped
        '<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">\n'
        f'  <ol class="govuk-breadcrumbs__list">\n    {items}\n  </ol>\n</nav>\n'
    )


def _crumb(label, url) -> str:
    if url:
        return f'<a class="govuk-breadcrumbs__link" href="{escape(url)}">{escape(label)}</a>'
    return f'<span aria-current="page">{escape(label)}</span>'


@register.simple_tag
def rag(value, label):
    """A RAG status as a tag: its word is always shown, colour is never the only signal.
    Made here rather than by including a template, as lists show one per row."""
    return mark_safe(  # noqa: S308 - both parts are escaped
        f'\n<strong class="govuk-tag council-rag council-rag--{escape(value)}">'
        f"{escape(label)}</strong>\n"
    )


@register.simple_tag
def filter_form(filterset):
    """A declared list's filter form (common.lists), from its FilterSet's form: every
    list's filters look and work the same, and their query string is the API's. Made
    here in one pass because the list pages offer hundreds of options between them, and
    a template pays for a lookup, a filter and a comparison per option."""
    form = filterset.form
    fields = "".join([_filter_field(field) for field in form.visible_fields()])
    hidden = "".join(
        [
            f'<input type="hidden" name="{escape(field.html_name)}"'
            f' value="{escape(_or_blank(field.value()))}">'
            for field in form.hidden_fields()
        ]
    )
    return mark_safe(  # noqa: S308 - every name, label, value and option is escaped
        f'<form method="get" class="council-filters" novalidate>\n  {fields}\n  {hidden}\n'
        '  <button type="submit" class="govuk-button govuk-button--secondary"'
        ' data-module="govuk-button">Filter</button>\n</form>'
    )


def _filter_field(field) -> str:
    field_id = escape(field.auto_id)
    return (
        '\n  <div class="govuk-form-group">\n'
        f'    <label class="govuk-label" for="{field_id}">{escape(field.label)}</label>\n'
        f'    <select class="govuk-select" id="{field_id}" name="{escape(field.html_name)}">\n'
        f"      {_options(field)}\n"
        "    </select>\n"
        "  </div>\n  "
    )


def _options(field) -> str:
    """A select's <option>s, the current value selected. The choices are read once (a
    model choice field's iterator would first count its rows if asked for a length).
    Values compare as text, as the query string holds them."""
    chosen = str(field.value())
    options = [
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(label)}</option>"
        for value, label in field.field.choices
    ]
    return "".join(options)


def _or_blank(value):
    return "" if value is None else value


@register.simple_tag(takes_context=True)
def pagination(context, page):
    """Links to the previous and next pages of a list, keeping its filters: made here,
    as each list page shows them."""
    if not page.has_other_pages():
        return ""
    query = "".join(
        [
            f"{escape(key)}={escape(quote(value))}&amp;"
            for key, value in context["request"].GET.items()
            if key != "page"
        ]
    )
    parts = ['\n<nav class="govuk-pagination" aria-label="Pagination">\n  ']
    if page.has_previous():
        parts.append(_page_link("prev", "Previous", f"?{query}page={page.previous_page_number()}"))
    parts.append(
        '\n  <p class="govuk-body govuk-!-margin-bottom-0">'
        f"Page {page.number} of {page.paginator.num_pages}</p>\n  "
    )
    if page.has_next():
        parts.append(_page_link("next", "Next", f"?{query}page={page.next_page_number()}"))
    parts.append("\n</nav>\n")
    return mark_safe("".join(parts))  # noqa: S308 - the query's keys and values are escaped


def _page_link(rel: str, label: str, href: str) -> str:
    return (
        f'\n  <div class="govuk-pagination__{rel}">\n'
        f'    <a class="govuk-link govuk-pagination__link" href="{href}" rel="{rel}">\n'
        f'      <span class="govuk-pagination__link-title">{label}'
        '<span class="govuk-visually-hidden"> page</span></span>\n'
        "    </a>\n"
        "  </div>\n  "
    )


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


@register.simple_tag
def header_cells(header):
    """A table's column headers, for tables built by `figure_rows`."""
    cells = [f'<th scope="col" class="govuk-table__header">{escape(h)}</th>' for h in header]
    return mark_safe("".join(cells))  # noqa: S308 - every header is escaped


@register.simple_tag
def figure_rows(rows, missing=figures.NOTHING):
    """A table's body rows, each cell as `figure` shows it: {% figure_rows sheet.rows %}.
    Made here in one pass because a report's tables hold thousands of cells, and a
    template loop pays for a lookup, a filter and an escape per cell."""
    # Lists are built, not generators: a generator is resumed once per cell.
    html = []
    for row in rows:
        # Text, most cells, is escaped as it is: one call, not a figure and an escape.
        shown = [
            cell.translate(ESCAPES)
            if type(cell) is str and cell
            else escape(figures.figure(cell, missing=missing))
            for cell in row
        ]
        cells = "".join([f'<td class="govuk-table__cell">{text}</td>' for text in shown])
        html.append(f'<tr class="govuk-table__row">{cells}</tr>')
    return mark_safe("".join(html))  # noqa: S308 - every cell is escaped


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


# The service navigation: (section, label, the page's URL name). Each shows only to
# those the page lets in.
MENU = (
    ("home", "Home", "home"),
    ("strategy", "Strategy", "governance:strategy-current"),
    ("proposals", "Proposals", "projects:proposal-list"),
    ("projects", "Projects", "projects:project-list"),
    ("kpis", "KPIs", "governance:kpi-list"),
    ("risks", "Risks", "risks:risk-list"),
    ("portfolio", "Portfolio", "projects:portfolio"),
    ("meetings", "Meetings", "governance:meeting-list"),
    ("reports", "Reports", "reports:archive"),
    ("accounts", "Accounts", "governance:account-list"),
    ("background-tasks", "Background tasks", "background-tasks"),
)


@register.simple_tag(takes_context=True)
def service_navigation(context):
    """The menu's links (MENU) the signed-in user may open, made in one pass as every
    page shows the menu. An item left out still ends its line, and the items are
    indented as the template's lines were, one item a line, so the markup is what a
    tag per item wrote."""
    user = context["request"].user
    current = context.get("nav_section")
    urls = unkeyed_page_urls(*[url_name for _, _, url_name in MENU])
    items = [
        _nav_link(section == current, label, url) if _may_open(user, url_name) else "\n"
        for (section, label, url_name), url in zip(MENU, urls, strict=True)
    ]
    return mark_safe("\n            ".join(items))  # noqa: S308 - _nav_link escapes


@register.simple_tag(takes_context=True)
def nav_link(context, section, label, url):
    """A service navigation link to `url`, marked when the page is in its section."""
    return mark_safe(_nav_link(context.get("nav_section") == section, label, url))  # noqa: S308


def _nav_link(current: bool, label, url) -> str:
    if current:
        return (
            '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">\n'
            f'  <a class="govuk-service-navigation__link" href="{escape(url)}"'
            f' aria-current="true">{escape(label)}</a>\n</li>\n'
        )
    return (
        '<li class="govuk-service-navigation__item">\n'
        f'  <a class="govuk-service-navigation__link" href="{escape(url)}">{escape(label)}'
        "</a>\n</li>\n"
    )


@register.inclusion_tag("includes/import_link.html", takes_context=True)
def import_link(context, kind):
    """{% import_link "risks" %}: a link to import that kind from Excel, shown only to
    those its importer allows (each app's policies.py)."""
    from common.imports import importer

    found = importer(kind)
    return {"importer": found if found and found.allows(context["request"].user) else None}


@register.simple_tag(takes_context=True)
def site_header(context):
    """The page's header (the council's and the service's names, and for someone signed
    in their name, their account and signing out) and, for someone signed in, the
    service navigation: made in one pass as every page shows them, and written as the
    template's lines were, byte for byte. `user` is the template's, as before."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    home, account_url, logout_url = unkeyed_page_urls("home", "account", "logout")
    account = _header_account(context, user, account_url, logout_url) if signed_in else ""
    navigation = _header_navigation(context) if signed_in else ""
    return mark_safe(  # noqa: S308 - every name and address is escaped
        '<header class="council-header" role="banner">\n'
        '    <div class="govuk-width-container council-header__container">\n'
        f'      <a href="{escape(home)}" class="council-header__brand">\n'
        '        <span class="council-header__council">'
        f"{escape(context.get('council_name', ''))}</span>\n"
        '        <span class="council-header__service">'
        f"{escape(context.get('service_name', ''))}</span>\n"
        f"      </a>\n      {account}\n    </div>\n  </header>\n\n  {navigation}"
    )


def _header_account(context, user, account_url, logout_url) -> str:
    token = context.get("csrf_token")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        if token and token != "NOTPROVIDED"  # noqa: S105 - the csrf_token tag's "none"
        else ""
    )
    return (
        '\n        <div class="council-header__account">\n'
        '          <span class="council-header__user">'
        f"{escape(user.get_full_name() or user.username)}</span>\n"
        f'          <a class="council-header__link" href="{escape(account_url)}">'
        "Your account</a>\n"
        f'          <form method="post" action="{escape(logout_url)}"'
        ' class="council-header__signout">\n'
        f"            {csrf}\n"
        '            <button type="submit" class="council-header__button">Sign out</button>\n'
        "          </form>\n"
        "        </div>\n      "
    )


def _header_navigation(context) -> str:
    admin = ""
    if context.get("can_open_admin"):
        link = _nav_link(
            context.get("nav_section") == "admin", "Administration", page_url("admin:index")
        )
        admin = f"\n              {link}\n            "
    return (
        '\n    <nav class="govuk-service-navigation" aria-label="Menu"'
        ' data-module="govuk-service-navigation">\n'
        '      <div class="govuk-width-container">\n'
        '        <div class="govuk-service-navigation__container">\n'
        '          <ul class="govuk-service-navigation__list" id="navigation">\n'
        f"            {service_navigation(context)}\n"
        f"            {admin}\n"
        "          </ul>\n"
        "        </div>\n"
        "      </div>\n"
        "    </nav>\n  "
    )


@register.simple_tag(takes_context=True)
def site_messages(context):
    """The messages for this request (django.contrib.messages), each as a GOV.UK
    notification banner: made in one pass as every page shows them (and reads them,
    so each shows once), written as the template's lines were, byte for byte."""
    banners = [
        _banner(number, message) for number, message in enumerate(context.get("messages") or (), 1)
    ]
    return mark_safe("".join(banners) + "\n")  # noqa: S308 - each message is escaped


def _banner(number: int, message) -> str:
    if message.level_tag == "success":
        opening = (
            '<div class="govuk-notification-banner govuk-notification-banner--success"'
            f' role="alert" aria-labelledby="message-title-{number}"'
            ' data-module="govuk-notification-banner">'
        )
        title = "Success"
    else:
        opening = (
            '<div class="govuk-notification-banner" role="region"'
            f' aria-labelledby="message-title-{number}" data-module="govuk-notification-banner">'
        )
        title = "There is a problem" if message.level_tag == "error" else "Important"
    return (
        f"\n  \n    {opening}\n"
        '      <div class="govuk-notification-banner__header">\n'
        '        <h2 class="govuk-notification-banner__title"'
        f' id="message-title-{number}">{title}</h2>\n'
        "      </div>\n"
        '      <div class="govuk-notification-banner__content">\n'
        '        <p class="govuk-notification-banner__heading">'
        f"{escape(str(message))}</p>\n"
        "      </div>\n"
        "    </div>\n  \n"
    )


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The page's footer: made in one pass as every page shows it, written as the
    template's lines were, byte for byte."""
    service, council = context.get("service_name", ""), context.get("council_name", "")
    return mark_safe(  # noqa: S308 - the names and the address are escaped
        '<footer class="govuk-footer" role="contentinfo">\n'
        '    <div class="govuk-width-container">\n'
        '      <div class="govuk-footer__meta">\n'
        '        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">\n'
        '          <h2 class="govuk-visually-hidden">Support links</h2>\n'
        '          <ul class="govuk-footer__inline-list">\n'
        '            <li class="govuk-footer__inline-list-item">\n'
        '              <a class="govuk-footer__link"'
        f' href="{escape(page_url("accessibility"))}">Accessibility statement</a>\n'
        "            </li>\n"
        "          </ul>\n"
        '          <p class="govuk-body-s govuk-!-margin-bottom-0">'
        f"{escape(service)}, run by {escape(council)}.</p>\n"
        "        </div>\n"
        "      </div>\n"
        "    </div>\n"
        "  </footer>"
    )
