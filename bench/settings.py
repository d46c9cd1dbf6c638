"""Settings for the benchmarks: the portal's own, plus the bare baselines they compare with."""

import os

from mitid_portal.settings.base import *  # noqa: F403
from mitid_portal.settings.base import BASE_DIR, TEMPLATES

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# bench/peers/run.py compares logins with one hasher for every project in a run (MD5, so
# that the frameworks are compared and not the hash; then the portal's own). A relying
# party's client secret keeps its own (no person's password: the same in every run).
if os.environ.get("BENCH_PASSWORD_HASHERS"):
    PASSWORD_HASHERS = [
        *os.environ["BENCH_PASSWORD_HASHERS"].split(","),
        "relying_parties.hashers.ClientSecretHasher",
    ]
# `bench.approvals --layer pubsub`: channels_redis's pub/sub layer (a group send is one
# PUBLISH) in place of the portal's, for every process of the run, to compare the two.
if os.environ.get("BENCH_CHANNEL_LAYER") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    }
# The load generator is one client address holding thousands of live QR sockets (bench.frames,
# bench.approvals): the per-client cap that keeps one address from doing so in production
# (`APP_LOGIN_SOCKETS_PER_CLIENT`) is lifted here, its count kept.
APP_LOGIN_SOCKETS_PER_CLIENT = 1_000_000
