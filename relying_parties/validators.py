"""django-oauth-toolkit's validator, told about MitID: the pseudonym as `sub`, the person's
claims by scope, the level and way in of the login, a transaction, and a code used twice.

A party's code is kept on its login (`PartyLogin`, hashed), not on DOT's Grant: the login is
written when the code is made anyway, and read when it is swapped, so the Grant's INSERT,
SELECT and DELETE are spared, and no code is kept in plain text. The methods below are the
validator's own for codes (oauthlib's RequestValidator, as DOT implements it for its Grant).

It also reads each row once a request. oauthlib asks about one code seven times in a token
request (its scopes, the code, the redirect URI, the PKCE challenge and its method, the nonce,
the resource indicators), which DOT would answer with a query each; it also parses the ID
token it has just signed, to read that token's row and the client's again. Here the party's
login is read once with its person, the client once with its party, and the ID token made is
the one linked (bench/profile_party.py shows what each request costs).
"""

from datetime import datetime
from typing import Any

from oauth2_provider import cimd
from oauth2_provider.models import (
    AbstractAccessToken,
    get_access_token_model,
    get_application_model,
    get_id_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors, utils
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

from . import clients, keys, levels, parameters, services
from .models import PartyLogin

AccessToken = get_access_token_model()
Application = get_application_model()
IDToken = get_id_token_model()


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
        """django-oauth-toolkit's, given the client read with its party (`clients`, kept in the
        cache): the authorization request's scopes and the view need the party, which would be
        another query."""
        if client_id and not clients.could_exist(client_id):
            return None  # unknown; DOT's own lookup would fail in the database
        if request.client is None and client_id:
            client = clients.client_for(client_id)
            request.client = cimd.refresh_if_stale(client, request) if client else None
        return super()._load_application(client_id, request)

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """One of the client's registered addresses, character for character but for a
        native app's loopback port (`parameters.registered_address`): DOT would also take
        another case of the scheme and host."""
        client = request.client
        return parameters.registered_address(
            redirect_uri, client.redirect_uris, any_loopback_port=clients.is_native(client)
        )

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """The code only (the discovery document's `response_types_supported`). oauthlib sends
        every response type it does not know to the code grant, which asks here: anything
        else is `unsupported_response_type` (RFC 6749 section 4.1.2.1), not a client's lack
        of a permission (`unauthorized_client`)."""
        if response_type != "code":
            raise errors.UnsupportedResponseTypeError(request=request)
        return bool(super().validate_response_type(client_id, response_type, client, request))

    def validate_silent_login(self, request: Any) -> bool:
        """`prompt=none`: never, as every login for a party is a fresh MitID login; oauthlib
        then answers `login_required` (OpenID Connect Core 3.1.2.6)."""
        return False

    def validate_silent_authorization(self, request: Any) -> bool:
        return False

    # The code, on the party's login, read once ------------------------------------------

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """The code is kept on the party's login, as a hash, with what the party asked; not on
        DOT's Grant, which would keep it in plain text beside the login, and be read and
        deleted again when the code is swapped. The view puts the login on the request
        (`CodeIssuer`, through oauthlib's credentials)."""
        login: services.LoginForParty | None = getattr(request, "mitid_login", None)
        if login is None:
            raise errors.ServerError("A code is issued only for a party's MitID login")
        if request.code_challenge_method != "S256":  # the authorization request made sure
            raise errors.InvalidRequestError("PKCE with S256 is required", request=request)
        services.record_login(
            login=login,
            code=code["code"],
            asked=services.Asked(
                redirect_uri=request.redirect_uri,
                scope=" ".join(request.scopes),
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge_method,
                nonce=request.nonce or "",
                claims=request.claims or None,
            ),
        )

    def _login(self, code: str, request: Any) -> PartyLogin | None:
        """The party's login of `code`, with its person, whichever question about it comes
        first (the scopes and the nonce are asked before the client is known)."""
        read = getattr(request, "mitid_code_login", None)
        if read is None or read[0] != code:
            read = (code, services.login_for_code(code))
            request.mitid_code_login = read
        party_login: PartyLogin | None = read[1]
        return party_login

    def _client_login(self, code: str, client: Any, request: Any) -> PartyLogin | None:
        """The party's login of `code`, if `client` is that party."""
        party_login = self._login(code, request)
        party = services.party_of(client)
        if party_login is None or party is None or party_login.party_id != party.pk:
            return None
        return party_login

    def get_authorization_code_scopes(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> list[str]:
        party_login = self._login(code, request)
        return utils.scope_to_list(party_login.scope) if party_login and party_login.scope else []

    def get_authorization_code_nonce(
        self, client_id: str, code: str, redirect_uri: str, request: Any
    ) -> str | None:
        party_login = self._login(code, request)
        return (party_login.nonce or None) if party_login is not None else None

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """A code this party was given, not swapped for tokens before (else the tokens of its
        first use are revoked) and not expired; and a request naming no resource indicator,
        refused here (as at the authorization request), before any token is made."""
        # oauthlib keeps the last of repeated parameters; the body has them all.
        named = [value for key, value in request.decoded_body or [] if key == "resource"]
        try:
            parameters.no_resource([*named, getattr(request, "resource", None) or ""])
        except parameters.BadRequest as bad:
            raise errors.CustomOAuth2Error(
                error=bad.error, description=bad.description, request=request
            ) from bad
        party_login = self._client_login(code, client, request)
        if party_login is None:
            return False
        if party_login.redeemed_at is not None:
            services.refuse_reused_code(party_login)
            return False
        if party_login.code_expired() or not party_login.identity.is_active:
            return False  # a MitID blocked since the code was given: no tokens for it
        request.scopes = party_login.scope.split(" ")
        request.user = party_login.identity.account
        if party_login.nonce:
            request.nonce = party_login.nonce
        if party_login.claims:
            request.claims = party_login.claims
        request.party_login = party_login
        return True

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
        """The very address the code was sent to (RFC 6749 section 4.1.3), as DOT's Grant."""
        party_login = self._client_login(code, client, request)
        return party_login is not None and party_login.redirect_uri == redirect_uri

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        """The code's challenge, asked when the client is authenticated and the code valid,
        just before oauthlib checks the verifier against it. A verifier not made as RFC 7636
        section 4.1 makes it, or not the challenge's, spends the code: it is not tried again
        (RFC 6749 section 10.10: no guessing the verifier while the code lasts)."""
        party_login = self._client_login(code, request.client, request)
        if party_login is None:
            return None
        try:
            parameters.code_verifier(request.code_verifier)
        except parameters.BadRequest as bad:
            services.spend_code(code)
            raise errors.CustomOAuth2Error(
                error=bad.error, description=bad.description, request=request
            ) from bad
        challenge, verifier = party_login.code_challenge, request.code_verifier
        if challenge and verifier and not code_challenge_method_s256(verifier, challenge):
            services.spend_code(code)  # (S256, the only method served) oauthlib refuses it next
        return challenge or None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        party_login = self._client_login(code, request.client, request)
        return (party_login.code_challenge_method or None) if party_login is not None else None

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """DOT deletes its Grant here. The party's login was marked swapped already, as its
        tokens were written (`_save_bearer_token`): that keeps the code from being swapped
        again, and tells a second use from an unknown code."""
        if getattr(request, "party_login", None) is None:
            raise errors.InvalidGrantError(request=request)

    def _check_and_set_request_resource(self, request: Any) -> None:
        """DOT reads RFC 8707 resource indicators here, as the tokens are saved: a token
        request naming one was refused already (`validate_code`), so there are none."""
        request.resource = []

    # Access tokens ---------------------------------------------------------------------------

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        """DOT's check of the token, and the person's MitID and the device the login was made
        with still in use: a citizen who blocks either (a stolen phone, a session taken over)
        ends what every party's token can read, not ten minutes later (a security probe read
        the CPR number after the block)."""
        if not super().validate_bearer_token(token, scopes, request):
            return False
        identity = services.identity_of(request.user)
        if identity is None or not identity.is_active:
            return False
        if not services.device_still_active(request.access_token):
            return False  # the phone it was made with is blocked: lost or stolen
        request.mitid_identity = identity  # for the claims, read once
        return True

    # Claims ----------------------------------------------------------------------------------

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        party_login: PartyLogin | None = getattr(request, "party_login", None)
        if party_login is not None:  # the token request: the login read with its person
            return services.person_claims(party_login.identity)
        identity = getattr(request, "mitid_identity", None) or services.identity_of(request.user)
        return services.person_claims(identity)

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        claims: dict[str, Any] = self.get_additional_claims(request)
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return [*self.oidc_claim_scope, "locale", "acr", "amr", "auth_time", "transaction_id"]

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], datetime]:
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        # The CPR number from the userinfo endpoint only (OpenID Connect Core 5.4 gives every
        # scope's claims there): a party sends its ID token back in an address, the logout's
        # `id_token_hint`, which browsers' histories and proxies' logs keep.
        claims.pop("cpr", None)
        party_login = getattr(request, "party_login", None)
        if party_login is not None:
            claims["auth_time"] = int(party_login.authenticated_at.timestamp())
            claims["acr"] = levels.ACR[party_login.level]
            claims["amr"] = [party_login.method]
            if party_login.language and "profile" in request.scopes:
                # OpenID Connect's `locale` (a profile claim): the language the citizen used
                # MitID in this time, which the party can go on in.
                claims["locale"] = party_login.language
            if party_login.transaction_id is not None:
                claims["transaction_id"] = str(party_login.transaction_id)
                claims["authorization_details"] = party_login.authorization_details
        return claims, expires

    # Tokens ----------------------------------------------------------------------------------

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        """DOT's, for a party's code signed by `keys.signed_id_token` (the same token, without
        jwcrypto's JWS object), and its row made but not written (`_save_id_token`), so without
        DOT's transaction around it."""
        if getattr(request, "party_login", None) is None or request.client.algorithm != (
            Application.RS256_ALGORITHM
        ):
            signed: str = super().finalize_id_token(id_token, token, token_handler, request)
            return signed
        claims, expires = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:  # as DOT does (oauthlib issue 746)
            id_token["nonce"] = request.nonce
        signed = keys.signed_id_token(id_token, request.client.jwk_key)
        request.id_token = request.access_token = self._save_id_token(
            id_token["jti"], request, expires
        )
        return signed

    def _save_id_token(
        self, jti: str, request: Any, expires: datetime, *args: Any, **kwargs: Any
    ) -> Any:
        """DOT's row of the ID token, for a party's code not yet written: DOT writes it in a
        transaction of its own as it signs the token, and the access token in another. Here it
        is written with the access token as the code is marked swapped (`_save_bearer_token`:
        one statement on PostgreSQL, one transaction elsewhere), and no ID token is kept for a
        code that another request swapped meanwhile."""
        if getattr(request, "party_login", None) is None:
            return super()._save_id_token(jti, request, expires, *args, **kwargs)
        return IDToken(
            user=request.user,
            scope=request.scope or " ".join(request.scopes),
            expires=expires,
            jti=jti,
            application=request.client,
        )

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
        if getattr(request, "party_login", None) is None:
            access_token.save()
        # else written with the ID token as the code is marked swapped (`_save_bearer_token`)
        request.created_access_token = access_token
        return access_token

    def save_bearer_token(self, token: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        """DOT's transaction around `_save_bearer_token`, but for a party's tokens written in
        one statement, which needs none (a BEGIN and a COMMIT less); a code that another
        request swapped meanwhile (the same code twice at once) revokes what that request
        got, once nothing of this one's is written, as a code that comes again later does."""
        try:
            if getattr(request, "party_login", None) and services.tokens_in_one_statement():
                return self._save_bearer_token(token, request, *args, **kwargs)
            return super().save_bearer_token(token, request, *args, **kwargs)
        except errors.InvalidGrantError:
            party_login = getattr(request, "party_login", None)
            if party_login is not None:
                services.refuse_reused_code(services.swapped_login(party_login))
            raise

    def _save_bearer_token(self, token: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        """DOT's, which for a party's code makes the access token without writing it; it is
        written with the ID token as the party's login is marked swapped
        (`services.redeem_with_tokens`): if another request swapped the same code meanwhile,
        nothing is written."""
        super()._save_bearer_token(token, request, *args, **kwargs)
        party_login = getattr(request, "party_login", None)
        if party_login is not None and not services.redeem_with_tokens(
            party_login, id_token=request.id_token, access_token=request.created_access_token
        ):
            raise errors.InvalidGrantError(request=request)
        if party_login is not None and party_login.authorization_details:
            # RFC 9396 section 7: what was approved, in the token response too.
            token["authorization_details"] = party_login.authorization_details
