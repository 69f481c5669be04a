"""The role-by-view access pattern every app's tests reuse.

Each app lists an AccessCase per URL in its tests/test_access.py (ACCESS_CASES); the
shared test runs every case for anonymous, a user with no role and each role, and a
project-wide test fails if any URL has no case.
"""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .roles import Role


@dataclass(frozen=True)
class AccessCase:
    url_name: str
    url: Callable[[SimpleNamespace], str]
    allowed: frozenset[Role]
    method: str = "get"
    data: dict = field(default_factory=dict)
    ok_status: int = 200
    public: bool = False  # open to anonymous users too
    # Where a role holder gets something else, e.g. 404 for an object outside their scope.
    overrides: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.method.upper()} {self.url_name}"


def assert_access(case: AccessCase, *, role: Role | None, client, objects, anonymous: bool):
    """Anonymous: sent to sign in. Allowed role: ok_status. Any other: 403."""
    url = case.url(objects)
    response = getattr(client, case.method)(url, case.data)
    if case.public:
        expected = case.ok_status
    elif anonymous:
        assert response.status_code == 302, f"{case} as anonymous: {response.status_code}"
        assert urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        return
    elif role in case.overrides:
        expected = case.overrides[role]
    elif role in case.allowed:
        expected = case.ok_status
    else:
        expected = 403
    assert response.status_code == expected, (
        f"{case} as {role or 'no role'}: expected {expected}, got {response.status_code}"
    )


SIGNED_IN_KINDS = [*Role, None]  # None: signed in, but with no role


SIGN_IN_FIELDS = ("login", "password")  # the sign-in form's field names, here only


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_and_queries(client, url) -> tuple[str, int]:
    """Opens the page (which must answer 200); returns its HTML without the form's token,
    which is masked afresh for every response so that nothing else may differ, and the
    number of queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return CSRF_TOKEN.sub("", response.content.decode()), len(queries)


def post_sign_in(client, username, password, *, ip="10.1.1.1", **extra):
    """Posts the sign-in form as a browser at address `ip` would; every test signs in
    through here, so the form's field names are written once. `extra` goes to
    client.post (REMOTE_ADDR, HTTP_X_FORWARDED_FOR, follow...)."""
    username_field, password_field = SIGN_IN_FIELDS
    extra.setdefault("REMOTE_ADDR", ip)
    return client.post(
        resolve_url("login"), {username_field: username, password_field: password}, **extra
    )


def upload_import(client, kind: str, name: str, content: bytes, *, confirm: bool = False):
    """Upload a file on the import page of `kind` as a browser would (and confirm its
    preview if asked); returns the import run it made, fresh from the database."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from .models import ImportRun

    response = client.post(
        reverse("import-upload", args=[kind]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    run = ImportRun.objects.latest("pk")
    if confirm:
        response = client.post(reverse("import-confirm", args=[run.pk]))
        assert response.status_code == 302
        run.refresh_from_db()
    return run


def xlsx_rows(content: bytes, sheet: str | None = None) -> list[list]:
    """A workbook's sheet (the first, unless named) as rows of cell values."""
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return [[cell.value for cell in row] for row in worksheet.iter_rows()]


def xlsx_file(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with a sheet per title, each a list of rows (the first the headings)."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test or the benchmark starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Azurite's development account: the name and key Microsoft publishes for the emulator,
# which accepts no other (learn.microsoft.com, "Use Azurite for local Azure Storage").
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@contextmanager
def _server(command: list[str], port: int) -> Iterator[None]:
    """Runs a server a test talks to on a loopback `port` until it answers; stops it."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 - our own arguments
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"{command[0]} stopped: {server.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not answer in 30 seconds") from None
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


@contextmanager
def azurite_blob(location: Path) -> Iterator[str]:
    """Azure Blob Storage's emulator (npm `azurite`) on a free loopback port, keeping
    its blobs under `location`; yields a connection string for it, and stops it."""
    port = free_port()
    command = [
        str(Path(settings.BASE_DIR) / "node_modules" / ".bin" / "azurite-blob"),
        *("--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", str(location)),
        # --loose and --skipApiVersionCheck: azure-storage-blob may be newer than the
        # emulator, and asks for headers and API versions it does not know yet.
        *("--silent", "--skipApiVersionCheck", "--loose"),
    ]
    with _server(command, port):
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
        )


@contextmanager
def moto_s3() -> Iterator[str]:
    """An S3-compatible server (moto's server mode) on a free loopback port; yields
    its address. It takes any key pair, and refuses requests signed with none."""
    port = free_port()
    with _server([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port):
        yield f"http://127.0.0.1:{port}"


class AzureContainer:
    """A test's own view of the container the portal keeps its files in."""

    def __init__(self, client):
        self.client = client
        self.endpoint = client.url.split(f"/{AZURITE_ACCOUNT}/")[0]

    def names(self) -> set[str]:
        return {blob.name for blob in self.client.list_blobs()}

    def read(self, name: str) -> bytes:
        return self.client.download_blob(name).readall()

    def write(self, name: str, data: bytes) -> None:
        self.client.upload_blob(name, data, overwrite=True)

    def delete(self, name: str) -> None:
        self.client.delete_blob(name)

    def url(self, name: str) -> str:
        return self.client.get_blob_client(name).url

    def is_private(self, name: str) -> bool:
        return self.client.get_container_access_policy()["public_access"] is None


class S3Bucket:
    """A test's own view of the bucket the portal keeps its files in."""

    EVERYONE = ("http://acs.amazonaws.com/groups/global/AllUsers", "AuthenticatedUsers")

    def __init__(self, client, bucket: str, endpoint: str):
        self.client, self.bucket, self.endpoint = client, bucket, endpoint

    def names(self) -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)
        return {entry["Key"] for entry in listed.get("Contents", ())}

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()

    def write(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data)

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=name)

    def url(self, name: str) -> str:
        return f"{self.endpoint}/{self.bucket}/{name}"

    def is_private(self, name: str) -> bool:
        grants = [
            *self.client.get_bucket_acl(Bucket=self.bucket)["Grants"],
            *self.client.get_object_acl(Bucket=self.bucket, Key=name)["Grants"],
        ]
        uris = [grant["Grantee"].get("URI", "") for grant in grants]
        return not any(uri.endswith(self.EVERYONE) for uri in uris)


class SignInFailed(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stops at the sign-in's own answer, so its timing leaves out the page after it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in person: a cookie jar and the sign-in form."""

    def __init__(self, base_url, *, follow_redirects=True):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies)]
        if not follow_redirects:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=60) as response:
            body = response.read()
            return response.status, response.headers, body

    def sign_in(self, username, password) -> float:
        """Signs in through the form; returns the milliseconds the form's POST took."""
        _, _, body = self.get(reverse("login"))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.decode(), "login": username, "password": password}
        ).encode()
        request = urllib.request.Request(
            self.base_url + reverse("login"), data=data, headers={"Referer": self.base_url}
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as answer:  # the 302 when redirects are not followed
            if answer.code != 302:
                raise
        elapsed = (time.perf_counter() - started) * 1000
        if not any(cookie.name == "sessionid" for cookie in self.cookies):
            raise SignInFailed(f"Could not sign in as {username}.")
        return elapsed


def database_url() -> str:
    """The database this test runs against, as a DATABASE_URL another process can use
    (a server, a Celery worker or beat started by the test)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition: Callable[[], object], seconds: float, *, every: float = 0.05):
    """`condition()`'s first true answer within `seconds`, asked every `every` seconds;
    None if it never gave one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answer := condition():
            return answer
        time.sleep(every)
    return None


def start_process(command: list[str], *, env: dict, log, own_group: bool = False):
    """A server, worker or beat a test starts from the project's folder, its output in
    the file `log`. With `own_group`, in a process group of its own, so a test can stop
    or kill it whole (its child processes too), as a machine would be lost."""
    return subprocess.Popen(  # noqa: S603 - the test's own fixed command
        command,
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=own_group,
    )
