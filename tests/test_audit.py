"""Every domain model keeps history (django-simple-history), so every create, change and
delete leaves a record with the user."""

from django.apps import apps

LOCAL_APPS = {"common", "governance", "projects", "risks", "reports"}
# Operational records, not domain objects: the outbox is itself a log of what was sent.
NOT_AUDITED = {"common.OutboundEmail"}


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
