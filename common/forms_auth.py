"""The sign-in and password forms, in the GOV.UK Design System's look."""

from allauth.account.forms import LoginForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from .forms import GDSFormMixin


class SignInForm(GDSFormMixin, LoginForm):
    """allauth's sign-in form (fields `login` and `password`), in GOV.UK words; its
    wrong-password and switched-off messages are common.signin.adapters'."""

    submit_label = "Sign in"
    error_names = {"login": "your username", "password": "your password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        # allauth's link to reset a forgotten password by e-mail: the portal's
        # Administrator sends a set-password link instead.
        self.fields["password"].help_text = ""


# Django's password checks, by code, in GOV.UK words.
PASSWORD_MESSAGES = {
    "password_too_short": "Your new password must be %(min_length)d characters or more",
    "password_too_common": "Your new password is too common: choose one that is harder to guess",
    "password_too_similar": "Your new password is too like your %(verbose_name)s: choose another",
    "password_entirely_numeric": "Your new password must include letters, not only numbers",
}


class NewPasswordMessages:
    """GOV.UK wording for the new-password boxes and the password rules."""

    error_names = {
        "old_password": "your current password",
        "new_password1": "your new password",
        "new_password2": "your new password again",
    }
    error_messages = {
        "password_incorrect": "Your current password is not right. Enter it again",
        "password_mismatch": "Enter the same new password in both boxes",
    }

    def validate_password_for_user(self, user, password_field_name="new_password2"):  # noqa: S107 - a field name
        password = self.cleaned_data.get(password_field_name)
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            self.add_error(
                password_field_name,
                [
                    ValidationError(
                        PASSWORD_MESSAGES.get(e.code, e.message), code=e.code, params=e.params
                    )
                    for e in error.error_list
                ],
            )


class PasswordChangeGDSForm(NewPasswordMessages, GDSFormMixin, PasswordChangeForm):
    submit_label = "Change password"


class SetPasswordGDSForm(NewPasswordMessages, GDSFormMixin, SetPasswordForm):
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
