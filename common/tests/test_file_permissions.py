"""Uploaded files and produced reports hold personal and commercial data: they are the
portal account's alone (files 0600, folders 0700), not readable by every account on
the server as the usual umask leaves them (0644)."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import check_upload
from projects.services import attachment_add, proposal_create
from reports import services as report_services


def _modes(media_root: Path, path: Path) -> list[str]:
    """Each folder's mode from MEDIA_ROOT down to the file, then the file's."""
    folders = [folder for folder in reversed(path.parents) if folder.is_relative_to(media_root)]
    return [oct(each.stat().st_mode & 0o777) for each in [*folders, path]]


def test_an_uploaded_attachment_is_readable_by_the_portal_account_only(
    officer, strategy, settings, tmp_path
):
    settings.MEDIA_ROOT = media_root = tmp_path / "media"
    proposal = proposal_create(user=officer, title="Replace the housing repairs system")
    upload = SimpleUploadedFile("Case.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    upload.checked = check_upload(upload)
    path = Path(attachment_add(proposal=proposal, user=officer, upload=upload).file.path)
    *folders, file = _modes(media_root, path)
    assert file == "0o600"
    assert folders and set(folders) == {"0o700"}


def test_a_report_the_worker_produces_is_readable_by_the_portal_account_only(
    head_of_ict, settings, tmp_path
):
    settings.MEDIA_ROOT = media_root = tmp_path / "media"
    run = report_services.report_request(
        kind="risk_report", period="2026-Q3", requested_by=head_of_ict
    )
    # What the Celery task runs; the worker reads the same settings.
    assert report_services.report_generate(run_id=run.pk) is True
    run.refresh_from_db()
    path = Path(run.file.path)
    *folders, file = _modes(media_root, path)
    assert file == "0o600"
    assert folders and set(folders) == {"0o700"}
