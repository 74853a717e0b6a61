"""The byte prefilter may skip a file only when no catalog name could occur in it."""
from __future__ import annotations

from portcheck.prefilter import PREFILTERS
from portcheck.tables import load_tables


def test_every_cpp_catalog_symbol_passes_the_cuda_prefilter():
    tables = load_tables()
    rx = PREFILTERS["cuda"]
    missed = sorted(s for s, e in tables.catalog.items()
                    if tables.families[e.family].language == "cpp" and not rx.search(s.encode()))
    assert missed == []


def test_every_python_catalog_symbol_passes_the_python_prefilter():
    tables = load_tables()
    rx = PREFILTERS["python"]
    missed = sorted(s for s, e in tables.catalog.items()
                    if tables.families[e.family].language == "python" and e.kind not in ("device-string",)
                    and not rx.search(s.encode()))
    assert missed == []


def test_prefilter_skips_plain_files():
    assert not PREFILTERS["cuda"].search(b"#include <vector>\nint main() { std::vector<int> v; return v.size(); }\n")
    assert not PREFILTERS["python"].search(b"import os\nprint(os.getcwd())\n")
