"""Serving stored files: uploads and produced reports, from whichever store
DJANGO_STORAGE names (a local folder, Azure Blob Storage, an S3 bucket).

Every download goes through the portal's own view, after its access check, and is
streamed from the store by the storage API: nothing ever links to the store itself.
"""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_response(
    file: FieldFile, *, filename: str, content_type: str | None = None
) -> FileResponse:
    """The file as a download named `filename`; 404 when its row outlived it (a restore
    without the files). A local folder says so when the file is opened, but the object
    stores open lazily and would fail only half-way into the response, so ask first."""
    if not file or not file.storage.exists(file.name):
        raise Http404("This file is no longer stored.")
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404("This file is no longer stored.") from error
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
