import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.precompute import figures_precompute
from common.roles import Role
from common.testing import page_and_queries
from governance.models import User
from governance.tests.factories import UserFactory
from projects import prioritisation, services
from projects.choices import ProposalStatus
from projects.models import (
    Attachment,
    Budget,
    Criterion,
    ProgressUpdate,
    Proposal,
    TcopPoint,
)
from projects.tests.factories import BudgetFactory, ProjectFactory, ProposalFactory


def _form_data(proposal, **overrides):
    """What the business-case form posts for a complete case."""
    theme = proposal.strategy.themes.get(number=2)
    data = {
        "title": "Online repairs reporting",
        "case_for_change": "Phone reports cost £8 each.",
        "themes": [str(theme.pk)],
        f"how_{theme.pk}": "Residents report repairs online, any time.",
        "options_considered": "Do nothing; extend the CRM; buy a portal.",
        "preferred_option": "Buy a portal.",
        "non_cashable_benefits": "Fewer missed appointments.",
        "first_financial_year": "2026",
        "capital_0": "40000",
        "revenue_0": "5000",
        "savings_0": "",
        "capital_1": "",
        "revenue_1": "5000",
        "savings_1": "20000",
        "procurement_route": "framework",
        "suppliers": "",
        "funding_source": "Housing Revenue Account",
        "sponsor": "Director of Housing",
        "project_manager": str(proposal.created_by.pk),
        "start_date_0": "1",
        "start_date_1": "6",
        "start_date_2": "2026",
        "end_date_0": "31",
        "end_date_1": "3",
        "end_date_2": "2027",
        "milestones": "Contract in July.",
        "key_risks": "Integration with the housing system.",
        "dependencies": "",
        "personal_data": "yes",
        "security_impact": "medium",
        "security_notes": "",
        "risk_novel": "no",
        "risk_personal_data_at_scale": "no",
        "risk_frontline": "no",
        "risk_immature_market": "no",
    }
    for point in TcopPoint.objects.all():
        data[f"tcop_{point.pk}"] = "met"
        data[f"tcop_evidence_{point.pk}"] = f"Evidence for {point.title}."
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def draft(officer):
    return ProposalFactory(business_unit=officer.business_unit, created_by=officer, title="Draft")


def test_officer_starts_a_proposal_and_saves_it_half_filled(officer, client_for, strategy):
    client = client_for(officer)
    response = client.post(reverse("projects:proposal-start"), {"title": "Online repairs"})
    proposal = Proposal.objects.get(title="Online repairs")
    assert response["Location"] == reverse("projects:proposal-edit", args=[proposal.pk])
    assert proposal.business_unit == officer.business_unit
    assert proposal.strategy == strategy

    response = client.post(
        reverse("projects:proposal-edit", args=[proposal.pk]),
        {
            "title": "Online repairs",
            "case_for_change": "Phone calls are costly.",
            "save_draft": "1",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.case_for_change == "Phone calls are costly."
    assert proposal.status == ProposalStatus.DRAFT


def test_submitting_a_half_filled_case_saves_the_draft_and_shows_each_gap_at_its_field(
    draft, officer, client_for
):
    response = client_for(officer).post(
        reverse("projects:proposal-edit", args=[draft.pk]),
        {"title": "Draft", "case_for_change": "Because.", "submit_case": "1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["themes"] == ["Select at least one strategy theme the proposal serves"]
    assert errors["capital_0"] == ["Enter the capital or revenue cost for at least one year"]
    assert "start_date" in errors and "procurement_route" in errors
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_themes' in page
    assert "Your changes are saved as a draft" in page
    draft.refresh_from_db()
    assert (draft.status, draft.case_for_change) == (ProposalStatus.DRAFT, "Because.")


def test_a_complete_case_is_submitted_with_its_themes_and_money(draft, officer, client_for):
    response = client_for(officer).post(
        reverse("projects:proposal-edit", args=[draft.pk]),
        {**_form_data(draft), "submit_case": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    assert draft.theme_links.get().theme.number == 2
    years = {
        y.financial_year: (y.capital_cost, y.revenue_cost, y.cashable_savings)
        for y in draft.years.all()
    }
    assert years == {
        2026: (Decimal(40000), Decimal(5000), Decimal(0)),
        2027: (Decimal(0), Decimal(5000), Decimal(20000)),
    }
    assert draft.start_date == datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"capital_0": "-5"}, "capital_0", "Capital cost must be £0.00 or more"),
        ({"capital_0": "1e30"}, "capital_0", "Capital cost must be £9,999,999,999.99 or less"),
        ({"capital_0": "12.345"}, "capital_0", "Capital cost must be an amount of money"),
        ({"revenue_0": "lots"}, "revenue_0", "Revenue cost must be an amount of money"),
        (
            {"first_financial_year": "1066"},
            "first_financial_year",
            "Select the first financial year of the figures from the list",
        ),
        (
            {"procurement_route": "bribe"},
            "procurement_route",
            "Select the procurement route from the list",
        ),
        (
            {"project_manager": "999999"},
            "project_manager",
            "Select the project manager from the list",
        ),
        ({"themes": ["999999"]}, "themes", "Select the strategy themes it serves"),
        (
            {"start_date_1": "13"},
            "start_date",
            "Start date must be a real date, for example 31 3 2027",
        ),
        (
            {"end_date_2": "2025"},
            "end_date",
            "The end date must be on or after 1 June 2026, the start date",
        ),
        ({"personal_data": "maybe"}, "personal_data", "Select whether it involves personal data"),
    ],
)
def test_bad_business_case_input_is_refused_at_the_field_and_nothing_saved(
    draft, officer, client_for, overrides, field, message
):
    before = draft.history.count()
    response = client_for(officer).post(
        reverse("projects:proposal-edit", args=[draft.pk]),
        {**_form_data(draft, **overrides), "save_draft": "1"},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    draft.refresh_from_db()
    assert draft.title == "Draft" and draft.history.count() == before
    assert not draft.years.exists()


def test_markup_in_the_business_case_is_shown_as_text(draft, officer, client_for, head_of_ict):
    client_for(officer).post(
        reverse("projects:proposal-edit", args=[draft.pk]),
        {**_form_data(draft, case_for_change="<script>alert(1)</script>"), "submit_case": "1"},
    )
    page = client_for(head_of_ict).get(draft.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_head_of_ict_returns_it_and_the_officer_answers_through_the_pages(
    officer, head_of_ict, client_for
):
    proposal = ProposalFactory(
        business_unit=officer.business_unit,
        created_by=officer,
        complete=True,
        status=ProposalStatus.SUBMITTED,
    )
    head = client_for(head_of_ict)
    response = head.post(reverse("projects:proposal-return", args=[proposal.pk]), {"comment": ""})
    assert response.status_code == 200
    assert "Enter the more information needed" in " ".join(
        response.context["form"].errors["comment"]
    )
    head.post(
        reverse("projects:proposal-return", args=[proposal.pk]), {"comment": "Itemise costs."}
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RETURNED

    officer_client = client_for(officer)
    edit = officer_client.get(
        reverse("projects:proposal-edit", args=[proposal.pk])
    ).content.decode()
    assert "Itemise costs." in edit
    response = officer_client.post(
        reverse("projects:proposal-edit", args=[proposal.pk]),
        {**_form_data(proposal, answer="Costs itemised in year 1."), "submit_case": "1"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.events.last().comment == "Costs itemised in year 1."


def test_acting_on_a_proposal_someone_else_moved_on_says_so_and_changes_nothing(
    officer, head_of_ict, client_for
):
    proposal = ProposalFactory(
        business_unit=officer.business_unit, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    response = client_for(head_of_ict).post(
        reverse("projects:proposal-accept", args=[proposal.pk]), follow=True
    )
    assert "You cannot send for assessment this proposal: it is now in assessment" in (
        response.content.decode()
    )


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_documents_are_content_checked_stored_under_server_names_and_downloaded(
    draft, officer, head_of_ict, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(officer)
    url = reverse("projects:attachment-add", args=[draft.pk])
    fake = SimpleUploadedFile("evil.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = client.post(url, {"file": fake})
    assert response.status_code == 200
    assert "must be a PDF, Word, Excel or OpenDocument file" in response.content.decode()
    assert not Attachment.objects.exists()

    # Built once: a zip records the time it was written, so two builds may differ.
    content = _docx_bytes()
    good = SimpleUploadedFile("../../Business case.docx", content, "text/html")
    assert client.post(url, {"file": good}).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "Business case.docx"
    assert "Business" not in attachment.file.name and attachment.file.name.endswith(".docx")

    download = client.get(reverse("projects:attachment-download", args=[attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Business case.docx" in download["Content-Disposition"]
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


def test_project_manager_posts_an_update_and_the_overdue_flag_clears(officer, client_for):
    project = ProjectFactory(
        proposal__business_unit=officer.business_unit,
        proposal__created_by=officer,
        started_on=datetime.date.today() - datetime.timedelta(days=60),
    )
    client = client_for(officer)
    home = client.get(reverse("home")).content.decode()
    assert "Your projects due a progress update" in home and "Update overdue" in home
    # The projects list works the flag out in its own query: the same rule.
    assert "Update overdue" in client.get(reverse("projects:project-list")).content.decode()

    response = client.post(
        reverse("projects:progress-update-create", args=[project.pk]),
        {
            "reported_on_0": str(datetime.date.today().day),
            "reported_on_1": str(datetime.date.today().month),
            "reported_on_2": str(datetime.date.today().year),
            "rag_overall": "amber",
            "rag_time": "amber",
            "rag_cost": "green",
            "rag_scope": "green",
            "percent_complete": "30",
            "actual_spend_to_date": "12000",
            "milestones_met": "Contract signed",
            "narrative": "Supplier started two weeks late.",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.author, update.percent_complete) == (officer, 30)
    assert "Update overdue" not in client.get(reverse("home")).content.decode()
    assert "Update overdue" not in client.get(reverse("projects:project-list")).content.decode()


def test_progress_update_refuses_bad_values(officer, client_for):
    project = ProjectFactory(
        proposal__business_unit=officer.business_unit, proposal__created_by=officer
    )
    response = client_for(officer).post(
        reverse("projects:progress-update-create", args=[project.pk]),
        {"percent_complete": "150", "actual_spend_to_date": "-1", "rag_overall": "purple"},
    )
    errors = response.context["form"].errors
    assert {"percent_complete", "actual_spend_to_date", "rag_overall", "narrative"} <= set(errors)
    assert not ProgressUpdate.objects.exists()


def test_closing_records_savings_realised_against_planned(officer, client_for):
    project = ProjectFactory(
        proposal__business_unit=officer.business_unit, proposal__created_by=officer
    )
    response = client_for(officer).post(
        reverse("projects:project-close", args=[project.pk]),
        {"summary": "Delivered on time.", "non_cashable_realised": "", "realised_2026": "7500"},
    )
    assert response.status_code == 302
    page = client_for(officer).get(project.get_absolute_url()).content.decode()
    assert ">£10,000</td>" in page and ">£7,500</td>" in page


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_proposal_list_and_portfolio_query_counts_do_not_grow_with_proposals(
    head_of_ict, client_for, housing, finance, member, chair
):
    BudgetFactory(financial_year=2026, amount=Decimal(120000))
    client = client_for(head_of_ict)

    def add(n):
        for i in range(n):
            ProposalFactory(
                business_unit=housing if i % 2 else finance,
                complete=True,
                status=[
                    ProposalStatus.SUBMITTED,
                    ProposalStatus.IN_ASSESSMENT,
                    ProposalStatus.APPROVED,
                ][i % 3],
            )

    add(3)
    small = (
        _count(client, reverse("projects:proposal-list")),
        _count(client, reverse("projects:portfolio")),
        _count(client, reverse("projects:portfolio") + "?year=2026"),
    )
    add(15)
    large = (
        _count(client, reverse("projects:proposal-list")),
        _count(client, reverse("projects:portfolio")),
        _count(client, reverse("projects:portfolio") + "?year=2026"),
    )
    assert large == small


def test_portfolio_recommends_within_budget_and_explains(head_of_ict, member, client_for, housing):
    from projects import services

    Budget.objects.create(financial_year=2026, amount=Decimal(100000))
    big = ProposalFactory(
        business_unit=housing,
        complete=True,
        status="in_assessment",
        costs={2026: 100000},
        title="Big",
    )
    small_a = ProposalFactory(
        business_unit=housing,
        complete=True,
        status="in_assessment",
        costs={2026: 50000},
        title="Small A",
    )
    small_b = ProposalFactory(
        business_unit=housing,
        complete=True,
        status="in_assessment",
        costs={2026: 50000},
        title="Small B",
    )
    from projects.models import Criterion

    criteria = list(Criterion.objects.all())
    for proposal, rating in ((big, 4), (small_a, 3), (small_b, 3)):
        services.assessment_submit(
            proposal=proposal, user=member, ratings={c.pk: (rating, "") for c in criteria}
        )
    page = client_for(head_of_ict).get(reverse("projects:portfolio")).content.decode()
    # Greedy by score would take Big (80) alone; the best set is Small A + Small B (120).
    assert page.index("Big") < page.index("Small A")
    rows = page.split("<tr")
    big_row = next(r for r in rows if "Big</a>" in r)
    assert ">Out<" in big_row
    assert all(">In<" in next(r for r in rows if f"{t}</a>" in r) for t in ("Small A", "Small B"))
    assert (
        '<div class="govuk-inset-text">The proposals marked In are the recommended set. '
        "This is the best possible set.</div>"
    ) in page


def test_portfolio_says_how_far_from_the_best_a_search_cut_short_may_be(
    head_of_ict, member, client_for, housing, settings
):
    from projects import services
    from projects.models import Criterion

    # No time to search: the set is the one taken greedily by score per pound, A alone
    # (60), where B and C together score 80; and all the page can prove is the fractional
    # bound, A and four fifths of B (92): at most 53.3...% more, said as 53.4%.
    settings.PRIORITISATION_TIME_LIMIT = 0
    Budget.objects.create(financial_year=2026, amount=Decimal(100000))
    criteria = list(Criterion.objects.all())
    for title, cost, rating in (("A", 60000, 3), ("B", 50000, 2), ("C", 50000, 2)):
        proposal = ProposalFactory(
            business_unit=housing, complete=True, status="in_assessment", costs={2026: cost},
            title=f"Proposal {title}",
        )  # fmt: skip
        services.assessment_submit(
            proposal=proposal, user=member, ratings={c.pk: (rating, "") for c in criteria}
        )
    page = client_for(head_of_ict).get(reverse("projects:portfolio")).content.decode()
    rows = page.split("<tr")
    assert ">In<" in next(r for r in rows if "Proposal A</a>" in r)
    assert ">Out<" in next(r for r in rows if "Proposal B</a>" in r)
    assert "The best possible set scores at most 53.4% more than this one." in page


def test_the_golden_thread_runs_from_objective_to_proposal(draft, officer, head_of_ict, client_for):
    from governance.tests.factories import ObjectiveFactory

    objective = ObjectiveFactory(theme=draft.strategy.themes.get(number=2), title="Online first")
    response = client_for(officer).post(
        reverse("projects:proposal-edit", args=[draft.pk]),
        {**_form_data(draft, objectives=[str(objective.pk)]), "submit_case": "1"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert list(draft.objectives.all()) == [objective]
    proposal_page = client_for(head_of_ict).get(draft.get_absolute_url()).content.decode()
    assert f"Objective {objective.reference}: Online first" in proposal_page
    objective_page = client_for(head_of_ict).get(objective.get_absolute_url()).content.decode()
    assert "Proposals and projects delivering this objective" in objective_page
    assert draft.title in objective_page


def test_portfolio_ranks_what_awaits_a_decision_and_counts_approved_spend_in_the_budget(
    head_of_ict, member, client_for, housing
):
    from projects import services
    from projects.models import Criterion

    Budget.objects.create(financial_year=2026, amount=Decimal(100000))
    ProposalFactory(
        business_unit=housing, complete=True, status="approved", costs={2026: 60000},
        title="Already approved",
    )  # fmt: skip
    first = ProposalFactory(
        business_unit=housing, complete=True, status="in_assessment", costs={2026: 30000},
        title="Cheaper",
    )  # fmt: skip
    second = ProposalFactory(
        business_unit=housing, complete=True, status="in_assessment", costs={2026: 30000},
        title="Dearer",
    )  # fmt: skip
    criteria = list(Criterion.objects.all())
    services.assessment_submit(
        proposal=first, user=member, ratings={c.pk: (4, "") for c in criteria}
    )
    services.assessment_submit(
        proposal=second, user=member, ratings={c.pk: (3, "") for c in criteria}
    )
    client = client_for(head_of_ict)
    page = client.get(reverse("projects:portfolio")).content.decode()
    assert "Already approved" not in page
    assert "£60,000" in page  # approved spend counts against the year's budget
    rows = page.split("<tr")
    # £40,000 left after approvals: only one of the two fits, the better scored.
    assert ">In<" in next(r for r in rows if "Cheaper</a>" in r)
    assert ">Out<" in next(r for r in rows if "Dearer</a>" in r)

    # The recommendation is remembered, but a new score is a new question.
    chair = UserFactory(roles=[Role.CHAIR])
    services.assessment_submit(
        proposal=first, user=chair, ratings={c.pk: (1, "") for c in criteria}
    )
    rows = client.get(reverse("projects:portfolio")).content.decode().split("<tr")
    assert ">In<" in next(r for r in rows if "Dearer</a>" in r)
    assert ">Out<" in next(r for r in rows if "Cheaper</a>" in r)


def test_each_portfolio_row_names_the_themes_its_proposal_serves(
    head_of_ict, client_for, housing, strategy
):
    themes = {theme.number: theme for theme in strategy.themes.all()}
    ProposalFactory(
        business_unit=housing, status="submitted", title="Serves two themes",
        themes=[themes[3], themes[1]],
    )  # fmt: skip
    ProposalFactory(business_unit=housing, status="submitted", title="Serves none yet", themes=[])
    rows = client_for(head_of_ict).get(reverse("projects:portfolio")).content.decode().split("<tr")
    served = next(row for row in rows if "Serves two themes</a>" in row)
    assert f"{housing.name} · Theme 1 · Theme 3</span>" in served  # in the themes' order
    unserved = next(row for row in rows if "Serves none yet</a>" in row)
    assert f"{housing.name}</span>" in unserved and "· Theme" not in unserved


def test_portfolio_pages_its_ranking_and_the_csv_has_all_of_it(head_of_ict, client_for, housing):
    for i in range(53):
        ProposalFactory(business_unit=housing, status="submitted", title=f"Pipeline {i:02d}")
    client = client_for(head_of_ict)
    first = client.get(reverse("projects:portfolio")).content.decode()
    second = client.get(reverse("projects:portfolio") + "?page=2").content.decode()
    assert first.count("Pipeline ") == 50 and second.count("Pipeline ") == 3
    assert "Page 1 of 2" in first
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">51</td>' in second
    csv = client.get(reverse("projects:portfolio") + "?format=csv").content.decode()
    assert csv.count("Pipeline ") == 53


@pytest.mark.django_db(transaction=True)
def test_portfolio_and_proposals_show_the_same_with_the_page_cache_on_and_off(
    head_of_ict, member, client_for, housing, finance, settings
):
    BudgetFactory(financial_year=2026, amount=Decimal(120000))
    for i in range(6):
        ProposalFactory(
            business_unit=housing if i % 2 else finance,
            complete=True,
            costs={2026: 10000 * (i + 1)},
            status=[ProposalStatus.SUBMITTED, ProposalStatus.IN_ASSESSMENT][i % 2],
        )
    urls = [
        reverse("projects:portfolio"),
        reverse("projects:portfolio") + "?year=2026",
        reverse("projects:proposal-list"),
    ]
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    for user in (head_of_ict, member):
        client = client_for(user)
        for url in urls:
            settings.PAGE_CACHE = False
            worked_out = csrf.sub("", client.get(url).content.decode())
            settings.PAGE_CACHE = True
            first = csrf.sub("", client.get(url).content.decode())
            remembered = csrf.sub("", client.get(url).content.decode())
            assert worked_out == first == remembered, (user, url)


@pytest.mark.django_db(transaction=True)
def test_the_recommended_set_is_worked_out_ahead_and_again_after_a_change(
    head_of_ict, client_for, housing, monkeypatch
):
    BudgetFactory(financial_year=2026, amount=Decimal(120000))
    for _ in range(3):
        ProposalFactory(
            business_unit=housing,
            complete=True,
            costs={2026: 10000},
            status=ProposalStatus.IN_ASSESSMENT,
        )
    searches = []
    search = prioritisation.recommend
    monkeypatch.setattr(
        prioritisation, "recommend", lambda *args: searches.append(args) or search(*args)
    )
    assert figures_precompute() >= 1  # as the worker does after each change
    assert len(searches) == 1
    client = client_for(head_of_ict)
    page = client.get(reverse("projects:portfolio")).content.decode()
    assert "Recommended proposals" in page
    assert len(searches) == 1  # found ready

    ProposalFactory(
        business_unit=housing, complete=True, costs={2026: 500000},
        status=ProposalStatus.IN_ASSESSMENT,
    )  # fmt: skip
    assert figures_precompute() >= 1
    assert len(searches) == 2  # a new candidate: a new search, not the old answer
    assert len(searches[-1][0]) == 4
    client.get(reverse("projects:portfolio"))
    assert len(searches) == 2


def _portfolio_reading_assessments(client) -> tuple[str, bool]:
    """The portfolio, and whether it asked the database about anyone's assessments."""
    with CaptureQueriesContext(connection) as queries:
        page, _ = page_and_queries(client, reverse("projects:portfolio"))
    return page, any('"projects_assessment"' in query["sql"] for query in queries)


@pytest.mark.django_db(transaction=True)
def test_each_readers_marks_on_the_portfolio_are_worked_out_ahead_for_them(
    member, chair, head_of_ict, housing, client_for, precomputing, settings
):
    """Which scores each reader may see, and where they declared a conflict, weigh every
    proposal awaiting a decision against the reader's own assessments: worked out after
    each change for each reader, each reads only their own, and a reader whose unit
    changed (no change the data version counts) works theirs out again."""
    ratings = {c.pk: (4, "") for c in Criterion.objects.filter(is_active=True)}
    scored, conflicted, _ = (
        ProposalFactory(
            title=title, business_unit=housing, complete=True,
            status=ProposalStatus.IN_ASSESSMENT, costs={2026: 1000},
        )
        for title in ("Scored <by the member>", "Conflicted", "Unscored")
    )  # fmt: skip
    services.assessment_submit(proposal=scored, user=member, ratings=ratings)
    services.assessment_submit(proposal=scored, user=chair, ratings=ratings)
    services.conflict_declare(proposal=conflicted, user=member, note="My brother supplies it")
    clients = {person: client_for(person) for person in (member, chair, head_of_ict)}
    inline = {person: _portfolio_reading_assessments(c)[0] for person, c in clients.items()}
    assert len(set(inline.values())) == 3  # each sees different scores
    assert "you declared a conflict of interest" in inline[member]

    figures_precompute()  # as the worker does after the change
    for person, client in clients.items():
        page, asked = _portfolio_reading_assessments(client)
        assert page == inline[person], person.username
        assert not asked, person.username

    User.objects.filter(pk=member.pk).update(business_unit=housing)  # no signal, no version
    page, asked = _portfolio_reading_assessments(clients[member])
    assert asked
    assert page == inline[member]  # the same marks, worked out for the member as they are


def test_the_portfolios_years_are_every_year_costed_or_budgeted_gaps_left_out(housing):
    from projects.lists import portfolio_years

    ProposalFactory(business_unit=housing, costs={2026: 1000, 2027: 1000})
    ProposalFactory(business_unit=housing, costs={2027: 500, 2030: 500})
    BudgetFactory(financial_year=2024, amount=Decimal(1000))
    assert [year for year, _ in portfolio_years()] == [2024, 2026, 2027, 2030]


def test_the_portfolio_filters_offer_what_their_querysets_would(strategy, housing, finance):
    """The theme and unit options come from the shared figures (portfolio_figures), as
    the filters' own iterators would list them from their querysets."""
    from django_filters.fields import ModelChoiceIterator

    from projects import selectors
    from projects.lists import PortfolioFilter

    ProposalFactory(business_unit=housing, complete=True)
    filterset = PortfolioFilter({}, queryset=selectors.portfolio_awaiting())
    for name in ("theme", "unit"):
        field = filterset.form.fields[name]
        offered = [(str(value), label) for value, label in field.choices]
        own = [(str(value), label) for value, label in ModelChoiceIterator(field)]
        assert offered == own and len(offered) > 2, name
        assert len(field.choices) == len(own)
