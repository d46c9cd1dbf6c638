"""WSGI entry point of the peer project (gunicorn, 2 sync workers, as the portal)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peers_site.settings")
application = get_wsgi_application()
