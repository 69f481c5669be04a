"""The apps' dependencies run one way (STYLE.md): common knows no domain app, and the
benchmarks app, last of all, is used by none. Read from the source's imports, so a new
import that breaks the order fails here rather than in review."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOMAIN_APPS = ["governance", "projects", "risks", "reports"]


def imported_apps(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (in functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules_of(package: str):
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def importers_of(package: str, packages) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for app in packages
        for path in modules_of(app)
        if package in imported_apps(path)
    ]


def test_the_import_reader_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("import os\n\ndef f():\n    from benchmarks.largedata import stamp\n")
    assert imported_apps(module) == {"os", "benchmarks"}


@pytest.mark.parametrize("package", ["common", *DOMAIN_APPS, "ictstrategy"])
def test_nothing_but_the_benchmarks_app_imports_it(package):
    """common above all (the shared app knows no other), and no domain app or the
    project package (its bench settings name benchmarks.urls as a string, not an import)."""
    assert importers_of("benchmarks", [package]) == []
