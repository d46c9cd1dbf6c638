"""How client secrets are kept: a salted SHA-256, not a password hash.

A client secret is 128 random characters made by django-oauth-toolkit, not something a person
chose: no guess of it is helped by a fast hash, and the slow one kept for passwords (Argon2,
about 200 ms of CPU) would be paid at every token request, several times a login's own cost.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class ClientSecretHasher(PBKDF2PasswordHasher):
    algorithm = "client_secret_sha256"
    iterations = 1

    def must_update(self, encoded: str) -> bool:
        return False
