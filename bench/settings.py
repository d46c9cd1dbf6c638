"""Settings for the benchmarks: the portal's own, plus the bare baselines they compare with."""

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
