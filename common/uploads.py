"""Checks on documents that business unit officers attach to ICT project proposals.

The bar is OWASP ASVS level 2 for file uploads (V12):

- Only an allow-list of document types is accepted, and the type is decided from the
  file's content. The extension and the browser's content type are chosen by whoever
  sends the request, so they are never trusted on their own; the extension must merely
  agree with what the content turned out to be.
- Files are capped in size, and zip-based documents are refused if they would expand
  to far more than they occupy (zip bombs).
- Macro-enabled documents are refused: macros are code, and we store and pass on
  documents, not programs.
- Files are stored under a name the server chooses, and the uploader's name is only
  ever shown after `safe_display_name` has made it harmless.
- Downloads are served as attachments (Content-Disposition: attachment) with the
  content type decided here, so a browser never renders an uploaded file in our origin.

The web server in front of Django should also cap request bodies, because Django
streams a file to disk before any form field sees it.
"""

import os
import re
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pyexpat import ExpatError, ParserCreate
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# A zip-based document may expand to at most this much in total...
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# ...and no entry may expand to more than this many times its compressed size. Real
# document parts stay far below it; zip bombs rely on ratios in the hundreds or more.
MAX_COMPRESSION_RATIO = 200

MAX_DISPLAY_NAME_LENGTH = 150

NOT_ALLOWED_MESSAGE = "The selected file must be a PDF, Word, Excel or OpenDocument file"
EMPTY_MESSAGE = "The selected file is empty"
MACROS_MESSAGE = "The selected file must not contain macros"


@dataclass(frozen=True)
class CheckedUpload:
    """What the content of an accepted upload turned out to be."""

    kind: str  # human name: "PDF", "Word", "Excel", "OpenDocument text", ...
    extension: str  # canonical extension with dot, e.g. ".docx"
    content_type: str  # the MIME type we will serve it with


_PDF = CheckedUpload("PDF", ".pdf", "application/pdf")
_WORD = CheckedUpload(
    "Word",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
_EXCEL = CheckedUpload(
    "Excel", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
_ODF_TEXT = CheckedUpload("OpenDocument text", ".odt", "application/vnd.oasis.opendocument.text")
_ODF_SPREADSHEET = CheckedUpload(
    "OpenDocument spreadsheet", ".ods", "application/vnd.oasis.opendocument.spreadsheet"
)
_ODF_PRESENTATION = CheckedUpload(
    "OpenDocument presentation", ".odp", "application/vnd.oasis.opendocument.presentation"
)
_WORD_97 = CheckedUpload("Word 97-2003", ".doc", "application/msword")
_EXCEL_97 = CheckedUpload("Excel 97-2003", ".xls", "application/vnd.ms-excel")

# An ODF document announces its type in its first zip entry, "mimetype", whose content
# is exactly the MIME type.
_ODF_BY_MIMETYPE = {
    kind.content_type.encode("ascii"): kind
    for kind in (_ODF_TEXT, _ODF_SPREADSHEET, _ODF_PRESENTATION)
}
# Word and Excel 97-2003 files share one container format (OLE2) and telling them apart
# means parsing it, so the name decides between them. Any other OLE2 file (PowerPoint,
# Outlook messages, password-protected Office files) is refused.
_LEGACY_BY_EXTENSION = {kind.extension: kind for kind in (_WORD_97, _EXCEL_97)}

_ACCEPT = ",".join(
    kind.extension
    for kind in (
        _PDF,
        _WORD,
        _WORD_97,
        _EXCEL,
        _EXCEL_97,
        _ODF_TEXT,
        _ODF_SPREADSHEET,
        _ODF_PRESENTATION,
    )
)

_PDF_SIGNATURE = b"%PDF-"
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"

# Office and OpenDocument files only ever use these; anything else (encryption, bzip2,
# lzma) is not one of our documents and would widen what the zip reader has to handle.
_DOCUMENT_ZIP_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ZIP_ENCRYPTED_FLAG = 0x1

# How much of a zip entry we are prepared to read while checking. Real entries are a
# few kilobytes at most; an entry claiming more is refused rather than read.
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_MAX_MIMETYPE_BYTES = 100

# In [Content_Types].xml, macro-enabled documents declare a "...macroEnabled..." main
# part, and macros themselves are stored in a vbaProject part.
_MACRO_MARKERS = ("macroenabled", "vbaproject")
# In OpenDocument files, Basic macros live under Basic/ and other scripts under Scripts/.
_ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")

# A zip that cannot be read cleanly is not a document we accept.
_UNREADABLE_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)

# Characters removed from display names: control and format characters (including
# right-to-left overrides that make "exe.pdf" look like "pdf.exe"), lone surrogates
# (which cannot be encoded into a header) and line or paragraph separators.
_REMOVED_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Longer "extensions" are really part of the name, so truncation need not keep them.
_MAX_KEPT_EXTENSION_LENGTH = 20
_FALLBACK_DISPLAY_NAME = "document"


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Decide from its content whether `upload` is a document we accept, and what it is.

    `upload` is a Django UploadedFile. Raises ValidationError with a message for the
    person uploading when the file is empty, too large, not an allowed kind, contains
    macros, looks like a zip bomb, or has a name whose extension disagrees with its
    content (so that a file never reaches anyone under a misleading extension).
    Leaves the file position at 0 so the caller can store the file.
    """
    if not upload.size:
        raise ValidationError(EMPTY_MESSAGE, code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
            code="too_large",
        )
    name_extension = os.path.splitext(upload.name or "")[1].lower()
    try:
        upload.seek(0)
        checked = _detect(upload, name_extension)
    finally:
        upload.seek(0)
    if checked.extension != name_extension:
        raise ValidationError(_mismatch_message(checked, name_extension), code="wrong_extension")
    return checked


def storage_name(checked: CheckedUpload) -> str:
    """A server-chosen name to store the file under: uuid4 hex plus the canonical extension.

    The uploader's name is never used, so it cannot steer where the file lands (path
    traversal), overwrite another file, or smuggle in an extension of its own.
    """
    return f"{uuid.uuid4().hex}{checked.extension}"


def safe_display_name(name: str) -> str:
    """The uploader's file name made safe to show and to put in a Content-Disposition header.

    Keeps only the last path part (splitting on both / and \\, since browsers on Windows
    may send full paths), removes control and format characters (header injection,
    right-to-left spoofing), and shortens it to at most MAX_DISPLAY_NAME_LENGTH
    characters while keeping its extension. Never returns an empty name.
    """
    basename = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(
        character
        for character in basename
        if unicodedata.category(character) not in _REMOVED_NAME_CATEGORIES
    ).strip()
    if cleaned in {"", ".", ".."}:
        return _FALLBACK_DISPLAY_NAME
    if len(cleaned) <= MAX_DISPLAY_NAME_LENGTH:
        return cleaned
    stem, extension = os.path.splitext(cleaned)
    if len(extension) > _MAX_KEPT_EXTENSION_LENGTH:
        return cleaned[:MAX_DISPLAY_NAME_LENGTH].rstrip()
    return stem[: MAX_DISPLAY_NAME_LENGTH - len(extension)].rstrip() + extension


class DocumentField(forms.FileField):
    """A file field that accepts only the documents `check_upload` accepts.

    A newly uploaded file that passes gets its CheckedUpload as attribute `checked`, so
    the view or service can store and later serve it without checking it again. Errors
    appear at the field. The widget's `accept` attribute helps the file picker show the
    right files; it is a convenience, not a check.
    """

    default_error_messages = {
        "required": "Select a file",
        "empty": EMPTY_MESSAGE,
        "missing": "The selected file could not be uploaded. Try again",
        "invalid": "The selected file could not be uploaded. Try again",
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "accept": _ACCEPT}

    def to_python(self, data: Any) -> UploadedFile | None:
        # Only newly submitted files come through here; an already stored file
        # (the field's initial value) was checked when it was uploaded.
        upload = super().to_python(data)
        if upload is not None:
            upload.checked = check_upload(upload)
        return upload


def _detect(upload: UploadedFile, name_extension: str) -> CheckedUpload:
    """What the content of `upload` is, read from its first bytes and, for zips, its entries."""
    head = upload.read(len(_OLE2_SIGNATURE))
    if head.startswith(_PDF_SIGNATURE):
        return _PDF
    if head == _OLE2_SIGNATURE and name_extension in _LEGACY_BY_EXTENSION:
        return _LEGACY_BY_EXTENSION[name_extension]
    if head.startswith(_ZIP_SIGNATURE):
        upload.seek(0)
        return _detect_zip(upload)
    raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed")


def _detect_zip(upload: UploadedFile) -> CheckedUpload:
    """Which zip-based document `upload` is: OpenDocument if its first entry is
    "mimetype", otherwise Word or Excel (OOXML)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _refuse_unsafe_entries(entries)
            if entries and entries[0].filename == "mimetype":
                return _detect_odf(archive, entries)
            return _detect_ooxml(archive)
    except _UNREADABLE_ZIP_ERRORS as error:
        raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed") from error


def _refuse_unsafe_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip before reading any entry if it could expand far beyond its size, or
    uses encryption or compression that documents never use.

    Sizes come from the zip's directory; zipfile will not read past them, so they also
    bound what the checks below read.
    """
    unzipped_bytes = 0
    for entry in entries:
        if (
            entry.flag_bits & _ZIP_ENCRYPTED_FLAG
            or entry.compress_type not in _DOCUMENT_ZIP_COMPRESSION
        ):
            raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed")
        if entry.file_size > MAX_COMPRESSION_RATIO * entry.compress_size:
            raise ValidationError(
                "The selected file is too heavily compressed to check safely", code="zip_bomb"
            )
        unzipped_bytes += entry.file_size
    if unzipped_bytes > MAX_UNZIPPED_BYTES:
        raise ValidationError(
            "The selected file must be smaller than "
            f"{MAX_UNZIPPED_BYTES // (1024 * 1024)} MB when uncompressed",
            code="zip_bomb",
        )


def _detect_odf(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> CheckedUpload:
    """The OpenDocument kind named by the first entry, "mimetype", if it is one we accept."""
    kind = _ODF_BY_MIMETYPE.get(_read_entry(archive, entries[0], _MAX_MIMETYPE_BYTES))
    if kind is None:
        raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed")
    if any(entry.filename.startswith(_ODF_MACRO_FOLDERS) for entry in entries):
        raise ValidationError(MACROS_MESSAGE, code="macros")
    return kind


def _detect_ooxml(archive: zipfile.ZipFile) -> CheckedUpload:
    """Word or Excel, from the parts the zip holds; refused if it is neither, both, or
    macro-enabled."""
    names = set(archive.namelist())
    is_word = "word/document.xml" in names
    is_excel = "xl/workbook.xml" in names
    if "[Content_Types].xml" not in names or is_word == is_excel:
        raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed")
    content_types = _read_entry(
        archive, archive.getinfo("[Content_Types].xml"), _MAX_CONTENT_TYPES_BYTES
    )
    if _declares_macros(content_types):
        raise ValidationError(MACROS_MESSAGE, code="macros")
    return _WORD if is_word else _EXCEL


def _declares_macros(content_types: bytes) -> bool:
    """Whether [Content_Types].xml declares macros anywhere in its attributes or text.

    The XML is parsed rather than searched as bytes, so the marker cannot hide behind
    another encoding or character references (&#109;acroEnabled). A DOCTYPE is refused:
    [Content_Types].xml never has one, and refusing it rules out entity expansion.
    """
    values: list[str] = []

    def refuse_doctype(*_: object) -> None:
        raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed")

    parser = ParserCreate()
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.StartElementHandler = lambda _name, attributes: values.extend(attributes.values())
    parser.CharacterDataHandler = values.append
    try:
        parser.Parse(content_types, True)
    except ExpatError as error:
        raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed") from error
    return any(marker in value.lower() for value in values for marker in _MACRO_MARKERS)


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    """The content of one zip entry, refusing the file if the entry is longer than `limit`."""
    with archive.open(entry) as member:
        content = member.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(NOT_ALLOWED_MESSAGE, code="not_allowed")
    return content


def _mismatch_message(checked: CheckedUpload, name_extension: str) -> str:
    """Tell the uploader that the file's content and its name disagree."""
    article = "an" if checked.kind[0] in "AEIOU" else "a"
    content = f"The selected file's content is {article} {checked.kind} file"
    if not name_extension:
        return f"{content} but its name has no extension"
    return f"{content} but its name says {name_extension}"
