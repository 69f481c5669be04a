"""Demo data loaders, registered by each app in its ready() and run in order by
`manage.py load_demo_data`, so no app has to import the apps to its right."""

from collections.abc import Callable

from django.conf import settings
from django.core.management.base import CommandError

_loaders: list[tuple[int, Callable[..., object]]] = []


def register_demo_loader(order: int, loader: Callable[..., object]) -> None:
    """`loader(password=...)` loads one app's demo data idempotently."""
    if (order, loader) not in _loaders:
        _loaders.append((order, loader))
        _loaders.sort(key=lambda entry: entry[0])


def demo_loaders() -> list[Callable[..., object]]:
    return [loader for _, loader in _loaders]


def refuse_unless_demo_accounts_allowed(command: str) -> None:
    """Stops `command`, which makes accounts whose passwords are published in the
    README, under settings that do not allow them: production's."""
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        raise CommandError(
            f"{command} refuses to run under production settings "
            f"({settings.SETTINGS_MODULE}): it makes accounts with published passwords. "
            "Run it on a development or scratch install, with the local settings."
        )
