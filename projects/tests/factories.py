import datetime
from decimal import Decimal

import factory

from governance.catalogue import catalogue_load
from governance.choices import MeetingStatus
from governance.models import Meeting
from governance.tests.factories import BusinessUnitFactory, UserFactory
from projects.choices import (
    ContractProcess,
    ProcurementRoute,
    ProposalStatus,
    SecurityImpact,
    TcopAnswer,
    YesNo,
)
from projects.models import (
    Budget,
    Contract,
    Project,
    Proposal,
    ProposalTheme,
    ProposalYear,
    TcopPoint,
    TcopResponse,
)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft proposal. ProposalFactory(complete=True) fills the whole business case,
    so it can be submitted; `status` puts it straight into a workflow state."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Proposal {n}")
    business_unit = factory.SubFactory(BusinessUnitFactory)
    strategy = factory.LazyFunction(catalogue_load)
    created_by = factory.SubFactory(UserFactory)

    class Params:
        complete = factory.Trait(
            case_for_change="Paper forms cost us £2 a transaction.",
            options_considered="Do nothing; buy a product; build one.",
            preferred_option="Buy a hosted product through G-Cloud.",
            non_cashable_benefits="Quicker service for residents.",
            first_financial_year=2026,
            procurement_route=ProcurementRoute.FRAMEWORK,
            funding_source="ICT capital programme",
            sponsor="Director of Housing",
            project_manager=factory.SelfAttribute("created_by"),
            start_date=datetime.date(2026, 6, 1),
            end_date=datetime.date(2027, 3, 31),
            milestones="Contract June; live December.",
            key_risks="Supplier capacity.",
            personal_data=YesNo.YES,
            security_impact=SecurityImpact.MEDIUM,
            # Low risk potential: with its £50,000 cost, one Business Justification Case.
            risk_novel=YesNo.NO,
            risk_personal_data_at_scale=YesNo.NO,
            risk_frontline=YesNo.NO,
            risk_immature_market=YesNo.NO,
        )

    @factory.post_generation
    def themes(self, create, themes):
        """Links theme 1 (with how) for a complete proposal, or the themes given."""
        if themes is None and self.case_for_change:
            themes = [self.strategy.themes.get(number=1)]
        for theme in themes or ():
            ProposalTheme.objects.create(proposal=self, theme=theme, how="It moves work online.")

    @factory.post_generation
    def costs(self, create, costs):
        """costs={2026: 50000, 2027: 10000}; a complete proposal costs £50,000 in 2026/27."""
        if costs is None and self.case_for_change:
            costs = {2026: 50000}
        for year, amount in (costs or {}).items():
            ProposalYear.objects.create(
                proposal=self,
                financial_year=year,
                capital_cost=Decimal(amount),
                cashable_savings=Decimal(10000),
            )

    @factory.post_generation
    def tcop(self, create, answers):
        """tcop={1: "partly_met"} answers points by number; a complete proposal meets
        every point it is not told otherwise, each with evidence. tcop=False: none."""
        if answers is False or (answers is None and not self.case_for_change):
            return
        answers = answers or {}
        for point in TcopPoint.objects.all():
            answer = answers.get(point.number, TcopAnswer.MET)
            if answer:
                TcopResponse.objects.create(
                    proposal=self,
                    point=point,
                    answer=answer,
                    evidence="" if answer == TcopAnswer.NOT_MET else f"Shown in {point.title}.",
                )


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget
        django_get_or_create = ("financial_year",)

    financial_year = 2026
    amount = Decimal(100000)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    starts_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    )
    location = "Town Hall, Committee Room 2"
    quorum = 2

    class Params:
        # MeetingFactory(in_session=True): started an hour ago, opened by its chair.
        in_session = factory.Trait(
            starts_at=factory.LazyFunction(
                lambda: datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
            ),
            opened_at=factory.LazyAttribute(lambda m: m.starts_at),
            status=MeetingStatus.IN_SESSION,
        )


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    proposal = factory.SubFactory(ProposalFactory, complete=True, status=ProposalStatus.APPROVED)
    project_manager = factory.SelfAttribute("proposal.project_manager")
    started_on = factory.LazyFunction(lambda: datetime.date.today())


class ContractFactory(factory.django.DjangoModelFactory):
    """A £12,500 contract let by framework call-off for a project in delivery."""

    class Meta:
        model = Contract

    project = factory.SubFactory(ProjectFactory)
    reference = factory.Sequence(lambda n: f"ICT-{n:04d}")
    title = "Hosted case management"
    description = "Software as a service, with support."
    department = "ICT"
    supplier_name = "Acme Cloud Ltd"
    supplier_company_number = "01234567"
    supplier_is_sme = YesNo.YES
    supplier_is_vcse = YesNo.NO
    total_value = Decimal("12500.00")
    start_date = datetime.date(2026, 6, 1)
    end_date = datetime.date(2028, 5, 31)
    process = ContractProcess.FRAMEWORK
