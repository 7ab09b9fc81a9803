"""Every public service function is reachable by a user (issue 14): a view, an API endpoint,
a task, a command, a selector or a consumer names it, or a reachable service function does.
Whatever only tests call is listed here, and the list must be empty or carry a reason."""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
# name -> why it may stay unreachable (none today)
ALLOWED: dict[str, str] = {}


def _is_service(path: Path) -> bool:
    return path.stem.startswith("services") or "services" in path.parts


def unreachable() -> list[str]:
    files = [p for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    functions: dict[tuple[Path, str], str] = {}
    for path in files:
        if _is_service(path) and path.name != "__init__.py":
            for node in ast.parse(texts[path]).body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    body = ast.get_source_segment(texts[path], node) or ""
                    functions[(path, node.name)] = body
    outside = "\n".join(text for path, text in texts.items() if not _is_service(path))
    pattern = {key: re.compile(rf"\b{re.escape(key[1])}\b") for key in functions}
    reached = {key for key in functions if pattern[key].search(outside)}
    while True:
        bodies = "\n".join(functions[key] for key in reached)
        more = {k for k in functions if k not in reached and pattern[k].search(bodies)}
        if not more:
            break
        reached |= more
    return sorted(
        f"{path.relative_to(SRC)}: {name}"
        for (path, name) in functions
        if (path, name) not in reached and not name.startswith("_")
    )


def test_every_service_function_is_reachable_or_has_a_reason():
    left = [entry for entry in unreachable() if entry.rsplit(": ", 1)[1] not in ALLOWED]
    assert left == [], "only tests call these service functions:\n" + "\n".join(left)


def test_the_check_notices_an_unreachable_function(tmp_path, monkeypatch):
    app = tmp_path / "gongzhi" / "demo"
    app.mkdir(parents=True)
    (app / "services.py").write_text("def used():\n    pass\n\n\ndef orphan():\n    pass\n")
    (app / "views.py").write_text("from .services import used\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", tmp_path / "gongzhi")
    assert unreachable() == ["demo/services.py: orphan"]
