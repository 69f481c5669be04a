"""The large-data generator (benchmarks.largedata and its module for each app), run at a
small scale: what it makes, that every row has its history, that the same seed makes
the same data, that the data keeps the portal's rules, and that the pages render on it."""

import datetime
import io
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from benchmarks.largedata import (
    BENCH_PASSWORD,
    BENCH_USERS,
    GenerationRun,
    Scale,
    generate,
    is_generated,
)
from common.roles import GOVERNANCE_GROUP, Role, roles_of
from common.testing import post_sign_in
from governance import meetings
from governance.choices import HELD_STATUSES, MINUTES_STATUSES, AttendanceStatus, MeetingStatus
from governance.models import KPI, Meeting, Objective, TermsOfReference, User
from projects import completeness
from projects.choices import APPROVED_STATUSES, Outcome, ProjectStatus, ProposalStatus
from projects.models import (
    Assessment,
    CriterionScore,
    Decision,
    Project,
    Proposal,
)
from projects.scoring import weighted_score
from projects.workflow import TRANSITIONS
from reports.models import AnnualReport
from risks import selectors as risk_selectors
from risks.choices import RiskStatus
from risks.models import Risk, RiskMatrix
from risks.rating import is_outside_appetite

AS_OF = datetime.date(2026, 10, 15)
SMALL = {"proposals": 60, "risks": 30, "years": 2, "seed": 7, "as_of": AS_OF}
LOCAL_APPS = ("governance", "projects", "risks", "reports")
DECIDED = {ProposalStatus(outcome) for outcome in Outcome}


def run_command(**options):
    out = io.StringIO()
    call_command("generate_large_data", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def audited_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in LOCAL_APPS
        and hasattr(model, "history")
        and not model.__name__.startswith("Historical")
    ]


def existing_rows():
    return {model: set(model.objects.values_list("pk", flat=True)) for model in audited_models()}


@pytest.fixture
def generated(db):
    """The small data set, with the rows that were there before it."""
    before = existing_rows()
    output = run_command()
    return {"before": before, "output": output}


def accounts():
    return {key: User.objects.get(username=username) for key, username in BENCH_USERS.items()}


# ------------------------------------------------------------------ what it makes


def test_it_makes_the_proposals_and_risks_asked_for_with_everything_around_them(generated):
    assert Proposal.objects.count() == 60
    assert Risk.objects.count() == 30
    assert Meeting.objects.filter(status=MeetingStatus.MINUTES_APPROVED).exists()
    assert (
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__date__gt=AS_OF).count()
        == 3
    )
    assert KPI.objects.filter(targets__isnull=False, measurements__isnull=False).exists()
    assert Project.objects.filter(updates__isnull=False).exists()
    assert AnnualReport.objects.filter(financial_year=2025).exists()
    assert is_generated()
    assert "Generated in" in generated["output"]
    assert "projects.Proposal " in generated["output"]


def test_proposals_come_in_every_status(db):
    # The statuses a proposal passes through in days (submitted, in triage) need a
    # busier pipeline than the small data set's to be sure to appear.
    run_command(proposals=300, risks=0, years=1)
    # Generated proposals predate business case stages (one decision settles each), so
    # none is developing a next case.
    expected = set(ProposalStatus.values) - {ProposalStatus.DEVELOPING}
    assert set(Proposal.objects.values_list("status", flat=True)) == expected


def test_there_is_one_account_per_role_that_signs_in_with_the_password(generated, client):
    roles = {key: roles_of(user) for key, user in accounts().items()}
    assert roles == {
        "officer": {Role.OFFICER},
        "member": {Role.MEMBER},
        "chair": {Role.CHAIR},
        "headofict": {Role.HEAD_OF_ICT},
        "admin": {Role.ADMINISTRATOR},
    }
    response = post_sign_in(client, BENCH_USERS["chair"], BENCH_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert "bench-headofict" in generated["output"]


def test_it_refuses_to_generate_twice_unless_asked_to_append(generated):
    with pytest.raises(CommandError, match="already in this database"):
        run_command()
    assert Proposal.objects.count() == 60
    run_command(proposals=10, risks=5, append=True)
    assert Proposal.objects.count() == 70
    assert Risk.objects.count() == 35
    assert User.objects.filter(username__in=BENCH_USERS.values()).count() == 5


# ------------------------------------------------------------------------- history


def test_every_generated_row_has_its_creation_in_history_naming_who_did_it(generated):
    before, missing, anonymous = generated["before"], [], []
    for model in audited_models():
        new = set(model.objects.values_list("pk", flat=True)) - before[model]
        created = Counter(
            model.history.filter(id__in=new, history_type="+").values_list("id", flat=True)
        )
        if set(created) != new or set(created.values()) - {1}:
            missing.append(model._meta.label)
        if model.history.filter(id__in=new, history_user__isnull=True).exists():
            anonymous.append(model._meta.label)
    assert not missing, f"Rows without exactly one creation record: {missing}"
    assert not anonymous, f"History not naming who acted: {anonymous}"


def test_each_rows_latest_history_record_is_the_row_as_it_is(generated):
    mismatched = []
    for model in audited_models():
        history = model.history.model
        fields = [f.attname for f in history.tracked_fields]
        rows = {row["id"]: row for row in model.objects.values(*fields)}
        latest = {}
        for record in history.objects.order_by("history_date", "history_id").values(*fields):
            latest[record["id"]] = record
        if any(latest.get(pk) != row for pk, row in rows.items()):
            mismatched.append(model._meta.label)
    assert not mismatched, f"Rows whose history ends elsewhere: {mismatched}"


def test_history_happens_before_the_reference_date_in_time_order(generated):
    cutoff = timezone.make_aware(datetime.datetime.combine(AS_OF, datetime.time()))
    for model in (Proposal, Risk, Project, Assessment, Decision):
        assert not model.history.filter(history_date__gt=cutoff).exists(), model
    for proposal in Proposal.objects.all():
        dates = list(proposal.history.order_by("history_id").values_list("history_date", flat=True))
        assert dates == sorted(dates)
        assert dates[0] == proposal.created_at


def test_many_to_many_links_are_in_every_history_record(generated):
    proposal = Proposal.objects.exclude(status=ProposalStatus.DRAFT).filter(
        principles__isnull=False
    )[0]
    principles = set(proposal.principles.values_list("pk", flat=True))
    for record in proposal.history.all():
        assert set(record.principles.values_list("principle_id", flat=True)) == principles


# ------------------------------------------------------------------- determinism


def canonical_snapshot():
    """Every row of every table the generator writes, primary keys replaced by each
    row's place in its table, so two runs compare although their ids differ."""
    models = audited_models()
    ranks = {
        model: {
            pk: i for i, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True))
        }
        for model in models
    }

    def plain(field, value):
        target = field.related_model if field.is_relation else None
        if target in ranks and value is not None:
            return ranks[target][value]
        return value

    snapshot = {}
    for model in models:
        fields = [
            f for f in model._meta.concrete_fields if f.name not in {"id", "password", "last_login"}
        ]
        snapshot[model._meta.label] = [
            tuple(plain(f, getattr(obj, f.attname)) for f in fields)
            for obj in model.objects.order_by("pk")
        ]
        history = model.history.model
        keys, records = {}, []
        for record in history.objects.all():
            key = (ranks[model][record.id], record.history_date, record.history_type)
            keys[record.history_id] = key
            values = [
                plain(f, getattr(record, f.attname))
                for f in history.tracked_fields
                if f.name != "id"
            ]
            records.append(
                (
                    *key,
                    plain(history._meta.get_field("history_user"), record.history_user_id),
                    *values,
                )
            )
        snapshot[history._meta.label] = sorted(records, key=repr)
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            snapshot[through._meta.label] = sorted(
                (ranks[model][s], plain(m2m, t))
                for s, t in through.objects.values_list(f"{source}_id", f"{target}_id")
            )
            if hasattr(history, m2m.name):
                links = getattr(history, m2m.name).model.objects.values_list(
                    "history_id", f"{target}_id"
                )
                snapshot[f"{history._meta.label}.{m2m.name}"] = sorted(
                    ((keys[h], plain(m2m, t)) for h, t in links), key=repr
                )
    return snapshot


def snapshot_of_a_run(generate_it):
    """Generate, take the snapshot, and roll the data back."""
    with transaction.atomic():
        generate_it()
        snapshot = canonical_snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_the_same_seed_and_reference_date_make_the_same_data(db):
    first = snapshot_of_a_run(run_command)
    second = snapshot_of_a_run(run_command)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], f"{table} differs between runs"
    assert first["projects.Proposal"], "nothing was generated"


def test_another_seed_makes_other_data(db):
    first = snapshot_of_a_run(run_command)
    other = snapshot_of_a_run(lambda: run_command(seed=8))
    assert first["projects.Proposal"] != other["projects.Proposal"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_vacuums_what_it_wrote_so_counts_can_read_an_index_alone():
    """As a server's autovacuum would in time: the pages it wrote are marked all-visible.
    (Inside a transaction, as in the other tests, it can only analyse.)"""
    output = run_command()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible FROM pg_class WHERE relname = %s", [Proposal._meta.db_table]
        )
        (all_visible_pages,) = cursor.fetchone()
    assert all_visible_pages > 0
    assert "tables vacuumed and analysed" in output


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_orm_writer_writes_the_same_rows_as_copy(db):
    def with_writer(by_copy):
        run = GenerationRun(
            seed=7, as_of=AS_OF, scale=Scale(proposals=60, risks=30, years=2),
            password=BENCH_PASSWORD, by_copy=by_copy,
        )  # fmt: skip
        return lambda: generate(run)

    by_copy = snapshot_of_a_run(with_writer(True))
    by_orm = snapshot_of_a_run(with_writer(False))
    for table in by_copy:
        assert by_copy[table] == by_orm[table], f"{table} differs between the writers"


# ---------------------------------------------------------------------- the rules


def test_proposals_keep_the_workflows_rules(generated):
    for proposal in Proposal.objects.prefetch_related("decisions", "events", "assessments"):
        decisions = sorted(proposal.decisions.all(), key=lambda d: d.decided_at)
        events = sorted(proposal.events.all(), key=lambda e: (e.created_at, e.pk))
        assert events == [] or events[-1].to_status == proposal.status
        for before, after in zip([None, *events], events, strict=False):
            assert after.from_status == (before.to_status if before else ProposalStatus.DRAFT)
            transition = TRANSITIONS[after.action]
            assert after.from_status in transition.sources
            assert after.to_status == transition.target or (
                transition.target is None and after.to_status in DECIDED
            )
        if proposal.status in DECIDED:
            assert decisions and decisions[-1].outcome == proposal.status
        if decisions:
            assert proposal.decided_at == decisions[-1].decided_at
            assert proposal.submitted_at < proposal.decided_at
        else:
            assert proposal.decided_at is None
        if proposal.status not in {ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN}:
            assert proposal.submitted_at is not None
            assert completeness.missing(proposal) == {}
        assert hasattr(proposal, "project") == (proposal.status in APPROVED_STATUSES)
        if proposal.status == ProposalStatus.DEFERRED:
            assert proposal.revisit_date == decisions[-1].revisit_date is not None


def test_decisions_are_made_at_quorate_meetings_with_the_proposal_on_the_agenda(generated):
    for decision in Decision.objects.select_related("meeting"):
        meeting = decision.meeting
        assert meeting.status in HELD_STATUSES
        assert meeting.opened_at <= decision.decided_at
        assert meeting.proposal_items.filter(proposal_id=decision.proposal_id).exists()
        assert meetings.quorum_of(meeting).met
        assert decision.decided_by_id == meeting.chair_id
        drafted = meeting.history.filter(status=MeetingStatus.MINUTES_DRAFTED).first()
        assert drafted is None or decision.decided_at < drafted.history_date


def test_past_meetings_were_held_and_minuted_and_the_next_are_scheduled(generated):
    cutoff = timezone.make_aware(datetime.datetime.combine(AS_OF, datetime.time()))
    fortnight_ago = cutoff - datetime.timedelta(days=14)
    for meeting in Meeting.objects.all():
        if meeting.starts_at > cutoff:
            assert meeting.status == MeetingStatus.SCHEDULED
        elif meeting.status != MeetingStatus.CANCELLED:
            assert meeting.closed_at is not None and meeting.chair_counts is not None
            assert meeting.attendance.filter(status=AttendanceStatus.IN_ATTENDANCE).exists()
            if meeting.starts_at < fortnight_ago:  # approved at the next meeting
                assert meeting.status == MeetingStatus.MINUTES_APPROVED
                assert meeting.minutes_approved_by_id == meeting.chair_id
    assert TermsOfReference.objects.get().minimum_quorum == 3


def test_scores_are_in_range_and_weighted_as_the_scoring_rules_say(generated):
    group = {
        user.pk
        for user in User.objects.filter(groups__name__in=[r.value for r in GOVERNANCE_GROUP])
    }
    for assessment in Assessment.objects.select_related("proposal", "assessor").prefetch_related(
        "scores"
    ):
        assert assessment.assessor_id in group
        assert assessment.assessor.business_unit_id != assessment.proposal.business_unit_id
        scores = list(assessment.scores.all())
        if assessment.conflict_declared:
            assert scores == [] and assessment.weighted_score is None
        else:
            assert all(0 <= s.score <= 5 for s in scores)
            assert assessment.weighted_score == weighted_score((s.score, s.weight) for s in scores)
    assert CriterionScore.objects.exists()


def test_risks_are_rated_on_the_current_matrix_with_their_last_review(generated):
    matrix = RiskMatrix.objects.get(is_current=True)
    tolerated = risk_selectors.tolerated_scores()
    for risk in Risk.objects.prefetch_related("reviews"):
        assert risk.matrix_id == matrix.pk
        assert risk.residual_score == matrix.score(risk.residual_likelihood, risk.residual_impact)
        assert risk.residual_level == matrix.level(risk.residual_likelihood, risk.residual_impact)
        assert risk.inherent_score == matrix.score(risk.inherent_likelihood, risk.inherent_impact)
        assert risk.target_score == matrix.score(risk.target_likelihood, risk.target_impact)
        last = max(risk.reviews.all(), key=lambda r: (r.reviewed_on, r.pk))
        assert (last.residual_likelihood, last.residual_impact) == (
            risk.residual_likelihood,
            risk.residual_impact,
        )
        assert last.next_review_date == risk.next_review_date
        for review in risk.reviews.all():
            assert review.outside_appetite == is_outside_appetite(
                review.residual_score, tolerated.get(risk.category)
            )
        assert (risk.status == RiskStatus.CLOSED) == bool(risk.closed_reason)


def test_projects_report_progress_until_they_close(generated):
    for project in Project.objects.annotate(latest=Max("updates__reported_on")):
        assert project.last_update_on == project.latest
        assert project.project_manager_id == (
            project.proposal.project_manager_id or project.proposal.created_by_id
        )
        if project.status == ProjectStatus.CLOSED:
            assert project.closed_on and project.closure_summary
            assert project.updates.order_by("-reported_on")[0].percent_complete == 100
        assert not project.updates.filter(percent_complete__gt=100).exists()


# ------------------------------------------------------------------------- pages


def page_status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_each_roles_home_page_renders_on_the_data(generated, client):
    for key, user in accounts().items():
        assert page_status(client, user, reverse("home")) == 200, key


def test_the_main_pages_render_on_the_data(generated, client):
    people = accounts()
    head, officer = people["headofict"], people["officer"]
    report = AnnualReport.objects.get(financial_year=2025)
    # Minuted: a meeting held in the last few days has no minutes to download yet.
    held = Meeting.objects.filter(decisions__isnull=False, status__in=MINUTES_STATUSES).first()
    upcoming = Meeting.objects.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at").first()
    risk = Risk.objects.filter(reviews__kind="reviewed").first()
    project = Project.objects.filter(updates__isnull=False).first()
    strategy = Proposal.objects.first().strategy
    pages = [
        (head, reverse("projects:proposal-list")),
        (head, reverse("projects:proposal-list") + "?status=in_assessment"),
        (officer, reverse("projects:proposal-list")),
        (people["member"], reverse("projects:portfolio")),
        (head, reverse("projects:portfolio")),
        (head, reverse("projects:project-list")),
        (head, project.get_absolute_url()),
        (head, reverse("projects:project-history", args=[project.pk])),
        (head, reverse("risks:risk-list")),
        (head, reverse("risks:heat-map")),
        (head, reverse("risks:overdue")),
        (head, risk.get_absolute_url()),
        (head, reverse("risks:risk-history", args=[risk.pk])),
        (head, reverse("governance:kpi-list")),
        (head, KPI.objects.first().get_absolute_url()),
        (officer, strategy.get_absolute_url()),
        (head, strategy.themes.first().get_absolute_url()),
        (head, Objective.objects.filter(proposals__isnull=False).first().get_absolute_url()),
        (head, reverse("governance:meeting-list")),
        (people["chair"], held.get_absolute_url()),
        (people["chair"], reverse("governance:meeting-minutes", args=[held.pk])),
        (people["member"], reverse("governance:meeting-minutes-docx", args=[held.pk])),
        (people["chair"], upcoming.get_absolute_url()),
        (head, reverse("reports:annual-list")),
        (head, report.get_absolute_url()),
        (head, reverse("reports:archive")),
    ]
    one_of_each = {p.status: p for p in Proposal.objects.order_by("-pk")}
    for proposal in one_of_each.values():
        # Only the unit's officers see a draft.
        viewer = (
            head
            if proposal.status != ProposalStatus.DRAFT
            else User.objects.filter(
                business_unit=proposal.business_unit, groups__name=Role.OFFICER
            ).first()
        )
        pages.append((viewer, proposal.get_absolute_url()))
        pages.append((viewer, reverse("projects:proposal-history", args=[proposal.pk])))
    failed = [
        (user.username, url, code)
        for user, url in pages
        if (code := page_status(client, user, url)) != 200
    ]
    assert not failed, f"Pages that did not render: {failed}"
