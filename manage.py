#!/usr/bin/env python
"""Django's command-line entry point for the portal."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitid_portal.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def reader_left() -> bool:
    """Whether standard output is a pipe whose reader has gone (poll says POLLERR)."""
    import select

    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _fd, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        if not reader_left():
            raise  # another pipe or socket of the command's own: a real failure
        # The reader left (`manage.py nemid_keycard USER | head`): stop quietly, as a shell
        # tool does, instead of a traceback. Python's documented way: what is still buffered
        # goes nowhere, so that flushing at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
