"""page_url makes the same address as reverse(), for every page of the portal that takes
no argument or one record's key, under any script prefix the portal is served at."""

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    get_script_prefix,
    reverse,
    set_script_prefix,
)

from common.addresses import page_url, page_urls, unkeyed_page_urls


def _names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _reversible(name, args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def served_under():
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


@pytest.mark.parametrize("prefix", ["/", "/council/ict-portal/"])
def test_page_url_is_reverse_for_every_page_of_none_or_one_record(prefix, served_under):
    served_under(prefix)
    keyed = plain = 0
    for name in set(_names()):
        if (expected := _reversible(name, [4711])) is not None:
            assert page_url(name, 4711) == expected, name
            assert page_urls(name)(4711) == expected, name
            keyed += 1
        if (expected := _reversible(name, None)) is not None:
            assert page_url(name) == expected, name
            plain += 1
    assert keyed > 40 and plain > 40  # the portal's pages, not a handful
    assert page_url("risks:risk-detail", 12).startswith(prefix)


@pytest.mark.parametrize("prefix", ["/", "/council/ict-portal/"])
def test_page_urls_are_reverse_for_each_page_asked(prefix, served_under):
    served_under(prefix)
    names = [name for name in set(_names()) if _reversible(name, None) is not None]
    assert unkeyed_page_urls(*names) == [reverse(name) for name in names]


def test_every_records_address_is_its_page(db):
    from governance.tests.factories import ActionPlanItemFactory
    from projects.tests.factories import ProposalFactory
    from risks.tests.factories import RiskFactory

    item, proposal, risk = ActionPlanItemFactory(), ProposalFactory(), RiskFactory()
    assert item.get_absolute_url() == reverse("governance:action-item-detail", args=[item.pk])
    assert proposal.get_absolute_url() == reverse("projects:proposal-detail", args=[proposal.pk])
    assert risk.get_absolute_url() == reverse("risks:risk-detail", args=[risk.pk])


def test_a_page_of_a_record_is_not_made_without_a_key_that_is_a_number():
    with pytest.raises(ValueError):
        page_url("risks:risk-detail", "12/../../admin")
    with pytest.raises(NoReverseMatch):
        page_url("home", 12)  # takes no key, as reverse() says
