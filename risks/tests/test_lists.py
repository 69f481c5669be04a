"""The register's filters (risks.lists.RiskFilter) clean what was asked as a form whose
fields are its own deep copies would: their fields are copied one by one
(_FilterFields), and cleaning leaves the shared parts as they were."""

import copy

from django.http import QueryDict

from governance.models import Theme
from risks.lists import RiskFilter
from risks.tests.factories import RiskFactory


def _asked(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


def _state(fields) -> dict:
    """What cleaning could change of the form class's fields: each one's attributes
    and its widget's."""
    return {
        name: (dict(vars(field)), dict(vars(field.widget)), list(field.validators))
        for name, field in fields.items()
    }


def test_the_filters_clean_as_a_form_with_deep_copies_of_its_fields(db, strategy):
    risk = RiskFactory()
    theme = Theme.objects.first()
    asked = [
        {},
        {"status": "closed"},
        {"status": "all"},
        {"status": "bogus"},
        {"owner": str(risk.owner_id)},
        {"owner": "abc"},
        {"owner": "999999"},
        {"theme": str(theme.pk)},
        {"theme": "x"},
        {"category": "nope", "level": "low"},
        {"likelihood": "5", "impact": "5", "rating": "inherent"},
        {"likelihood": "99", "impact": "0", "rating": "sideways"},
        {"appetite": "outside", "assurance": "no_third_line", "register": "ict"},
        {"owner": str(risk.owner_id), "theme": str(theme.pk), "appetite": "within"},
    ]
    form_class = RiskFilter({}).get_form_class()
    before = _state(form_class.base_fields)
    for values in asked:
        filterset = RiskFilter(_asked(**values))
        arguments = filterset.arguments()
        form = filterset.form
        deep = form_class(form.data)
        deep.fields = copy.deepcopy(dict(form_class.base_fields))
        assert form.is_valid() == deep.is_valid(), values
        assert form.cleaned_data == deep.cleaned_data, values
        assert form.errors == deep.errors, values
        assert all(form.fields[name] is not field for name, field in form_class.base_fields.items())
        assert arguments["owner"] == (
            risk.owner_id if values.get("owner") == str(risk.owner_id) else None
        )
    assert _state(form_class.base_fields) == before


def test_a_forms_people_are_its_own_to_read(db):
    """Reading one form's people (its queryset, evaluated and kept) leaves the next
    form's to be read afresh: a person who owns a risk since is among them."""
    RiskFactory()
    first = RiskFilter({}).form.fields["owner"].queryset
    assert len(list(first)) == 1
    RiskFactory()
    assert len(list(RiskFilter({}).form.fields["owner"].queryset)) == 2
