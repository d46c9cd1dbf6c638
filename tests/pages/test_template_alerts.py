"""Every alert of the design system has its icon: the alert keeps the icon's place at its left,
and one without the icon showed an empty band there (the page refusing a party's login, a
walk of 2026-12-05)."""

import re

from tests.pages.test_template_comments import ROOT, templates

ALERT = re.compile(r'class="alert[ "](?P<rest>.*?)class="alert-body"', re.DOTALL)


def test_every_alert_has_its_icon_before_its_body() -> None:
    without_icon = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, alert.start()) + 1}"
        for path in templates()
        for text in [path.read_text()]
        for alert in ALERT.finditer(text)
        if "alert_icon" not in alert["rest"]
    ]
    assert without_icon == []
