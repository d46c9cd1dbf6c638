"""The garbage collector of the process that holds the live QR websockets."""

import gc

from django.conf import settings


def tune() -> None:
    """Collect the young generation every `ASGI_GC_THRESHOLD` allocations (Python's is 700);
    0 keeps Python's own. The older generations keep their thresholds.

    One process holding 10,000 pending QR logins sends 10,000 frames a second. At Python's
    threshold the young generation is collected hundreds of times a second, and whatever a
    frame's send still holds then is promoted as if it lived long; those promotions bring on
    full collections, and a full collection of the 1.2 million objects of 10,000 sockets takes
    about a second, in which no socket gets a frame (`python -m bench.frames --logins 10000`:
    a lag p99 of 1466.0 and 1930.7 ms in two of three runs at 700, 3.3 and 4.1 ms in two runs
    at 50,000, with no more memory a socket). Sockets that open and close still bring full
    collections, less often: the long-lived objects they leave are what Python counts for one.
    """
    threshold = settings.ASGI_GC_THRESHOLD
    if threshold:
        gc.set_threshold(threshold, *gc.get_threshold()[1:])
