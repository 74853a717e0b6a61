"""The Python scanner against annotated fixtures: exact (line, symbol) pairs, nothing more, nothing less."""
from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.scanners.python import scan_python
from portcheck.tables import load_tables
from tests.annotations import diff, expected, found

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "python").glob("*.py"))


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_annotations_match_findings(path, tables):
    out = scan_python(path.name, path.read_text(encoding="utf-8"), tables)
    exp, got = expected(path), found(out.uses)
    assert exp == got, f"{path.name}:\n{diff(exp, got)}"
    if path.name.startswith("neg_"):
        assert not out.uses


def test_positions_and_details(tables):
    path = FIXTURES[0].parent / "imports_aliases.py"
    out = scan_python("imports_aliases.py", path.read_text(), tables)
    first = out.uses[0]
    assert (first.line, first.column, first.end_line, first.end_column) == (10, 5, 10, 19)
    assert (first.kind, first.confidence, first.detail) == ("call", "resolved", "via tc.synchronize")
    assert first.source == "    tc.synchronize()  # [torch.cuda.synchronize]"
    dev = [u for u in scan_python("d.py", 'import torch\nd = torch.device(f"cuda:{r}")\n', tables).uses]
    assert [(u.symbol, u.kind, u.column, u.detail) for u in dev] == [("device:cuda", "device-string", 18, "cuda:{...}")]


def test_python2_file_is_partial_not_a_crash(tables):
    path = FIXTURES[0].parent / "neg_python2.py"
    out = scan_python("neg_python2.py", path.read_text(), tables)
    assert out.uses == [] and out.partial.startswith("syntax error at line 2")


def test_deep_nesting_does_not_raise(tables):
    out = scan_python("deep.py", "import torch\nx = " + "(" * 5000 + "torch.cuda.synchronize()" + ")" * 5000 + "\n",
                      tables)
    assert out.partial or [u.symbol for u in out.uses] == ["torch.cuda.synchronize"]


def test_file_without_trigger_tokens_is_not_parsed(tables):
    assert scan_python("a.py", "def f(:\n", tables).partial == ""
