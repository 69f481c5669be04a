"""Bad or hostile input on the remaining forms: a field error, a 200, and nothing saved
anywhere (no history record is written)."""

import pytest
from django.apps import apps
from django.urls import reverse

from projects.models import Criterion

HOSTILE_TEXT = "<script>alert('x')</script>" + "\x00"


def _history_rows():
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def _cases(w):
    criterion = Criterion.objects.first()
    return [
        ("officer", reverse("projects:proposal-start"), {"title": ""}, "title"),
        ("officer", reverse("projects:proposal-start"), {"title": "x" * 500}, "title"),
        ("member", reverse("projects:proposal-conflict", args=[w.assessing.pk]), {"note": "  "}, "note"),
        ("headofict", reverse("projects:criterion-update", args=[criterion.pk]),
         {"name": criterion.name, "weight": "0", "position": "1"}, "weight"),
        ("headofict", reverse("projects:criterion-update", args=[criterion.pk]),
         {"name": criterion.name, "weight": "101", "position": "1"}, "weight"),
        ("headofict", reverse("projects:criterion-create"),
         {"name": criterion.name, "weight": "10", "position": "1"}, "name"),
        ("headofict", reverse("projects:budgets"), {"financial_year": "2026", "amount": "-1"}, "amount"),
        ("headofict", reverse("projects:budgets"), {"financial_year": "1900", "amount": "5"}, "financial_year"),
        ("headofict", reverse("projects:budgets"),
         {"financial_year": "2026", "amount": "99999999999999"}, "amount"),
        ("headofict", reverse("projects:proposal-return", args=[w.submitted.pk]), {"comment": ""}, "comment"),
        ("chair", reverse("projects:decide", args=[w.item.pk]),
         {"outcome": "abolish", "rationale": "x"}, "outcome"),
        ("chair", reverse("projects:decide", args=[w.item.pk]),
         {"outcome": "approved_with_conditions", "rationale": "Good."}, "conditions"),
        ("chair", reverse("projects:decide", args=[w.item.pk]),
         {"outcome": "deferred", "rationale": "Later."}, "revisit_date"),
        ("chair", reverse("projects:decide", args=[w.item.pk]), {"outcome": "approved", "rationale": ""}, "rationale"),
        ("chair", reverse("projects:agenda-add", args=[w.meeting.pk]), {"proposal": "abc"}, "proposal"),
        ("chair", reverse("governance:meeting-attendance", args=[w.meeting.pk]), {"in_attendance": ["999999"]}, "in_attendance"),
        ("officer", reverse("projects:project-close", args=[w.project.pk]),
         {"summary": HOSTILE_TEXT, "realised_2026": "-5"}, "realised_2026"),
        ("officer", reverse("projects:project-close", args=[w.project.pk]),
         {"summary": "", "realised_2026": "5"}, "summary"),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(18))
def test_bad_input_gives_a_field_error_and_saves_nothing(
    index, world, client_for, officer, member, chair, head_of_ict
):
    users = {"officer": officer, "member": member, "chair": chair, "headofict": head_of_ict}
    username, url, data, field = _cases(world)[index]
    client = client_for(users[username])
    before = _history_rows()
    response = client.post(url, data)
    assert response.status_code == 200, (url, data)
    assert field in response.context["form"].errors, response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert _history_rows() == before


def test_a_post_without_the_csrf_token_is_refused(world, officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("projects:proposal-start"), {"title": "Sneaky"})
    assert response.status_code == 403
