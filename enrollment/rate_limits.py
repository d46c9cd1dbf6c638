"""How often one client may check user-IDs: a fixed window counted in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from pages import outages
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


def over_user_id_step_limit(request: HttpRequest) -> bool:
    """Count a user-ID sent on enrollment's or self-service's user-ID page in the same window:
    the page answers "someone else has this user-ID" too, and without a count a NemID login
    checked user-IDs by the thousand (a probe's). With Redis down the page still serves, as
    the rest of enrollment and self-service does: the send is not counted then."""
    try:
        return over_user_id_check_limit(request)
    except Exception as failure:
        if not outages.is_outage(failure):
            raise
        outages.log_outage(request, failure)
        return False
