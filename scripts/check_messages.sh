#!/usr/bin/env bash
# Fails when `makemessages` on this tree would change a catalogue (other than its date stamp),
# or when a catalogue does not pass `msgfmt --check`. Leaves the catalogues as it found them.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(mktemp -d)
trap 'cp -r "$before/locale/." locale/; rm -rf "$before"' EXIT
cp -r locale "$before/locale"
"$@" -v 0
if ! diff -r -u -I '^"POT-Creation-Date' "$before/locale" locale; then
  echo "makemessages changed the catalogues: run 'make messages' and commit the result." >&2
  exit 1
fi
for po in locale/*/LC_MESSAGES/django.po; do
  msgfmt --check --output-file=/dev/null "$po"
done
echo "Catalogues are up to date and compile cleanly."
