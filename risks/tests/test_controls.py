"""Controls and assurance (Orange Book 2023, Part II): a risk's controls, who may
change them, the gaps the assurance rules flag, and every path a control goes out by."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from common.roles import Role
from common.testing import xlsx_rows
from governance.tests.factories import UserFactory
from risks import policies, selectors, services
from risks.choices import AssuranceFlag, AssuranceLine, Effectiveness, RiskStatus
from risks.models import RiskControl
from risks.tests.factories import RiskFactory

LAST_MONTH = timezone.localdate() - datetime.timedelta(days=30)


def _control(user, risk, **fields):
    values = {
        "description": "Nightly backups, restored monthly",
        "owner": risk.owner,
        "line": AssuranceLine.FIRST,
        "effectiveness": Effectiveness.NOT_ASSESSED,
        "assessed_on": None,
        "evidence": "",
    }
    return services.control_add(user=user, risk=risk, fields=values | fields)


def _flags(risk) -> list[str]:
    return selectors.flags_of(selectors.with_assurance(selectors.register()).get(pk=risk.pk))


def _red(**kwargs):
    """Gross 25 (5 x 5), current 16 (4 x 4): Very high, the red level."""
    return RiskFactory(
        inherent_likelihood=5, inherent_impact=5, residual_likelihood=4, residual_impact=4,
        **kwargs,
    )  # fmt: skip


# ---------------------------------------------------------------------- services


def test_owner_adds_rates_and_removes_a_control_and_history_keeps_each_step(risk_owner):
    risk = RiskFactory(owner=risk_owner)
    control = _control(risk_owner, risk, line=AssuranceLine.THIRD)
    services.control_update(
        user=risk_owner, control=control,
        fields={"effectiveness": Effectiveness.NOT_EFFECTIVE, "assessed_on": LAST_MONTH,
                "evidence": "Internal audit report IA-26-04"},
    )  # fmt: skip
    control.refresh_from_db()
    assert (control.effectiveness, control.assessed_on) == ("not_effective", LAST_MONTH)
    services.control_remove(user=risk_owner, control=control)
    assert not RiskControl.objects.exists()
    kinds = [(h.history_type, h.history_user) for h in RiskControl.history.order_by("history_id")]
    assert kinds == [("+", risk_owner), ("~", risk_owner), ("-", risk_owner)]


def test_a_control_saved_unchanged_writes_no_history(risk_owner):
    control = _control(risk_owner, RiskFactory(owner=risk_owner))
    fields = {name: getattr(control, name) for name in services.CONTROL_FIELDS}
    services.control_update(user=risk_owner, control=control, fields=fields)
    assert RiskControl.history.count() == 1


def test_an_assessed_control_is_dated_and_an_unassessed_one_is_not(head_of_ict):
    risk = RiskFactory()
    with pytest.raises(ValidationError) as error:
        _control(head_of_ict, risk, effectiveness=Effectiveness.EFFECTIVE)
    assert "assessed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        _control(head_of_ict, risk, assessed_on=LAST_MONTH)
    with pytest.raises(ValidationError):
        _control(head_of_ict, risk, effectiveness=Effectiveness.EFFECTIVE,
                 assessed_on=timezone.localdate() + datetime.timedelta(days=1))  # fmt: skip
    assert not RiskControl.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.ADMINISTRATOR])
def test_only_the_head_of_ict_and_the_risk_owner_change_controls(role, risk_owner, head_of_ict):
    risk = RiskFactory(owner=risk_owner)
    control = _control(head_of_ict, risk)
    someone = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        _control(someone, risk)
    with pytest.raises(PermissionDenied):
        services.control_update(user=someone, control=control, fields={"description": "x"})
    with pytest.raises(PermissionDenied):
        services.control_remove(user=someone, control=control)
    assert RiskControl.objects.get().description == "Nightly backups, restored monthly"


def test_a_closed_risk_s_controls_no_longer_change(head_of_ict):
    risk = RiskFactory(status=RiskStatus.CLOSED, closed_reason="Gone")
    with pytest.raises(PermissionDenied):
        _control(head_of_ict, risk)


# ------------------------------------------------------------------------- flags


def test_a_red_risk_with_no_controls_is_not_assured(head_of_ict):
    assert _flags(_red()) == [AssuranceFlag.NOT_ASSURED]


def test_a_red_risk_whose_controls_are_not_effective_or_unassessed_is_not_assured(head_of_ict):
    risk = _red()
    _control(head_of_ict, risk, effectiveness=Effectiveness.NOT_EFFECTIVE, assessed_on=LAST_MONTH)
    _control(head_of_ict, risk, line=AssuranceLine.THIRD)
    assert _flags(risk) == [AssuranceFlag.NOT_ASSURED]
    partly = _control(head_of_ict, risk)
    services.control_update(
        user=head_of_ict, control=partly,
        fields={"effectiveness": Effectiveness.PARTLY_EFFECTIVE, "assessed_on": LAST_MONTH},
    )  # fmt: skip
    assert _flags(risk) == []


def test_a_medium_risk_with_no_controls_is_not_flagged(head_of_ict):
    assert _flags(RiskFactory()) == []


def test_effective_controls_with_a_current_rating_no_better_than_gross_are_inconsistent(
    head_of_ict,
):
    risk = RiskFactory(inherent_likelihood=2, inherent_impact=2)  # gross 4, current 4
    _control(head_of_ict, risk, line=AssuranceLine.THIRD,
             effectiveness=Effectiveness.EFFECTIVE, assessed_on=LAST_MONTH)  # fmt: skip
    assert _flags(risk) == [AssuranceFlag.NOT_BORNE_OUT]
    better = RiskFactory()  # gross 16, current 4
    _control(head_of_ict, better, line=AssuranceLine.THIRD,
             effectiveness=Effectiveness.EFFECTIVE, assessed_on=LAST_MONTH)  # fmt: skip
    assert _flags(better) == []


def test_controls_with_no_third_line_assurance_are_flagged(head_of_ict):
    risk = RiskFactory()
    _control(head_of_ict, risk, line=AssuranceLine.SECOND)
    assert _flags(risk) == [AssuranceFlag.NO_THIRD_LINE]
    _control(head_of_ict, risk, line=AssuranceLine.THIRD)
    assert _flags(risk) == []


def test_the_register_filters_on_each_flag(head_of_ict):
    red, fine = _red(title="Red and bare"), RiskFactory(title="Fine")
    second = RiskFactory(title="Second line only")
    _control(head_of_ict, second, line=AssuranceLine.SECOND)
    titles = {
        flag: set(selectors.register(assurance=flag).values_list("title", flat=True))
        for flag in AssuranceFlag
    }
    assert titles == {
        AssuranceFlag.NOT_ASSURED: {red.title},
        AssuranceFlag.NOT_BORNE_OUT: set(),
        AssuranceFlag.NO_THIRD_LINE: {second.title},
    }
    assert fine.title not in set().union(*titles.values())


# ------------------------------------------------------------------- paths out


def test_the_risk_page_shows_ratings_side_by_side_controls_and_flags_in_words(
    head_of_ict, client_for
):
    risk = _red(existing_controls="Supplier's own monitoring")
    _control(head_of_ict, risk, description="Firewall rules reviewed quarterly",
             effectiveness=Effectiveness.NOT_EFFECTIVE, assessed_on=LAST_MONTH)  # fmt: skip
    page = client_for(head_of_ict).get(risk.get_absolute_url()).content.decode()
    for words in (
        "Gross (inherent)",
        "Current (residual)",
        "Target",
        "5 Almost certain × 5 Severe",  # noqa: RUF001 - the page's multiplication sign
        "4 Likely × 4 Major",  # noqa: RUF001
        "Firewall rules reviewed quarterly",
        "Not effective",
        "Controls not assured",
        "No third-line assurance",
        "Other controls (not yet recorded one by one)",
        "Supplier&#x27;s own monitoring",
    ):
        assert words in page, words  # fmt: skip


def test_every_flag_is_declared_in_words_once_for_the_register_and_the_risk_page():
    assert set(policies.FLAG_WORDS) == set(policies.assurance_flags()) == set(AssuranceFlag)


def test_the_register_tags_each_risk_with_the_flags_it_raises_in_words(head_of_ict, client_for):
    bare = _red(title="Red with an untested control")
    _control(head_of_ict, bare)
    unmoved = RiskFactory(title="Effective controls, rating unmoved",
                          inherent_likelihood=2, inherent_impact=2)  # fmt: skip
    _control(head_of_ict, unmoved, line=AssuranceLine.THIRD,
             effectiveness=Effectiveness.EFFECTIVE, assessed_on=LAST_MONTH)  # fmt: skip
    RiskFactory(title="Nothing to flag")
    page = client_for(head_of_ict).get(reverse("risks:risk-list")).content.decode()
    rows = {
        title: next(row for row in page.split('<tr class="govuk-table__row">') if title in row)
        for title in (bare.title, unmoved.title, "Nothing to flag")
    }

    def tags(row):
        return [words.label for words in policies.FLAG_WORDS.values()
                if f'<strong class="govuk-tag {words.tag_class}">{words.label}</strong>' in row]  # fmt: skip

    assert tags(rows[bare.title]) == ["Controls not assured", "No third-line assurance"]
    assert tags(rows[unmoved.title]) == ["Current rating not borne out by controls"]
    assert tags(rows["Nothing to flag"]) == []


def test_the_register_s_downloads_and_api_carry_controls(head_of_ict, client_for):
    risk = _red()
    _control(head_of_ict, risk, description="Penetration test yearly", line=AssuranceLine.THIRD,
             effectiveness=Effectiveness.EFFECTIVE, assessed_on=LAST_MONTH)  # fmt: skip
    client = client_for(head_of_ict)
    rows = xlsx_rows(client.get(reverse("risks:export-xlsx")).content)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Gross level"], row["Current level"], row["Target level"]) == (
        "Very high",
        "Very high",
        "Low",
    )
    assert (row["Controls recorded"], row["Controls effectiveness"]) == (1, "1 effective")
    assert row["Controls with third-line assurance"] == 1 and not row["Assurance flags"]
    # Existing headings are kept for imports and API consumers.
    assert {"Inherent score", "Residual score", "Target score", "Existing controls"} <= set(rows[0])
    controls = xlsx_rows(client.get(reverse("risks:export-xlsx")).content, "Controls")
    assert controls[1][:4] == [risk.reference, "Penetration test yearly", str(risk.owner),
                               "Third line"]  # fmt: skip
    body = client.get(f"/api/v1/risks/{risk.pk}/").json()
    assert body["controls"] == [{
        "control": "Penetration test yearly", "owner": str(risk.owner),
        "line_of_assurance": "Third line", "effectiveness": "Effective",
        "last_assessed": LAST_MONTH.isoformat(), "assurance_evidence": "",
    }]  # fmt: skip
    assert body["controls_recorded"] == 1 and body["gross_level"] == "Very high"


def test_the_risk_history_shows_controls_added_changed_and_removed(head_of_ict, client_for):
    risk = RiskFactory()
    control = _control(head_of_ict, risk, description="Change board approves releases")
    services.control_remove(user=head_of_ict, control=control)
    page = client_for(head_of_ict).get(reverse("risks:risk-history", args=[risk.pk]))
    text = page.content.decode()
    assert "Control: Change board approves releases: added by" in text
    assert "Control: Change board approves releases: removed by" in text


def test_no_role_sees_nothing_of_a_risk_s_controls(head_of_ict, client_for):
    risk = RiskFactory()
    control = _control(head_of_ict, risk)
    stranger = client_for(UserFactory())
    for url in (
        risk.get_absolute_url(),
        reverse("risks:control-update", args=[control.pk]),
        reverse("risks:export-csv"),
        f"/api/v1/risks/{risk.pk}/",
    ):
        response = stranger.get(url)
        assert response.status_code == 403, url
        assert b"Nightly backups" not in response.content  # fmt: skip


def test_an_officer_reads_controls_but_cannot_change_them(head_of_ict, officer, client_for):
    risk = RiskFactory()
    control = _control(head_of_ict, risk)
    client = client_for(officer)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Nightly backups" in page and "Add a control" not in page
    for name, pk in (
        ("control-create", risk.pk),
        ("control-update", control.pk),
        ("control-remove", control.pk),
    ):
        assert client.post(reverse(f"risks:{name}", args=[pk]), {}).status_code == 403
    assert RiskControl.objects.get() == control  # fmt: skip


def test_the_risk_page_queries_do_not_grow_with_controls(head_of_ict, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    risk = RiskFactory()
    client = client_for(head_of_ict)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(risk.get_absolute_url()).status_code == 200
        return len(queries)

    _control(head_of_ict, risk)
    few = count()
    for line in AssuranceLine:
        _control(head_of_ict, risk, line=line, owner=UserFactory())
    assert count() == few
