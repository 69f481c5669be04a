"""The form for a personal access token (common.tokens)."""

from django import forms

from .forms import GDSFormMixin
from .models import AccessToken


class AccessTokenForm(GDSFormMixin, forms.Form):
    submit_label = "Create API token"
    error_names = {"name": "a name for the token"}

    name = forms.CharField(
        label="Name",
        max_length=AccessToken._meta.get_field("name").max_length,
        help_text="What will use it, so you can tell your tokens apart: for example Power BI "
        "or Teams bot.",
    )
    can_write = forms.BooleanField(label="Allow this token to make changes", required=False)
