from django import forms

from common.forms import GDSFormMixin

from .models import NARRATIVE_FIELDS


class NarrativeForm(GDSFormMixin, forms.Form):
    submit_label = "Save the narrative"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in NARRATIVE_FIELDS:
            self.fields[field] = forms.CharField(
                label=label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
