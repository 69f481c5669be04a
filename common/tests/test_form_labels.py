"""Labels, legends and hints made from data show markup as text in every form drawn by
crispy-forms-gds, which itself draws them as trusted HTML."""

from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils.safestring import mark_safe

from common.forms import GDSFormMixin

MARKUP = '<img src=x onerror="alert(1)">'


class NamedFromData(GDSFormMixin, forms.Form):
    def __init__(self, *args, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"] = forms.CharField(label=f"Comment on {name}", help_text=name)
        self.fields["rating"] = forms.ChoiceField(
            choices=[("1", "1")], widget=forms.RadioSelect, label=f"{name} (weight 5)"
        )
        self.fields["ticks"] = forms.MultipleChoiceField(
            choices=[("1", "1")], widget=forms.CheckboxSelectMultiple, label=name
        )
        self.fields["trusted"] = forms.CharField(
            label=mark_safe("<strong>Bold</strong> on purpose")
        )


def test_markup_in_labels_legends_and_hints_is_shown_as_text():
    html = render_crispy_form(NamedFromData(name=MARKUP))
    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 4
    assert "<strong>Bold</strong> on purpose" in html  # marked safe by the code, kept


def test_a_label_is_escaped_once_however_often_it_is_drawn():
    form = NamedFromData(name="Parks & Leisure")
    render_crispy_form(form)
    assert str(form["text"].label) == "Comment on Parks &amp; Leisure"
