"""URLs of the content pages."""

from django.urls import path

from .views import ContentPage

app_name = "pages"

urlpatterns = [
    path("", ContentPage.as_view(template_name="pages/front.html"), name="front"),
    path("get-mitid/", ContentPage.as_view(template_name="pages/get_mitid.html"), name="get_mitid"),
    path(
        "alternatives/",
        ContentPage.as_view(template_name="pages/alternatives.html"),
        name="alternatives",
    ),
    path("safety/", ContentPage.as_view(template_name="pages/safety.html"), name="safety"),
    path("levels/", ContentPage.as_view(template_name="pages/levels.html"), name="levels"),
    path("help/", ContentPage.as_view(template_name="pages/help.html"), name="help"),
    path(
        "help/help-someone-else/",
        ContentPage.as_view(template_name="pages/help_someone_else.html"),
        name="help_someone_else",
    ),
]
