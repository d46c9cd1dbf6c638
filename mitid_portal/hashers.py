"""The portal's password hasher: Argon2id at a deliberate cost, OWASP's minimum.

Django's default Argon2 parameters (100 MiB, 2 iterations, 8 lanes) cost about 200 ms of CPU
per check on our 2-core servers: nine logins a second fill them, which makes the login page a
denial-of-service lever. OWASP's minimum for Argon2id (19 MiB, 2 iterations, 1 lane) costs about
a tenth of that (bench/hashing.py measures both). The algorithm name stays "argon2", so hashes
made with Django's parameters still verify, and Django re-hashes them with these on the next
successful check (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
