"""allauth's second-factor forms, in GOV.UK words."""

from allauth.account.forms import ReauthenticateForm as PasswordAgainForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django.core.exceptions import ValidationError

from common.forms import GOVUKErrorsMixin

CODE_HINT = "The 6-digit code your authenticator app shows now, or one of your recovery codes"


class CodeMixin(GOVUKErrorsMixin):
    error_names = {"code": "the code"}
    code_label = "Code"
    code_hint = CODE_HINT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label, field.help_text = self.code_label, self.code_hint
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs.update(autocomplete="one-time-code", spellcheck="false")


class CodeForm(CodeMixin, AuthenticateForm):
    """The code asked for at sign-in."""


class ReauthenticateCodeForm(CodeMixin, ReauthenticateForm):
    """The code asked for again before something that needs it."""


class ActivateAuthenticatorForm(CodeMixin, ActivateTOTPForm):
    error_names = {"code": "the code your authenticator app shows"}
    code_label = "Authenticator code"
    code_hint = "The 6-digit code your app shows once you have added the portal to it"

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code == "incorrect_code":
                # No recovery code yet: the app's code is the only one.
                raise ValidationError(
                    "The code is not right. Enter the code your authenticator app shows now",
                    code="incorrect_code",
                ) from error
            raise


class ConfirmPasswordForm(GOVUKErrorsMixin, PasswordAgainForm):
    """The password asked for again before a second factor is set up or removed."""

    error_names = {"password": "your password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""  # allauth's link to reset it by e-mail
