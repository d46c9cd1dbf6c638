"""oauthlib's OpenID Connect server as MitID runs it: a party swaps its code for an ID token and
an access token, and gets no refresh token.

MitID is a login broker: a party logs the citizen in with MitID and keeps its own session
afterwards. A refresh token would let it ask about the person again without the person, for
as long as the token lived, and would cost a row a login; no party has needed one. The token
endpoint does not serve the `refresh_token` grant at all (`unsupported_grant_type`), and the
discovery document does not offer it; nor any grant but the code's.
"""

from typing import Any

from oauthlib.openid import Server


class PartyServer(Server):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # oauthlib's own switch: the authorization code grant, plain and OpenID Connect (the
        # latter passes it on to the grant it wraps), issues no refresh token.
        self.auth_grant.refresh_token = False
        self.openid_connect_auth.refresh_token = False
        # The code flow only. oauthlib serves the password grant too, and checks a username
        # and password before it asks whether the client may use that grant: left in, any
        # client could test passwords here. The others (client credentials, the device flow,
        # refresh) log nobody in with MitID. Refused as `unsupported_grant_type`.
        for grant_type in list(self.grant_types):
            if grant_type != "authorization_code":
                self.grant_types.pop(grant_type)
        # Response types: the code only, which the validator checks for every one
        # (`MitIDValidator.validate_response_type`: `unsupported_response_type`).
