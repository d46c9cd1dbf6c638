"""The deployment files agree with the settings they front."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_nginx_lets_django_answer_a_body_over_its_limit() -> None:
    """nginx's 1 MB answered App API bodies between 1 MB and Django's limit with its own HTML
    413, where Django answers JSON payload_too_large."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    (limit,) = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", conf, re.MULTILINE)
    nginx_bytes = int(limit) * 1024 * 1024
    django_bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert django_bytes < nginx_bytes <= 2 * django_bytes
