"""Every URL the portal serves has an access test: a view added without one fails here."""

import importlib

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

LOCAL_APPS = ["common", "governance", "projects", "risks", "reports"]
# Django's own admin does its own staff and permission checks. The REST API answers
# strangers with 401 problem details, not a sign-in page: tests/test_api.py requests
# every endpoint of its schema (and the schema itself) as every kind of user.
EXEMPT_NAMESPACES = {"admin", "api"}
EXEMPT_NAMES = {"api-schema", "api-not-found", "powerbi-feed"}


def _named_urls(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _named_urls(pattern, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _covered_names():
    names = set()
    for label in LOCAL_APPS:
        if not apps.is_installed(label):
            continue
        try:
            module = importlib.import_module(f"{label}.tests.test_access")
        except ModuleNotFoundError:
            continue
        names |= {case.url_name for case in module.ACCESS_CASES}
    return names


def test_every_named_url_has_an_access_test():
    missing = set(_named_urls(get_resolver())) - _covered_names() - EXEMPT_NAMES
    assert not missing, f"URLs without an access test: {sorted(missing)}"


def test_every_url_is_named():
    def unnamed(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in EXEMPT_NAMESPACES:
                    yield from unnamed(pattern)
            elif not pattern.name:
                yield str(pattern.pattern)

    assert not list(unnamed(get_resolver()))
