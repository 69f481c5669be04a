"""Demo data loaders, registered by each app in its ready() and run in order by
`manage.py load_demo_data`, so no app has to import the apps to its right."""

from collections.abc import Callable

_loaders: list[tuple[int, Callable[..., object]]] = []


def register_demo_loader(order: int, loader: Callable[..., object]) -> None:
    """`loader(password=...)` loads one app's demo data idempotently."""
    if (order, loader) not in _loaders:
        _loaders.append((order, loader))
        _loaders.sort(key=lambda entry: entry[0])


def demo_loaders() -> list[Callable[..., object]]:
    return [loader for _, loader in _loaders]
