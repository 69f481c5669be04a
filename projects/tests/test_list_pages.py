"""The proposals list and the portfolio pages work out what they show more cheaply than
they used to; each cheaper way is held equal here to the way it replaced."""

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from projects import lists, selectors
from projects.choices import ProposalStatus

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_proposals_page_counts_as_many_as_its_rows(
    officer, member, chair, head_of_ict, housing, finance, client_for
):
    for unit in (housing, finance):
        for status in (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, ProposalStatus.APPROVED):
            ProposalFactory(business_unit=unit, complete=True, status=status)
    ProposalFactory(
        business_unit=finance, complete=True, status="submitted", project_manager=member
    )
    counts = set()
    for viewer in (officer, member, chair, head_of_ict):
        for query in ({}, {"status": "draft"}, {"status": "submitted"}, {"status": "deferred"}):
            response = client_for(viewer).get(reverse("projects:proposal-list"), query)
            counted = response.context["page"]().paginator.count
            rows = selectors.proposal_list_rows(lists.proposal_list.filterset(viewer, query).qs)
            assert counted == Paginator(rows, 25).count
            counts.add(counted)
    # The officer's unit's three (its draft too) or the five submitted; a filter's share.
    assert counts == {0, 1, 3, 5}
