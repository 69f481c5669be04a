"""The REST API shows what the pages show, to whom they show it, and writes through the
same services.

The read walk knows no endpoint by name: it reads the OpenAPI schema, requests every
GET operation as every kind of user of the canary world (tests/test_canaries.py), and
compares each list with the same user's download of the list page it comes from (the
same rows, in the same order), and every answer with the canaries that user may not see.
"""

import csv
import io
import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from common.lists import Kind, registered
from common.roles import Role
from governance.models import KPI
from governance.selectors import strategy_current
from governance.tests.factories import UserFactory
from projects.choices import ProposalStatus
from projects.models import ProgressUpdate, Proposal
from projects.tests.factories import ProjectFactory, ProposalFactory
from risks.models import Risk, RiskReview
from risks.tests.factories import RiskFactory
from tests.test_canaries import WHO_MAY_SEE, _a_worker_answers, world  # noqa: F401

# The list page each declared list is downloaded from, for the comparison.
LIST_PAGES = {
    "proposals": lambda objects: reverse("projects:proposal-list"),
    "projects": lambda objects: reverse("projects:project-list"),
    "portfolio": lambda objects: reverse("projects:portfolio"),
    "risks": lambda objects: reverse("risks:risk-list"),
    "meetings": lambda objects: reverse("governance:meeting-list"),
    "kpis": lambda objects: reverse("governance:kpi-list"),
    "action-plan": lambda objects: strategy_current().get_absolute_url(),
    "reports": lambda objects: reverse("reports:archive"),
}


def _schema(client) -> dict:
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _api_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _every_row(client, path) -> list[dict] | None:
    """Every row of a list endpoint, following its pages; None when refused."""
    rows, page = [], 1
    while True:
        response = client.get(path, {"page": page, "page_size": 2})
        if response.status_code != 200:
            return None
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


def _page_rows(client, url) -> list[list[str]] | None:
    """The list page's CSV download: its rows, as text."""
    response = client.get(url, {"format": "csv"}, follow=True)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/csv"):
        return None
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    next(reader)
    return list(reader)


def _text_columns(declared) -> list[int]:
    return [i for i, column in enumerate(declared.columns) if column.kind == Kind.TEXT]


@pytest.mark.django_db
def test_every_get_endpoint_shows_each_role_its_pages_rows_and_no_canary(world):  # noqa: F811
    schema = _schema(_api_client(world["head"]))
    operations = [
        path for path, methods in schema["paths"].items() if "get" in methods
    ]
    assert len(operations) >= 2 * len(registered()) - 1  # a list and a detail per list
    lists = registered()
    compared = set()
    for name, user in world.items():
        api, page = _api_client(user), Client()
        page.force_login(user)
        for path in operations:
            if "{id}" in path:
                continue
            name_in_path = path.removeprefix("/api/v1/").strip("/")
            declared = lists[name_in_path]
            api_rows = _every_row(api, path)
            page_rows = _page_rows(page, LIST_PAGES[name_in_path](world))
            assert (api_rows is None) == (page_rows is None), (
                f"{name}: {path} answers {'no' if api_rows is None else 'some'} rows, "
                f"its page {'none' if page_rows is None else 'some'}"
            )
            if api_rows is None:
                continue
            compared.add(name_in_path)
            texts = _text_columns(declared)
            keys = [column.key for column in declared.columns]
            from_api = [
                [row[keys[i]] if row[keys[i]] is not None else "" for i in texts]
                for row in api_rows
            ]
            from_page = [[cells[i].removeprefix("'") for i in texts] for cells in page_rows]
            # A file says why a value is hidden where the API gives null.
            from_page = [
                [cell if not cell.startswith("Not shown") else "" for cell in row]
                for row in from_page
            ]
            from_api = [
                [cell if not str(cell).startswith("Not shown") else "" for cell in row]
                for row in from_api
            ]
            assert from_api == from_page, f"{name}: {path} differs from its page"
            # Each row's detail answers the same row.
            detail = f"{path}{{id}}/"
            if detail in schema["paths"]:
                for row in api_rows:
                    one = api.get(detail.replace("{id}", str(row["id"])))
                    assert one.status_code == 200
                    assert one.json() == row
        _assert_no_canary_leaks(name, api, operations)
    assert compared == set(lists), f"lists never compared: {set(lists) - compared}"


def _assert_no_canary_leaks(name, api, operations):
    text = []
    for path in operations:
        if "{id}" in path:
            ids = range(1, 60)  # every id a detail could be asked for, not only listed ones
            for pk in ids:
                response = api.get(path.replace("{id}", str(pk)))
                assert response.status_code in (200, 403, 404), (path, pk, response.status_code)
                text.append(response.content.decode())
        else:
            response = api.get(path, {"page_size": 500})
            text.append(response.content.decode())
    everything = "\n".join(text)
    for canary, readers in WHO_MAY_SEE.items():
        if name not in readers:
            assert canary not in everything, f"{canary!r} leaks to {name} through the API"


@pytest.mark.django_db
def test_api_refuses_strangers_with_problem_details(world):  # noqa: F811
    anonymous = APIClient().get("/api/v1/risks/")
    assert anonymous.status_code in (401, 403)
    assert anonymous["Content-Type"] == "application/problem+json"
    body = anonymous.json()
    assert body["status"] == anonymous.status_code and body["instance"] == "/api/v1/risks/"
    officer = _api_client(world["officer_a"])
    refused = officer.get("/api/v1/portfolio/")
    assert refused.status_code == 403 and refused.json()["title"] == "Forbidden"
    missing = officer.get("/api/v1/nothing-here/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    bad_filter = officer.get("/api/v1/proposals/", {"status": "no-such-status"})
    assert bad_filter.status_code == 400
    assert bad_filter.json()["errors"][0]["pointer"] == "#/status"


# ------------------------------------------------------------------------- writes


@pytest.fixture
def people(strategy):
    from governance.tests.factories import BusinessUnitFactory

    unit = BusinessUnitFactory(name="Housing", code="housing")
    return {
        "officer": UserFactory(business_unit=unit, roles=[Role.OFFICER], email="o@example.org"),
        "head": UserFactory(roles=[Role.HEAD_OF_ICT], email="head@example.org"),
        "member": UserFactory(roles=[Role.MEMBER], email="m@example.org"),
    }


def _history(obj) -> list[tuple]:
    return [
        (h.history_type, h.history_user_id)
        for h in obj.history.order_by("history_date", "history_id")
    ]


@pytest.mark.django_db
def test_a_draft_started_and_updated_by_api_is_the_pages_draft(people, strategy):
    officer = people["officer"]
    api = _api_client(officer)
    theme = strategy.themes.get(number=1)
    started = api.post(
        "/api/v1/proposals/",
        {"title": "Housing repairs app", "case_for_change": "Tenants wait weeks.",
         "first_financial_year": 2027,
         "years": [{"financial_year": 2027, "capital_cost": "12000.00"}],
         "themes": [{"theme": theme.pk, "how": "Online first"}]},
        format="json",
    )  # fmt: skip
    assert started.status_code == 201, started.content
    assert started.json()["title"] == "Housing repairs app"
    assert started.json()["total_cost"] == 12000
    proposal = Proposal.objects.get(title="Housing repairs app")
    assert proposal.status == ProposalStatus.DRAFT and proposal.business_unit == officer.business_unit
    assert proposal.theme_links.get().how == "Online first"
    assert started["Location"].endswith(f"/api/v1/proposals/{proposal.pk}/")

    changed = api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"sponsor": "Director of Housing"}, format="json"
    )
    assert changed.status_code == 200
    proposal.refresh_from_db()
    assert proposal.sponsor == "Director of Housing"
    assert proposal.case_for_change == "Tenants wait weeks."  # untouched, kept
    assert proposal.years.get().capital_cost == 12000
    # The same history as the page's saves: the officer, on every entry.
    assert {user for _, user in _history(proposal)} == {officer.pk}

    # The same rules: a date out of order is refused at the field, nothing saved.
    refused = api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"start_date": "2027-06-01", "end_date": "2027-01-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "#/end_date" in [e["pointer"] for e in refused.json()["errors"]]
    proposal.refresh_from_db()
    assert proposal.start_date is None

    # The strategy's rules hold off the page too: no principle of another strategy.
    from governance.tests.factories import PrincipleFactory, StrategyFactory

    foreign = PrincipleFactory(strategy=StrategyFactory())
    refused = api.patch(
        f"/api/v1/proposals/{proposal.pk}/", {"principles": [foreign.pk]}, format="json"
    )
    assert refused.status_code == 400
    assert "#/principles" in [e["pointer"] for e in refused.json()["errors"]]
    assert not proposal.principles.exists()

    # A bad part of a new draft leaves no proposal behind.
    count = Proposal.objects.count()
    bad = api.post(
        "/api/v1/proposals/",
        {"title": "Half a proposal", "start_date": "2027-06-01", "end_date": "2027-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and Proposal.objects.count() == count

    # Another unit's officer, or a member, cannot touch it.
    other = UserFactory(business_unit=ProposalFactory().business_unit, roles=[Role.OFFICER])
    assert _api_client(other).patch(
        f"/api/v1/proposals/{proposal.pk}/", {"title": "Mine now"}, format="json"
    ).status_code == 404
    assert _api_client(people["member"]).post(
        "/api/v1/proposals/", {"title": "Not a proposer"}, format="json"
    ).status_code == 403


@pytest.mark.django_db
def test_a_drafts_tcop_self_assessment_by_api_is_the_pages(people, strategy):
    from projects.models import TcopPoint

    officer = people["officer"]
    api = _api_client(officer)
    first, second = TcopPoint.objects.all()[:2]
    started = api.post(
        "/api/v1/proposals/",
        {"title": "Repairs app", "tcop": [
            {"point": first.pk, "answer": "met", "evidence": "User research report."},
            {"point": second.pk, "answer": "not_met"}]},
        format="json",
    )  # fmt: skip
    assert started.status_code == 201, started.content
    assert started.json()["tcop_self_assessment"] == (
        "1 of 13 met, 0 partly met, 1 not met, 11 not answered"
    )
    proposal = Proposal.objects.get(title="Repairs app")
    assert list(proposal.tcop_responses.values_list("point__number", "answer", "evidence")) == [
        (1, "met", "User research report."),
        (2, "not_met", ""),
    ]
    # A list replaces the whole self-assessment; a bad answer is refused at the field.
    api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"tcop": [{"point": second.pk, "answer": "partly_met", "evidence": "Audit booked."}]},
        format="json",
    )
    assert list(proposal.tcop_responses.values_list("point__number", "answer")) == [
        (2, "partly_met")
    ]
    refused = api.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"tcop": [{"point": first.pk, "answer": "mostly"}]},
        format="json",
    )
    assert refused.status_code == 400
    assert list(proposal.tcop_responses.values_list("point__number", "answer")) == [
        (2, "partly_met")
    ]


@pytest.mark.django_db
def test_a_progress_update_by_api_matches_one_posted_on_the_page(people):
    head = people["head"]
    by_page = ProjectFactory(project_manager=head)
    by_api = ProjectFactory(project_manager=head)
    fields = {"rag_overall": "green", "rag_time": "amber", "rag_cost": "green",
              "rag_scope": "green", "percent_complete": 40, "actual_spend_to_date": "5000",
              "milestones_met": "", "narrative": "On track."}  # fmt: skip
    day = by_page.started_on
    page = Client()
    page.force_login(head)
    response = page.post(
        reverse("projects:progress-update-create", args=[by_page.pk]),
        {**fields, "reported_on_0": day.day, "reported_on_1": day.month,
         "reported_on_2": day.year},
    )  # fmt: skip
    assert response.status_code == 302
    posted = _api_client(head).post(
        f"/api/v1/projects/{by_api.pk}/updates/",
        {**fields, "reported_on": day.isoformat()},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    one, other = (ProgressUpdate.objects.get(project=p) for p in (by_page, by_api))
    for field in ("reported_on", "rag_overall", "rag_time", "percent_complete",
                  "actual_spend_to_date", "narrative", "author"):  # fmt: skip
        assert getattr(one, field) == getattr(other, field)
    by_page.refresh_from_db()
    by_api.refresh_from_db()
    assert by_page.last_update_on == by_api.last_update_on == day
    assert _history(one) == _history(other)
    # Someone who does not lead the project is refused, as on the page.
    assert _api_client(people["officer"]).post(
        f"/api/v1/projects/{by_api.pk}/updates/", {**fields, "reported_on": day.isoformat()},
        format="json",
    ).status_code in (403, 404)


@pytest.mark.django_db
def test_a_risk_review_by_api_matches_one_recorded_on_the_page(people, settings):
    from projects.tests.factories import MeetingFactory
    from risks.models import RiskAgendaItem

    head = people["head"]
    meeting = MeetingFactory()
    by_page, by_api = RiskFactory(owner=head), RiskFactory(owner=head)
    page = Client()
    page.force_login(head)
    today = by_page.created_at.date()
    mail.outbox.clear()
    assert page.post(
        reverse("risks:risk-review", args=[by_page.pk]),
        {"residual_likelihood": 5, "residual_impact": 5, "note": "Worse.",
         "reviewed_on_0": today.day, "reviewed_on_1": today.month,
         "reviewed_on_2": today.year},
    ).status_code == 302  # fmt: skip
    page_mail = len(mail.outbox)
    posted = _api_client(head).post(
        f"/api/v1/risks/{by_api.pk}/reviews/",
        {"residual_likelihood": 5, "residual_impact": 5, "note": "Worse.",
         "reviewed_on": today.isoformat()},
        format="json",
    )  # fmt: skip
    assert posted.status_code == 201, posted.content
    assert posted.json()["residual_score"] == Risk.objects.get(pk=by_api.pk).residual_score
    for risk in (by_page, by_api):
        risk.refresh_from_db()
    assert (by_page.residual_score, by_page.residual_level, by_page.next_review_date) == (
        by_api.residual_score, by_api.residual_level, by_api.next_review_date
    )
    assert _history(by_page) == _history(by_api)
    assert RiskReview.objects.filter(risk=by_api).count() == 1
    # Both now outside appetite, so both go on the next meeting's agenda.
    assert {item.risk for item in RiskAgendaItem.objects.filter(meeting=meeting)} == {
        by_page, by_api
    }
    # The same e-mails: whatever the page's review sent, the API's sent too.
    assert len(mail.outbox) == 2 * page_mail


@pytest.mark.django_db
def test_kpi_values_by_api_are_recorded_by_the_head_of_ict_only(people):
    kpi = KPI.objects.create(name="Calls answered", unit="%", direction="higher")
    posted = _api_client(people["head"]).post(
        f"/api/v1/kpis/{kpi.pk}/values/",
        {"period_end": "2026-09-30", "value": "97.5", "note": "Quarter two"},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    value = kpi.measurements.get()
    assert value.value == pytest.approx(97.5) and value.recorded_by == people["head"]
    assert value.history.get().history_user == people["head"]
    future = _api_client(people["head"]).post(
        f"/api/v1/kpis/{kpi.pk}/values/", {"period_end": "2099-01-31", "value": "1"}, format="json"
    )
    assert future.status_code == 400 and future.json()["errors"][0]["pointer"] == "#/period_end"
    assert _api_client(people["member"]).post(
        f"/api/v1/kpis/{kpi.pk}/values/", {"period_end": "2026-06-30", "value": "2"}, format="json"
    ).status_code == 403
    assert kpi.measurements.count() == 1


# ------------------------------------------------------------------- query counts


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(registered()))
def test_list_endpoint_query_count_does_not_grow_with_rows(name, people):
    head = people["head"]
    api = _api_client(head)
    path = f"/api/v1/{name}/"

    def grow(n):
        for _ in range(n):
            proposal = ProposalFactory(status=ProposalStatus.SUBMITTED, complete=True)
            ProjectFactory(project_manager=head)
            RiskFactory(owner=head)
            KPI.objects.create(
                name=f"KPI {proposal.pk}", unit="%", direction="higher"
            ).measurements.create(period_end="2026-06-30", value=5, recorded_by=head)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        return len(queries)

    grow(2)
    few = count()
    grow(8)
    assert count() == few, f"{path} runs more queries for more rows"


@pytest.mark.django_db
def test_the_schema_is_for_people_with_a_role(strategy):
    anonymous = APIClient().get(reverse("api-schema"))
    assert anonymous.status_code == 401 and anonymous.json()["status"] == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert _api_client(UserFactory()).get(reverse("api-schema")).status_code == 403


@pytest.mark.django_db
def test_schema_is_openapi_3_1_and_documents_tokens(strategy):
    user = UserFactory(roles=[Role.MEMBER])
    api = _api_client(user)
    schema = _schema(api)
    assert schema["openapi"].startswith("3.1")
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    reference = Client()
    reference.force_login(user)
    page = reference.get(reverse("api-reference")).content.decode()
    assert re.search(r"POST\s*</strong>\s*<code>/api/v1/risks/\{id\}/reviews/", page)


# ------------------------------------------------------------------------- tokens


def _token_client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.mark.django_db
def test_tokens_read_unless_asked_to_write_and_a_revoked_one_is_refused_at_once(people):
    from common.choices import AccessTokenKind
    from common.tokens import token_create, token_revoke

    head = people["head"]
    kpi = KPI.objects.create(name="Calls answered", unit="%", direction="higher")
    reader, read_key = token_create(user=head, name="Power BI", kind=AccessTokenKind.API)
    writer, write_key = token_create(
        user=head, name="Script", kind=AccessTokenKind.API, can_write=True
    )
    value = {"period_end": "2026-09-30", "value": "90"}
    assert _token_client(read_key).get("/api/v1/kpis/").status_code == 200
    refused = _token_client(read_key).post(f"/api/v1/kpis/{kpi.pk}/values/", value, format="json")
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert kpi.measurements.count() == 0
    assert _token_client(write_key).post(
        f"/api/v1/kpis/{kpi.pk}/values/", value, format="json"
    ).status_code == 201
    # The history names the token's holder.
    assert kpi.measurements.get().history.get().history_user == head
    reader.refresh_from_db()
    assert reader.last_used_at is not None

    client = _token_client(write_key)
    assert client.get("/api/v1/kpis/").status_code == 200
    token_revoke(user=head, token=writer)
    gone = client.get("/api/v1/kpis/")
    assert gone.status_code == 401 and gone["Content-Type"] == "application/problem+json"
    # A calendar feed's key is not an API token.
    _, feed_key = token_create(user=head, name="Calendar", kind=AccessTokenKind.CALENDAR)
    assert _token_client(feed_key).get("/api/v1/kpis/").status_code == 401
    assert _token_client("ictp_made-up").get("/api/v1/kpis/").status_code == 401


@pytest.mark.django_db
def test_each_token_is_throttled_on_its_own(people, monkeypatch):
    from django.core.cache import cache

    from common.api_access import PerTokenThrottle
    from common.choices import AccessTokenKind
    from common.tokens import token_create

    cache.clear()
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "3/minute"})
    _, busy = token_create(user=people["head"], name="Busy", kind=AccessTokenKind.API)
    _, quiet = token_create(user=people["head"], name="Quiet", kind=AccessTokenKind.API)
    answers = [_token_client(busy).get("/api/v1/meetings/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert _token_client(quiet).get("/api/v1/meetings/").status_code == 200


# ------------------------------------------------------------------------ Power BI


@pytest.mark.django_db
def test_a_power_bi_feed_is_its_list_whole_for_the_keys_holder(people):
    from common.choices import AccessTokenKind
    from common.tokens import token_create, token_revoke

    head, officer = people["head"], people["officer"]
    for n in range(3):
        RiskFactory(owner=head, title=f"Feed risk {n}")
    closed = RiskFactory(
        owner=head, title="Closed feed risk", status="closed", closed_reason="Gone"
    )
    token, key = token_create(user=head, name="Power BI", kind=AccessTokenKind.API)
    anonymous = APIClient()
    feed = anonymous.get("/feeds/risks.json", {"key": key})
    assert feed.status_code == 200 and feed["Content-Type"] == "application/json"
    rows = feed.json()
    # The whole list in one answer, as the API gives it a page at a time.
    assert rows == _every_row(_api_client(head), "/api/v1/risks/")
    assert closed.title not in [row["title"] for row in rows]
    assert closed.title in [
        row["title"] for row in anonymous.get("/feeds/risks.json", {"key": key, "status": "all"}).json()
    ]
    # The key reads only: the feed takes no changes.
    assert anonymous.post(f"/feeds/risks.json?key={key}", {}).status_code in (403, 405)
    # An officer's key cannot open the portfolio, as the officer cannot.
    _, officer_key = token_create(user=officer, name="Power BI", kind=AccessTokenKind.API)
    assert anonymous.get("/feeds/portfolio.json", {"key": officer_key}).status_code == 403
    assert anonymous.get("/feeds/nothing.json", {"key": key}).status_code == 404
    assert anonymous.get("/feeds/risks.json").status_code == 401
    token_revoke(user=head, token=token)
    refused = anonymous.get("/feeds/risks.json", {"key": key})
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"


# ------------------------------------------------------------------ hostile input

HOSTILE_VALUES = [None, "", "x" * 100_000, -1, 10**20, 1.5, [], {}, True,
                  "<script>alert(1)</script>", "2026-02-30", "=HYPERLINK(1)", "\x00"]  # fmt: skip


@pytest.mark.django_db
def test_every_api_write_answers_hostile_json_with_a_4xx_and_saves_nothing_half_way(people):
    """Each write operation of the schema, sent a body that is not JSON, JSON that is
    not an object, and each of its fields in turn as every hostile value: never a
    server error, every refusal a problem document, and a refused request leaves every
    table as it was."""
    from projects.tests.factories import MeetingFactory

    head, officer = people["head"], people["officer"]
    MeetingFactory()
    project = ProjectFactory(project_manager=head)
    risk = RiskFactory(owner=head)
    kpi = KPI.objects.create(name="Calls answered", unit="%", direction="higher")
    draft = Proposal.objects.create(
        title="A draft", business_unit=officer.business_unit, created_by=officer,
        strategy=strategy_current(),
    )  # fmt: skip
    ids = {"proposals": draft.pk, "projects": project.pk, "risks": risk.pk, "kpis": kpi.pk}
    day = project.started_on.isoformat()
    examples = {
        "proposals_create": (officer, {"title": "A proposal"}),
        "proposals_partial_update": (officer, {"sponsor": "A sponsor"}),
        "projects_updates_create": (head, {
            "reported_on": day, "rag_overall": "green", "rag_time": "green", "rag_cost": "green",
            "rag_scope": "green", "percent_complete": 10, "actual_spend_to_date": "10",
            "narrative": "Fine."}),
        "risks_reviews_create": (head, {"residual_likelihood": 2, "residual_impact": 2,
                                        "note": "Fine.", "reviewed_on": day}),
        "kpis_values_create": (head, {"period_end": "2026-09-30", "value": "5"}),
    }  # fmt: skip
    schema = _schema(_api_client(head))
    writes = [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "patch")
    ]
    assert {operation["operationId"] for _, _, operation in writes} == set(examples)
    tables = [Proposal, ProgressUpdate, RiskReview, KPI, Risk]

    def counts():
        return [model.objects.count() for model in tables] + [
            model.history.count() for model in tables
        ]

    for method, path, operation in writes:
        user, example = examples[operation["operationId"]]
        client = _api_client(user)
        url = path.replace("{id}", str(ids[path.split("/")[3]]))
        send = getattr(client, method)
        bodies = [b"{not json", b"[]", b'"text"']
        for field in example:
            bodies += [{**example, field: value} for value in HOSTILE_VALUES]
        for body in bodies:
            before = counts()
            if isinstance(body, bytes):
                answer = send(url, body, content_type="application/json")
            else:
                answer = send(url, body, format="json")
            assert answer.status_code < 500, (path, body, answer.status_code)
            if answer.status_code >= 400:
                assert answer["Content-Type"] == "application/problem+json", (path, body)
                assert counts() == before, (path, body, "half-saved")
