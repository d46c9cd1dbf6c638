"""How client secrets are kept: a salted SHA-256, not a password hash.

A client secret is 128 random characters made by django-oauth-toolkit, not something a person
chose: a slow hash makes no guess of it harder, and the one kept for passwords (Argon2) would
be paid at every token request.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class ClientSecretHasher(PBKDF2PasswordHasher):
    algorithm = "client_secret_sha256"
    iterations = 1

    def must_update(self, encoded: str) -> bool:
        return False
