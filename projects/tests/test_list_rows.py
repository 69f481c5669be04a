"""The proposals and projects lists' rows as their pages write them (in Python, one
pass) are what the template language wrote from the same rows."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from projects import selectors
from projects.choices import ProjectStatus, ProposalStatus, Stage
from projects.templatetags.list_rows import project_rows, proposal_rows

from .factories import ProjectFactory, ProposalFactory

pytestmark = pytest.mark.django_db

# The rows as projects/proposal_list.html and project_list.html wrote them before they
# were written in Python: the reference they must still equal.
PROPOSAL_TEMPLATE_ROWS = Template(
    """{% load portal proposals %}{% for proposal in proposals %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ proposal.get_absolute_url }}">{{ proposal.reference }} {{ proposal.title }}</a>{% if proposal.is_statutory %} <strong class="govuk-tag govuk-tag--purple">Statutory</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ proposal.business_unit }}</td>
      <td class="govuk-table__cell">{# the line breaks its include gave, kept #}
{% status_tag proposal.status proposal.get_status_display %}
</td>
      <td class="govuk-table__cell">{{ proposal.get_stage_display|default:"None" }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ proposal.total_cost|money }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if proposal.score is not None %}{{ proposal.score|floatformat:1 }}{% else %}Not scored{% endif %}</td>
      <td class="govuk-table__cell">{{ proposal.updated_at|date:"j M Y" }}</td>
    </tr>
  {% endfor %}"""
)  # fmt: skip
PROJECT_TEMPLATE_ROWS = Template(
    """{% load portal %}{% for project in projects %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ project.get_absolute_url }}">{{ project }}</a></td>
      <td class="govuk-table__cell">{{ project.proposal.business_unit }}</td>
      <td class="govuk-table__cell">{{ project.project_manager }}</td>
      <td class="govuk-table__cell">{{ project.get_status_display }}</td>
      <td class="govuk-table__cell">{{ project.last_update_on|date:"j M Y"|default:"None yet" }}{% if project.update_overdue %} <strong class="govuk-tag govuk-tag--red">Update overdue</strong>{% endif %}</td>
    </tr>
  {% endfor %}"""
)  # fmt: skip


def test_proposal_rows_are_written_as_the_template_wrote_them(head_of_ict, officer):
    ProposalFactory(
        title="Move <the> \"mail\" & 'files'",
        is_statutory=True,
        business_unit=officer.business_unit,
        created_by=officer,
    )
    ProposalFactory(complete=True, status=ProposalStatus.SUBMITTED, costs={2026: 1610.5})
    ProposalFactory(complete=True, status=ProposalStatus.IN_ASSESSMENT, stage=Stage.FBC, costs={})
    for viewer in (head_of_ict, officer):
        listed = selectors.proposals_listed(viewer)
        instances, values = list(listed), list(selectors.proposal_list_rows(listed))
        assert instances
        written = PROPOSAL_TEMPLATE_ROWS.render(Context({"proposals": instances}))
        assert proposal_rows(values) == written
    # Scores as the page may show them: none, and each rounding of a mean to one place.
    listed = selectors.proposals_listed(head_of_ict)
    instances, values = list(listed), list(selectors.proposal_list_rows(listed))
    for score in (None, Decimal("3"), Decimal("2.25"), Decimal("2.35"), Decimal("4.04999"), 0):
        for instance, row in zip(instances, values, strict=True):
            instance.score = row["score"] = score
        written = PROPOSAL_TEMPLATE_ROWS.render(Context({"proposals": instances}))
        assert proposal_rows(values) == written
    # A change just before midnight in UTC, the next day in the council's time zone.
    changed = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    instances[0].updated_at = values[0]["updated_at"] = changed
    written = PROPOSAL_TEMPLATE_ROWS.render(Context({"proposals": instances}))
    assert proposal_rows(values) == written


def test_project_rows_are_written_as_the_template_wrote_them(head_of_ict):
    today = timezone.localdate()
    ProjectFactory(
        proposal__title="Move <the> \"mail\" & 'files'",
        started_on=today - datetime.timedelta(days=60),
    )
    ProjectFactory(last_update_on=today - datetime.timedelta(days=3))
    ProjectFactory(status=ProjectStatus.CLOSED, last_update_on=today - datetime.timedelta(days=90))
    rows = list(selectors.projects_listed(head_of_ict))
    assert len(rows) == 3 and any(p.update_overdue for p in rows)
    assert project_rows(rows) == PROJECT_TEMPLATE_ROWS.render(Context({"projects": rows}))
