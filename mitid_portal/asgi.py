"""ASGI entry point: Django pages over HTTP, Channels consumers over websockets."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitid_portal.settings.base")

from mitid_portal.handlers import asgi_application

# Django must be set up before anything imports models (consumers, routing). The App API's
# paths, and those of the OpenID Connect endpoints a party's server calls, go through their
# own handler (mitid_portal.handlers).
django_asgi_app = asgi_application()

from mitid_portal import collector  # noqa: E402

collector.tune()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from mitid_portal.origins import SameOriginValidator  # noqa: E402
from mitid_portal.routing import websocket_urlpatterns  # noqa: E402

# Websockets need the session (which login a browser waits on), not the user: the session
# stack saves a user lookup per connection, and thousands connect at once. A socket opens only
# from the portal's own pages, port included (mitid_portal.origins).
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
