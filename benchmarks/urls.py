"""What the benchmark's server adds to the portal (ictstrategy/settings/bench.py;
never in production): a bare Django page to compare against, and each response's
query count.

The bare page renders a tiny template after one query, through the same middleware as
every portal page, so the ratio of a page's latency to it is what the page itself costs.
"""

from django.db import connection
from django.shortcuts import render
from django.urls import include, path

from governance.models import Strategy

QUERY_COUNT_HEADER = "X-Bench-Queries"


def bare_page(request):
    return render(request, "bench/bare.html", {"strategies": Strategy.objects.count()})


urlpatterns = [
    path("bench/bare/", bare_page, name="bench-bare"),
    path("", include("ictstrategy.urls")),
]


class QueryCountMiddleware:
    """Counts the database queries made while answering, in a response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response
