"""WSGI entry point, for serving the pages and the App API from a WSGI server."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitid_portal.settings.base")

from mitid_portal.handlers import wsgi_application

application = wsgi_application()
