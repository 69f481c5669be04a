"""Each account's second factors in its history (SecondFactorChange) and in the
security log: set up, removed or renewed by their holder on allauth's pages, caught
from allauth's signals; reset by an administrator, written by services."""

from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset

from common.security import log_second_factor_change

from ..choices import SecondFactorChangeKind
from ..models import SecondFactorChange


def record(*, kind: str, person, actor, factor: str = "", request=None) -> None:
    SecondFactorChange.objects.create(person=person, kind=kind, factor=factor, actor=actor)
    log_second_factor_change(
        change=SecondFactorChangeKind(kind).label.lower(),
        factor=factor or "all",
        person=person,
        actor=actor,
        request=request,
    )


def _by_holder(kind):
    def receiver(sender, request, user, authenticator, **kwargs):
        record(kind=kind, person=user, actor=user, factor=authenticator.type, request=request)

    return receiver


_added = _by_holder(SecondFactorChangeKind.ADDED)
_removed = _by_holder(SecondFactorChangeKind.REMOVED)
_renewed = _by_holder(SecondFactorChangeKind.RENEWED)


def connect() -> None:
    authenticator_added.connect(_added, dispatch_uid="second-factor-added")
    authenticator_removed.connect(_removed, dispatch_uid="second-factor-removed")
    authenticator_reset.connect(_renewed, dispatch_uid="second-factor-renewed")
