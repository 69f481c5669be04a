"""ictstrategy.urls tries each app's pages only for addresses that begin as they do
(pages_at): every address must still reach the page it reached when each app was
tried in turn, and every page's address must reverse the same."""

import re

import pytest
from django.urls import URLResolver, include, path, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

from ictstrategy import urls

SAMPLES = {"int": "7", "slug": "a-slug", "str": "text", "path": "a/b", "uuid": "0" * 32}


class PlainSite:
    """The site as it was: each app's pages included at "" and tried in turn."""

    urlpatterns = [
        path("", include(pattern.urlconf_name))
        if isinstance(pattern, URLResolver) and str(pattern.pattern).startswith("^(?=")
        else pattern
        for pattern in urls.urlpatterns
    ]


def _addresses(patterns, prefix=""):
    """An address for each page (a sample value in each parameter), and some near
    misses: each page's address with something after it."""
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _addresses(pattern.url_patterns, route)
            continue
        address = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
        yield "/" + address
        yield "/" + address + "x/"


def _answer(address, urlconf):
    try:
        match = resolve(address, urlconf=urlconf)
    except Resolver404:
        return None
    return (match.func, match.args, match.kwargs, match.view_name)


def test_the_apps_are_tried_only_for_their_own_addresses():
    looked_ahead = [p for p in urls.urlpatterns if str(p.pattern).startswith("^(?=")]
    assert len(looked_ahead) == 6


@pytest.mark.parametrize("address", sorted(set(_addresses(PlainSite.urlpatterns))))
def test_every_address_reaches_the_page_it_did(address):
    assert _answer(address, urls) == _answer(address, PlainSite)


def test_every_page_reverses_as_it_did():
    for address in set(_addresses(PlainSite.urlpatterns)):
        answer = _answer(address, PlainSite)
        if answer is None:
            continue
        _, args, kwargs, view_name = answer
        if view_name is None or "." in view_name:  # unnamed, or named by its dotted path
            continue
        assert reverse(view_name, urls, args, kwargs) == reverse(view_name, PlainSite, args, kwargs)


def test_the_home_page_lookahead_lets_through_only_the_empty_address():
    assert _answer("/", urls)[3] == "home"
    assert _answer("/nowhere/", urls) is None
