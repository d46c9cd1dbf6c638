"""Vendor the built files of Det Fælles Designsystem (npm `dkfds`) into static/vendor/dkfds.

Usage: python scripts/vendor_dkfds.py [VERSION]

Fetches the package with `npm pack`, then copies the borger.dk theme CSS, every file that CSS
refers to (IBM Plex Sans fonts, images), the JavaScript and the icon sprite. The version copied
is written to static/vendor/dkfds/VERSION; bump PINNED_VERSION to refresh.
"""

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PINNED_VERSION = "11.2.0"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static" / "vendor" / "dkfds"
ENTRY_FILES = [
    "css/dkfds-borgerdk.min.css",
    "js/dkfds.min.js",
    "img/all-svg-icons.svg",
    "LICENSE.md",
    # The PDFs the portal makes (terms) embed the same typeface.
    "fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Bold.ttf",
    "fonts/IBMPlexSans/complete/ttf/license.txt",
]
CSS_URL = re.compile(r"url\((?:'|\")?(?!data:)([^)'\"?#]+)")


def referenced_files(css_path: Path, dist: Path) -> set[str]:
    found = set()
    for url in CSS_URL.findall(css_path.read_text(encoding="utf-8")):
        resolved = (css_path.parent / url).resolve()
        found.add(str(resolved.relative_to(dist.resolve())))
    return found


def main(version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"dkfds@{version}", "--silent", "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("dkfds-*.tgz")
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        dist = Path(tmp) / "package" / "dist"
        wanted = set(ENTRY_FILES) | referenced_files(dist / ENTRY_FILES[0], dist)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        for relative in sorted(wanted):
            destination = TARGET / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dist / relative, destination)
    # The source map comments point at files we do not ship; strip them so that
    # WhiteNoise's manifest storage does not look for them.
    for minified in TARGET.rglob("*.min.*"):
        text = minified.read_text(encoding="utf-8")
        minified.write_text(re.sub(r"\n?/[/*]# sourceMappingURL=\S+( \*/)?\s*$", "\n", text))
    (TARGET / "VERSION").write_text(version + "\n")
    print(f"Vendored dkfds {version}: {len(wanted)} files in {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else PINNED_VERSION)
