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


def test_python2_file_is_partial_and_scanned_as_text(tables):
    path = FIXTURES[0].parent / "python2_fallback.py"
    out = scan_python("python2_fallback.py", path.read_text(), tables)
    assert out.partial.startswith("syntax error at line 2: Missing parentheses in call to 'print'")
    assert out.partial.endswith("; scanned as text only")
    assert {u.confidence for u in out.uses} == {"textual"}
    first = out.uses[0]
    assert (first.line, first.column, first.end_column, first.kind) == (3, 1, 23, "call")


def test_newer_syntax_falls_back_to_libcst(tables, monkeypatch):
    """Text the interpreter's parser rejects but libcst reads is scanned fully by the libcst walker."""
    import ast

    def reject(text, *args, **kwargs):
        raise SyntaxError("invalid syntax (pretend: newer Python)", ("x.py", 1, 1, "", 1, 1))

    monkeypatch.setattr(ast, "parse", reject)
    out = scan_python("n.py", "import torch.cuda as tc\ntc.synchronize()\n", tables)
    assert out.partial == ""
    assert [(u.line, u.column, u.symbol, u.confidence) for u in out.uses] == [
        (2, 1, "torch.cuda.synchronize", "resolved")]


def test_check_path_does_not_import_libcst():
    import subprocess
    import sys
    code = ("import sys; from portcheck.scanners.python import scan_python; from portcheck.tables import load_tables;"
            "scan_python('a.py', 'import torch\\ntorch.cuda.synchronize()\\n', load_tables());"
            "print('libcst' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_check_command_does_not_import_libcst(tmp_path):
    """The whole pre-commit gate, CLI included: registering `portcheck port` must not pull in its libcst editor."""
    import subprocess
    import sys
    (tmp_path / "a.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    code = ("import sys\nfrom portcheck.cli import main\nsys.argv = ['portcheck', 'check', 'a.py']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('libcst' in sys.modules, file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert res.stderr.strip().splitlines()[-1] == "False", res.stderr


def test_deep_nesting_does_not_raise(tables):
    out = scan_python("deep.py", "import torch\nx = " + "(" * 5000 + "torch.cuda.synchronize()" + ")" * 5000 + "\n",
                      tables)
    assert out.partial or [u.symbol for u in out.uses] == ["torch.cuda.synchronize"]


def test_file_without_trigger_tokens_is_not_parsed(tables):
    assert scan_python("a.py", "def f(:\n", tables).partial == ""


def test_scanned_code_warnings_are_not_printed(tables, recwarn):
    """`"\\d"` in scanned code makes ast.parse warn; that is the scanned project's business, not our stderr's."""
    out = scan_python("w.py", 'import torch\nx = "\\d"\ntorch.cuda.synchronize()\n', tables)
    assert [u.symbol for u in out.uses] == ["torch.cuda.synchronize"]
    assert [str(w.message) for w in recwarn] == []
