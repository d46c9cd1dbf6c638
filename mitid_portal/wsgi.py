"""WSGI entry point, for serving the pages from a WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitid_portal.settings.base")
application = get_wsgi_application()
