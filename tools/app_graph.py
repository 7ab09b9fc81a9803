"""Print the gongzhi apps and their import dependencies as a Mermaid graph.

Derived from the code, not drawn by hand: an edge A --> B means some module of app A
(outside its tests and migrations) imports gongzhi.B. The picture in docs/architecture.md
is this script's output; `python tools/app_graph.py` prints it again after a change.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "gongzhi"
SKIP_DIRS = {"tests", "migrations", "templates", "static", "locale", "__pycache__"}


def _modules(app_dir: Path):
    for path in app_dir.rglob("*.py"):
        if SKIP_DIRS.intersection(path.relative_to(app_dir).parts[:-1]):
            continue
        yield path


def _imported_apps(path: Path, apps: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "gongzhi" and parts[1] in apps:
                found.add(parts[1])
    return found


def installed_apps() -> list[str]:
    """The gongzhi apps in INSTALLED_APPS, in settings order (short names)."""
    import django
    from django.conf import settings

    if not settings.configured:
        django.setup()
    return [a.split(".")[1] for a in settings.INSTALLED_APPS if a.startswith("gongzhi.")]


def dependencies(apps: list[str]) -> dict[str, set[str]]:
    known = set(apps)
    graph: dict[str, set[str]] = {}
    for app in apps:
        deps: set[str] = set()
        for path in _modules(SRC / app):
            deps |= _imported_apps(path, known)
        deps.discard(app)
        graph[app] = deps
    return graph


# Every app builds on these; drawing each domain app's arrow into them would hide the rest,
# so the picture leaves those arrows out (the table below it lists every edge).
FOUNDATION = ("core", "grids", "org", "people")


def mermaid(graph: dict[str, set[str]]) -> str:
    lines = ["```mermaid", "graph TD", "  subgraph foundation"]
    lines += [f"    {app}" for app in FOUNDATION if app in graph]
    lines.append("  end")
    for app, deps in graph.items():
        shown = sorted(d for d in deps if app in FOUNDATION or d not in FOUNDATION)
        if not shown and app not in FOUNDATION:
            lines.append(f"  {app}")
        lines += [f"  {app} --> {dep}" for dep in shown]
    lines.append("```")
    return "\n".join(lines)


def main() -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    os.environ.setdefault("GONGZHI_MODE", "test")
    graph = dependencies(installed_apps())
    print(mermaid(graph))
    if "--table" in sys.argv:
        print()
        print("| app | imports | imported by |")
        print("| --- | --- | --- |")
        for app, deps in graph.items():
            users = sorted(a for a, d in graph.items() if app in d)
            print(f"| {app} | {', '.join(sorted(deps)) or '-'} | {', '.join(users) or '-'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
