"""django-oauth-toolkit's validator, told about MitID: the pseudonym as `sub`, the person's
claims by scope, the level and way in of the login, a transaction, and a code used twice.

It also reads each row once a request. oauthlib asks about one code seven times in a token
request (its scopes, the code, the redirect URI, the PKCE challenge and its method, the nonce,
the resource indicators) and django-oauth-toolkit reads the grant again for each answer; it
also parses the ID token it has just signed, to read that token's row and the client's again.
Here the grant is read once with its user, the client once with its party, and the ID token
made is the one linked (bench/profile_party.py shows what each request costs).
"""

import json
from contextlib import suppress
from datetime import datetime
from typing import Any

from oauth2_provider import cimd
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractGrant,
    get_access_token_model,
    get_application_model,
    get_grant_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors, utils

from . import levels, services
from .models import PartyLogin

AccessToken = get_access_token_model()
Application = get_application_model()
Grant = get_grant_model()


class MitIDValidator(OAuth2Validator):
    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "given_name": "profile",
        "family_name": "profile",
        "birthdate": "profile",
        "cpr": "cpr",
    }

    # The client, with its party ------------------------------------------------------------

    def _load_application(self, client_id: str, request: Any) -> Any:
        """django-oauth-toolkit's, given the client read with its party: the authorization
        request's scopes and the view need the party, which would be another query."""
        if request.client is None and client_id:
            with suppress(ValueError):  # a NUL byte in client_id: DOT's own lookup says no
                client = services.one(
                    Application.objects.select_related("relying_party").filter(client_id=client_id)
                )
                request.client = cimd.refresh_if_stale(client, request) if client else None
        return super()._load_application(client_id, request)

    # The code's grant, read once -----------------------------------------------------------

    def _grant(self, code: str, request: Any) -> AbstractGrant | None:
        """The grant of `code` with its user, whichever question about it comes first (the
        scopes and the nonce are asked before the client is known)."""
        read = getattr(request, "mitid_grant", None)
        if read is None or read[0] != code:
            read = (code, services.one(Grant.objects.select_related("user").filter(code=code)))
            request.mitid_grant = read
        grant: AbstractGrant | None = read[1]
        return grant

    def _client_grant(self, code: str, client: Any, request: Any) -> AbstractGrant | None:
        """The grant of `code`, if it was made for `client` (as DOT's own lookups filter)."""
        grant = self._grant(code, request)
        return grant if grant is not None and grant.application_id == client.pk else None

    def get_authorization_code_scopes(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> list[str]:
        grant = self._grant(code, request)
        return utils.scope_to_list(grant.scope) if grant is not None and grant.scope else []

    def get_authorization_code_nonce(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> str | None:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """DOT's check of the code (its own grant, not expired), then MitID's: the party's
        login for it, which must not have been swapped for tokens before."""
        grant = self._client_grant(code, client, request)
        if grant is None or grant.is_expired():
            services.refuse_reused_code(code, client)
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        party_login = services.login_for_code(code, client)
        request.party_login = party_login
        return party_login is not None and party_login.redeemed_at is None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        grant = self._client_grant(code, client, request)
        return grant is not None and grant.redirect_uri_allowed(redirect_uri)

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge or None) if grant is not None else None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge_method or None) if grant is not None else None

    def _check_and_set_request_resource(self, request: Any) -> None:
        """RFC 8707 resource indicators: DOT reads the grant again to narrow them. A party's
        grant names none and neither does its token request, as a rule: then there are none."""
        if request.grant_type == "authorization_code" and not getattr(request, "resource", None):
            grant = self._client_grant(request.code, request.client, request)
            if grant is not None and not grant.resource:
                request.resource = []
                return
        super()._check_and_set_request_resource(request)

    # Claims ----------------------------------------------------------------------------------

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        party_login: PartyLogin | None = getattr(request, "party_login", None)
        if party_login is not None:  # the token request: the login read with its person
            return services.person_claims(party_login.identity)
        return services.person_claims(services.identity_of(request.user))

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        claims: dict[str, Any] = self.get_additional_claims(request)
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [*self.oidc_claim_scope, "acr", "amr", "auth_time", "transaction_id"]

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

    # Tokens ----------------------------------------------------------------------------------

    def _create_access_token(
        self, expires: datetime, request: Any, token: Any, source_refresh_token: Any = None
    ) -> AbstractAccessToken:
        """DOT's, linked to the ID token this request has just made (`finalize_id_token` puts
        it on the request), where DOT would verify the signed token again to find its row."""
        access_token = AccessToken(
            user=request.user,
            scope=token["scope"],
            expires=expires,
            id_token=getattr(request, "id_token", None) if token.get("id_token") else None,
            application=request.client,
            source_refresh_token=source_refresh_token,
            resource=getattr(request, "resource", []),  # RFC 8707
        )
        self._set_token_value(access_token, token["access_token"])
        access_token.save()
        request.created_access_token = access_token
        return access_token

    def _save_bearer_token(self, token: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        """DOT's, and the party's login marked swapped, with its tokens, in the same
        transaction: if another request swapped the same code meanwhile, nothing is saved."""
        super()._save_bearer_token(token, request, *args, **kwargs)
        party_login = getattr(request, "party_login", None)
        if party_login is not None and not services.redeem(
            party_login,
            access_token=getattr(request, "created_access_token", None),
            id_token=getattr(request, "id_token", None),
        ):
            raise errors.InvalidGrantError(request=request)
