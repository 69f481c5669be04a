import datetime

import factory
from django.contrib.auth.models import Group

from governance.choices import RAG, ActionStatus, StrategyStatus
from governance.models import (
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    Objective,
    Principle,
    Strategy,
    TermsOfReference,
    Theme,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Business unit {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, roles):
        """UserFactory(roles=[Role.HEAD_OF_ICT]) puts the user in those role groups."""
        for role in roles or ():
            self.groups.add(Group.objects.get_or_create(name=role.value)[0])


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Test strategy {n}")
    start_year = 2030
    end_year = 2035
    approving_body = "City Executive Board"
    approval_date = datetime.date(2029, 12, 1)
    status = StrategyStatus.DRAFT


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Theme title {n}")


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Principle {n}")


class CorporateObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorporateObjective

    title = factory.Sequence(lambda n: f"Corporate objective {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    theme = factory.SubFactory(ThemeFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")


class ActionPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlanItem

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    status = ActionStatus.IN_PROGRESS
    rag = RAG.GREEN
    progress = 25


class TermsOfReferenceFactory(factory.django.DjangoModelFactory):
    """The Group's terms of reference; TermsOfReferenceFactory(minimum_quorum=2) lets the
    two voting members of the shared fixtures (member and chair) be quorate."""

    class Meta:
        model = TermsOfReference

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # There is one set of terms for the Group: the demo data may have made it.
        group = kwargs.pop("group", model_class._meta.get_field("group").default)
        terms, _ = model_class.objects.update_or_create(group=group, defaults=kwargs)
        return terms

    minimum_quorum = 3
