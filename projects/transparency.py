"""The contracts dataset of the Local Government Transparency Code 2015: its columns,
each contract as a row frozen at publication, and the row as the CSV and JSON files
give it.

The Code asks for each contract's reference, title, department responsible,
description, supplier (name, registered company or charity number, whether an SME or
a voluntary or community sector organisation), sum to be paid over its length, VAT
that cannot be recovered, start, end and review dates, and whether it came from an
invitation to quote or a published invitation to tender.

A frozen row keeps money as the exact decimal text ("12500.00") and dates as ISO 8601
text, so what was published reads back exactly, whatever changes later.
"""

import datetime
from decimal import Decimal

from common.formatting import date as long_date

from .choices import YesNo

# (JSON field, CSV header), in the Code's order.
COLUMNS = [
    ("reference_number", "Reference number"),
    ("title_of_agreement", "Title of agreement"),
    ("department_responsible", "Department responsible"),
    ("description", "Description of goods or services"),
    ("supplier_name", "Supplier name"),
    ("supplier_company_number", "Supplier registered company number"),
    ("supplier_charity_number", "Supplier registered charity number"),
    ("supplier_is_sme", "Supplier is an SME"),
    ("supplier_is_vcse", "Supplier is a voluntary or community sector organisation"),
    ("contract_value", "Sum to be paid over the length of the contract"),
    ("irrecoverable_vat", "VAT that cannot be recovered"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("review_date", "Review date"),
    ("procurement_process", "Invitation to quote or tender"),
]
MONEY_FIELDS = frozenset({"contract_value", "irrecoverable_vat"})
YES_NO_FIELDS = frozenset({"supplier_is_sme", "supplier_is_vcse"})


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _date(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def frozen_row(contract) -> dict:
    """The contract as the dataset publishes it, JSON-safe."""
    return {
        "reference_number": contract.reference,
        "title_of_agreement": contract.title,
        "department_responsible": contract.department,
        "description": contract.description,
        "supplier_name": contract.supplier_name,
        "supplier_company_number": contract.supplier_company_number,
        "supplier_charity_number": contract.supplier_charity_number,
        "supplier_is_sme": contract.supplier_is_sme == YesNo.YES,
        "supplier_is_vcse": contract.supplier_is_vcse == YesNo.YES,
        "contract_value": _money(contract.total_value),
        "irrecoverable_vat": _money(contract.irrecoverable_vat),
        "start_date": _date(contract.start_date),
        "end_date": _date(contract.end_date),
        "review_date": _date(contract.review_date),
        # The label, not the code: what was published stays as it was worded.
        "procurement_process": contract.get_process_display(),
    }


def json_row(row: dict) -> dict:
    """A frozen row for the JSON file: amounts as numbers, the rest as frozen."""
    return {
        key: (float(Decimal(row[key])) if key in MONEY_FIELDS and row.get(key) else row.get(key))
        for key, _ in COLUMNS
    }


def csv_header() -> list[str]:
    return [header for _, header in COLUMNS]


def csv_row(row: dict) -> list:
    """A frozen row for the CSV file: amounts as plain numbers, yes or no as text.
    common.exports defuses any text a spreadsheet would read as a formula."""
    cells = []
    for key, _ in COLUMNS:
        value = row.get(key)
        if key in MONEY_FIELDS and value:
            value = Decimal(value)
        cells.append(value)
    return cells


def changes(now: list[dict], published: list[dict]) -> dict[str, list[str]]:
    """What publishing now would change, by contract reference."""
    before = {row["reference_number"]: row for row in published}
    after = {row["reference_number"]: row for row in now}
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(ref for ref in set(after) & set(before) if after[ref] != before[ref]),
    }


def shown_row(row: dict) -> dict:
    """A frozen row as a page shows it: dates as people write them."""
    return row | {
        key: long_date(datetime.date.fromisoformat(row[key])) if row.get(key) else ""
        for key in ("start_date", "end_date", "review_date")
    }
