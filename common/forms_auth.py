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

    def save(self, commit=True):
        # The account's history leaves the password out, so setting it records nothing
        # (rather than a change of nothing, by no one signed in).
        self.user.skip_history_when_saving = True
        try:
            return super().save(commit)
        finally:
            del self.user.skip_history_when_saving
