"""No portal form answers with one of Django's default messages.

Every form that accepts POST is found as tests/test_hostile_input.py finds it (from the
URL patterns and each app's access cases), and posted empty, with values too long or
too large for it, and with values too small or too precise. No response may contain
any message Django (or crispy-forms-gds) words for itself: they are gathered here from
Django's own fields, validators, model fields and sign-in forms, not listed by hand,
so a new kind of field cannot slip one through.

And every form class in the portal takes its messages from common.forms, so a form
added later words its errors in the GOV.UK style too.
"""

import html
import importlib
import inspect
import pkgutil
import re

import pytest
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from common.forms import GOVUKErrorsMixin
from tests.shown_forms import ShownForm, shown_form
from tests.test_hostile_input import (  # noqa: F401 - the fixtures each app's forms use
    LOCAL_APPS,
    PORTAL_FORMS,
    common_objects,
    governance_objects,
    post,
    projects_objects,
    reports_objects,
    risks_objects,
    rolled_back,
)


def _subclasses(klass):
    for sub in klass.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _own_words(module: str) -> bool:
    return module.startswith(("django.", "crispy_forms_gds."))


def django_default_messages() -> list:
    """Every error message Django words itself for the fields, validators and sign-in
    forms the portal uses, as written (with their placeholders)."""
    found = []
    for klass in [forms.Field, *_subclasses(forms.Field), *_subclasses(models.Field)]:
        if _own_words(klass.__module__):
            found += getattr(klass, "default_error_messages", {}).values()
    found += models.Field.default_error_messages.values()
    for _, klass in inspect.getmembers(validators, inspect.isclass):
        messages = getattr(klass, "messages", None)
        found += [
            getattr(klass, "message", ""),
            *(messages.values() if isinstance(messages, dict) else ()),
        ]
    for form in (auth_forms.AuthenticationForm, auth_forms.PasswordChangeForm):
        found += form.error_messages.values()
    date = DateInputField()
    found += date.error_messages.values()
    for box in date.fields:
        found += [*box.error_messages.values(), *(v.message for v in box.validators)]
    try:
        password_validation.validate_password("password")
    except ValidationError as error:
        found += error.messages
    return [message for message in found if message]


class _Filled(dict):
    """Fills every placeholder of a message with the same number."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number

    def __missing__(self, key):
        return self.number


def as_patterns(message) -> set[str]:
    """Regular expressions for a message as shown, whatever fills its placeholders, in
    its singular and plural wording."""
    patterns = set()
    for number, marker in ((1, r"\b1\b"), (987654, "987654")):
        try:
            shown = str(message % _Filled(number))
        except (TypeError, ValueError, KeyError):
            shown = str(message)
        patterns.add(re.sub(marker, ".+?", re.escape(shown)))
    return {rf"(?<!\w){pattern}(?!\w)" for pattern in patterns if pattern}


DEFAULTS = re.compile(
    "|".join(sorted({p for m in django_default_messages() for p in as_patterns(m)}))
)


def test_the_default_messages_looked_for_include_the_ones_seen_in_the_portal():
    for seen in (
        "This field is required.",
        "Ensure that there are no more than 12 digits in total.",
        "Ensure this value has at most 200 characters (it has 201).",
        "Select a valid choice. That choice is not one of the available choices.",
        "Enter a whole number.",
        "Enter the day, month and year",
        "This password is too common.",
    ):
        assert DEFAULTS.search(f"<p>{seen}</p>"), seen
    assert not DEFAULTS.search("Enter the title; Title must be 200 characters or fewer")


def defaults_in(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = html.unescape(content.decode(errors="replace"))
    return sorted({match.group() for match in DEFAULTS.finditer(text)})


# ---------------------------------------------------------------- what is posted

HUGE_TEXT = "A" * 20_001  # longer than any text the portal keeps
NOT_OFFERED = "999999999"


def empty(page: ShownForm) -> dict[str, list[str]]:
    """Every box left empty, nothing ticked or chosen."""
    return {name: [] if kind == "choice" else [""] for name, kind in page.controls.items()}


def too_big(page: ShownForm) -> dict[str, list[str]]:
    """Too long, too large, a day no month has, and choices the form does not offer."""
    value = {
        "text": HUGE_TEXT,
        "textarea": HUGE_TEXT,
        "number": "9" * 20,
        "select": NOT_OFFERED,
        "choice": NOT_OFFERED,
    }
    data = {name: [value[kind]] for name, kind in page.controls.items() if kind in value}
    for name, kind in page.controls.items():
        if kind == "date":
            data[name] = [{"0": "32", "1": "13", "2": "99999"}[name[-1]]]
    return data


def too_small(page: ShownForm) -> dict[str, list[str]]:
    """Negative and over-precise numbers, a year long ago, a date missing its month."""
    data = {name: ["-0.001"] for name, kind in page.controls.items() if kind == "number"}
    for name, kind in page.controls.items():
        if kind == "date":
            data[name] = [{"0": "1", "1": "", "2": "1999"}[name[-1]]]
    return data


@pytest.mark.parametrize("form", PORTAL_FORMS, ids=str)
def test_no_form_answers_with_a_django_default_message(form, users_by_role, request):
    client = Client()
    if form.role is not None:
        client.force_login(users_by_role[form.role])
    url = form.url(request.getfixturevalue(f"{form.app}_objects"))
    page = shown_form(client.get(url)) or ShownForm({}, {}, set(), set(), None)
    found = {}
    for make in (empty, too_big, too_small):
        with rolled_back():
            response = post(client, url, page.with_button({**page.values, **make(page)}))
        assert response.status_code < 500
        if defaults_in(response):
            found[make.__name__] = defaults_in(response)
    assert not found, f"{form.url_name} answered with Django's own words: {found}"


def _portal_form_classes():
    for app in LOCAL_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".tests" in module.name or ".migrations" in module.name:
                continue
            importlib.import_module(module.name)
    # Forms of Django's admin (common/admin.py: superusers only) keep its own style.
    return [
        klass
        for klass in _subclasses(forms.BaseForm)
        if klass.__module__.split(".")[0] in LOCAL_APPS
        and ".tests" not in klass.__module__
        and not klass.__module__.endswith(".admin")
    ]


def test_every_portal_form_words_its_errors_in_the_govuk_style():
    classes = _portal_form_classes()
    assert len(classes) > 20  # the forms were found
    assert [k.__qualname__ for k in classes if not issubclass(k, GOVUKErrorsMixin)] == []


def test_an_empty_risk_form_says_what_each_question_needs(head_of_ict, client_for, strategy):
    """Found in use: thirteen times "This field is required." on one page."""
    response = client_for(head_of_ict).post(reverse("risks:risk-create"), {})
    errors = {name: list(e) for name, e in response.context["form"].errors.items()}
    assert errors == {
        "title": ["Enter the title"],
        "cause": ["Enter the cause"],
        "event": ["Enter the event"],
        "consequence": ["Enter the consequence"],
        "category": ["Select the category"],
        "owner": ["Select the owner"],
        "inherent_likelihood": ["Select the inherent likelihood"],
        "inherent_impact": ["Select the inherent impact"],
        "residual_likelihood": ["Select the residual likelihood"],
        "residual_impact": ["Select the residual impact"],
        "target_likelihood": ["Select the target likelihood"],
        "target_impact": ["Select the target impact"],
        "response": ["Select the response"],
    }
