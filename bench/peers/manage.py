#!/usr/bin/env python
"""The peer project's manage.py (run with bench/peers/.venv/bin/python)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peers_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
