"""Which scopes a party may ask for: its own allowed ones (`cpr` only if it may have it)."""

from typing import Any

from oauth2_provider.scopes import SettingsScopes


class PartyScopes(SettingsScopes):
    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        every = list(super().get_available_scopes(application, request, *args, **kwargs))
        if application is None:
            return every  # the discovery document lists them all
        party = getattr(application, "relying_party", None)
        allowed = party.allowed_scopes() if party is not None else set()
        return [scope for scope in every if scope in allowed]
