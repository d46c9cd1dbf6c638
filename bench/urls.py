"""The portal's URLs, plus the bare 5 KB page that the page benchmark compares with."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from mitid_portal.urls import handler400, handler500  # noqa: F401  (the portal's, for API paths)
from mitid_portal.urls import urlpatterns as portal

from .views import bare_page

urlpatterns = [*portal, *i18n_patterns(path("bench/bare/", bare_page, name="bench_bare"))]
