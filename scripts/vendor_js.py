"""Vendor small browser libraries from npm into static/vendor/<package>/, pinned.

Usage: python scripts/vendor_js.py

- jsqr: reads QR codes off camera pictures in the MitID app simulator (demo only).
- qrcode-generator: draws the live login QR code in the browser, frame by frame.

Each package is fetched with `npm pack`; the files listed are copied with a VERSION file.
"""

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "jsqr": ("1.4.0", ["dist/jsQR.js", "LICENSE"]),
    "qrcode-generator": ("2.0.4", ["dist/qrcode.js", "README.md"]),
}


def vendor(name: str, version: str, files: list[str]) -> None:
    target = ROOT / "static" / "vendor" / name
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for relative in files:
            shutil.copyfile(package / relative, target / Path(relative).name)
        license_name = json.loads((package / "package.json").read_text())["license"]
    (target / "VERSION").write_text(f"{name} {version} ({license_name})\n")


def main() -> None:
    for name, (version, files) in PACKAGES.items():
        vendor(name, version, files)
        print(f"static/vendor/{name}: {version}")


if __name__ == "__main__":
    main()
