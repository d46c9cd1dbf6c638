"""A level shown to a citizen links to where the levels page explains it."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from authenticators.models import AssuranceLevel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["da", "en", "kl"])
@pytest.mark.parametrize("level", AssuranceLevel.values)
def test_a_level_links_to_its_own_part_of_the_levels_page(
    client: Client, language: str, level: str
) -> None:
    with translation.override(language):
        shown = Template("{% load levels %}{% level_link level %}").render(
            Context({"level": level})
        )
        label = str(AssuranceLevel(level).label)
    assert shown == f'<a href="/{language}/levels/#{level}">{label}</a>'
    page = client.get(f"/{language}/levels/").content.decode()
    assert f'<h2 id="{level}">{label}</h2>' in page
