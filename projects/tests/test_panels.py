"""The home page's proposal and project panels read their lines as values and write them
in one pass: each line must read as the proposal's or project's own page names and links
it, and its dates as the template's date filter writes them."""

import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from projects.choices import ProposalStatus
from projects.tests.factories import ProjectFactory, ProposalFactory


def test_unit_panel_lines_link_name_and_tag_each_proposal(officer, client_for):
    draft = ProposalFactory(business_unit=officer.business_unit, title="Tenant <portal>")
    submitted = ProposalFactory(
        business_unit=officer.business_unit, status=ProposalStatus.SUBMITTED, complete=True
    )
    home = client_for(officer).get(reverse("home")).content.decode()
    for proposal in (draft, submitted):
        tag = render_to_string(
            "projects/_status.html",
            {"status": proposal.status, "label": proposal.get_status_display()},
        )
        link = f'<a class="govuk-link" href="{proposal.get_absolute_url()}">'
        assert f"{link}{proposal.reference} {escape(proposal.title)}</a> {tag}" in home


def test_updates_due_lines_link_the_project_and_say_never_without_an_update(officer, client_for):
    project = ProjectFactory(
        proposal__business_unit=officer.business_unit,
        proposal__created_by=officer,
        started_on=datetime.date.today() - datetime.timedelta(days=60),
    )
    home = client_for(officer).get(reverse("home")).content.decode()
    link = f'<a class="govuk-link" href="{project.get_absolute_url()}">{project}</a>'
    assert f"{link}: last update never" in home


def test_updates_due_panel_lists_what_each_role_may_see_of_the_projects_due(
    officer, member, chair, head_of_ict, finance
):
    """Those who may see every project share one list worked out ahead; it must be what
    the selector, narrowed by projects_visible, lists for each of them, as it is for
    anyone whose view is narrower (here an officer, who sees only their unit's)."""
    from projects import panels, policies, selectors

    long_ago = datetime.date.today() - datetime.timedelta(days=60)
    ProjectFactory(proposal__business_unit=officer.business_unit, started_on=long_ago)
    ProjectFactory(
        proposal__business_unit=finance, proposal__title="Pay <roll>", started_on=long_ago
    )
    ProjectFactory(proposal__business_unit=finance)  # started today: not due

    for user in (member, chair, head_of_ict, officer):
        visible = selectors.projects_needing_update().filter(policies.projects_visible(user))
        lines = panels._project_lines(panels._project_rows(visible))
        assert panels._updates_due(user=user) == {"projects": lines}
        assert len(lines) == (1 if user == officer else 2)
