"""The sign-in and password forms, in the GOV.UK Design System's look."""

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from .forms import GDSFormMixin


class SignInForm(GDSFormMixin, AuthenticationForm):
    submit_label = "Sign in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class PasswordChangeGDSForm(GDSFormMixin, PasswordChangeForm):
    submit_label = "Change password"
