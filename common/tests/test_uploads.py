"""Tests for common.uploads: documents are accepted by content, never by name or the
browser's content type. Each test builds a small real file in memory."""

import contextlib
import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from common import uploads
from common.uploads import (
    MAX_UPLOAD_BYTES,
    CheckedUpload,
    DocumentField,
    check_upload,
    safe_display_name,
    storage_name,
)

NOT_ALLOWED = "The selected file must be a PDF, Word, Excel or OpenDocument file"
MACROS = "The selected file must not contain macros"

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ODT = "application/vnd.oasis.opendocument.text"


def build_zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def content_types(main_part, main_type):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()


def docx(main_type=WORD_MAIN, document=b"<w:document/>", extra=()):
    return build_zip(
        [
            ("[Content_Types].xml", content_types("word/document.xml", main_type)),
            ("word/document.xml", document),
            *extra,
        ]
    )


def xlsx(main_type=EXCEL_MAIN):
    return build_zip(
        [
            ("[Content_Types].xml", content_types("xl/workbook.xml", main_type)),
            ("xl/workbook.xml", b"<workbook/>"),
        ]
    )


def odf(mimetype, extra=()):
    # The OpenDocument rule: "mimetype" is the first entry, stored uncompressed.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"<office:document-content/>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>", zipfile.ZIP_DEFLATED)
        for name, content in extra:
            archive.writestr(name, content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    # The browser's content type is set to something plausible and wrong on purpose:
    # it must never matter.
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(file):
    with pytest.raises(ValidationError) as caught:
        check_upload(file)
    return caught.value.messages


@pytest.mark.parametrize(
    ("name", "content", "kind", "extension", "content_type"),
    [
        ("report.pdf", PDF, "PDF", ".pdf", "application/pdf"),
        (
            "business case.docx",
            docx(),
            "Word",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "costs.xlsx",
            xlsx(),
            "Excel",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("notes.odt", odf(ODT), "OpenDocument text", ".odt", ODT),
        (
            "costs.ods",
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "OpenDocument spreadsheet",
            ".ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            "pitch.odp",
            odf("application/vnd.oasis.opendocument.presentation"),
            "OpenDocument presentation",
            ".odp",
            "application/vnd.oasis.opendocument.presentation",
        ),
        ("old.doc", OLE2, "Word 97-2003", ".doc", "application/msword"),
        ("old.xls", OLE2, "Excel 97-2003", ".xls", "application/vnd.ms-excel"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith(".") else None,
)
def test_each_allowed_kind_is_accepted_by_its_content(name, content, kind, extension, content_type):
    assert check_upload(upload(name, content, "text/plain")) == CheckedUpload(
        kind=kind, extension=extension, content_type=content_type
    )


def test_extension_in_capitals_is_accepted():
    assert check_upload(upload("REPORT.PDF", PDF)).extension == ".pdf"


def test_renamed_executable_named_pdf_is_refused():
    executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    assert refusal(upload("invoice.pdf", executable)) == [NOT_ALLOWED]


def test_html_named_pdf_is_refused():
    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    assert refusal(upload("report.pdf", html)) == [NOT_ALLOWED]


def test_pdf_content_named_docx_is_refused():
    assert refusal(upload("report.docx", PDF)) == [
        "The selected file's content is a PDF file but its name says .docx"
    ]


def test_word_content_named_xlsx_is_refused():
    assert refusal(upload("costs.xlsx", docx())) == [
        "The selected file's content is a Word file but its name says .xlsx"
    ]


def test_content_with_a_name_without_extension_is_refused():
    assert refusal(upload("costs", xlsx())) == [
        "The selected file's content is an Excel file but its name has no extension"
    ]


def test_name_with_a_trailing_dangerous_extension_is_refused():
    assert refusal(upload("report.pdf.exe", PDF)) == [
        "The selected file's content is a PDF file but its name says .exe"
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("macros.docm", docx(WORD_MACRO_MAIN)),
        ("macros.docx", docx(WORD_MACRO_MAIN)),
        ("macros.xlsm", xlsx(EXCEL_MACRO_MAIN)),
        ("macros.xlsx", xlsx(EXCEL_MACRO_MAIN)),
        ("macros.docx", docx(WORD_MACRO_MAIN.lower())),
    ],
)
def test_macro_enabled_office_file_is_refused_whatever_its_name(name, content):
    assert refusal(upload(name, content)) == [MACROS]


def test_macro_marker_hidden_by_character_reference_is_refused():
    assert refusal(upload("macros.docx", docx(WORD_MACRO_MAIN.replace("m", "&#109;", 1)))) == [
        MACROS
    ]


def test_vba_project_part_in_a_docx_is_refused():
    vba_project = ("word/vbaProject.bin", b"\x00" * 10)
    content = build_zip(
        [
            (
                "[Content_Types].xml",
                content_types("word/vbaProject.bin", "application/vnd.ms-office.vbaProject"),
            ),
            ("word/document.xml", b"<w:document/>"),
            vba_project,
        ]
    )
    assert refusal(upload("report.docx", content)) == [MACROS]


def test_content_types_with_a_doctype_is_refused():
    # A DOCTYPE would allow entity expansion ("billion laughs"); real files have none.
    laughs = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "ha">]><Types>&a;</Types>'
    content = build_zip([("[Content_Types].xml", laughs), ("word/document.xml", b"<w/>")])
    assert refusal(upload("report.docx", content)) == [NOT_ALLOWED]


def test_malformed_content_types_is_refused():
    content = build_zip([("[Content_Types].xml", b"<Types"), ("word/document.xml", b"<w/>")])
    assert refusal(upload("report.docx", content)) == [NOT_ALLOWED]


def test_opendocument_with_macros_is_refused():
    content = odf(ODT, extra=[("Basic/Standard/Module1.xml", b"<script:module/>")])
    assert refusal(upload("notes.odt", content)) == [MACROS]


@pytest.mark.parametrize("name", ["archive.zip", "archive.docx", "archive.pdf"])
def test_plain_zip_is_refused(name):
    assert refusal(upload(name, build_zip([("readme.txt", b"hello")]))) == [NOT_ALLOWED]


def test_zip_with_content_types_but_neither_word_nor_excel_part_is_refused():
    content = build_zip(
        [
            ("[Content_Types].xml", content_types("ppt/presentation.xml", "application/xml")),
            ("ppt/presentation.xml", b"<p:presentation/>"),
        ]
    )
    assert refusal(upload("slides.pptx", content)) == [NOT_ALLOWED]


def test_zip_claiming_to_be_both_word_and_excel_is_refused():
    content = docx(extra=[("xl/workbook.xml", b"<workbook/>")])
    assert refusal(upload("report.docx", content)) == [NOT_ALLOWED]


def test_word_parts_without_content_types_are_refused():
    content = build_zip([("word/document.xml", b"<w:document/>")])
    assert refusal(upload("report.docx", content)) == [NOT_ALLOWED]


@pytest.mark.parametrize(
    "mimetype",
    [
        "application/epub+zip",
        "application/vnd.oasis.opendocument.graphics",
        "application/vnd.oasis.opendocument.text ",
    ],
)
def test_opendocument_with_other_mimetype_is_refused(mimetype):
    assert refusal(upload("notes.odt", odf(mimetype))) == [NOT_ALLOWED]


def test_opendocument_whose_mimetype_is_not_the_first_entry_is_refused():
    content = build_zip([("content.xml", b"<office:document-content/>"), ("mimetype", ODT)])
    assert refusal(upload("notes.odt", content)) == [NOT_ALLOWED]


def test_corrupt_zip_is_refused():
    assert refusal(upload("report.docx", b"PK\x03\x04" + b"\x00" * 100)) == [NOT_ALLOWED]


def test_truncated_zip_is_refused():
    assert refusal(upload("report.docx", docx()[:-30])) == [NOT_ALLOWED]


def test_zip_using_compression_documents_never_use_is_refused():
    content = build_zip(
        [
            ("[Content_Types].xml", content_types("word/document.xml", WORD_MAIN)),
            ("word/document.xml", b"<w:document/>"),
        ],
        compression=zipfile.ZIP_BZIP2,
    )
    assert refusal(upload("report.docx", content)) == [NOT_ALLOWED]


@pytest.mark.parametrize("name", ["slides.ppt", "message.msg", "protected.docx", "old.pdf"])
def test_older_office_content_is_refused_unless_named_doc_or_xls(name):
    assert refusal(upload(name, OLE2)) == [NOT_ALLOWED]


def test_file_larger_than_the_cap_is_refused():
    too_large = upload("big.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF)))
    assert too_large.size == MAX_UPLOAD_BYTES + 1
    assert refusal(too_large) == ["The selected file must be smaller than 10 MB"]


def test_file_exactly_at_the_cap_is_accepted():
    at_cap = upload("big.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF)))
    assert check_upload(at_cap).kind == "PDF"


def test_empty_file_is_refused():
    assert refusal(upload("empty.pdf", b"")) == ["The selected file is empty"]


def test_zip_bomb_by_compression_ratio_is_refused():
    bomb = docx(document=b"\x00" * (5 * 1024 * 1024))
    assert len(bomb) < 100 * 1024
    assert refusal(upload("report.docx", bomb)) == [
        "The selected file is too heavily compressed to check safely"
    ]


def test_zip_bomb_by_total_uncompressed_size_is_refused(monkeypatch):
    # Building 200 MB in a test is slow, so the limit is lowered instead; a stored entry
    # (compression ratio 1) shows the total alone is enough to refuse the file.
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    content = build_zip(
        [
            ("[Content_Types].xml", content_types("word/document.xml", WORD_MAIN)),
            ("word/document.xml", b"<w:document/>"),
            ("word/media/image1.png", b"\x89PNG" * (300 * 1024)),
        ],
        compression=zipfile.ZIP_STORED,
    )
    assert refusal(upload("report.docx", content)) == [
        "The selected file must be smaller than 1 MB when uncompressed"
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", PDF), ("report.docx", docx()), ("report.pdf", b"MZ" + b"\x00" * 100)],
)
def test_file_position_is_left_at_the_start(name, content):
    file = upload(name, content)
    file.seek(5)
    with contextlib.suppress(ValidationError):
        check_upload(file)
    assert file.tell() == 0


def test_storage_name_is_server_chosen_and_ends_with_the_canonical_extension():
    checked = check_upload(upload("secret-plans.PDF", PDF))
    names = {storage_name(checked) for _ in range(100)}
    assert len(names) == 100
    for name in names:
        stem, extension = name.rsplit(".", 1)
        assert extension == "pdf"
        assert len(stem) == 32
        assert int(stem, 16) >= 0
        assert "secret" not in name
        assert "plans" not in name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\report.pdf", "report.pdf"),
        ("folder/sub\\mixed.docx", "mixed.docx"),
        ("re\x00po\x1frt\x7f.pdf", "report.pdf"),
        ("evil\r\nSet-Cookie: a=b.pdf", "evilSet-Cookie: a=b.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  spaced name.pdf  ", "spaced name.pdf"),
        ("Café plan.pdf", "Café plan.pdf"),
        ("", "document"),
        ("   ", "document"),
        ("\x00\x01", "document"),
        ("..", "document"),
        ("some/folder/", "document"),
    ],
)
def test_safe_display_name(name, expected):
    assert safe_display_name(name) == expected


def test_very_long_display_name_is_shortened_keeping_its_extension():
    shortened = safe_display_name("a" * 300 + ".pdf")
    assert len(shortened) == 150
    assert shortened == "a" * 146 + ".pdf"


def test_very_long_display_name_with_a_very_long_extension_is_shortened():
    shortened = safe_display_name("a." + "b" * 300)
    assert shortened == "a." + "b" * 148


class AttachmentForm(forms.Form):
    document = DocumentField()


def test_document_field_puts_the_checked_upload_on_the_cleaned_file():
    form = AttachmentForm(data={}, files={"document": upload("costs.xlsx", xlsx())})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["document"]
    assert cleaned.name == "costs.xlsx"
    assert cleaned.checked.kind == "Excel"
    assert cleaned.checked.extension == ".xlsx"


def test_document_field_shows_a_refusal_at_the_field():
    form = AttachmentForm(data={}, files={"document": upload("report.docx", PDF)})
    assert not form.is_valid()
    assert form.errors == {
        "document": ["The selected file's content is a PDF file but its name says .docx"]
    }


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Select a file"),
        ({"document": upload("empty.pdf", b"")}, "The selected file is empty"),
        ({"document": upload("page.pdf", b"<html></html>")}, NOT_ALLOWED),
    ],
)
def test_document_field_uses_gov_uk_wording(files, message):
    form = AttachmentForm(data={}, files=files)
    assert not form.is_valid()
    assert form.errors == {"document": [message]}


def test_document_field_offers_only_allowed_extensions_in_the_file_picker():
    html = str(AttachmentForm()["document"])
    assert 'accept=".pdf,.docx,.doc,.xlsx,.xls,.odt,.ods,.odp"' in html


def test_file_streamed_to_disk_by_django_is_checked_the_same_way():
    # Django keeps uploads over 2.5 MB in a temporary file rather than in memory.
    content = docx()
    on_disk = TemporaryUploadedFile("report.docx", "text/plain", len(content), None)
    on_disk.write(content)
    try:
        assert check_upload(on_disk).kind == "Word"
        assert on_disk.tell() == 0
    finally:
        on_disk.close()
