"""Passwords are stored with Argon2id (common.hashers); a password stored by an older
hasher is stored again with Argon2id when its holder signs in. The test settings use
MD5 for speed, so these tests put the production list back."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client

from common.testing import post_sign_in
from governance.tests.factories import TEST_PASSWORD

PRODUCTION_HASHERS = [
    "common.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_the_base_settings_hash_with_argon2id_first():
    from ictstrategy.settings import base

    assert base.PASSWORD_HASHERS == PRODUCTION_HASHERS
    assert django_settings.PASSWORD_HASHERS != PRODUCTION_HASHERS  # the suite's fast MD5


def test_argon2id_parameters_are_within_owasps_recommendation(production_hashers):
    encoded = make_password("a long enough password 1")
    algorithm, variety, _version, params, *_ = encoded.split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    params = dict(p.split("=") for p in params.split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1


def test_a_pbkdf2_password_is_stored_again_with_argon2_at_sign_in(officer, production_hashers):
    officer.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    officer.save(update_fields=["password"])

    assert post_sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 302

    officer.refresh_from_db()
    assert identify_hasher(officer.password).algorithm == "argon2"
    assert officer.password.startswith("argon2$argon2id$")
    assert officer.check_password(TEST_PASSWORD)
