"""The portal's URLs plus one page written in Danish only, for the trilingual notice (seed 004).

Every page of the portal exists in da, en and kl now, so the notice that a page declaring fewer
`languages` shows elsewhere is tested on this one: the safety page, declared Danish only.
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from mitid_portal.urls import urlpatterns as portal_urlpatterns
from pages.views import ContentPage

DANISH_ONLY = "danish-only/"

urlpatterns = [
    *portal_urlpatterns,
    *i18n_patterns(
        path(
            DANISH_ONLY,
            ContentPage.as_view(template_name="pages/safety.html", languages=("da",)),
            name="danish_only",
        )
    ),
]
