import datetime

import factory
from django.utils import timezone

from governance.catalogue import catalogue_load
from governance.tests.factories import UserFactory
from risks.choices import Response, RiskCategory
from risks.models import Risk, RiskMatrix


class RiskFactory(factory.django.DjangoModelFactory):
    """A risk rated on the current matrix: residual (2, 2) = 4, Medium, within every
    default appetite except Averse."""

    class Meta:
        model = Risk
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Risk {n}")
    cause = "A cause"
    event = "An event"
    consequence = "A consequence"
    category = RiskCategory.OPERATIONAL
    owner = factory.SubFactory(UserFactory)
    strategy = factory.LazyFunction(catalogue_load)
    inherent_likelihood = 4
    inherent_impact = 4
    residual_likelihood = 2
    residual_impact = 2
    target_likelihood = 1
    target_impact = 2
    matrix = factory.LazyFunction(lambda: RiskMatrix.objects.get(is_current=True))
    inherent_score = factory.LazyAttribute(
        lambda r: r.matrix.score(r.inherent_likelihood, r.inherent_impact)
    )
    residual_score = factory.LazyAttribute(
        lambda r: r.matrix.score(r.residual_likelihood, r.residual_impact)
    )
    residual_level = factory.LazyAttribute(
        lambda r: r.matrix.level(r.residual_likelihood, r.residual_impact)
    )
    target_score = factory.LazyAttribute(
        lambda r: r.matrix.score(r.target_likelihood, r.target_impact)
    )
    response = Response.TREAT
    next_review_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )


def escalated_risk(source=None, **kwargs) -> Risk:
    """An entry in the corporate register escalated from an ICT risk, scored higher
    there (residual 3 x 3 = 9 against the source's 4), with no reason yet recorded."""
    from django.utils import timezone

    from risks.choices import Register

    source = source or RiskFactory()
    return RiskFactory(
        register=Register.CORPORATE,
        escalated_from=source,
        escalation_reason="Affects every service",
        escalated_by=source.owner,
        escalated_at=timezone.now(),
        **{"residual_likelihood": 3, "residual_impact": 3, **kwargs},
    )
