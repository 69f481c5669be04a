"""The sign-in and password forms, in the GOV.UK Design System's look."""

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator

from .forms import GDSFormMixin


class SignInForm(GDSFormMixin, AuthenticationForm):
    submit_label = "Sign in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        # AuthenticationForm sets the username's max_length after building the field, so
        # it is never checked; a longer name would reach the sign-in throttle's records
        # (255 characters at most) and fail there.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class PasswordChangeGDSForm(GDSFormMixin, PasswordChangeForm):
    submit_label = "Change password"


class SetPasswordGDSForm(GDSFormMixin, SetPasswordForm):
    """A new account's first password, set from the link the portal e-mails."""

    submit_label = "Set password"
