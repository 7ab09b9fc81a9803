"""Compile every .po under src/gongzhi into its .mo with polib, so no GNU gettext is needed.

Usage: python tools/compile_messages.py [--check]
--check compiles in memory and fails when a committed .mo differs from its .po.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "gongzhi"


def catalogs(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("LC_MESSAGES/*.po") if ".venv" not in p.parts)


def compiled(po_path: Path) -> bytes:
    # Fuzzy and untranslated entries are left out, so Django falls back to the msgid.
    return polib.pofile(str(po_path)).to_binary()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for po_path in catalogs():
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if check:
            if not mo_path.exists() or mo_path.read_bytes() != data:
                stale.append(mo_path)
            continue
        mo_path.write_bytes(data)
        print(f"compiled {mo_path.relative_to(ROOT.parent.parent)}")
    for path in stale:
        print(f"out of date: {path} (run: make messages)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
