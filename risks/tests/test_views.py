import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.tests.factories import UserFactory
from risks.models import Risk, RiskReview
from risks.tests.factories import RiskFactory


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add(n, strategy):
    for i in range(n):
        risk = RiskFactory(
            owner=UserFactory(),
            category=["supplier", "people", "financial"][i % 3],
            residual_likelihood=1 + i % 5,
            residual_impact=1 + (i * 2) % 5,
        )
        risk.themes.set([strategy.themes.get(number=1 + i % 5)])
        RiskReview.objects.create(
            risk=risk, kind="raised", reviewer=risk.owner,
            reviewed_on=datetime.date.today() - datetime.timedelta(days=200), matrix=risk.matrix,
            residual_likelihood=3, residual_impact=3, residual_score=9, residual_level="high",
            outside_appetite=False, next_review_date=datetime.date.today(),
        )  # fmt: skip


def test_register_and_heat_map_query_counts_do_not_grow_with_risks(
    head_of_ict, client_for, strategy
):
    client = client_for(head_of_ict)
    pages = [
        reverse("risks:risk-list"),
        reverse("risks:risk-list") + "?appetite=within&category=people",
        reverse("risks:heat-map"),
        reverse("risks:overdue"),
        reverse("home"),
    ]
    _add(3, strategy)
    small = [_count(client, url) for url in pages]
    _add(30, strategy)
    assert [_count(client, url) for url in pages] == small


def test_heat_map_cells_count_link_and_name_their_level(head_of_ict, client_for, risk_owner):
    RiskFactory(owner=risk_owner, residual_likelihood=4, residual_impact=5, title="Severe one")
    RiskFactory(owner=risk_owner, residual_likelihood=4, residual_impact=5, title="Severe two")
    page = client_for(head_of_ict).get(reverse("risks:heat-map")).content.decode()
    link = f"{reverse('risks:risk-list')}?likelihood=4&amp;impact=5&amp;rating=residual"
    assert link in page
    assert "2 risks" in page and "Very high (20)" in page
    listing = (
        client_for(head_of_ict)
        .get(reverse("risks:risk-list") + "?likelihood=4&impact=5&rating=residual")
        .content.decode()
    )
    assert "Severe one" in listing and "Severe two" in listing


def test_heat_map_shows_movement_since_last_quarter(head_of_ict, client_for, risk_owner):
    risk = RiskFactory(
        owner=risk_owner, residual_likelihood=4, residual_impact=4, title="Worse now"
    )
    RiskReview.objects.create(
        risk=risk, kind="raised", reviewer=risk_owner,
        reviewed_on=datetime.date.today() - datetime.timedelta(days=120), matrix=risk.matrix,
        residual_likelihood=2, residual_impact=2, residual_score=4, residual_level="medium",
        outside_appetite=False, next_review_date=datetime.date.today(),
    )  # fmt: skip
    page = client_for(head_of_ict).get(reverse("risks:heat-map")).content.decode()
    assert "1 up, 0 down" in page and "Worse now" in page and "4 to 16" in page


def test_head_of_ict_raises_a_risk_through_the_form(head_of_ict, risk_owner, client_for, strategy):
    theme = strategy.themes.get(number=4)
    response = client_for(head_of_ict).post(
        reverse("risks:risk-create"),
        {
            "title": "Cloud lock-in", "cause": "c", "event": "e", "consequence": "q",
            "category": "supplier", "owner": risk_owner.pk, "themes": [theme.pk],
            "inherent_likelihood": "4", "inherent_impact": "4", "residual_likelihood": "3",
            "residual_impact": "3", "target_likelihood": "2", "target_impact": "2",
            "response": "treat",
        },
    )  # fmt: skip
    risk = Risk.objects.get(title="Cloud lock-in")
    assert response["Location"] == risk.get_absolute_url()
    assert list(risk.themes.all()) == [theme]


def test_bad_risk_input_is_refused_at_the_field(head_of_ict, client_for, risk_owner):
    response = client_for(head_of_ict).post(
        reverse("risks:risk-create"),
        {"title": "", "category": "weather", "owner": risk_owner.pk, "inherent_likelihood": "9",
         "review_every_days": "-4"},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert {"title", "category", "inherent_likelihood", "review_every_days", "cause"} <= set(errors)
    assert not Risk.objects.exists()


def test_head_of_ict_changes_review_frequencies_and_reviews_follow_them(
    head_of_ict, client_for, risk_owner
):
    client = client_for(head_of_ict)
    response = client.post(
        reverse("risks:frequency-update"),
        {"days_very_high": "14", "days_high": "45", "days_medium": "90", "days_low": "400"},
    )
    assert response.status_code == 200
    assert "days_low" in response.context["form"].errors  # over a year is refused
    client.post(
        reverse("risks:frequency-update"),
        {"days_very_high": "14", "days_high": "45", "days_medium": "90", "days_low": "180"},
    )
    page = client.get(reverse("risks:settings")).content.decode()
    assert "Very high risks: every 14 days" in page
    risk = RiskFactory(owner=risk_owner)
    client.post(
        reverse("risks:risk-review", args=[risk.pk]),
        {"reviewed_on_0": str(datetime.date.today().day), "reviewed_on_1": str(datetime.date.today().month),
         "reviewed_on_2": str(datetime.date.today().year), "residual_likelihood": "5",
         "residual_impact": "5", "note": "Worse"},
    )  # fmt: skip
    risk.refresh_from_db()
    assert risk.next_review_date == datetime.date.today() + datetime.timedelta(days=14)


def test_heat_map_lists_the_ten_risks_that_rose_most(head_of_ict, client_for, risk_owner):
    quarter_ago = datetime.date.today() - datetime.timedelta(days=120)
    for rise in range(12):
        risk = RiskFactory(
            owner=risk_owner, residual_likelihood=5, residual_impact=5, title=f"Rose by {rise}"
        )
        RiskReview.objects.create(
            risk=risk, kind="raised", reviewer=risk_owner, reviewed_on=quarter_ago,
            matrix=risk.matrix, residual_likelihood=1, residual_impact=1,
            residual_score=25 - rise - 1, residual_level="high", outside_appetite=False,
            next_review_date=datetime.date.today(),
        )  # fmt: skip
    page = client_for(head_of_ict).get(reverse("risks:heat-map")).content.decode()
    assert "12 up, 0 down" in page
    assert "Worse: the 10 that rose most" in page
    listed = [f"Rose by {rise}</a>" in page for rise in range(12)]
    assert listed == [False] * 2 + [True] * 10  # the two smallest rises are left out
    assert page.index("Rose by 11</a>") < page.index("Rose by 2</a>")
