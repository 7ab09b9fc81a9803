"""tools/fmt_skip.py: which `# fmt: skip` markers count as tables (issue 13.5)."""

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[4] / "tools" / "fmt_skip.py"
spec = importlib.util.spec_from_file_location("fmt_skip", TOOL)
fmt_skip = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fmt_skip)

TABLE = """ROWS = [
    ("a",  1, "first"),
    ("bb", 2, "second"),
    ("c",  3, "third"),
]  # fmt: skip
"""
CALL = """result = function(
    a=1,   b=2,
    c=3,
)  # fmt: skip
"""
SHORT = 'x = {"a": 1}  # fmt: skip\n'


def test_a_multi_line_table_keeps_its_marker():
    assert fmt_skip.stray_markers(TABLE) == []


def test_a_call_and_a_one_line_literal_lose_theirs():
    assert fmt_skip.stray_markers(CALL) == [4]
    assert fmt_skip.stray_markers(SHORT) == [1]


def test_a_list_of_calls_is_a_table_too():
    source = 'T = [\n    _t("a", 1),\n    _t("bb", 2),\n    _t("c", 3),\n]  # fmt: skip\n'
    assert fmt_skip.stray_markers(source) == []


def test_a_marker_inside_a_string_is_text_not_a_marker():
    source = 'TEXT = """\nresult = f(\n    a=1,\n)  # fmt: skip\n"""\n'
    assert fmt_skip.stray_markers(source) == []


def test_fix_removes_only_the_stray_markers(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(TABLE + CALL)
    assert fmt_skip.main([str(path)]) == 1
    assert fmt_skip.main(["--fix", str(path)]) == 0
    text = path.read_text()
    assert text.count("# fmt: skip") == 1 and text.startswith(TABLE)
    assert fmt_skip.main([str(path)]) == 0
