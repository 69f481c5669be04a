"""`make run`'s set-up on its embedded database: the whole suite runs on PostgreSQL, so
this is what would notice a migration SQLite cannot apply (projects 0010's NULLS FIRST
index once stopped `make run` on a fresh machine) or demo data it cannot hold."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, database: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_ALLOWED_HOSTS": "testserver",  # the test client's host
    }
    return subprocess.run(  # noqa: S603 - manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_runs_set_up_migrates_sqlite_and_loads_the_demo(tmp_path):
    database = tmp_path / "db.sqlite3"
    for command in (["migrate", "--noinput"], ["load_demo_data"]):
        done = manage(*command, database=database)
        assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        usernames = {row[0] for row in connection.execute("SELECT username FROM governance_user")}
        proposals = connection.execute("SELECT COUNT(*) FROM projects_proposal").fetchone()[0]
    assert {"officer", "member", "chair", "headofict", "admin"} <= usernames
    assert proposals > 0


# Run by `manage.py shell` on the demo data: every main page, and each proposal, project
# and risk, as each demo role; prints each address that answered a server error.
PAGES_AS_EACH_ROLE = """
from django.test import Client
from django.urls import reverse
from governance.models import KPI, Strategy, User
from projects.models import Project, Proposal
from reports.models import AnnualReport
from risks.models import Risk

addresses = [
    reverse(name)
    for name in (
        "home", "projects:proposal-list", "projects:portfolio", "projects:project-list",
        "risks:risk-list", "risks:heat-map", "governance:kpi-list", "reports:archive",
    )
]
for model in (Proposal, Project, Risk, Strategy, KPI, AnnualReport):
    addresses += [item.get_absolute_url() for item in model.objects.all()]
for username in ("officer", "member", "chair", "headofict", "admin"):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    for address in addresses:
        status = client.get(address).status_code
        print(username, address, status, "SERVER ERROR" if status >= 500 else "")
"""


def test_every_page_answers_on_sqlite_as_each_role(tmp_path):
    """Pages that read plain SQL (common.plainsql) must read it on SQLite as well."""
    database = tmp_path / "db.sqlite3"
    for command in (["migrate", "--noinput"], ["load_demo_data"]):
        done = manage(*command, database=database)
        assert done.returncode == 0, done.stderr[-3000:]

    done = manage("shell", "-c", PAGES_AS_EACH_ROLE, database=database)

    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert len(lines) > 5 * 20, done.stdout[-3000:]  # every role saw every page
    assert [line for line in lines if "SERVER ERROR" in line] == [], done.stderr[-3000:]
    assert sum(" 200 " in line for line in lines) > 5 * 10
