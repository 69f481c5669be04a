"""What a committee's risk paper says: the snapshot an issued report freezes, and the
two parts of the paper drawn from it.

Direction of travel compares each risk's residual score now with the score it had in
the last report issued to the same committee:

- worsened: its score went up; improved: down; unchanged: the same;
- new: it was not in that report (raised, or newly on the registers reported);
- a risk in that report that is no longer reported is listed as closed since then
  (or, if still open, as no longer on the registers reported).

A risk is flagged as a long-standing red risk when its residual level is the matrix's
highest ("Very high") in this report and either it was also at that level in each of
the reports to this committee before it, LONG_STANDING_RED_REPORTS reports running
including this one, or its ratings have held it at that level for LONG_STANDING_RED_MONTHS
months or more.

Risks marked exempt under Schedule 12A (risks/policies.py) are left out of the public
part entirely: its tables, its heat map, its totals and its lists of changes. The
public part says only how many risks the exempt part reports."""

import datetime

from django.conf import settings

from risks import selectors as risk_selectors
from risks.choices import ExemptParagraph, Level, Register
from risks.models import RiskMatrix
from risks.rating import LEVEL_ORDER

from .models import PaperPart

LONG_STANDING_RED_REPORTS = 3
LONG_STANDING_RED_MONTHS = 6
# A committee hears of the ICT and corporate registers; a project's risks reach it
# when escalated to the ICT register.
REGISTERS_REPORTED = (Register.ICT, Register.CORPORATE)
RED = LEVEL_ORDER[-1]

WORSENED, IMPROVED, UNCHANGED, NEW = "worsened", "improved", "unchanged", "new"
DIRECTION_LABELS = {
    WORSENED: "Worsened",
    IMPROVED: "Improved",
    UNCHANGED: "Unchanged",
    NEW: "New since the last report",
}
FIRST_REPORT_LABEL = "First reported"
# A risk reported in the exempt part last time and in the public part now: the public
# paper says nothing of how it stood then, which was exempt information.
NEWLY_PUBLIC_LABEL = "New to the public part"
# Arrows beside the words, hidden from screen readers, which read the words.
DIRECTION_ARROWS = {WORSENED: "↑", IMPROVED: "↓", UNCHANGED: "→", NEW: "★"}


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


def direction(score: int, previous_score: int | None) -> str:
    if previous_score is None:
        return NEW
    if score > previous_score:
        return WORSENED
    if score < previous_score:
        return IMPROVED
    return UNCHANGED


def _changes(entry: dict, before: dict | None) -> list[str]:
    """What changed since the last report, in words."""
    if before is None:
        return []
    said = []
    if entry["score"] != before["score"]:
        verb = "rose" if entry["score"] > before["score"] else "fell"
        said.append(f"Residual score {verb} from {before['score']} to {entry['score']}")
    if entry["level"] != before["level"]:
        said.append(f"Level changed from {before['level_label']} to {entry['level_label']}")
    if entry["owner"] != before["owner"]:
        said.append(f"Owner changed from {before['owner']} to {entry['owner']}")
    if entry["response"] != before["response"]:
        said.append(f"Response changed from {before['response']} to {entry['response']}")
    return said


def snapshot(*, committee_name: str, issued_on: datetime.date, previous: dict | None) -> dict:
    """Every reported risk as it stands now, compared with `previous` (the snapshot of
    the last report issued to the same committee, or None): the frozen content of a
    committee risk report."""
    risks = list(risk_selectors.reported_to_committees(REGISTERS_REPORTED))
    before = {entry["id"]: entry for entry in (previous or {}).get("risks", [])}
    red_since = risk_selectors.level_held_since(risks, RED, today=issued_on)
    long_ago = months_before(issued_on, LONG_STANDING_RED_MONTHS)
    entries = []
    for risk in risks:
        earlier = before.get(risk.pk)
        red = risk.residual_level == RED
        streak = (earlier["red_streak"] + 1 if earlier else 1) if red else 0
        since = red_since.get(risk.pk)
        entry = {
            "id": risk.pk,
            "reference": risk.reference,
            "title": risk.title,
            "register": risk.get_register_display(),
            "category": risk.get_category_display(),
            "owner": str(risk.owner),
            "response": risk.get_response_display(),
            "likelihood": risk.residual_likelihood,
            "impact": risk.residual_impact,
            "score": risk.residual_score,
            "level": risk.residual_level,
            "level_label": risk.get_residual_level_display(),
            "target_score": risk.target_score,
            "exempt_paragraph": risk.exempt_paragraph,
            "exempt_reason": risk.exempt_reason,
            "previous_score": earlier["score"] if earlier else None,
            "direction": direction(risk.residual_score, earlier["score"] if earlier else None),
            "red_streak": streak,
            "red_since": since.isoformat() if since else None,
            "long_standing_red": red
            and (streak >= LONG_STANDING_RED_REPORTS or (since is not None and since <= long_ago)),
        }
        entry["changes"] = _changes(entry, earlier)
        entry["previously_exempt"] = bool(earlier and earlier["exempt_paragraph"] is not None)
        entries.append(entry)
    reported = {entry["id"] for entry in entries}
    gone_ids = [pk for pk in before if pk not in reported]
    now = risk_selectors.risks_by_id(gone_ids)
    closed = []
    for pk in gone_ids:
        earlier, risk = before[pk], now.get(pk)
        is_closed = risk is None or risk.status == "closed"
        closed.append(
            {
                "id": pk,
                "reference": earlier["reference"],
                "title": earlier["title"],
                "previous_score": earlier["score"],
                "outcome": "Closed" if is_closed else "No longer on the registers reported",
                "reason": risk.closed_reason if risk is not None and is_closed else "",
                # Exempt if it was exempt when last reported, or is now.
                "exempt_paragraph": (risk.exempt_paragraph if risk else None)
                or earlier["exempt_paragraph"],
            }
        )
    return {
        "committee": committee_name,
        "issued_on": issued_on.isoformat(),
        "council_name": settings.COUNCIL_NAME,
        "matrix_version": risk_selectors.current_matrix().version,
        "previous_issued_on": (previous or {}).get("issued_on"),
        "risks": entries,
        "closed": closed,
    }


def _heat_map(entries: list[dict], matrix: RiskMatrix) -> list[dict]:
    counts = {}
    for entry in entries:
        key = (entry["likelihood"], entry["impact"])
        counts[key] = counts.get(key, 0) + 1
    return risk_selectors.heat_map_grid(counts, matrix)


def paper(frozen: dict, part: str) -> dict:
    """What one part of the paper shows. The public part holds only risks that are not
    exempt; the exempt part holds the exempt risks in full, and the heat map and
    totals of all risks."""
    exempt = part == PaperPart.EXEMPT
    everything = frozen["risks"]
    public = [e for e in everything if e["exempt_paragraph"] is None]
    withheld = [e for e in everything if e["exempt_paragraph"] is not None]
    rows = [dict(e) for e in (withheld if exempt else public)]
    closed = [c for c in frozen["closed"] if (c["exempt_paragraph"] is not None) == exempt]
    first = frozen["previous_issued_on"] is None
    for row in rows:
        newly_public = not exempt and row.get("previously_exempt", False)
        if newly_public:
            row.update(direction=NEW, previous_score=None, changes=[])
        row["direction_label"] = (
            NEWLY_PUBLIC_LABEL
            if newly_public
            else FIRST_REPORT_LABEL
            if first and row["direction"] == NEW
            else DIRECTION_LABELS[row["direction"]]
        )
        row["arrow"] = DIRECTION_ARROWS[row["direction"]]
        row["red_since_date"] = (
            datetime.date.fromisoformat(row["red_since"]) if row["red_since"] else None
        )
        row["paragraph_label"] = (
            ExemptParagraph(row["exempt_paragraph"]).label if row["exempt_paragraph"] else ""
        )
    counted = everything if exempt else public
    matrix = risk_selectors.matrix_version(frozen["matrix_version"])
    paragraphs = sorted(
        {e["exempt_paragraph"] for e in withheld}
        | {c["exempt_paragraph"] for c in closed if exempt}
    )
    return {
        "part": part,
        "exempt": exempt,
        "frozen": frozen,
        "committee": frozen["committee"],
        "council_name": frozen["council_name"],
        "issued_on": datetime.date.fromisoformat(frozen["issued_on"]),
        "previous_issued_on": None
        if first
        else datetime.date.fromisoformat(frozen["previous_issued_on"]),
        "rows": rows,
        "closed": closed,
        "long_standing": [row for row in rows if row["long_standing_red"]],
        "moved": [row for row in rows if row["direction"] in (WORSENED, IMPROVED)],
        "counts": {
            key: sum(1 for row in rows if row["direction"] == key) for key in DIRECTION_LABELS
        },
        "levels": [
            (Level(level).label, sum(1 for e in counted if e["level"] == level))
            for level in reversed(LEVEL_ORDER)
        ],
        "total": len(counted),
        "exempt_count": len(withheld),
        "heat_map": _heat_map(counted, matrix),
        "heat_map_caption": "All risks reported, public and exempt"
        if exempt
        else "Risks reported in this public part",
        "likelihood_labels": [(n, matrix.label("likelihood", n)) for n in range(1, 6)],
        "paragraphs": paragraphs,
        "exempt_heading": exempt_heading(paragraphs) if exempt else "",
        "rule": {
            "reports": LONG_STANDING_RED_REPORTS,
            "months": LONG_STANDING_RED_MONTHS,
            "level": Level(RED).label,
        },
    }


def exempt_heading(paragraphs: list[int]) -> str:
    if not paragraphs:
        numbers = "the relevant paragraph"
    elif len(paragraphs) == 1:
        numbers = f"paragraph {paragraphs[0]}"
    else:
        numbers = "paragraphs " + ", ".join(map(str, paragraphs[:-1])) + f" and {paragraphs[-1]}"
    return (
        f"Exempt: not for publication by virtue of {numbers} of Part 1 of Schedule 12A "
        "to the Local Government Act 1972"
    )
