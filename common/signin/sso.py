"""Single sign-on: what the council's provider says about a person, applied at every
sign-in through it.

- Roles and business unit come from its group claim (SSO_GROUPS_CLAIM, "groups" as
  Microsoft Entra ID sends it), through the mapping the Administrator keeps
  (governance.accounts.group_claims, which records each change).
- Its word that it asked for a second factor (`amr` holding "mfa") stands for one here
  when the council trusts it (SSO_TRUST_PROVIDER_MFA).

Entra ID puts both in the ID token; other providers may put groups in userinfo only,
so the ID token is read first, then userinfo.
"""

from allauth.account.signals import user_logged_in
from django.conf import settings
from django.dispatch import receiver

from governance.accounts.group_claims import apply_group_claims

from .factors import record_second_factor


def claims(sociallogin) -> dict:
    """The ID token's claims over userinfo's."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}


@receiver(user_logged_in)
def _apply_provider_claims(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        return  # a local password
    said = claims(sociallogin)
    # None when the claim is missing (Entra ID leaves it out for a person in too many
    # groups): then nothing is taken away.
    apply_group_claims(user, said.get(settings.SSO_GROUPS_CLAIM), request=request)
    if settings.SSO_TRUST_PROVIDER_MFA and "mfa" in (said.get("amr") or []):
        record_second_factor(request, user, "provider")
