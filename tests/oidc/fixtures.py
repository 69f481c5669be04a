"""A real OpenID Connect provider on loopback for tests: `tests/oidc/provider.mjs`
(panva's oidc-provider) run under Node, with one confidential client for the portal and
accounts a test writes as it goes.

    def test_sign_in(oidc_provider, live_server, page):
        oidc_provider.set_account("amina", email="amina@example.gov.uk",
                                  name="Amina Khan", groups=["ICT Strategy Members"])
        # point the portal's SocialApp at oidc_provider.issuer, client_id, client_secret
        ...
        page.get_by_label("Username").fill("amina")
        page.get_by_role("button", name="Sign in").click()

The sign-in page has one field, labelled "Username" (the account's `sub`), and a button
"Sign in"; there is no password, and no consent page: the provider grants the client
what it asks for. An unknown username is refused on the same page. Once signed in, the
provider remembers the person in that browser (its own cookie `_session`), so the next
sign-in there shows no page at all, as with Entra ID; use a new browser context for a
new person.

The client is registered as a loopback "native" client (RFC 8252), so its redirect URIs
`http://127.0.0.1<callback_path>` and `http://localhost<callback_path>` match on any
port: the provider can start before the live server chooses its own.
"""

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
ALLAUTH_CALLBACK_PATH = "/accounts/oidc/council/login/callback/"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
STARTUP_SECONDS = 20


@dataclasses.dataclass(frozen=True)
class OIDCProvider:
    """A running test provider, and the one client registered with it."""

    issuer: str
    client_id: str
    client_secret: str
    token_auth_method: str
    callback_path: str
    accounts_file: Path

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def log_file(self) -> Path:
        """What the provider printed, for when a sign-in goes wrong."""
        return self.accounts_file.with_name("provider.log")

    @property
    def redirect_uris(self) -> tuple[str, ...]:
        """The registered redirect URIs. They have no port, and any port matches."""
        return tuple(f"http://{host}{self.callback_path}" for host in LOOPBACK_HOSTS)

    def redirect_uri_for(self, server_url: str) -> str:
        """The callback on a server such as `live_server.url`, which the provider accepts."""
        return server_url.rstrip("/") + self.callback_path

    def set_account(
        self,
        sub: str,
        *,
        email: str,
        name: str,
        groups=(),
        amr=("pwd",),
        email_verified: bool = True,
        given_name: str | None = None,
        family_name: str | None = None,
    ) -> None:
        """Adds or replaces the account signed in to with the username `sub`.

        The provider reads the file on every look-up, so changed groups (or any claim)
        appear in the next ID token and userinfo response. `amr` is fixed when the person
        signs in, and so stays with their session at the provider.
        """
        first, _, last = name.partition(" ")
        accounts = self.accounts()
        accounts[sub] = {
            "email": email,
            "email_verified": email_verified,
            "name": name,
            "given_name": first if given_name is None else given_name,
            "family_name": last if family_name is None else family_name,
            "groups": list(groups),
            "amr": list(amr),
        }
        self._write(accounts)

    def remove_account(self, sub: str) -> None:
        accounts = self.accounts()
        accounts.pop(sub, None)
        self._write(accounts)

    def clear_accounts(self) -> None:
        self._write({})

    def accounts(self) -> dict:
        return json.loads(self.accounts_file.read_text())

    def _write(self, accounts: dict) -> None:
        # Written aside and renamed, so the provider never reads half a file.
        draft = self.accounts_file.with_suffix(".draft")
        draft.write_text(json.dumps(accounts, indent=2))
        draft.replace(self.accounts_file)


def _require_node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("The test OpenID provider needs Node.js: install nodejs (and npm).")
    if not (ROOT / "node_modules" / "oidc-provider" / "package.json").exists():
        pytest.fail(
            "The test OpenID provider needs the npm package oidc-provider: "
            "run `npm ci` (`make test` does) in the project's root."
        )
    return node


def _wait_until_listening(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if line.startswith("listening "):
                return line.removeprefix("listening ").strip()
        if process.poll() is not None:
            pytest.fail(
                f"The test OpenID provider stopped (exit {process.returncode}):\n" + log.read_text()
            )
        time.sleep(0.05)
    pytest.fail(f"The test OpenID provider did not start in {STARTUP_SECONDS}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running_oidc_provider(
    *,
    client_id: str = "ict-strategy-portal",
    client_secret: str = "test-client-secret",  # noqa: S107 - a loopback test client's secret
    token_auth_method: str = "client_secret_post",  # noqa: S107 - a method's name, not a secret
    callback_path: str = ALLAUTH_CALLBACK_PATH,
):
    """Starts the provider on a port the system chooses, and stops it on leaving.

    `token_auth_method` is the one way the client must authenticate at the token
    endpoint: `client_secret_post` (what allauth picks when discovery offers both) or
    `client_secret_basic`.
    """
    node = _require_node()
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as workdir:
        provider = OIDCProvider(
            issuer="",
            client_id=client_id,
            client_secret=client_secret,
            token_auth_method=token_auth_method,
            callback_path=callback_path,
            accounts_file=Path(workdir) / "accounts.json",
        )
        provider.clear_accounts()
        log = provider.log_file
        command = [
            node,
            str(PROVIDER_SCRIPT),
            "--port=0",
            f"--accounts={provider.accounts_file}",
            f"--client-id={client_id}",
            f"--auth-method={token_auth_method}",
            *(f"--redirect-uri={uri}" for uri in provider.redirect_uris),
        ]
        # The secret goes by the environment, where `ps` does not show it.
        environment = {**os.environ, "OIDC_CLIENT_SECRET": client_secret}
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603 - a fixed command of our own script
                command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            issuer = _wait_until_listening(process, log)
            yield dataclasses.replace(provider, issuer=issuer)
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def _oidc_provider_process():
    with running_oidc_provider() as provider:
        yield provider


@pytest.fixture
def oidc_provider(_oidc_provider_process):
    """The test OpenID provider, shared by the session's tests, with no accounts at the
    start of each test."""
    _oidc_provider_process.clear_accounts()
    return _oidc_provider_process
