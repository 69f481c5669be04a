"""The portal's password hasher: Argon2id with OWASP's recommended parameters.

OWASP's Password Storage Cheat Sheet recommends Argon2id with at least 19 MiB of
memory, 2 passes and 1 lane (or, equivalently, more memory and fewer passes). That is
what this uses. Django's default (100 MiB, 2 passes, 8 lanes) costs about 140 ms a
sign-in on the reference 2-core machine when it is idle, and 64 MiB about 70 ms, but
both several times that when the cores are busy (measured at 200 to 400 ms with two
sign-ins at once and the machine loaded), which leaves no room under the 300 ms p95 bar
(QUALITY.md) and costs that memory for every sign-in in flight. 19 MiB with 2 passes
costs about 30 ms idle and 50 ms loaded. A hash stored with other parameters (or by
PBKDF2) is stored again with these at its next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
