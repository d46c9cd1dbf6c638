#!/usr/bin/env bash
# Fails when `makemessages` on this tree would change a catalogue (other than its date stamp),
# or when a catalogue does not pass `msgfmt --check`. Leaves the catalogues as it found them.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(mktemp -d)
# Only the .po files are kept and put back: restoring compiled .mo files as well would put
# back stale ones with a fresh timestamp, which compilemessages then takes as up to date.
restore() {
  for po in "$before"/*/LC_MESSAGES/django.po; do
    language=$(basename "$(dirname "$(dirname "$po")")")
    cp "$po" "locale/$language/LC_MESSAGES/django.po"
  done
  rm -rf "$before"
}
for po in locale/*/LC_MESSAGES/django.po; do
  mkdir -p "$before/$(dirname "${po#locale/}")"
  cp "$po" "$before/${po#locale/}"
done
trap restore EXIT
"$@" -v 0
changed=0
for po in locale/*/LC_MESSAGES/django.po; do
  diff -u -I '^"POT-Creation-Date' "$before/${po#locale/}" "$po" || changed=1
done
if [ "$changed" -ne 0 ]; then
  echo "makemessages changed the catalogues: run 'make messages' and commit the result." >&2
  exit 1
fi
for po in locale/*/LC_MESSAGES/django.po; do
  msgfmt --check --output-file=/dev/null "$po"
done
echo "Catalogues are up to date and compile cleanly."
