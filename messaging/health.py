"""`/health/delivery/`: whether what the portal sends citizens is going out, for a monitor.

The pages work without Celery (a message is written in the outbox either way), so a load
balancer asks `/health/` and this is not part of it: a worker or beat that has stopped, or a
gateway that refuses, takes no page out of service, but nothing reaches citizens until it is
mended. Two questions: has a worker run beat's heartbeat lately (`tasks.heartbeat`: both
beat and a worker are alive, and the broker between them; not asked where tasks run in the
request, as on the embedded defaults), and has any message waited in the outbox longer than
`DELIVERY_LATE_SECONDS`? 200 when neither is late, 503 naming what is.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import Message

logger = logging.getLogger(__name__)

# When a worker last ran beat's heartbeat (seconds since the epoch), in the shared cache.
HEARTBEAT_KEY = "messaging:heartbeat"


def beat(now: float | None = None) -> None:
    cache.set(HEARTBEAT_KEY, time.time() if now is None else now, timeout=None)


def late_parts() -> dict[str, str]:
    """What is late, and since when (for the log and the answer)."""
    late = settings.DELIVERY_LATE_SECONDS
    parts = {}
    # Where tasks run in the request (the embedded defaults) there is no worker or beat to ask.
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            last_beat = cache.get(HEARTBEAT_KEY)
        except (RedisConnectionError, RedisTimeoutError) as error:
            # Redis is the broker too: no task reaches a worker while it is down. The monitor
            # gets this answer in JSON, not the citizens' HTML page about an outage.
            parts["celery"] = f"the heartbeat cannot be read ({error})"
        else:
            if last_beat is None or time.time() - last_beat > late:
                parts["celery"] = (
                    "no heartbeat" if last_beat is None else f"{time.time() - last_beat:.0f} s"
                )
    waiting = (
        Message.objects.filter(status=Message.Status.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:1]
    )
    oldest = next(iter(waiting), None)
    if oldest is not None and timezone.now() - oldest > timedelta(seconds=late):
        parts["outbox"] = f"{(timezone.now() - oldest).total_seconds():.0f} s"
    return parts


@never_cache
@require_safe
def delivery(request: HttpRequest) -> JsonResponse:
    late = late_parts()
    for part, since in late.items():
        logger.warning("Delivery health: %s late (%s)", part, since)
    return JsonResponse(
        {"status": "late" if late else "ok", "late": sorted(late)},
        status=503 if late else 200,
    )
