"""Production settings: the deployment checklist, run as an operator would run it."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from governance.models import User

BASE_DIR = Path(__file__).resolve().parents[2]
# The services are on port 1, where nothing listens, so the tests answer the same on
# every machine: what needs them fails at once.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.production",
    "DJANGO_SECRET_KEY": "x8#kq2!vn@4z$w7p0r&m5t^y1u*i3o(e6a)s9d-f+g=h_j.l;b/c,",
    "DJANGO_ALLOWED_HOSTS": "ict.example.gov.uk",
    "DATABASE_URL": "postgres://portal@127.0.0.1:1/portal",
    "DJANGO_CACHE_URL": "redis://127.0.0.1:1/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
}
SERVICE_URLS = ("DATABASE_URL", "DJANGO_CACHE_URL", "CELERY_BROKER_URL")


def _manage(*args, env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in SERVICE_URLS
    }
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist_with_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", *SERVICE_URLS])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("DJANGO_CACHE_URL", "locmemcache://"),
        ("DJANGO_CACHE_URL", "dummycache://"),
        ("CELERY_BROKER_URL", "filesystem://"),
        ("CELERY_BROKER_URL", "memory://"),
    ],
)
def test_production_refuses_a_cache_or_broker_only_one_process_can_see(variable, url):
    result = _manage("check", env={**PRODUCTION_ENV, variable: url})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} is {url}" in result.stderr


@pytest.mark.parametrize("command", ["load_demo_data", "generate_large_data"])
def test_loaders_that_make_accounts_with_published_passwords_refuse_to_run_in_production(
    command,
):
    result = _manage(command, env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "production" in result.stderr
    assert "published password" in result.stderr


def test_production_sends_hsts_and_only_secure_cookies():
    script = (
        "from django.test import Client; "
        "r = Client().get('/admin/', secure=True, HTTP_HOST='ict.example.gov.uk'); "
        "print(r['Strict-Transport-Security']); "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE)"
    )
    result = _manage("shell", "-c", script, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    hsts, cookies = result.stdout.strip().splitlines()[-2:]
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert cookies == "True True True Lax"


def test_production_cookies_are_host_only_so_no_other_subdomain_can_set_them():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)"
    )
    result = _manage("shell", "-c", script, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    # __Host- cookies: Secure, Path=/, no Domain, or browsers refuse them.
    assert result.stdout.strip().splitlines()[-1] == (
        "__Host-sessionid __Host-csrftoken True True / / None None"
    )


def test_production_redirects_plain_http_except_the_health_probe():
    script = (
        "from django.test import Client; c = Client(HTTP_HOST='ict.example.gov.uk'); "
        "print(c.get('/sign-in/').status_code, c.get('/health/').status_code)"
    )
    result = _manage("shell", "-c", script, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    sign_in, health = result.stdout.strip().splitlines()[-1].split()
    assert sign_in == "301"
    assert health in {"200", "503"}  # answered, whatever the state of this machine


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["load_demo_data", "generate_large_data"])
def test_a_loader_refused_makes_no_account(command, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command(command, stdout=io.StringIO())
    assert not User.objects.exists()


AZURE_ENV = {
    "DJANGO_STORAGE": "azure",
    "AZURE_ACCOUNT_NAME": "ictportal",
    "AZURE_ACCOUNT_KEY": "a2V5",
    "AZURE_CONTAINER": "portal-files",
}


def test_production_keeps_files_in_a_private_azure_container_when_told_to():
    code = "from django.conf import settings; print(settings.STORAGES['default'])"
    result = _manage("shell", "-c", code, env={**PRODUCTION_ENV, **AZURE_ENV})
    assert result.returncode == 0, result.stderr
    assert "storages.backends.azure_storage.AzureStorage" in result.stdout
    assert "'overwrite_files': False" in result.stdout
    assert "'expiration_secs': 60" in result.stdout
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, **AZURE_ENV}
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("storage", "missing"),
    [("azure", "AZURE_CONTAINER"), ("azure", "AZURE_ACCOUNT_KEY"), ("s3", "S3_BUCKET")],
)
def test_an_object_store_missing_a_setting_stops_the_start_naming_it(storage, missing):
    env = {**PRODUCTION_ENV, **AZURE_ENV, "DJANGO_STORAGE": storage}
    env.pop(missing, None)
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DJANGO_STORAGE is {storage}: set {missing} too." in result.stderr


def test_an_unknown_store_stops_the_start():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_STORAGE": "ftp"})
    assert result.returncode != 0
    assert "DJANGO_STORAGE is 'ftp': set it to one of local, azure, s3." in result.stderr


def test_object_stores_are_private_and_sign_what_urls_they_give_for_a_minute(monkeypatch):
    from ictstrategy.settings.base import default_storage_setting

    for name, value in AZURE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AZURE_BLOB_ENDPOINT", "http://127.0.0.1:10000/ictportal")
    azure = default_storage_setting("azure")["OPTIONS"]
    assert azure["connection_string"] == (
        "DefaultEndpointsProtocol=http;AccountName=ictportal;AccountKey=a2V5;"
        "BlobEndpoint=http://127.0.0.1:10000/ictportal"
    )
    monkeypatch.setenv("S3_BUCKET", "portal-files")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.internal")
    s3 = default_storage_setting("s3")["OPTIONS"]
    assert s3["endpoint_url"] == "https://s3.example.internal"
    assert (s3["default_acl"], s3["querystring_auth"], s3["querystring_expire"]) == (
        "private",
        True,
        60,
    )
    assert s3["file_overwrite"] is False
    assert default_storage_setting("local") == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
