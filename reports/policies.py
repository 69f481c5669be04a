"""Who may read and produce the annual report and the report archive: each rule once
(see projects/policies.py for why these are plain functions).

A produced file is one file for all its readers (the archive's readers and a
schedule's recipients), so it holds only what every one of them may see: the
scheduled reports ask the projects' and risks' rules with that in mind."""

from common.roles import GOVERNANCE_GROUP, Role, roles_of

from .models import PaperPart

REPORT_READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
REPORT_WRITERS = frozenset({Role.HEAD_OF_ICT})  # drafts, narrative, finalising, schedules


def may_read_reports(user) -> bool:
    return bool(roles_of(user) & REPORT_READERS)


def may_write_reports(user) -> bool:
    return bool(roles_of(user) & REPORT_WRITERS)


# ------------------------------------------------------------ committee risk reports

# The public part of a committee risk paper is for publication, so anyone who reads the
# risk register may read it too. The exempt part holds information exempt under
# Schedule 12A: only the Head of ICT, who reports it, and the Governance Group, who
# advise the committee on it, may see it, on the report's page, as a file, or by e-mail
# (a scheduled report's e-mail links to the report and attaches nothing).
COMMITTEE_PAPER_READERS = REPORT_READERS | {Role.OFFICER}
EXEMPT_PART_READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
COMMITTEE_KEEPERS = REPORT_WRITERS  # committees, and producing their reports


def may_read_committee_papers(user) -> bool:
    return bool(roles_of(user) & COMMITTEE_PAPER_READERS)


def may_read_exempt_part(user) -> bool:
    return bool(roles_of(user) & EXEMPT_PART_READERS)


def paper_parts_visible(user) -> list[str]:
    """The parts of a committee risk paper this user may see."""
    parts = [PaperPart.PUBLIC] if may_read_committee_papers(user) else []
    if may_read_exempt_part(user):
        parts.append(PaperPart.EXEMPT)
    return parts
