"""Signing in: the portal's own passwords, single sign-on with the council's OpenID
Connect provider (Microsoft Entra ID), and second factors.

The flows (forms, redirects, the provider's protocol, TOTP and passkeys) are
django-allauth's: one well-kept library that does single sign-on, second factors and
their recovery codes together, so a second factor is asked for whichever way a person
signs in. What is the portal's own is here:

- backends: which accounts may still use a local password once single sign-on is on;
- adapters: sign-up closed, names and roles from the provider's claims at every
  single sign-on, the client's address read through the trusted proxies;
- factors: who must use a second factor, and the middleware that holds them to it.
"""
