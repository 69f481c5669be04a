"""Uploads and produced reports kept in an object store, each test run against real
servers on loopback: Azure Blob Storage's emulator Azurite (DJANGO_STORAGE=azure) and
moto's S3 server (DJANGO_STORAGE=s3); see the `object_store` fixture. The portal writes
and reads the files only through the storage API, serves them only through its own
views after their access checks, and backs them up and restores them as it does a
local folder, in the same archive format."""

import io
import tarfile
import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from common.roles import Role
from common.testing import upload_import, xlsx_file
from common.uploads import check_upload
from governance.tests.factories import UserFactory
from projects.models import Attachment
from projects.services import attachment_add, proposal_create
from reports import services as report_services
from reports.models import ReportExport
from risks.models import Risk
from risks.tests.test_imports import HEADINGS, _row

DOCUMENT = b"%PDF-1.4\n% a business case\n%%EOF\n"


def _upload(officer, *, title="Replace the housing repairs system"):
    proposal = proposal_create(user=officer, title=title)
    upload = SimpleUploadedFile("Business case.pdf", DOCUMENT, content_type="application/pdf")
    upload.checked = check_upload(upload)
    return attachment_add(proposal=proposal, user=officer, upload=upload)


def _produced_run(head_of_ict):
    run = report_services.report_request(
        kind="risk_report", period="2026-Q3", requested_by=head_of_ict
    )
    assert report_services.report_generate(run_id=run.pk) is True  # what the worker runs
    run.refresh_from_db()
    return run


def test_an_uploaded_document_is_kept_in_the_private_store_and_served_only_by_the_portal(
    object_store, officer, finance, strategy, client_for, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"  # so a stray local write would show
    client = client_for(officer)
    proposal = proposal_create(user=officer, title="Replace the housing repairs system")
    upload = SimpleUploadedFile("Business case.pdf", DOCUMENT, "application/pdf")
    response = client.post(reverse("projects:attachment-add", args=[proposal.pk]), {"file": upload})
    assert response.status_code == 302

    attachment = Attachment.objects.get()
    assert object_store.names() == {attachment.file.name}
    assert object_store.read(attachment.file.name) == DOCUMENT
    assert not (tmp_path / "media").exists()
    # Nobody reads the store without the credentials: it is not public, and the
    # object's own address answers nothing to a browser.
    assert object_store.is_private(attachment.file.name)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(object_store.url(attachment.file.name), timeout=10)  # noqa: S310 - a server on loopback

    download_url = reverse("projects:attachment-download", args=[attachment.pk])
    download = client.get(download_url)
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == DOCUMENT
    # No page or answer gives away where the file is kept.
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert download_url in page
    assert object_store.endpoint not in page
    assert not any(object_store.endpoint in value for value in download.headers.values())

    elsewhere = UserFactory(business_unit=finance, roles=[Role.OFFICER])
    assert client_for(elsewhere).get(download_url).status_code == 404
    assert client_for(None).get(download_url).status_code == 302  # to sign in


def test_a_document_the_store_has_lost_answers_not_found(
    object_store, officer, strategy, client_for
):
    attachment = _upload(officer)
    object_store.delete(attachment.file.name)
    download_url = reverse("projects:attachment-download", args=[attachment.pk])
    assert client_for(officer).get(download_url).status_code == 404


def test_a_produced_report_is_kept_in_the_store_and_downloaded_from_it(
    object_store, head_of_ict, member, strategy, client_for
):
    run = _produced_run(head_of_ict)
    stored = object_store.read(run.file.name)
    assert stored
    response = client_for(head_of_ict).get(reverse("reports:run-download", args=[run.pk]))
    assert b"".join(response.streaming_content) == stored

    report = report_services.annual_report_draft(user=head_of_ict, financial_year=2026)
    client = client_for(member)
    produced = client.post(
        reverse("reports:annual-produce", args=[report.pk]), {"file_format": "csv"}
    )
    export = ReportExport.objects.get()
    assert object_store.names() == {run.file.name, export.file.name}
    downloaded = b"".join(client.get(produced["Location"]).streaming_content)
    assert downloaded == object_store.read(export.file.name)


def test_an_imported_spreadsheet_is_kept_in_the_store_and_read_back_from_it(
    object_store, head_of_ict, strategy, client_for
):
    content = xlsx_file({"Risk register": [HEADINGS, _row(Title="Data centre flood")]})
    run = upload_import(client_for(head_of_ict), "risks", "register.xlsx", content, confirm=True)
    assert object_store.read(run.file.name) == content
    assert run.status == "done", run.error
    assert list(Risk.objects.values_list("title", flat=True)) == ["Data centre flood"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_stores_files_and_a_restore_puts_the_store_back(
    object_store, officer, head_of_ict, strategy, client_for, tmp_path
):
    document = _upload(officer)
    run = _produced_run(head_of_ict)
    report = object_store.read(run.file.name)
    archive = tmp_path / "portal.tar.gz"
    output = io.StringIO()
    call_command("backup", output=archive, stdout=output)
    assert "and 2 uploaded file(s)" in output.getvalue()
    with tarfile.open(archive) as tar:  # the names a backup of a folder would give them
        assert {f"media/{document.file.name}", f"media/{run.file.name}"} <= set(tar.getnames())

    object_store.delete(document.file.name)
    object_store.write(run.file.name, b"changed since the backup")
    object_store.write("proposals/uploaded-after-the-backup.pdf", DOCUMENT)

    output = io.StringIO()
    call_command("restore", archive, yes=True, stdout=output)

    assert "2 uploaded file(s) into the object store (" in output.getvalue()
    assert object_store.names() == {document.file.name, run.file.name}
    assert object_store.read(document.file.name) == DOCUMENT
    assert object_store.read(run.file.name) == report
    download_url = reverse("projects:attachment-download", args=[document.pk])
    assert b"".join(client_for(officer).get(download_url).streaming_content) == DOCUMENT


@pytest.mark.django_db(transaction=True)
def test_an_archive_moves_between_a_folder_and_the_store(
    object_store, officer, strategy, settings, tmp_path
):
    in_store = settings.STORAGES
    settings.STORAGES = {
        **in_store,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    document = _upload(officer)
    from_folder = tmp_path / "from-folder.tar.gz"
    call_command("backup", output=from_folder, stdout=io.StringIO())

    settings.STORAGES = in_store
    call_command("restore", from_folder, yes=True, stdout=io.StringIO())
    assert object_store.names() == {document.file.name}
    assert object_store.read(document.file.name) == DOCUMENT

    from_store = tmp_path / "from-store.tar.gz"
    call_command("backup", output=from_store, stdout=io.StringIO())
    folder = tmp_path / "restored-media"
    call_command("restore", from_store, yes=True, media_root=folder, stdout=io.StringIO())
    assert (folder / document.file.name).read_bytes() == DOCUMENT
    assert (folder / document.file.name).stat().st_mode & 0o777 == 0o600


def test_the_admin_names_a_stored_file_without_a_link_to_the_store(
    object_store, officer, strategy, client_for
):
    attachment = _upload(officer)
    # The admin lists only what its user may see in the portal: the unit's draft.
    root = UserFactory(
        username="root",
        is_superuser=True,
        is_staff=True,
        business_unit=officer.business_unit,
        roles=[Role.OFFICER],
    )
    client = client_for(root)
    change = reverse("admin:projects_attachment_change", args=[attachment.pk])
    history = reverse("admin:projects_attachment_history", args=[attachment.pk])
    record = attachment.history.get()
    version = reverse(
        "admin:projects_attachment_simple_history", args=[attachment.pk, record.history_id]
    )
    for url in (change, history, version):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert attachment.file.name in page or url == history
        assert object_store.endpoint not in page, url
