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
