"""The quarterly risk report carries each open risk's controls and assurance gaps."""

import datetime

from django.utils import timezone

from common.testing import xlsx_rows
from reports.generation import build
from risks import services as risk_services
from risks.tests.factories import RiskFactory


def test_the_risk_report_lists_controls_and_flags_each_risk_s_gaps(head_of_ict):
    assured = RiskFactory(title="Assured risk")
    risk_services.control_add(
        user=head_of_ict,
        risk=assured,
        fields={
            "description": "Change board approves releases",
            "owner": head_of_ict,
            "line": "second",
            "effectiveness": "effective",
            "assessed_on": timezone.localdate() - datetime.timedelta(days=10),
            "evidence": "Change board minutes",
        },
    )
    bare = RiskFactory(title="Bare risk", residual_likelihood=4, residual_impact=4)
    content, extension = build("risk_report", "2026-Q3")
    assert extension == "xlsx"
    rows = xlsx_rows(content, "Controls and assurance")
    by_risk = {row[0]: row for row in rows[1:]}
    assert by_risk[assured.reference][5:10] == [
        "No third-line assurance", "Change board approves releases", str(head_of_ict),
        "Second line", "Effective",
    ]  # fmt: skip
    assert by_risk[bare.reference][5:7] == ["Controls not assured", "None recorded"]
