"""Django's makemessages, without msgmerge's fuzzy guesses.

A guessed translation of a new string is usually wrong and easy to miss; a new string should
arrive untranslated, so the translations report counts it as missing.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
