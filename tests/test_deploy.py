"""The way to deploy, tested: deploy/install.sh run for real into a temporary prefix
(without the parts that need root: Debian packages, the service account, loading the
units into systemd), the release it makes checked and started with the same deploy/bin
scripts the systemd units and the compose services run; the units and compose.yaml
checked against those scripts.

The install takes a minute or two (a virtualenv, requirements.txt, `npm ci`, the
stylesheet, collectstatic), once for the module.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from django.conf import settings

from common.testing import free_port

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENTRY_POINTS = {"web", "worker", "beat", "migrate"}
INSTALLED_BIN = "/opt/ictstrategy/app/deploy/bin/"
SECRET_KEY = "x8#kq2!vn@4z$w7p0r&m5t^y1u*i3o(e6a)s9d-f+g=h_j.l;b/c,"


def _unit(path: Path) -> dict[str, list[str]]:
    """A unit file's settings, each key's values in order (systemd allows repeats)."""
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def _seconds(span: str) -> int:
    """A systemd time span such as 31min or 45 (seconds), in seconds."""
    number, unit = re.fullmatch(r"(\d+)\s*(min|s|)", span).groups()
    return int(number) * (60 if unit == "min" else 1)


# The units and compose.yaml, read


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_each_unit_runs_a_deploy_bin_script_as_the_service_account_with_hardening(unit):
    values = _unit(unit)
    [command] = values["ExecStart"]
    assert command.startswith(INSTALLED_BIN)
    script = DEPLOY / "bin" / command.removeprefix(INSTALLED_BIN)
    assert script.name in ENTRY_POINTS
    assert os.access(script, os.X_OK), f"{script} is not executable"
    assert values["EnvironmentFile"] == ["/etc/ictstrategy/portal.env"]
    assert values["User"] == ["ictstrategy"]
    assert values["Restart"] == ["on-failure"]
    for setting, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ReadWritePaths": "/var/lib/ictstrategy",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "UMask": "0077",
    }.items():
        assert values.get(setting) == [value], f"{unit.name}: {setting}"


def test_the_three_units_are_web_worker_and_beat():
    assert [unit.name for unit in UNITS] == [
        "ictstrategy-beat.service",
        "ictstrategy-web.service",
        "ictstrategy-worker.service",
    ]


def test_web_unit_reloads_gunicorn_gracefully_with_hup():
    values = _unit(DEPLOY / "systemd" / "ictstrategy-web.service")
    assert values["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert values["Type"] == ["notify"]


def test_worker_unit_waits_for_the_longest_task_in_a_warm_shutdown():
    values = _unit(DEPLOY / "systemd" / "ictstrategy-worker.service")
    # SIGTERM to the main process only: the pool's children finish their tasks.
    assert values["KillMode"] == ["mixed"]
    assert _seconds(values["TimeoutStopSec"][0]) > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE


def test_compose_services_run_the_same_deploy_bin_scripts_as_the_units():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    for name in ENTRY_POINTS:
        assert services[name]["command"] == [INSTALLED_BIN + name]
        assert services[name]["build"] == "."
    unit_commands = {_unit(unit)["ExecStart"][0] for unit in UNITS}
    assert unit_commands == {INSTALLED_BIN + name for name in ("web", "worker", "beat")}
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    grace = services["worker"]["stop_grace_period"]
    assert _seconds(grace.removesuffix("m") + "min") > settings.CELERY_TASK_TIME_LIMIT


def test_the_image_is_made_by_the_install_script_and_runs_the_web_script():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^RUN /usr/src/ictstrategy/deploy/install\.sh ", dockerfile, re.M)
    assert f'CMD ["{INSTALLED_BIN}web"]' in dockerfile


def test_the_install_and_the_deploy_bin_scripts_pass_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (Debian: shellcheck)")
    scripts = [DEPLOY / "install.sh", *(DEPLOY / "bin" / name for name in sorted(ENTRY_POINTS))]
    scripts.append(DEPLOY / "bin" / "manage")
    result = _run([shellcheck, "--external-sources", *scripts], cwd=REPO)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_each_unit_keeps_systemds_exposure_score_low(unit):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    # --threshold is the exposure score (0-10) times ten; these units score 1.5, where a
    # unit with no hardening scores 9.6. Loosening one should be a decision, not a slip.
    result = _run([analyze, "security", "--offline=yes", "--threshold=20", unit])
    assert result.returncode == 0, result.stdout.splitlines()[-1]


# The install, run


def _settings(text: str) -> dict[str, str]:
    """A settings file's NAME=value lines, read as systemd's EnvironmentFile= reads them."""
    return dict(line.split("=", 1) for line in text.splitlines() if line[:1].isalpha())


def _with_settings(text: str, **values: str) -> str:
    """The settings file with these values in place of the ones it has."""
    lines = []
    for line in text.splitlines():
        name = line.split("=", 1)[0]
        lines.append(f"{name}={values.pop(name)}" if name in values else line)
    assert not values, f"the template has no {', '.join(values)}"
    return "\n".join(lines) + "\n"


def _collected(app: Path) -> dict[str, str]:
    """collectstatic's manifest: each static file's name to its fingerprinted name."""
    return json.loads((app / "staticfiles" / "staticfiles.json").read_text())["paths"]


def _outside_the_tests() -> dict[str, str]:
    """This process's environment without the test run's settings (its database, its
    broker, DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set), as a server has it."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_"))
    }


def _run(command, *, env=None, cwd=None, timeout=600):
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        command,
        env={**_outside_the_tests(), **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """deploy/install.sh into a temporary prefix, as a function that runs it again."""
    root = tmp_path_factory.mktemp("install")
    paths = {
        "prefix": root / "opt",
        "env_file": root / "etc" / "portal.env",
        "data_dir": root / "data",
        "units": root / "units",
    }

    def run(*options):
        command = [
            str(DEPLOY / "install.sh"), "--no-system-packages", "--no-user",
            "--python", sys.executable,
            "--prefix", str(paths["prefix"]),
            "--env-file", str(paths["env_file"]),
            "--data-dir", str(paths["data_dir"]),
            "--systemd-dir", str(paths["units"]),
            *options,
        ]  # fmt: skip
        result = _run(command)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    run()
    paths["run"] = run
    paths["app"] = paths["prefix"] / "app"
    paths["python"] = paths["prefix"] / "venv" / "bin" / "python"
    return paths


def test_install_stops_before_installing_anything_without_node_20(tmp_path):
    old_node = tmp_path / "bin" / "node"
    old_node.parent.mkdir()
    # Debian 12's, too old for sass: it says its version, and the check finds it too old.
    old_node.write_text('#!/bin/sh\n[ "$1" = --version ] && echo v18.20.4 || exit 1\n')
    old_node.chmod(0o755)
    prefix = tmp_path / "opt"
    result = _run(
        [DEPLOY / "install.sh", "--no-system-packages", "--no-user", "--prefix", prefix],
        env={"PATH": f"{old_node.parent}:{os.environ['PATH']}"},
    )
    assert result.returncode == 1
    assert "needs Node.js 20.19 or newer, with npm (found: v18.20.4)" in result.stderr
    assert not prefix.exists()


def test_install_makes_a_virtualenv_with_the_pinned_django(install):
    result = _run([install["python"], "-c", "import django; print(django.get_version())"])
    pinned = re.search(r"^Django==(\S+)$", (REPO / "requirements.txt").read_text(), re.M)
    assert result.stdout.strip() == pinned.group(1)


def test_install_builds_and_collects_the_council_stylesheet(install):
    stylesheet = install["app"] / "staticfiles" / _collected(install["app"])["dist/council.css"]
    assert ".govuk-header" in stylesheet.read_text()
    assert not (install["app"] / "node_modules").exists()  # a build tool, not the release's


def test_the_release_and_the_virtualenv_are_readable_by_the_service_account(install):
    # The service account is not their owner (root is): all of it must be readable by others.
    not_for_others = ["(", "!", "-perm", "-o=r", "-o", "-type", "d", "!", "-perm", "-o=x", ")"]
    unreadable = _run(["find", install["app"] / ".", install["prefix"] / "venv", *not_for_others])
    assert unreadable.stdout == ""


def test_install_writes_a_settings_template_only_its_owner_can_read(install):
    env_file = install["env_file"]
    assert env_file.stat().st_mode & 0o777 == 0o600
    values = _settings(env_file.read_text())
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert values["DJANGO_MEDIA_ROOT"] == str(install["data_dir"] / "media")
    assert (install["data_dir"] / "media").stat().st_mode & 0o777 == 0o700


def test_installed_release_passes_the_deployment_checklist(install):
    # The services are on port 1, where nothing listens: the checklist needs none.
    production = {
        "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "ict.example.gov.uk",
        "DATABASE_URL": "postgres://portal@127.0.0.1:1/portal",
        "DJANGO_CACHE_URL": "redis://127.0.0.1:1/1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    manage = install["app"] / "deploy" / "bin" / "manage"
    result = _run([manage, "check", "--deploy", "--fail-level", "WARNING"], env=production)
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_units_start_the_installed_scripts_and_pass_systemd_analyze(install):
    installed = sorted(install["units"].glob("*.service"))
    assert [unit.name for unit in installed] == [unit.name for unit in UNITS]
    for unit in installed:
        values = _unit(unit)
        assert values["ExecStart"][0].startswith(f"{install['prefix']}/app/deploy/bin/")
        assert values["EnvironmentFile"] == [str(install["env_file"])]
        assert values["ReadWritePaths"] == [str(install["data_dir"])]
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    result = _run([analyze, "verify", *map(str, installed)])
    # verify reports unknown keys and bad values without failing: any output is a fault.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.fixture
def scratch_database():
    """A new, empty PostgreSQL database beside the test run's, as a URL; then dropped."""
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in ("postgres", "postgresql", "psql", "pgsql"):
        pytest.skip("needs DATABASE_URL on PostgreSQL, as in CI")
    name = f"scratch_deploy_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(url._replace(path="/postgres"))
    with closing(psycopg2.connect(admin_url)) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(url._replace(path=f"/{name}"))
    with closing(psycopg2.connect(admin_url)) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _started(script, env, log):
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - an installed deploy/bin script
            [script], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _health_when_ok(base_url, web, logs, deadline_seconds=90):
    deadline = time.monotonic() + deadline_seconds
    answer = None
    while time.monotonic() < deadline:
        assert web.poll() is None, "\n".join(log.read_text() for log in logs)
        try:
            answer = _get(base_url + "/health/")
            if answer[0] == 200:
                return json.loads(answer[1])
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"/health/ answered {answer}\n" + "\n".join(log.read_text() for log in logs))


def _gunicorn_workers_release(web) -> set[Path]:
    """The folders gunicorn's worker processes (the web script's children) run in."""
    folders = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == web.pid:
                folders.add((stat.parent / "cwd").resolve())
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while being read
    return folders


def test_an_upgrade_keeps_the_settings_migrates_serves_and_reloads_onto_the_next_release(
    install, scratch_database, tmp_path
):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL on Redis, as in CI")
    port = free_port()
    env_file = install["env_file"]
    settings_text = _with_settings(
        env_file.read_text(),
        DATABASE_URL=scratch_database,
        CELERY_BROKER_URL=broker,
        DJANGO_CACHE_URL=broker,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        CELERY_CONCURRENCY="1",
    )
    env_file.write_text(settings_text)
    first_release = install["app"].resolve()

    install["run"]("--migrate", "--no-systemd")

    assert env_file.read_text() == settings_text  # never written over
    second_release = install["app"].resolve()
    assert second_release != first_release
    assert first_release.is_dir()  # kept, to go back to

    # What the units do: EnvironmentFile= gives the scripts the settings file; the web
    # unit is Type=notify, so gunicorn must say when it is ready.
    notify_path = tmp_path / "notify"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(notify_path))
    notify.settimeout(30)
    portal_env = {
        **_outside_the_tests(),
        **_settings(settings_text),
        "NOTIFY_SOCKET": str(notify_path),
    }
    bin_dir = install["app"] / "deploy" / "bin"
    logs = [tmp_path / "web.log", tmp_path / "worker.log"]
    base_url = f"http://127.0.0.1:{port}"
    with (
        closing(notify),
        _started(bin_dir / "worker", portal_env, logs[1]),
        _started(bin_dir / "web", portal_env, logs[0]) as web,
    ):
        assert b"READY=1" in notify.recv(4096)
        # 200 only when the database answers, no migration waits, a worker answers and
        # the data folder can be written.
        health = _health_when_ok(base_url, web, logs)
        assert {name for name, check in health["checks"].items() if check["ok"]} == {
            "database",
            "broker",
            "worker",
            "migrations",
            "files",
        }
        stylesheet = _collected(install["app"])["dist/council.css"]
        status, body = _get(f"{base_url}/static/{stylesheet}", **{"X-Forwarded-Proto": "https"})
        assert status == 200
        assert b".govuk-header" in body
        assert _gunicorn_workers_release(web) == {second_release}

        # A node's upgrade: the next release installed beside the running one, then
        # `systemctl reload ictstrategy-web` (SIGHUP) moves gunicorn's workers onto it.
        install["run"]("--no-systemd")
        third_release = install["app"].resolve()
        assert third_release not in (first_release, second_release)
        web.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while _gunicorn_workers_release(web) != {third_release}:
            assert web.poll() is None, logs[0].read_text()
            assert time.monotonic() < deadline, logs[0].read_text()
            time.sleep(0.5)
        assert _health_when_ok(base_url, web, logs)["status"] == "ok"
