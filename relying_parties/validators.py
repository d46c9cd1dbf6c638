"""django-oauth-toolkit's validator, told about MitID: the pseudonym as `sub`, the person's
claims by scope, the level and way in of the login, a transaction, and a code used twice."""

from datetime import datetime
from typing import Any

from django.db import transaction
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from . import levels, services


class MitIDValidator(OAuth2Validator):
    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "given_name": "profile",
        "family_name": "profile",
        "birthdate": "profile",
        "cpr": "cpr",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return services.person_claims(services.identity_of(request.user))

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        claims: dict[str, Any] = self.get_additional_claims(request)
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [*self.oidc_claim_scope, "acr", "amr", "auth_time", "transaction_id"]

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            party_login = services.login_for_code(code, client)
            request.party_login = party_login
            return party_login is not None and party_login.redeemed_at is None
        services.refuse_reused_code(code, client)
        return False

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], datetime]:
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        party_login = getattr(request, "party_login", None)
        if party_login is not None:
            claims["auth_time"] = int(party_login.authenticated_at.timestamp())
            claims["acr"] = levels.ACR[party_login.level]
            claims["amr"] = [party_login.method]
            if party_login.transaction_id is not None:
                claims["transaction_id"] = str(party_login.transaction_id)
                claims["authorization_details"] = party_login.authorization_details
        return claims, expires

    def _create_access_token(self, *args: Any, **kwargs: Any) -> Any:
        access_token = super()._create_access_token(*args, **kwargs)
        request = args[1] if len(args) > 1 else kwargs.get("request")
        if request is not None:
            request.created_access_token = access_token
        return access_token

    def save_bearer_token(self, token: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        party_login = getattr(request, "party_login", None)
        with transaction.atomic():
            if party_login is not None and not services.redeem(party_login):
                raise errors.InvalidGrantError(request=request)  # the same code, twice at once
            super().save_bearer_token(token, request, *args, **kwargs)
            if party_login is not None:
                services.link_tokens(
                    party_login,
                    access_token=getattr(request, "created_access_token", None),
                    id_token=getattr(request, "id_token", None),
                )
