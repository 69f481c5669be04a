"""Every domain model keeps history (django-simple-history), so every create, change and
delete leaves a record with the user."""

import ast
from pathlib import Path

from django.apps import apps

from common import audit_guard

BASE_DIR = Path(__file__).resolve().parents[1]

LOCAL_APPS = {"common", "governance", "projects", "risks", "reports"}
# Operational records, not domain objects: the outbox is itself a log of what was sent;
# the data version is a counter of the changes the history records; a role change is
# itself the history of an account's roles, written once and never changed, and a
# second factor's change the history of an account's second factors; a failed sign-in
# is a counter for the throttle, kept an hour; an access token is a credential, not a
# record, its making and revoking written to the security log (common.tokens); the beat
# lease is which beat may send, renewed every few seconds (common.beat), its changes of
# hands written to beat's log.
NOT_AUDITED = {
    "common.BeatLease",
    "common.AccessToken",
    "common.OutboundEmail",
    "common.DataVersion",
    "governance.RoleChange",
    "governance.SecondFactorChange",
    "common.SignInFailure",
}


def test_every_domain_model_has_history():
    missing = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if model._meta.app_label not in LOCAL_APPS or label in NOT_AUDITED:
            continue
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue
        if not hasattr(model, "history"):
            missing.append(label)
    assert not missing, f"Models without history: {missing}"


# No code path writes to an audited model without history. Two checks: the source is
# read for bulk writes on audited models, and while the whole suite runs a guard
# (common/audit_guard.py) fails any test whose code made one.

BULK_WRITES = {"update", "bulk_create", "bulk_update"}
SOURCE_DIRS = ["common", "governance", "projects", "risks", "reports", "ictstrategy"]


def _audited_models_by_name():
    return {
        model.__name__: model
        for model in apps.get_models()
        if model._meta.app_label in LOCAL_APPS and hasattr(model, "history")
    }


def _manager_model_name(node):
    """`Proposal` for `Proposal.objects.filter(...).update(...)`'s receiver, else None."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return node.value.id if isinstance(node.value, ast.Name) else None
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def _bulk_writes_on_audited_models(source, filename, audited):
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in BULK_WRITES:
            continue
        model = audited.get(_manager_model_name(node.func.value))
        if model is None:
            continue
        fields = {keyword.arg for keyword in node.keywords}
        excluded = set(model.history.model._history_excluded_fields)
        if node.func.attr == "update" and fields and fields <= excluded:
            continue  # display state the history leaves out on purpose
        found.append(f"{filename}:{node.lineno} {model.__name__}...{node.func.attr}()")
    return found


def _portal_sources():
    for directory in SOURCE_DIRS:
        for path in sorted((BASE_DIR / directory).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            yield path


def test_no_portal_code_bulk_writes_an_audited_model_without_history():
    audited = _audited_models_by_name()
    found = []
    for path in _portal_sources():
        found += _bulk_writes_on_audited_models(path.read_text(), str(path), audited)
    assert not found, "Bulk writes that bypass the history:\n" + "\n".join(found)


def test_the_source_check_finds_a_bulk_write_that_bypasses_history():
    audited = _audited_models_by_name()
    source = (
        "Proposal.objects.filter(pk=1).update(title='x')\n"
        "Risk.objects.bulk_create([])\n"
        "ReportRun.objects.filter(pk=1).update(progress=5, stage='PDF')\n"
        "ReportRun.objects.filter(pk=1).update(status='done')\n"
        "settings.update(a=1)\n"
    )
    found = _bulk_writes_on_audited_models(source, "example.py", audited)
    assert found == [
        "example.py:1 Proposal...update()",
        "example.py:2 Risk...bulk_create()",
        "example.py:4 ReportRun...update()",
    ]


def _run_as_portal_code(source, namespace):
    """Runs `source` as if it were a line of a portal module, not of a test."""
    exec(compile(source, str(BASE_DIR / "projects" / "example.py"), "exec"), namespace)  # noqa: S102


def test_the_runtime_guard_catches_portal_code_that_bypasses_history(db):
    from projects.models import Proposal
    from reports.models import ReportRun

    audit_guard.take_violations()
    _run_as_portal_code(
        "Proposal.objects.filter(pk=0).update(title='x')\n"
        "ReportRun.objects.filter(pk=0).update(progress=5, stage='PDF')\n",
        {"Proposal": Proposal, "ReportRun": ReportRun},
    )
    found = audit_guard.take_violations()
    assert len(found) == 1
    assert found[0].startswith("projects.Proposal.objects...update() at ")
    assert "projects/example.py:1" in found[0]


def test_bulk_create_with_history_is_not_a_bypass(db, officer, strategy):
    from simple_history.utils import bulk_create_with_history

    from projects.models import Proposal

    audit_guard.take_violations()
    _run_as_portal_code(
        "bulk_create_with_history([Proposal(title='Bulk', strategy=strategy, "
        "business_unit=unit, created_by=user)], Proposal, default_user=user)\n",
        {
            "bulk_create_with_history": bulk_create_with_history,
            "Proposal": Proposal,
            "strategy": strategy,
            "unit": officer.business_unit,
            "user": officer,
        },
    )
    assert audit_guard.take_violations() == []
    proposal = Proposal.objects.get(title="Bulk")
    assert proposal.history.get().history_user == officer


def test_the_runtime_guard_catches_history_that_names_nobody(db, officer, strategy):
    from common.services import save_with_history
    from projects.models import Proposal

    def proposal(title):
        return Proposal(
            title=title, strategy=strategy, business_unit=officer.business_unit,
            created_by=officer,
        )  # fmt: skip

    audit_guard.take_violations()
    _run_as_portal_code(
        "save_with_history(attributed, user=officer)\nanonymous.save()\n",
        {
            "save_with_history": save_with_history,
            "attributed": proposal("Attributed"),
            "anonymous": proposal("Anonymous"),
            "officer": officer,
        },
    )
    found = audit_guard.take_violations()
    assert len(found) == 1
    assert found[0].startswith("HistoricalProposal (Created) at ")
    assert "projects/example.py:2" in found[0]
