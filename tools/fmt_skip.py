"""`# fmt: skip` only on genuine tables (issue 13.5): `python tools/fmt_skip.py [--fix] PATH...`

The formatter formats everything else. A marker may stay when the statement it ends is a
multi-line literal table: an assignment, return or expression whose value is a dict display,
or a list/tuple/set display whose items are mostly rows (displays or calls, like `_t(...)`), with at least
three items over at least three lines. Without --fix, lists the other markers and exits 1
when there are any (`make lint` runs it); with --fix, removes them (run `ruff format` after).
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

MARK = re.compile(r"\s*# fmt: skip\s*$")
COMMENT = re.compile(r"#\s*fmt:\s*skip\s*")
DISPLAYS = (ast.Dict, ast.List, ast.Tuple, ast.Set)


def is_table(node: ast.stmt) -> bool:
    value = getattr(node, "value", None)
    if not isinstance(value, DISPLAYS):
        return False
    items = value.values if isinstance(value, ast.Dict) else value.elts
    if len(items) < 3 or (node.end_lineno or 0) - node.lineno < 2:
        return False
    rows = sum(isinstance(item, (*DISPLAYS, ast.Call)) for item in items)  # rows: displays or calls
    return isinstance(value, ast.Dict) or rows >= len(items) / 2


def stray_markers(source: str) -> list[int]:
    """Line numbers (1-based) of markers that do not end a table."""
    tree = ast.parse(source)
    ends: dict[int, ast.stmt] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.end_lineno is not None:
            seen = ends.get(node.end_lineno)
            if seen is None or node.lineno >= seen.lineno:  # the innermost statement
                ends[node.end_lineno] = node
    # Comments only: a "# fmt: skip" inside a string literal is text, not a marker.
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    marks = {
        t.start[0] for t in tokens if t.type == tokenize.COMMENT and COMMENT.fullmatch(t.string)
    }
    return sorted(n for n in marks if not (n in ends and is_table(ends[n])))


def main(argv: list[str]) -> int:
    fix = "--fix" in argv
    paths = [Path(a) for a in argv if a != "--fix"]
    files = [p for root in paths for p in ([root] if root.is_file() else root.rglob("*.py"))]
    stray = 0
    for path in sorted(files):
        source = path.read_text()
        if "fmt: skip" not in source:
            continue
        numbers = stray_markers(source)
        stray += len(numbers)
        if fix and numbers:
            lines = source.splitlines(keepends=True)
            for number in numbers:
                line = lines[number - 1]
                lines[number - 1] = MARK.sub("", line.rstrip("\n")) + (
                    "\n" if line.endswith("\n") else ""
                )
            path.write_text("".join(lines))
        elif not fix:
            for number in numbers:
                print(f"{path}:{number}: `# fmt: skip` on something that is not a table")
    if fix:
        print(f"removed {stray} markers")
        return 0
    return 1 if stray else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
