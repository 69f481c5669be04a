"""The addresses of the portal's pages, made quickly where a page makes many.

`reverse()` matches the whole URLconf each time it is asked: a list of fifty records
asks it fifty times for the same pattern with another key, which costs a page more
than its database does. Here each pattern is reversed once per URLconf and script
prefix (the address the portal is served under), and the key put into it after."""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

# An integer no record has, reversed in place of the key and then replaced by it.
_KEY_MARK = 918273645


def page_url(viewname: str, pk: int | None = None) -> str:
    """reverse(viewname) or, for a page of one record, reverse(viewname, args=[pk]):
    the same address (a test holds them equal for every page of a record)."""
    pattern = _pattern(viewname, pk is not None, get_urlconf(), get_script_prefix())
    return pattern if pk is None else pattern.replace(str(_KEY_MARK), str(int(pk)))


def unkeyed_page_urls(*viewnames: str) -> list[str]:
    """[page_url(name) for name in viewnames], the URLconf and the script prefix read
    once (each is a context-local lookup): for the header and menu every page shows."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    return [_pattern(viewname, False, urlconf, prefix) for viewname in viewnames]


def page_urls(viewname: str):
    """page_url(viewname, pk) as a function of `pk`, for a page that makes the address
    of many records of one kind: the URLconf and script prefix are read once."""
    pattern = _pattern(viewname, True, get_urlconf(), get_script_prefix())
    mark = str(_KEY_MARK)
    return lambda pk: pattern.replace(mark, str(int(pk)))


@functools.lru_cache(maxsize=1024)
def _pattern(viewname: str, keyed: bool, urlconf, prefix: str) -> str:
    # `urlconf` and `prefix` are the key of the cache: reverse() reads both itself.
    url = reverse(viewname, urlconf=urlconf, args=[_KEY_MARK] if keyed else None)
    if keyed and url.count(str(_KEY_MARK)) != 1:
        raise ValueError(f"{viewname} does not take a record's key")
    return url
