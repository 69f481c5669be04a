"""The test OpenID provider works on its own, without the portal: it publishes its
configuration, signs people in by username, gives the client a code for an ID token with
the account's groups, email and amr, and sends changed groups at the next sign-in."""

import base64
import hashlib
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import jwt
import pytest
import requests

from tests.oidc.fixtures import ALLAUTH_CALLBACK_PATH, running_oidc_provider

# The relying party's server in the flows driven by requests, which stop at the redirect
# to it and read the code from the URL, so nothing need listen there.
CLIENT_SERVER = "http://127.0.0.1:8000"


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class AuthorizationRequest:
    """One sign-in's state, nonce and PKCE verifier, as a relying party keeps them."""

    def __init__(self, provider, configuration, server=CLIENT_SERVER):
        self.provider = provider
        self.configuration = configuration
        self.redirect_uri = provider.redirect_uri_for(server)
        self.state = secrets.token_urlsafe(16)
        self.nonce = secrets.token_urlsafe(16)
        self.verifier, challenge = pkce_pair()
        self.url = (
            configuration["authorization_endpoint"]
            + "?"
            + urlencode(
                {
                    "response_type": "code",
                    "client_id": provider.client_id,
                    "redirect_uri": self.redirect_uri,
                    "scope": "openid email profile",
                    "state": self.state,
                    "nonce": self.nonce,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                }
            )
        )

    def code_from(self, callback_url):
        assert callback_url.startswith(self.redirect_uri + "?"), callback_url
        query = parse_qs(urlsplit(callback_url).query)
        assert query["state"] == [self.state]
        assert query["iss"] == [self.provider.issuer]
        return query["code"][0]

    def redeem(self, code, *, basic=False):
        """Exchanges the code for tokens; returns the verified ID token's claims and the
        access token."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        }
        secret = (self.provider.client_id, self.provider.client_secret)
        if basic:
            response = requests.post(
                self.configuration["token_endpoint"], data=form, auth=secret, timeout=10
            )
        else:
            form |= dict(zip(("client_id", "client_secret"), secret, strict=True))
            response = requests.post(self.configuration["token_endpoint"], data=form, timeout=10)
        assert response.status_code == 200, response.text
        tokens = response.json()
        signing_key = jwt.PyJWKClient(self.configuration["jwks_uri"]).get_signing_key_from_jwt(
            tokens["id_token"]
        )
        claims = jwt.decode(
            tokens["id_token"],
            signing_key.key,
            algorithms=["RS256"],
            audience=self.provider.client_id,
            issuer=self.provider.issuer,
        )
        assert claims["nonce"] == self.nonce
        return claims, tokens["access_token"]


def discover(provider):
    response = requests.get(provider.discovery_url, timeout=10)
    assert response.status_code == 200
    return response.json()


def redirects_until(session, url, stop):
    """Follows the provider's redirects by hand, to the first page, or to the client's
    redirect URI, which is returned rather than visited."""
    while True:
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code not in (302, 303):
            return response
        url = urljoin(url, response.headers["Location"])
        if url.startswith(stop):
            return url


def sign_in_with_requests(provider, configuration, username, *, basic=False):
    request = AuthorizationRequest(provider, configuration)
    session = requests.Session()
    login_page = redirects_until(session, request.url, request.redirect_uri)
    assert login_page.status_code == 200
    assert '<label for="username">Username</label>' in login_page.text
    action = re.search(r'<form method="post" action="([^"]+)"', login_page.text)[1]
    submitted = session.post(
        urljoin(login_page.url, action),
        data={"username": username},
        allow_redirects=False,
        timeout=10,
    )
    assert submitted.status_code == 303, submitted.text
    callback = redirects_until(
        session, urljoin(login_page.url, submitted.headers["Location"]), request.redirect_uri
    )
    return request.redeem(request.code_from(callback), basic=basic)


def test_provider_publishes_its_configuration(oidc_provider):
    configuration = discover(oidc_provider)

    assert configuration["issuer"] == oidc_provider.issuer
    assert oidc_provider.issuer.startswith("http://127.0.0.1:")
    assert configuration["authorization_endpoint"].startswith(oidc_provider.issuer + "/")
    assert {"openid", "email", "profile"} <= set(configuration["scopes_supported"])
    assert "groups" in configuration["claims_supported"]
    assert "S256" in configuration["code_challenge_methods_supported"]
    assert {"client_secret_post", "client_secret_basic"} <= set(
        configuration["token_endpoint_auth_methods_supported"]
    )


def test_code_flow_gives_an_id_token_with_the_accounts_groups_and_the_next_sign_in_sees_new_groups(
    oidc_provider,
):
    oidc_provider.set_account(
        "amina",
        email="amina.khan@example.gov.uk",
        name="Amina Khan",
        groups=["ICT Strategy Members"],
        amr=("pwd", "mfa"),
    )
    configuration = discover(oidc_provider)

    claims, access_token = sign_in_with_requests(oidc_provider, configuration, "amina")

    assert claims["sub"] == "amina"
    assert claims["email"] == "amina.khan@example.gov.uk"
    assert claims["email_verified"] is True
    assert (claims["name"], claims["given_name"], claims["family_name"]) == (
        "Amina Khan",
        "Amina",
        "Khan",
    )
    assert claims["groups"] == ["ICT Strategy Members"]
    assert claims["amr"] == ["pwd", "mfa"]
    userinfo = requests.get(
        configuration["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    ).json()
    assert userinfo["groups"] == ["ICT Strategy Members"]
    assert userinfo["email"] == "amina.khan@example.gov.uk"

    oidc_provider.set_account(
        "amina",
        email="amina.khan@example.gov.uk",
        name="Amina Khan",
        groups=["ICT Strategy Chairs", "Finance"],
    )
    claims, _ = sign_in_with_requests(oidc_provider, configuration, "amina")

    assert claims["groups"] == ["ICT Strategy Chairs", "Finance"]
    assert claims["amr"] == ["pwd"]


def test_unknown_username_is_refused_on_the_sign_in_page(oidc_provider):
    configuration = discover(oidc_provider)
    request = AuthorizationRequest(oidc_provider, configuration)
    session = requests.Session()
    login_page = redirects_until(session, request.url, request.redirect_uri)

    refused = session.post(
        login_page.url, data={"username": "nobody"}, allow_redirects=False, timeout=10
    )

    assert refused.status_code == 200
    assert "No account has the username nobody" in refused.text


def test_redirect_uri_on_another_host_is_refused(oidc_provider):
    configuration = discover(oidc_provider)
    request = AuthorizationRequest(oidc_provider, configuration, "http://portal.example.gov.uk")

    response = requests.get(request.url, allow_redirects=False, timeout=10)

    assert response.status_code == 400
    assert "redirect_uri did not match" in response.text


def test_client_may_be_registered_for_client_secret_basic():
    with running_oidc_provider(token_auth_method="client_secret_basic") as provider:
        provider.set_account("ben", email="ben@example.gov.uk", name="Ben Ode", groups=["Finance"])

        claims, _ = sign_in_with_requests(provider, discover(provider), "ben", basic=True)

    assert claims["groups"] == ["Finance"]


@pytest.mark.parametrize("server", ["http://127.0.0.1:8123", "http://localhost:45678"])
def test_redirect_uri_on_any_loopback_port_is_accepted(oidc_provider, server):
    request = AuthorizationRequest(oidc_provider, discover(oidc_provider), server)

    response = requests.get(request.url, allow_redirects=False, timeout=10)

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/interaction/")


class CallbackRecorder(BaseHTTPRequestHandler):
    """The relying party's end of the browser flow: records each callback URL."""

    def do_GET(self):
        if not self.path.startswith(ALLAUTH_CALLBACK_PATH):
            self.send_error(404)  # the browser asks for /favicon.ico too
            return
        self.server.callbacks.append(f"http://{self.headers['Host']}{self.path}")
        body = f"callback {len(self.server.callbacks)}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def client_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CallbackRecorder)
    server.callbacks = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_person_signs_in_in_chromium_by_username_with_no_consent_click_and_stays_signed_in(
    oidc_provider, page, client_server
):
    oidc_provider.set_account(
        "amina",
        email="amina.khan@example.gov.uk",
        name="Amina Khan",
        groups=["ICT Strategy Members"],
    )
    configuration = discover(oidc_provider)
    server = f"http://127.0.0.1:{client_server.server_port}"

    first = AuthorizationRequest(oidc_provider, configuration, server)
    page.goto(first.url)
    page.get_by_label("Username").fill("amina")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("callback 1").wait_for()

    claims, _ = first.redeem(first.code_from(client_server.callbacks[0]))
    assert claims["groups"] == ["ICT Strategy Members"]
    assert claims["amr"] == ["pwd"]

    # The provider remembers her, as Entra ID does: the next sign-in in this browser
    # shows no page, and carries the groups she has now.
    oidc_provider.set_account(
        "amina",
        email="amina.khan@example.gov.uk",
        name="Amina Khan",
        groups=["ICT Strategy Chairs"],
    )
    second = AuthorizationRequest(oidc_provider, configuration, server)
    page.goto(second.url)
    page.get_by_text("callback 2").wait_for()

    claims, _ = second.redeem(second.code_from(client_server.callbacks[1]))
    assert claims["groups"] == ["ICT Strategy Chairs"]
