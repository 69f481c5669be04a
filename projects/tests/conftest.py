from types import SimpleNamespace

import pytest
from django.utils import timezone

from projects.choices import ProposalStatus
from projects.models import (
    AgendaItem,
    Attachment,
    Criterion,
    Scenario,
    TcopPoint,
    TransparencyPublication,
)
from projects.tests.factories import (
    ContractFactory,
    MeetingFactory,
    ProjectFactory,
    ProposalFactory,
)
from projects.transparency import frozen_row


@pytest.fixture
def world(officer, member, chair, head_of_ict, housing, tmp_path, settings):
    """One of each thing the projects pages show, all from the officer's unit."""
    settings.MEDIA_ROOT = tmp_path
    draft = ProposalFactory(business_unit=housing, created_by=officer, complete=True)
    submitted = ProposalFactory(
        business_unit=housing, created_by=officer, complete=True, status=ProposalStatus.SUBMITTED
    )
    assessing = ProposalFactory(
        business_unit=housing,
        created_by=officer,
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
    )
    project = ProjectFactory(
        proposal__business_unit=housing,
        proposal__created_by=officer,
    )
    meeting = MeetingFactory(chair=chair)
    item = AgendaItem.objects.create(meeting=meeting, proposal=assessing, position=1)
    attachment = Attachment.objects.create(
        proposal=submitted,
        file="proposals/test/report.pdf",
        original_name="report.pdf",
        kind="PDF",
        content_type="application/pdf",
        size=9,
        uploaded_by=officer,
    )
    (tmp_path / "proposals" / "test").mkdir(parents=True)
    (tmp_path / "proposals" / "test" / "report.pdf").write_bytes(b"%PDF-1.4\n")
    contract = ContractFactory(project=project)
    TransparencyPublication.objects.create(
        published_at=timezone.now(), published_by=head_of_ict, rows=[frozen_row(contract)]
    )
    scenario = Scenario.objects.create(name="Lower budget", created_by=head_of_ict, is_shared=True)
    return SimpleNamespace(
        scenario=scenario,
        contract=contract,
        draft=draft,
        submitted=submitted,
        assessing=assessing,
        project=project,
        meeting=meeting,
        item=item,
        attachment=attachment,
        criterion=Criterion.objects.first(),
        tcop_point=TcopPoint.objects.get(number=1),
    )
