"""The proposal page's one-pass rows (projects.templatetags.proposal_detail) write what
the template loops they replaced wrote, byte for byte."""

from decimal import Decimal

from django.template import Context, Template

from projects import tcop
from projects.choices import TcopAnswer
from projects.models import TcopPoint

TCOP_LOOP = """{% for row in tcop.rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ row.point }}</th>
      <td class="govuk-table__cell"><strong class="govuk-tag {{ row.tag_class }}">{{ row.answer_label }}</strong></td>
      <td class="govuk-table__cell">{{ row.evidence|linebreaksbr|default:"None given" }}</td>
    </tr>
  {% endfor %}"""

SCORE_LOOP = """{% for score in assessment.score_rows %}
      <tr class="govuk-table__row"><td class="govuk-table__cell">{{ score.criterion_name }}{% if score.from_tcop %}<br><span class="govuk-body-s">Worked out from the <a class="govuk-link" href="#tcop">Technology Code of Practice self-assessment</a>, not scored by the member</span>{% endif %}</td><td class="govuk-table__cell govuk-table__cell--numeric">{{ score.weight }}</td><td class="govuk-table__cell govuk-table__cell--numeric">{{ score.score }}</td><td class="govuk-table__cell">{{ score.comment }}</td></tr>
    {% endfor %}"""

AWKWARD = "Fish & <chips>\r\nsaid \"O'Brien\"\rthen\n\nmore"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_tcop_rows_are_the_loops():
    points = [TcopPoint(pk=n, number=n, title=f"Point <{n}> & more") for n in range(1, 5)]
    answers = [(TcopAnswer.MET, AWKWARD), (TcopAnswer.PARTLY_MET, ""), ("", ""), ("", "x")]
    rows = [
        tcop.Row(
            point=point,
            answer=answer,
            answer_label=TcopAnswer(answer).label if answer else "Not answered",
            evidence=evidence,
        )
        for point, (answer, evidence) in zip(points, answers, strict=True)
    ]
    assessment = tcop.SelfAssessment(rows=rows, summary=tcop.summary_of([], 4))
    tag = render("{% load proposal_detail %}{% tcop_rows tcop.rows %}", tcop=assessment)
    assert tag == render(TCOP_LOOP, tcop=assessment)
    assert render("{% load proposal_detail %}{% tcop_rows rows %}", rows=[]) == ""


def test_the_score_rows_are_the_loops(settings):
    rows = [
        {
            "criterion_name": "Value & <risk>",
            "weight": 25,
            "score": 4,
            "from_tcop": False,
            "comment": AWKWARD,
        },
        {
            "criterion_name": "TCoP",
            "weight": Decimal("12.50"),
            "score": Decimal("3"),
            "from_tcop": True,
            "comment": "",
        },
        {"criterion_name": "", "weight": 1234567, "score": 0, "from_tcop": False, "comment": "'"},
    ]
    assessment = {"score_rows": rows}
    for separated in (False, True):  # whole numbers are written unlocalized only unseparated
        settings.USE_THOUSAND_SEPARATOR = separated
        tag = render(
            "{% load proposal_detail %}{% score_rows assessment.score_rows %}",
            assessment=assessment,
        )
        assert tag == render(SCORE_LOOP, assessment=assessment)
        assert ("1,234,567" in tag) is separated


THEME_LOOP = """{% for link in theme_links %}<p class="govuk-body"><a class="govuk-link" href="{{ link.theme.get_absolute_url }}">Theme {{ link.theme.number }}: {{ link.theme.title }}</a><br>{{ link.how|default:"How: not given yet" }}</p>{% empty %}None selected yet{% endfor %}"""
OBJECTIVE_LOOP = """{% for objective in objectives %}<a class="govuk-link" href="{{ objective.get_absolute_url }}">Objective {{ objective.reference }}: {{ objective.title }}</a><br>{% empty %}None selected{% endfor %}"""


def test_the_theme_and_objective_links_are_the_loops():
    from governance.models import Objective, Theme
    from projects.models import ProposalTheme

    themes = [Theme(pk=3, number=2, title=AWKWARD), Theme(pk=12, number=11, title="Data")]
    links = [ProposalTheme(theme=themes[0], how=AWKWARD), ProposalTheme(theme=themes[1], how="")]
    objectives = [
        Objective(pk=7, theme=themes[0], number=1, title="Fewer <servers> & less"),
        Objective(pk=40, theme=themes[1], number=12, title="'Quoted'"),
    ]
    for given in (links, []):
        tag = render("{% load proposal_detail %}{% theme_links links %}", links=given)
        assert tag == render(THEME_LOOP, theme_links=given)
    for given in (objectives, []):
        tag = render("{% load proposal_detail %}{% objective_links objectives %}", objectives=given)
        assert tag == render(OBJECTIVE_LOOP, objectives=given)


EVENT_LOOP = """{% for event in events %}
    <li><strong>{{ event.get_to_status_display }}</strong> by {{ event.actor }}, {{ event.created_at|date:"j F Y H:i" }}{% if event.comment %}<br><span class="council-quote">{{ event.comment|linebreaksbr }}</span>{% endif %}</li>
  {% endfor %}"""


def test_the_event_lines_are_the_loops():
    import datetime

    from governance.models import User
    from projects.models import ProposalEvent

    actor = User(first_name="Ann <&>", last_name="O'Neil", username="ann")
    summer = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 1, 5, 9, 5, tzinfo=datetime.UTC)
    events = [
        ProposalEvent(to_status="submitted", actor=actor, created_at=summer, comment=""),
        ProposalEvent(to_status="returned", actor=actor, created_at=winter, comment=AWKWARD),
        ProposalEvent(to_status="approved", actor=actor, created_at=winter, comment="Yes"),
    ]
    for given in (events, []):
        tag = render("{% load proposal_detail %}{% event_lines events %}", events=given)
        assert tag == render(EVENT_LOOP, events=given)


def test_the_strategic_links_are_the_four_queries(db):
    """selectors.strategic_links reads, in one query, what the page read in four: the
    same rows in the same order (themes, objectives and principles spread over strategies
    of different years and titles, so every ordering rule counts), and nothing for a
    proposal with none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.tests.factories import (
        CorporateObjectiveFactory,
        ObjectiveFactory,
        PrincipleFactory,
        StrategyFactory,
        ThemeFactory,
    )
    from projects import selectors
    from projects.models import ProposalTheme
    from projects.tests.factories import ProposalFactory

    older = StrategyFactory(title="Zebra", start_year=2020, end_year=2024)
    newer_b = StrategyFactory(title="Beta", start_year=2031, end_year=2035)
    newer_a = StrategyFactory(title="Alpha", start_year=2031, end_year=2035)
    themes = [
        ThemeFactory(strategy=strategy, number=number, title=f"{strategy.title} <{number}>")
        for strategy in (older, newer_b, newer_a)
        for number in (3, 1)
    ]
    objectives = [ObjectiveFactory(theme=theme, title=f"Do & {theme.title}") for theme in themes]
    objectives += [ObjectiveFactory(theme=themes[0], title="Second")]
    principles = [
        PrincipleFactory(strategy=strategy, number=number, title=f"P {strategy.title} {number}")
        for strategy in (newer_b, older, newer_a)
        for number in (2, 1)
    ]
    corporate = [CorporateObjectiveFactory(title=title) for title in ("b", "C", "a", "Ä")]
    proposal = ProposalFactory()
    for n, theme in enumerate(themes):
        ProposalTheme.objects.create(proposal=proposal, theme=theme, how=AWKWARD * (n % 2))
    proposal.objectives.set(objectives)
    proposal.principles.set(principles)
    proposal.corporate_objectives.set(corporate)
    empty = ProposalFactory()

    for given in (proposal, empty):
        with CaptureQueriesContext(connection) as queries:
            links = selectors.strategic_links(given)
        assert len(queries) == 1
        was = {
            "theme_links": given.theme_links.select_related("theme"),
            "objectives": given.objectives.select_related("theme"),
        }
        for name, loop, tag in (
            ("theme_links", THEME_LOOP, "theme_links"),
            ("objectives", OBJECTIVE_LOOP, "objective_links"),
        ):
            source = f"{{% load proposal_detail %}}{{% {tag} {name} %}}"
            assert render(source, **{name: getattr(links, name)}) == render(
                loop, **{name: was[name]}
            )
        assert [(link.theme_id, link.how) for link in links.theme_links] == [
            (link.theme_id, link.how) for link in was["theme_links"]
        ]
        assert [o.pk for o in links.objectives] == [o.pk for o in was["objectives"]]
        assert links.corporate_objectives == list(
            given.corporate_objectives.values_list("title", flat=True)
        )
        assert links.principles == list(given.principles.values_list("title", flat=True))
    assert len(links.theme_links) == 0 and links.principles == []


def test_the_score_rows_are_the_values_query(db):
    """selectors.assessments_for_detail (plain SQL) gives the assessments, with what the
    page shows of each, in the order `proposal.assessments.select_related("assessor")`
    gave them (by when submitted), and their score_rows are the rows
    CriterionScore.objects.filter(...).values(...) gave, in its order: by criterion
    position, then name, whatever order they were scored in."""
    import datetime

    from governance.tests.factories import UserFactory
    from projects import selectors
    from projects.models import Assessment, Criterion, CriterionScore
    from projects.tests.factories import ProposalFactory

    proposal = ProposalFactory()
    criteria = [
        Criterion.objects.create(name=name, weight=10, position=position)
        for name, position in (("Zeta", 1), ("Alpha", 2), ("Beta", 1), ("Gamma", 0))
    ]
    for n, assessor in enumerate(UserFactory.create_batch(3)):
        assessment = Assessment.objects.create(
            proposal=proposal,
            assessor=assessor,
            conflict_declared=n == 2,
            conflict_note=AWKWARD if n == 2 else "",
            weighted_score=None if n == 2 else Decimal(f"{70 - n}.5"),
        )
        for criterion in criteria[n:] + criteria[:n]:
            if n == 2:
                break  # a conflict: no scores
            CriterionScore.objects.create(
                assessment=assessment,
                criterion=criterion,
                criterion_name=f"{criterion.name} & <{n}>",
                weight=criterion.weight + n,
                score=(criterion.position + n) % 6,
                from_tcop=criterion.name == "Beta",
                comment=AWKWARD if n else "",
            )
    # Submitted in the reverse of the order they were made.
    for n, assessment in enumerate(Assessment.objects.order_by("-pk")):
        Assessment.objects.filter(pk=assessment.pk).update(
            submitted_at=datetime.datetime(2026, 5, 1 + n, tzinfo=datetime.UTC)
        )
    assessments = selectors.assessments_for_detail(proposal)
    assert len(assessments) == 3
    assert [
        (a.pk, a.conflict_declared, a.conflict_note, a.weighted_score, str(a.assessor))
        for a in assessments
    ] == [
        (a.pk, a.conflict_declared, a.conflict_note, a.weighted_score, str(a.assessor))
        for a in proposal.assessments.select_related("assessor")
    ]
    assert [a.pk for a in assessments] == sorted(a.pk for a in assessments)[::-1]
    for assessment in assessments:
        assert assessment.score_rows == list(
            CriterionScore.objects.filter(assessment_id=assessment.pk).values(
                *selectors.SCORE_ROW_FIELDS
            )
        )
    assert sum(len(a.score_rows) for a in assessments) == 8


YEAR_LOOP = """{% load portal %}{% for year in years %}
    <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{{ year.label }}</th><td class="govuk-table__cell govuk-table__cell--numeric">{{ year.capital_cost|money }}</td><td class="govuk-table__cell govuk-table__cell--numeric">{{ year.revenue_cost|money }}</td><td class="govuk-table__cell govuk-table__cell--numeric">{{ year.cashable_savings|money }}</td></tr>
  {% endfor %}"""


def test_the_year_rows_are_the_loop():
    from projects.models import ProposalYear

    years = [
        ProposalYear(
            financial_year=2026,
            capital_cost=Decimal("600000"),
            revenue_cost=Decimal("1610.50"),
            cashable_savings=Decimal("-1610"),
        ),
        ProposalYear(
            financial_year=2031,
            capital_cost=Decimal("0"),
            revenue_cost=Decimal("0.01"),
            cashable_savings=Decimal("1234567.89"),
        ),
    ]
    for given in (years, []):
        tag = render("{% load proposal_detail %}{% year_rows years %}", years=given)
        assert tag == render(YEAR_LOOP, years=given)


def test_the_years_events_and_documents_read_as_sql_are_the_orm_queries(db):
    """selectors.years_for_detail, events_for_detail and attachments_for_detail (plain
    SQL) give what the page's ORM reads gave: every field of each year, by financial
    year; the timeline event_lines writes from `proposal.events.select_related("actor")`
    (events at the same moment in the order they were made); the documents in upload
    order with what the page lists; nothing for a proposal with none, nor another's."""
    import datetime

    from governance.tests.factories import UserFactory
    from projects import selectors
    from projects.models import Attachment, ProposalEvent, ProposalYear
    from projects.tests.factories import ProposalFactory

    proposal, other = ProposalFactory(), ProposalFactory()
    for year, money in ((2031, "1.50"), (2026, "600000"), (2028, "3")):
        for given in (proposal, other):
            ProposalYear.objects.create(
                proposal=given,
                financial_year=year,
                capital_cost=Decimal(money),
                revenue_cost=Decimal(year),
                cashable_savings=Decimal("0.01"),
            )
    people = [
        UserFactory(first_name="Ann <&>", last_name="O'Neil"),
        UserFactory(first_name="", last_name="", username="nameless"),
    ]
    moments = [datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)] * 2 + [
        datetime.datetime(2026, 1, 5, 9, 5, tzinfo=datetime.UTC)
    ]
    for n, moment in enumerate(moments):
        for given in (proposal, other):
            event = ProposalEvent.objects.create(
                proposal=given,
                action="submit",
                from_status="draft",
                to_status=("submitted", "returned", "approved")[n],
                actor=people[n % 2],
                comment=AWKWARD * (n % 2),
            )
            ProposalEvent.objects.filter(pk=event.pk).update(created_at=moment)
    for name in ("b <1>.pdf", "a.docx", "c.pdf"):
        for given in (proposal, other):
            Attachment.objects.create(
                proposal=given,
                file=f"proposals/test/{name}",
                original_name=name,
                kind="PDF & more",
                content_type="application/pdf",
                size=len(name) * 1000,
                uploaded_by=people[0],
            )

    def fields(rows, model):
        return [[getattr(row, f.attname) for f in model._meta.concrete_fields] for row in rows]

    for given in (proposal, ProposalFactory()):
        years = selectors.years_for_detail(given)
        assert fields(years, ProposalYear) == fields(given.years.all(), ProposalYear)
        events = selectors.events_for_detail(given)
        assert render(EVENT_LOOP, events=events) == render(
            EVENT_LOOP, events=given.events.select_related("actor")
        )
        documents = selectors.attachments_for_detail(given)
        assert [(a.pk, a.original_name, a.kind, a.size) for a in documents] == list(
            given.attachments.values_list("pk", "original_name", "kind", "size")
        )
    assert [year.financial_year for year in years] == []
    assert [year.financial_year for year in selectors.years_for_detail(proposal)] == [
        2026,
        2028,
        2031,
    ]
    assert len(selectors.events_for_detail(proposal)) == 3
    assert len(selectors.attachments_for_detail(proposal)) == 3


def test_the_proposal_for_its_page_is_the_proposal_for_detail(db, django_assert_num_queries):
    """selectors.proposal_for_page gives what proposal_for_detail gives, narrowed the
    same way: every field of the proposal, and the names of its unit, creator and
    project manager and its project's pk (or none), in one query; any other
    field of theirs is read when asked for, the same."""
    import pytest
    from django.http import Http404

    from common.roles import Role
    from governance.tests.factories import UserFactory
    from projects import selectors
    from projects.choices import ProposalStatus
    from projects.models import Proposal
    from projects.tests.factories import ProjectFactory, ProposalFactory

    head = UserFactory(roles=[Role.HEAD_OF_ICT])
    nameless = UserFactory(first_name="", last_name="", username="o'nameless<>")
    managed = ProposalFactory(
        status=ProposalStatus.SUBMITTED, project_manager=nameless, title=AWKWARD
    )
    in_delivery = ProjectFactory(proposal__created_by=nameless).proposal
    draft = ProposalFactory()
    for proposal in (managed, in_delivery, ProposalFactory(status=ProposalStatus.RETURNED)):
        was = selectors.proposal_for_detail(head, proposal.pk)
        with django_assert_num_queries(1):  # the names in the proposal's own query
            page = selectors.proposal_for_page(head, proposal.pk)

        def shown(p):
            project = getattr(p, "project", None)
            return (
                [getattr(p, field.attname) for field in Proposal._meta.concrete_fields],
                str(p.business_unit),
                str(p.created_by),
                p.project_manager and str(p.project_manager),
                project and (project.pk, project.get_absolute_url()),
            )

        with django_assert_num_queries(0):
            read = shown(page)
        assert read == shown(was)
        assert page.created_by.email == was.created_by.email
        assert page.business_unit.get_absolute_url() == was.business_unit.get_absolute_url()
    for pk in (draft.pk, 0):
        for read in (selectors.proposal_for_detail, selectors.proposal_for_page):
            with pytest.raises(Http404):
                read(head, pk)


ASSESSMENT_LOOP = """{% load proposal_detail %}{% for assessment in assessments %}
  {% if assessment.conflict_declared %}
    <p class="govuk-body">{{ assessment.assessor }} declared a conflict of interest: {{ assessment.conflict_note }}</p>
  {% else %}
  <div class="council-table-region" role="region" aria-label="Scores from {{ assessment.assessor }}" tabindex="0">
  <table class="govuk-table council-table--compact">
    <caption class="govuk-table__caption govuk-table__caption--s">{{ assessment.assessor }}: {{ assessment.weighted_score|floatformat:1 }} out of 100</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Criterion</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Weight</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Score (0 to 5)</th>
      <th scope="col" class="govuk-table__header">Comment</th>
    </tr></thead>
    <tbody class="govuk-table__body">
    {% score_rows assessment.score_rows %}
    </tbody>
  </table>
  </div>
  {% endif %}
{% empty %}
  <p class="govuk-body">No scores yet.</p>
{% endfor %}"""


def test_the_assessment_tables_are_the_loop():
    from governance.models import User
    from projects.models import Assessment

    row = {
        "criterion_name": "Value & <risk>",
        "weight": 25,
        "score": 4,
        "from_tcop": True,
        "comment": AWKWARD,
    }
    people = [User(first_name="Ann <&>", last_name="O'Neil"), User(username="x\"y")]
    assessments = [
        Assessment(assessor=people[0], conflict_declared=True, conflict_note=AWKWARD),
        Assessment(assessor=people[1], weighted_score=Decimal("67.5")),
        Assessment(assessor=people[0], weighted_score=Decimal("100.0")),
        Assessment(assessor=people[1], weighted_score=Decimal("0.05")),
        Assessment(assessor=people[0], conflict_declared=True, conflict_note=""),
    ]
    for n, assessment in enumerate(assessments):
        assessment.score_rows = [row] * (n % 3)
    for given in (assessments, assessments[1:2], []):
        tag = render(
            "{% load proposal_detail %}{% assessment_tables assessments %}", assessments=given
        )
        assert tag == render(ASSESSMENT_LOOP, assessments=given)


HEADING = """<span class="govuk-caption-l">{{ proposal.reference }} · {{ proposal.business_unit }}</span>
<h1 class="govuk-heading-l">{{ proposal.title }}</h1>
<p class="govuk-body">
  {% include "projects/_status.html" with status=proposal.status label=proposal.get_status_display %}
  {% if proposal.stage %}<strong class="govuk-tag govuk-tag--blue">{{ proposal.get_stage_display }}</strong>{% endif %}
  {% if proposal.is_statutory %}<strong class="govuk-tag govuk-tag--purple">Statutory or mandatory</strong>{% endif %}
  {% if proposal.dpia_needed %}<strong class="govuk-tag govuk-tag--yellow">DPIA needed</strong>{% endif %}
</p>

{% if decisions %}
  {% with decision=decisions.0 %}
  <div class="govuk-panel govuk-panel--confirmation council-decision">
    {% if proposal.status == "developing" and decision.case_version %}
    <h2 class="govuk-panel__title">{{ decision.case_version.get_stage_display }} approved{% if decision.outcome == "approved_with_conditions" %} with conditions{% endif %}</h2>
    <div class="govuk-panel__body">Decided at {{ decision.meeting }}. The unit is now developing the {{ proposal.get_stage_display }}.</div>
    {% else %}
    <h2 class="govuk-panel__title">{{ decision.get_outcome_display }}</h2>
    <div class="govuk-panel__body">Decided at {{ decision.meeting }}</div>
    {% endif %}
  </div>
  <dl class="govuk-summary-list">
    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Reason</dt><dd class="govuk-summary-list__value">{{ decision.rationale|linebreaksbr }}</dd></div>
    {% if decision.conditions %}<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Conditions</dt><dd class="govuk-summary-list__value">{{ decision.conditions|linebreaksbr }}</dd></div>{% endif %}
    {% if decision.revisit_date %}<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Revisit on</dt><dd class="govuk-summary-list__value">{{ decision.revisit_date|date:"j F Y" }}</dd></div>{% endif %}
    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Recorded by</dt><dd class="govuk-summary-list__value">{{ decision.decided_by }}, {{ decision.decided_at|date:"j F Y" }}</dd></div>
  </dl>
  {% endwith %}
{% endif %}
{% if project %}
  <p class="govuk-body"><a class="govuk-link" href="{{ project.get_absolute_url }}">Go to the project in delivery</a></p>
{% endif %}"""


def test_the_proposal_heading_is_the_template():
    """{% proposal_heading %} writes what the page's heading wrote: tags for the stage,
    statutory and DPIA, the latest decision (a stage approved, with or without
    conditions, while the case is developed; otherwise the outcome, with conditions
    and the date to revisit where given), and the link to a project in delivery."""
    import datetime

    from governance.models import BusinessUnit, Meeting, User
    from projects.choices import Outcome, ProposalStatus, Stage, YesNo
    from projects.models import BusinessCaseVersion, Decision, Project, Proposal

    unit = BusinessUnit(pk=3, name=AWKWARD)
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    meeting = Meeting(pk=9, title="Group <&>", starts_at=late)
    chair = User(first_name="Ann <&>", last_name="O'Neil")

    def proposal(status, **fields):
        return Proposal(pk=42, title=AWKWARD, business_unit=unit, status=status, **fields)

    def decision(outcome, version=None, **fields):
        made = Decision(
            outcome=outcome,
            rationale=AWKWARD,
            meeting=meeting,
            decided_by=chair,
            decided_at=late,
            **fields,
        )
        if version:
            made.case_version = BusinessCaseVersion(stage=version)
        return made

    developing = proposal(
        ProposalStatus.DEVELOPING, stage=Stage.OBC, is_statutory=True, personal_data=YesNo.YES
    )
    cases = [
        (developing, [decision(Outcome.APPROVED_WITH_CONDITIONS, Stage.SOC, conditions=AWKWARD)]),
        (developing, [decision(Outcome.APPROVED, Stage.SOC), decision(Outcome.REJECTED)]),
        (developing, [decision(Outcome.APPROVED)]),
        (proposal(ProposalStatus.APPROVED, personal_data=YesNo.YES), [decision(Outcome.APPROVED)]),
        (
            proposal(ProposalStatus.DEFERRED, stage=Stage.FBC),
            [decision(Outcome.DEFERRED, revisit_date=datetime.date(2027, 4, 1))],
        ),
        (proposal(ProposalStatus.DRAFT), []),
    ]
    for given, decisions in cases:
        for project in (None, Project(pk=5)):
            context = {"proposal": given, "decisions": decisions, "project": project}
            tag = render(
                "{% load proposal_detail %}{% proposal_heading proposal decisions project %}",
                **context,
            )
            assert tag == render(HEADING, **context)
