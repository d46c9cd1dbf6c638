"""WSGI entry point of the benchmark settings (gunicorn serves pages and the App API)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from mitid_portal.handlers import wsgi_application

application = wsgi_application()
