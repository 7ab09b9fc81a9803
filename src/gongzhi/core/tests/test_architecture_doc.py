"""docs/architecture.md draws every gongzhi app in INSTALLED_APPS, and no other."""

import re
from pathlib import Path

from django.conf import settings

DOC = Path(__file__).resolve().parents[4] / "docs" / "architecture.md"


def _drawn_apps() -> set[str]:
    block = DOC.read_text(encoding="utf-8").split("```mermaid", 1)[1].split("```", 1)[0]
    names = set(re.findall(r"\b([a-z][a-z0-9_]*)\b", block))
    return names - {"graph", "td", "subgraph", "foundation", "end"}


def test_the_architecture_picture_draws_exactly_the_installed_apps():
    installed = {a.split(".")[1] for a in settings.INSTALLED_APPS if a.startswith("gongzhi.")}
    assert _drawn_apps() == installed
