"""How often one client may check user-IDs: a fixed window counted in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from pages.clients import client_address


def over_user_id_check_limit(request: HttpRequest) -> bool:
    """Count this check; True once the client has used up the window's checks."""
    key = f"user-id-check:{client_address(request)}"
    window = settings.USER_ID_CHECK_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.USER_ID_CHECKS_PER_WINDOW
