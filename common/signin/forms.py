"""allauth's second-factor forms, in GOV.UK words."""

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm

CODE_HINT = "The 6-digit code your authenticator app shows now, or one of your recovery codes"


def _code_field(form, *, label: str, hint: str, required: str) -> None:
    field = form.fields["code"]
    field.label, field.help_text = label, hint
    field.error_messages["required"] = required
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(autocomplete="one-time-code", spellcheck="false")
    field.widget.attrs.setdefault("class", "govuk-input govuk-input--width-10")


class CodeForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, label="Code", hint=CODE_HINT, required="Enter the code")


class ReauthenticateCodeForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, label="Code", hint=CODE_HINT, required="Enter the code")


class ActivateAuthenticatorForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(
            self,
            label="Authenticator code",
            hint="The 6-digit code your app shows once you have added the portal to it",
            required="Enter the code your authenticator app shows",
        )
