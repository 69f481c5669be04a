"""Costly figures worked out ahead, so the first request after a change finds them ready.

Some figures are derived from the whole database and change with any change to it (an
annual report draft's, what approved projects commit). Pages keep them under the data
version (`dataversion.remember`), so the first request after each change pays for
them. Here, after each change commits, a Celery task works out every figure an app
registered and keeps it under the new version, the very key `remember` looks for.

Nothing about freshness changes. The task reads the version before it reads any data,
as a request does, so what it keeps under a version is at least as new as every change
that version counts; a later change makes a new version, under which the figures are
worked out again (by the next task, or by the first request, whichever comes first).
A request that finds nothing under the current version works the figures out itself,
so a slow, stopped or unreachable worker costs time, never correctness.
"""

import logging
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from . import dataversion

logger = logging.getLogger(__name__)

# Long enough to cover a run; a run that dies is not retried for the same version
# (the first request works the figures out itself).
CLAIM_SECONDS = 10 * 60


class Figure(NamedTuple):
    """One figure to keep ahead: the key `dataversion.remember` is asked with, how to
    work it out, and how long to keep it. With no key, `work_out` keeps its answer
    itself, under a key made of everything the answer depends on (the portfolio's
    recommendation), and is simply run."""

    key: str | None
    work_out: Callable[[], object]
    timeout: int = 0


_SOURCES: list[Callable[[], Iterable[Figure]]] = []


def register(source: Callable[[], Iterable[Figure]]) -> None:
    """Add an app's figures: `source()` lists those the current data calls for (for
    example one per draft report), and may read the data to decide."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def queue() -> None:
    """Queue the task, after a change has committed and the version has gone up."""
    if not settings.PRECOMPUTE_FIGURES or not _SOURCES:
        return
    from .tasks import precompute_figures

    try:
        # No retries: a change must not wait for a broker that is down.
        precompute_figures.apply_async(retry=False)
    except Exception:
        logger.warning("Could not queue the figures' precompute; pages work them out")


def done_key(version: str) -> str:
    """The key kept once every figure for the data version `version` is ready, holding
    how many the run worked out: what the benchmark waits for after each change."""
    return f"precompute-done:{version}"


def figures_precompute() -> int:
    """Work out every registered figure not yet kept under the current data version.
    Returns how many were worked out: none if another run has this version already
    (a burst of changes queues a task each; the first for a version does the work)."""
    version = dataversion.stamp()  # read before any data, as a request does
    if not cache.add(f"precompute:{version}", True, timeout=CLAIM_SECONDS):
        return 0
    worked_out = 0
    for source in _SOURCES:
        for figure in source():
            if figure.key is None:
                figure.work_out()
                worked_out += 1
                continue
            key = dataversion.versioned(figure.key, version)
            if cache.get(key) is None:
                cache.set(key, figure.work_out(), timeout=figure.timeout)
                worked_out += 1
    cache.set(done_key(version), worked_out, timeout=CLAIM_SECONDS)
    return worked_out
