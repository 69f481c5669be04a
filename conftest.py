"""Fixtures shared by every app's tests: one named example user per role (as Zulip's
tests have), the strategy catalogue, and a signed-in client per user."""

import logging
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from common import audit_guard, tasks
from common.roles import Role
from common.testing import AzureContainer, S3Bucket, azurite_blob, moto_s3
from governance.catalogue import catalogue_load
from governance.tests.factories import BusinessUnitFactory, UserFactory


@pytest.fixture
def housing(db):
    return BusinessUnitFactory(name="Housing Services", code="housing")


@pytest.fixture
def finance(db):
    return BusinessUnitFactory(name="Finance", code="finance")


@pytest.fixture
def officer(housing):
    return UserFactory(username="olivia", business_unit=housing, roles=[Role.OFFICER])


@pytest.fixture
def member(finance):
    return UserFactory(username="mo", business_unit=finance, roles=[Role.MEMBER])


@pytest.fixture
def chair(finance):
    return UserFactory(username="charlotte", business_unit=finance, roles=[Role.CHAIR])


@pytest.fixture
def head_of_ict(db):
    return UserFactory(
        username="hannah", first_name="Hannah", last_name="Ives", roles=[Role.HEAD_OF_ICT]
    )


@pytest.fixture
def administrator(db):
    return UserFactory(username="adam", is_staff=True, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nora")


@pytest.fixture
def users_by_role(officer, member, chair, head_of_ict, administrator, no_role_user):
    """Every kind of signed-in user, keyed by the role they hold (None: no role)."""
    return {
        Role.OFFICER: officer,
        Role.MEMBER: member,
        Role.CHAIR: chair,
        Role.HEAD_OF_ICT: head_of_ict,
        Role.ADMINISTRATOR: administrator,
        None: no_role_user,
    }


@pytest.fixture
def precomputing(settings, monkeypatch):
    """Pages remember nothing, and read what the worker works out ahead; the task a
    change queues is not sent, so a test runs the worker's work by hand
    (common.precompute.figures_precompute) where the worker would."""
    settings.PAGE_CACHE = False
    settings.PRECOMPUTE_FIGURES = True
    monkeypatch.setattr(tasks.precompute_figures, "apply_async", lambda **options: None)


@pytest.fixture
def strategy(db):
    """The current strategy from the catalogue (which migrate loads in every install)."""
    return catalogue_load()


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing remembered: a rolled-back test's database ids are
    used again by the next, so what it cached must not be found."""
    cache.clear()


def pytest_configure(config):
    audit_guard.install()


@pytest.fixture(autouse=True)
def _no_write_skips_the_history():
    """Fails the test if the code it ran wrote to an audited model without history, or
    wrote history that does not name the user who acted."""
    audit_guard.take_violations()
    yield
    violations = audit_guard.take_violations()
    assert not violations, "Writes that bypass the history:\n" + "\n".join(violations)


@pytest.fixture
def security_log(caplog):
    """The lines the security log (ictstrategy.security) has written in this test."""
    caplog.set_level(logging.INFO, logger="ictstrategy.security")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "ictstrategy.security"]

    return lines


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """A real Azure Blob Storage endpoint (the Azurite emulator) on loopback, for the
    whole run: its connection string."""
    with azurite_blob(tmp_path_factory.mktemp("azurite")) as connection_string:
        yield connection_string


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's server mode) on loopback: its address."""
    with moto_s3() as endpoint:
        yield endpoint


def _store_name() -> str:
    return f"portal-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def azure_storage(azurite, settings, monkeypatch):
    """The portal keeping its files in a new, private Azure container, configured by
    the settings' own reading of DJANGO_STORAGE=azure; a view of the container."""
    from azure.storage.blob import BlobServiceClient

    from ictstrategy.settings.base import default_storage_setting

    container = BlobServiceClient.from_connection_string(azurite).create_container(_store_name())
    monkeypatch.setenv("DJANGO_STORAGE", "azure")
    monkeypatch.setenv("AZURE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("AZURE_CONTAINER", container.container_name)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_setting("azure")}
    yield AzureContainer(container)
    container.delete_container()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    """The portal keeping its files in a new, private S3 bucket, configured by the
    settings' own reading of DJANGO_STORAGE=s3; a view of the bucket."""
    import boto3

    from ictstrategy.settings.base import default_storage_setting

    bucket = _store_name()
    keys = {"S3_ACCESS_KEY_ID": "portal-test", "S3_SECRET_ACCESS_KEY": "portal-test-secret"}
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=keys["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=keys["S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket)
    for name, value in {
        "DJANGO_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "us-east-1",
        **keys,
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_setting("s3")}
    return S3Bucket(client, bucket, s3_server)


@pytest.fixture(params=["azure", "s3"])
def object_store(request):
    """Each object store the portal can keep its files in, in turn, as `azure_storage`
    and `s3_storage` configure them."""
    return request.getfixturevalue(f"{request.param}_storage")
