"""The register's page written in one pass (register_rows, options, the counts of a
page's controls, the assurance flags read in Python) says what the template loop, the
tags it replaced and the database say."""

import datetime
import itertools

from django.db.models import BooleanField, ExpressionWrapper
from django.template import Context, Template
from django.utils import timezone
from django.utils.html import format_html_join

from governance.tests.factories import UserFactory
from risks import lists, policies, selectors
from risks.choices import AssuranceFlag, AssuranceLine, Effectiveness, RiskStatus
from risks.models import Risk, RiskControl
from risks.templatetags.register_filters import options
from risks.tests.factories import RiskFactory, escalated_risk

# The register's rows as risks/risk_list.html wrote them before register_rows.
LOOP = """{% load risk_flags risk_tags %}
  {% for risk in risks %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ risk.get_absolute_url }}">{{ risk.reference }} {{ risk.title }}</a>{% if risk.is_demo %} <strong class="govuk-tag govuk-tag--grey">Demo</strong>{% endif %}{% if risk.status == "closed" %} <strong class="govuk-tag govuk-tag--grey">Closed</strong>{% endif %}{% if risk.score_mismatch %} <strong class="govuk-tag govuk-tag--orange">Scores differ between registers</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ risk.get_register_display }}{% if risk.escalated_from_id %}<br><span class="govuk-body-s">from {{ risk.escalated_from_reference }}</span>{% endif %}{% if risk.escalated_to_id %}<br><span class="govuk-body-s">escalated to {{ risk.escalated_to_reference }}</span>{% endif %}</td>
      <td class="govuk-table__cell">{{ risk.get_category_display }}</td>
      <td class="govuk-table__cell">{{ risk.owner }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ risk.inherent_score }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ risk.residual_score }} {% level_tag risk.residual_level risk.get_residual_level_display %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ risk.target_score }}</td>
      <td class="govuk-table__cell">{{ risk.controls_recorded }} control{{ risk.controls_recorded|pluralize }}{% for flag in risk|assurance_flags %} <strong class="govuk-tag {{ flag.tag_class }}">{{ flag.label }}</strong>{% endfor %}</td>
      <td class="govuk-table__cell">{% appetite_tag risk.outside_appetite %}</td>
      <td class="govuk-table__cell">{{ risk.next_review_date|date:"j M Y" }}{% if risk.review_overdue %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}</td>
    </tr>
  {% endfor %}
"""
TAG = "{% load register_rows %}\n  {% register_rows risks %}\n"

LAST_MONTH = timezone.localdate() - datetime.timedelta(days=30)


def _control(risk, **fields):
    values = {"description": "Backups", "owner": risk.owner, "line": AssuranceLine.FIRST}
    if fields.get("effectiveness", Effectiveness.NOT_ASSESSED) != Effectiveness.NOT_ASSESSED:
        values["assessed_on"] = LAST_MONTH
    return RiskControl.objects.create(risk=risk, **(values | fields))


def _varied_register():
    """Risks that between them take each branch of a row."""
    red = RiskFactory(title="Red & <bare>", inherent_likelihood=5, inherent_impact=5,
                      residual_likelihood=4, residual_impact=4, is_demo=True,
                      owner=UserFactory(first_name="O'Brien", last_name="<Pat>"))  # fmt: skip
    _control(red, effectiveness=Effectiveness.NOT_EFFECTIVE)
    unmoved = RiskFactory(title="Unmoved", inherent_likelihood=2, inherent_impact=2,
                          residual_likelihood=2, residual_impact=2, category="people")  # fmt: skip
    _control(unmoved, effectiveness=Effectiveness.EFFECTIVE, line=AssuranceLine.THIRD)
    _control(unmoved, effectiveness=Effectiveness.PARTLY_EFFECTIVE, line=AssuranceLine.SECOND)
    _control(unmoved, effectiveness=Effectiveness.NOT_ASSESSED)
    RiskFactory(title="Overdue and outside", residual_likelihood=5, residual_impact=5,
                next_review_date=LAST_MONTH)  # fmt: skip
    RiskFactory(title="Closed", status=RiskStatus.CLOSED, closed_reason="Supplier replaced",
                next_review_date=LAST_MONTH)  # fmt: skip
    escalated_risk(title="Escalated, scored higher")
    return red


def _rendered(source, risks) -> str:
    return Template(source).render(Context({"risks": risks}))


def test_register_rows_write_what_the_template_loop_wrote(db):
    _varied_register()
    risks = list(selectors.with_assurance(selectors.register(status=None)))
    assert len(risks) == 6
    assert _rendered(TAG, risks) == _rendered(LOOP, risks)


def test_a_page_counts_its_controls_in_one_query_as_the_subqueries_count_them(
    db, django_assert_num_queries
):
    _varied_register()
    annotated = {r.pk: r for r in selectors.with_assurance(selectors.register(status=None))}
    risks = list(selectors.register(status=None))
    with django_assert_num_queries(1):
        selectors.with_control_counts(risks)
    for risk in risks:
        for name in selectors.CONTROL_COUNTS:
            assert getattr(risk, name) == getattr(annotated[risk.pk], name), (risk.title, name)
    assert _rendered(TAG, risks) == _rendered(LOOP, list(annotated.values()))


def test_the_flags_read_in_python_are_the_flags_the_database_filters_on(db):
    _varied_register()
    risks = list(selectors.with_assurance(Risk.objects.all()))
    for flag, condition in policies.assurance_flags().items():
        in_database = set(
            selectors.with_assurance(Risk.objects.all())
            .filter(condition)
            .values_list("pk", flat=True)
        )
        in_python = {risk.pk for risk in risks if flag in policies.assurance_flags_raised(risk)}
        assert in_python == in_database, flag
    raised = {flag for risk in risks for flag in selectors.flags_of(risk)}
    assert raised == {AssuranceFlag.NOT_ASSURED, AssuranceFlag.NOT_BORNE_OUT,
                      AssuranceFlag.NO_THIRD_LINE}  # fmt: skip


def test_options_are_those_format_html_join_wrote():
    choices = [(1, "O'Brien <Pat> & co"), (2, "Plain"), ("x", "Selected")]
    for selected in (1, "x", None):
        want = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if v == selected else "", label) for v, label in choices),
        )
        assert options(choices, selected) == want


def test_a_page_marks_its_rows_as_the_register_annotates_them(db, django_assert_num_queries):
    """Appetite, escalation up and down, and scores that differ (with and without a
    reason recorded), on pages of register_page as register() annotates them: pages of
    three, so that a risk and the risk escalated from it are on the same page or not."""
    _varied_register()
    source = RiskFactory(title="Source")
    above = escalated_risk(source, title="Above, explained")
    above.difference_reason = "Corporate sees wider impact"
    above.difference_explained_score = above.residual_score
    above.difference_explained_source_score = source.residual_score
    above.save()
    escalated_risk(RiskFactory(title="Source of a mismatch"), title="Above, unexplained")
    want = {r.pk: r for r in selectors.with_assurance(selectors.register(status=None))}
    tolerated = selectors.tolerated_scores()
    risks = []
    for start in range(0, len(want), 3):
        page = selectors.register_page(status=None)[start : start + 3]
        with django_assert_num_queries(3):  # the rows, the risks escalated from them, controls
            risks += selectors.page_rows(page, tolerated)
    assert [r.pk for r in risks] == list(want)
    for risk in risks:
        for name in ("outside_appetite", "escalated_to_id", "score_mismatch"):
            assert getattr(risk, name) == getattr(want[risk.pk], name), (risk.title, name)
    assert {r.title for r in risks if r.score_mismatch} >= {"Above, unexplained"}
    assert any(r.escalated_to_id for r in risks) and any(r.outside_appetite for r in risks)
    assert _rendered(TAG, risks) == _rendered(LOOP, list(want.values()))


def test_a_page_filtered_on_appetite_keeps_the_databases_answer(db):
    _varied_register()
    risks = selectors.page_rows(selectors.register_page(appetite="outside")[:25])
    assert risks and all(r.outside_appetite for r in risks)


def test_mismatches_worked_out_in_python_are_those_the_database_finds(db):
    """is_mismatched against mismatched_escalations() in SQL, for every case: either
    risk open or closed, scores equal or not, a reason or none, each explained score
    null, matching or stale; and a risk escalated from none."""
    source = RiskFactory(title="Source")
    above = escalated_risk(source, title="Above")
    alone = RiskFactory(title="Not escalated")
    Risk.objects.update(closed_reason="Closed for the test")  # so either may be closed
    in_sql = Risk.objects.annotate(
        mismatched=ExpressionWrapper(selectors.mismatched_escalations(), BooleanField())
    )
    read = Risk.objects.values_list("pk", "escalated_from_id", *selectors.MISMATCH_FIELDS)
    cases = itertools.product(
        (RiskStatus.OPEN, RiskStatus.CLOSED),  # the source's status
        (RiskStatus.OPEN, RiskStatus.CLOSED),  # the escalated risk's
        (4, 9),  # the escalated risk's score (the source's is 4)
        ("", "Corporate sees wider impact"),
        (None, "own", 5),  # the explained score: none, the risk's own, stale
        (None, "source", 5),  # the explained source score
    )
    seen = set()
    for source_status, status, score, reason, explained, explained_source in cases:
        Risk.objects.filter(pk=source.pk).update(status=source_status, residual_score=4)
        Risk.objects.filter(pk=above.pk).update(
            status=status,
            residual_score=score,
            difference_reason=reason,
            difference_explained_score=score if explained == "own" else explained,
            difference_explained_source_score=(
                4 if explained_source == "source" else explained_source
            ),
        )
        for pk, escalated_from_id, *values in read.filter(pk__in=(source.pk, above.pk, alone.pk)):
            want = in_sql.get(pk=pk).mismatched
            filtered = in_sql.filter(selectors.mismatched_escalations(), pk=pk).exists()
            assert bool(want) == filtered
            assert selectors.is_mismatched(escalated_from_id, *values) == filtered, (
                pk, source_status, status, score, reason, explained, explained_source
            )  # fmt: skip
            seen.add(filtered)
    assert seen == {True, False}


def test_the_filters_themes_and_owners_are_those_read_as_models(db):
    """The theme filter's choices (theme_numbers_current, one query) are the current
    strategy's themes as read through strategy_current, in order; the owner filter's
    names (read as values) are the people's names as their models give them."""
    from django.http import QueryDict
    from django.test import RequestFactory

    from governance.models import Theme
    from governance.selectors import strategy_current, theme_numbers_current
    from governance.tests.factories import StrategyFactory, ThemeFactory
    from risks.views import RiskListView

    year = timezone.localdate().year
    covering = StrategyFactory(status="approved", start_year=year - 1, end_year=year + 2)
    StrategyFactory(status="approved", start_year=year - 6, end_year=year - 2)
    newer_draft = StrategyFactory(status="draft", start_year=year + 1, end_year=year + 5)
    for strategy, numbers in ((covering, (3, 1, 2)), (newer_draft, (2, 1))):
        for number in numbers:
            ThemeFactory(strategy=strategy, number=number)
    want = list(Theme.objects.filter(strategy=strategy_current()).values_list("pk", "number"))
    assert theme_numbers_current() == want
    assert [number for _, number in want] == [1, 2, 3]

    RiskFactory(owner=UserFactory(first_name="", last_name="", username="nameless"))
    RiskFactory(owner=UserFactory(first_name="Ada", last_name="Lovelace"))
    view = RiskListView()
    view.request = RequestFactory().get("/risks/")
    view.filterset = lists.risk_list.filterset(None, QueryDict(""))
    people = view.filterset.form.fields["owner"].queryset
    assert view.owners() == [(person.pk, str(person)) for person in people]
    assert {"nameless", "Ada Lovelace"} <= {name for _, name in view.owners()}


def test_a_page_read_as_values_writes_what_the_loop_wrote_of_the_models(
    db, django_assert_max_num_queries
):
    """page_rows (a page's risks as values, its owner named from the user's fields)
    against the template loop over register()'s model instances: every branch of a
    row, a name to escape, an owner with no name, and the filters that annotate what a
    row shows (appetite, an assurance flag) as well as those that do not; a page of
    them in three queries at most (the rows, the escalations, the controls)."""
    _varied_register()
    RiskFactory(
        title="Nameless", owner=UserFactory(first_name="", last_name="", username="nameless")
    )
    source = RiskFactory(title="Source of a mismatch")
    escalated_risk(source, title="Above, unexplained")
    tolerated = selectors.tolerated_scores()
    for filters in (
        {"status": None},
        {"status": None, "appetite": "outside"},
        {"status": None, "appetite": "within"},
        {"status": None, "assurance": AssuranceFlag.NO_THIRD_LINE},
        {"status": RiskStatus.CLOSED},
        {"category": "legal"},  # none
    ):
        want = list(selectors.with_assurance(selectors.register(**filters)))
        page = selectors.register_page(**filters)[:25]
        with django_assert_max_num_queries(3):
            rows = selectors.page_rows(page, tolerated)
        assert [row.pk for row in rows] == [risk.pk for risk in want], filters
        assert _rendered(TAG, rows) == _rendered(LOOP, want), filters
    every = selectors.page_rows(selectors.register_page(status=None)[:25])
    assert {"Red & <bare>", "Above, unexplained"} <= {row.title for row in every}
    assert any(row.score_mismatch for row in every) and any(row.escalated_to_id for row in every)
    assert "nameless" in {row.owner for row in every}
