"""Who may read and produce the annual report and the report archive: each rule once
(see projects/policies.py for why these are plain functions).

A produced file is one file for all its readers (the archive's readers and a
schedule's recipients), so it holds only what every one of them may see: the
scheduled reports ask the projects' and risks' rules with that in mind."""

from common.roles import GOVERNANCE_GROUP, Role, roles_of

REPORT_READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
REPORT_WRITERS = frozenset({Role.HEAD_OF_ICT})  # drafts, narrative, finalising, schedules


def may_read_reports(user) -> bool:
    return bool(roles_of(user) & REPORT_READERS)


def may_write_reports(user) -> bool:
    return bool(roles_of(user) & REPORT_WRITERS)
