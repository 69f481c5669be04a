"""The portfolio's ranked rows, and its budget table's, rendered in one pass.

Each of a page's fifty rows shows a dozen figures, each tested and formatted: looked up
one by one in the template, they cost more than the rest of the page. Here each row is
one piece of markup filled in with values escaped as the template escapes them
(common.markup.escape); the markup is the template's, byte for byte."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from common.addresses import page_url, page_urls
from common.figures import money
from common.fy import financial_year_label
from common.markup import ESCAPES, escape

from ..choices import ProposalStatus

register = template.Library()

TENTH = Decimal("0.1")
NOT_RANKED = (
    '<span aria-hidden="true">\N{EN DASH}</span>'
    '<span class="govuk-visually-hidden">Not ranked</span>'
)
STATUTORY = ' <strong class="govuk-tag govuk-tag--purple">Statutory</strong>'
# One row as the template's loop wrote it, with the whitespace its `{% for %}` and
# `{% with %}` left around each row.
ROW = (
    "\n    \n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{} {}</a><br>'
    '<span class="govuk-body-s">{}</span>{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    "      {}\n"
    "      {}\n"
    "    </tr>\n"
    "    \n"
    "  "
)


def _one_place(value: Decimal) -> str:
    """A score as `floatformat:1` shows it (the same rounding, half up)."""
    return str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def _score(row: dict) -> str:
    proposal = row["proposal"]
    if not proposal.scores_visible:
        return escape(row["hidden_because"])
    if proposal.score is None:
        return "Not scored"
    count = proposal.score_count
    return (
        f'{_one_place(proposal.score)}<br><span class="govuk-body-s">{count} '
        f"score{'' if count == 1 else 's'}, spread {_one_place(proposal.score_low)} "
        f"to {_one_place(proposal.score_high)}</span>"
    )


def _row(row: dict, year, recommendation, url, statuses) -> str:
    proposal = row["proposal"]
    served = "".join(f" · Theme {number}" for number in proposal.theme_numbers)
    cumulative = ""
    if year:
        cumulative = (
            '<td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{escape(money(row['cumulative']))}</td>"
        )
    choice = ""
    if recommendation:
        selected = bool(row["choice"] and row["choice"].selected)
        reason = row["choice"].reason if row["choice"] else ""
        choice = (
            f'<td class="govuk-table__cell"><strong class="govuk-tag '
            f'{"govuk-tag--green" if selected else "govuk-tag--grey"}">'
            f"{'In' if selected else 'Out'}</strong> {escape(str(reason))}</td>"
        )
    # A RankedProposal's reference, title and unit are plain text read from the
    # database (never markup already safe), so escape(value) is value.translate(ESCAPES).
    return ROW.format(
        row["rank"] or NOT_RANKED,
        escape(url(proposal.pk)),  # proposal.get_absolute_url()
        proposal.reference.translate(ESCAPES),
        proposal.title.translate(ESCAPES),
        f"{proposal.business_unit}{served}".translate(ESCAPES),
        STATUTORY if proposal.is_statutory else "",
        statuses[proposal.status],  # proposal.get_status_display(), escaped
        _score(row),
        money(proposal.total_cost),  # digits, commas, "£", "." and "-": none to escape
        cumulative,
        choice,
    )


@register.simple_tag
def portfolio_rows(rows, year, recommendation) -> SafeString:
    """The rows of one page of the ranking (projects.lists.PortfolioList.worked_out: the
    page's object_list, a list, rather than the page, which a loop indexes row by row),
    with the running total's column for a chosen `year` and the recommendation's."""
    url = page_urls("projects:proposal-detail")  # the pattern read once for every row
    statuses = {status.value: escape(status.label) for status in ProposalStatus}
    # Safe: the markup is fixed and every value in it escaped above.
    written = (_row(row, year, recommendation, url, statuses) for row in rows)
    return mark_safe("".join(written))  # noqa: S308


NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
OVER_BUDGET = ' <strong class="govuk-tag govuk-tag--red">Over budget</strong>'
# One year of the budget table as the template's loop wrote it, with its whitespace.
BUDGET_ROW = (
    "\n"
    '    <tr class="govuk-table__row">\n'
    '      <th scope="row" class="govuk-table__header">{}</th>\n'
    f"      {NUMERIC_CELL}\n"
    f"      {NUMERIC_CELL}\n"
    "      {}\n"
    f"      {NUMERIC_CELL}\n"
    "    </tr>\n"
    "  "
)


def _budget_row(row: dict, recommendation) -> str:
    # Amounts are money's text (digits, commas, "£", "." and "-") and the year a label
    # such as 2026/27: none has a character to escape.
    left = row.get("left")
    left_cell = "\N{EN DASH}" if left is None else money(left) + (OVER_BUDGET if left < 0 else "")
    return BUDGET_ROW.format(
        financial_year_label(int(row["year"])),
        "Not set" if row["budget"] is None else money(row["budget"]),
        money(row["committed"]),
        NUMERIC_CELL.format(money(row["recommended"])) if recommendation else "",
        left_cell,
    )


@register.simple_tag
def portfolio_budget_rows(summary, recommendation) -> SafeString:
    """The budget table's rows, one per financial year of the portfolio's `summary`
    (PortfolioList.worked_out), with the recommended proposals' column where there is a
    recommendation."""
    # Safe: the markup is fixed and every value in it escaped above.
    return mark_safe("".join(_budget_row(row, recommendation) for row in summary))  # noqa: S308


@register.simple_tag
def page_address(viewname: str) -> str:
    """`{% url viewname %}` for a page of no record, from the pattern reversed once
    (common.addresses.page_url): the portfolio links to several such pages, and
    reverse() matches the whole URLconf for each. Escaped as `{% url %}` escapes."""
    return page_url(viewname)
