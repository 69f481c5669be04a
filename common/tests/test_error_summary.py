"""The error summary links each error to the input that takes focus for its field, for
every kind of question crispy-forms-gds renders (templates/gds/layout/error_summary.html).
The browser test tests/test_browser_reflow.py follows the links on every form."""

from html.parser import HTMLParser

from django import forms
from django.template import Context, Template

from common.forms import GDSDateField, GDSFormMixin

PAGE = Template(
    "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
)
RADIOS = [("yes", "Yes"), ("no", "No")]


class EveryKindOfQuestion(GDSFormMixin, forms.Form):
    name = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea)
    route = forms.ChoiceField(choices=[("", "Choose"), ("a", "A")])
    personal_data = forms.ChoiceField(choices=RADIOS, widget=forms.RadioSelect)
    themes = forms.MultipleChoiceField(choices=RADIOS, widget=forms.CheckboxSelectMultiple)
    agreed = forms.BooleanField()
    start = GDSDateField(require_all_fields=False)
    report = forms.FileField()

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


class PageReader(HTMLParser):
    """The error summary's links, and the tag of each element with an id."""

    def __init__(self):
        super().__init__()
        self.links, self.tags = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.tags[attrs["id"]] = tag
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])


def summary_links(form) -> tuple[list[str], dict[str, str]]:
    reader = PageReader()
    reader.feed(PAGE.render(Context({"form": form})))
    return reader.links, reader.tags


def test_every_summary_link_points_at_an_input_of_its_field():
    form = EveryKindOfQuestion(data={"start_0": "31", "start_1": "2", "start_2": "2027"})
    links, tags = summary_links(form)
    assert links == [
        "id_name",  # the error about the whole form: its first question
        "id_name",
        "id_notes",
        "id_route",
        "id_personal_data_1",  # the first radio, as crispy-forms-gds numbers them
        "id_themes_1",
        "id_agreed",
        "id_start_0",  # the date as a whole is wrong: its day box
        "id_report",
    ]
    assert {tags[target] for target in links} <= {"input", "select", "textarea"}


def test_a_date_with_a_box_missing_links_to_that_box():
    form = EveryKindOfQuestion(data={"start_0": "31", "start_2": "2027"})
    links, tags = summary_links(form)
    assert "id_start_1" in links and "id_start_0" not in links
    assert tags["id_start_1"] == "input"


def test_an_error_on_a_form_with_nothing_to_fill_in_is_listed_without_a_link():
    class Confirm(GDSFormMixin, forms.Form):
        def clean(self):
            raise forms.ValidationError("The proposal has already been triaged")

    content = PAGE.render(Context({"form": Confirm(data={})}))
    assert "The proposal has already been triaged" in content
    assert 'href="#' not in content
