"""Reports: Markdown, CSV, SARIF, JSON and HTML rendered from one document; gold files, escaping, schema."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from portcheck.reporters import REPORTERS, get_reporter
from portcheck.reporters import csv_report, html, markdown, sarif
from portcheck.reporters import viewmodel as vm
from tests.regen_gold import (CSV_FORMULA, GOLD, HOSTILE, IMG_ONERROR, REPORT_TREE, SCRIPT_CLOSE, render_gold,
                              scan_document, scrub, synthetic_document)

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
REGEN = "regenerate with `python -m tests.regen_gold` and review the diff"


@pytest.fixture(scope="module")
def doc():
    return synthetic_document()


@pytest.fixture(scope="module")
def real_doc():
    return scrub(scan_document(REPORT_TREE))


def _finding(doc, path, line, symbol):
    hits = [f for f in doc["findings"] if (f["path"], f["line"], f["symbol"]) == (path, line, symbol)]
    assert len(hits) == 1, (path, line, symbol)
    return hits[0]


# ------------------------------------------------------------------------------------------------ gold files
@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_gold_synthetic(doc, fmt):
    assert render_gold(scrub(doc), fmt) == (GOLD / f"synthetic.{fmt}").read_text(encoding="utf-8"), REGEN


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_gold_real_scan_of_report_tree(real_doc, fmt):
    assert render_gold(real_doc, fmt) == (GOLD / f"report_tree.{fmt}").read_text(encoding="utf-8"), REGEN


def test_real_scan_reaches_every_report(real_doc):
    """The fixture tree's CUDA ties come out in the reports at their exact places."""
    f = _finding(real_doc, "csrc/ops.cu", 27, "cudaMalloc")
    assert (f["column"], f["kind"], f["family"]) == (3, "call", "cuda-runtime.memory")
    rows = list(csv.DictReader(io.StringIO(csv_report.render(real_doc))))
    assert [r["line"] for r in rows if r["symbol"] == "cudaMalloc" and r["backend"] == "cann"] == ["27", "28"]
    assert [(k["name"], k["line"]) for k in real_doc["kernels"]] == [("scale_kernel", 5), ("reduce_kernel", 13)]
    assert "| `csrc/ops.cu` |" in markdown.render(real_doc)


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_saved_json_renders_the_same(doc, fmt):
    """`portcheck render report.json` gives what the scan wrote: JSON round-trips without loss."""
    again = json.loads(get_reporter("json")(doc))
    assert get_reporter(fmt)(again) == get_reporter(fmt)(doc)


def test_cli_render_writes_every_format(doc, tmp_path):
    from click.testing import CliRunner

    from portcheck.cli import main

    saved = tmp_path / "report.json"
    saved.write_text(get_reporter("json")(doc), encoding="utf-8")
    res = CliRunner().invoke(main, ["render", str(saved), "--format", "html,md,sarif,csv",
                                    "--output-dir", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    for fmt, ext in (("html", "html"), ("md", "md"), ("sarif", "sarif"), ("csv", "csv")):
        assert (tmp_path / "out" / f"portcheck-report.{ext}").read_text(encoding="utf-8") == get_reporter(fmt)(doc)


# ------------------------------------------------------------------------------------------------ Markdown
def test_markdown_escapes_prose_and_code():
    assert markdown.text("a|b `c` <img> *x* _y_\nz") == r"a\|b \`c\` &lt;img&gt; \*x\* \_y\_ z"
    assert markdown.code("plain") == "`plain`"
    assert markdown.code("a|b") == r"`a\|b`"
    assert markdown.code("a|b", in_table=False) == "`a|b`"
    assert markdown.code("x `y` ``z``") == "``` x `y` ``z`` ```"
    assert markdown.code("`start") == "`` `start ``"
    assert markdown.code("line1\r\nline2") == "`line1 line2`"


def test_markdown_summary_rows_and_hostile_path(doc):
    md = markdown.render(doc)
    assert md.startswith("## portcheck: porting demo off CUDA\n\n**Cheapest port: Moore Threads MUSA, a working port "
                         "in about 10.4 person-days** (62.1 h, range 20.3–139 h). 22 findings in 7 of 8 files, "
                         "2 custom kernels")
    assert ("| **cann** Huawei Ascend CANN | 91.3 | 29.6–206 | 15.2 | 38.3 (11.8–91.9) | 27% | 6 | 7 | 2 | 7 | 0 "
            "| 2 torch-composite |") in md
    assert ("| **musa** Moore Threads MUSA | 62.1 | 20.3–139 | 10.4 | 0.0 (0.0–0.0) | 67% | 14 | 3 | 3 | 1 | 0 "
            "| 2 review |") in md
    assert ("| `csrc/ops.cu` scale\\_kernel | elementwise | torch-composite 2.0 h; parity rewrite +14.8 h "
            "| review 2.5 h | torch-composite 2.0 h; parity rewrite +14.8 h |") in md
    assert r"| `` hostile/evil\|name`.py `` | 3 | 0.17 | 0.17 | 0.17 |" in md
    assert "| `cublasSgemm` | cublas | 1 | `csrc/ops.cu:41` | missing | rename → `mublasSgemm` | unknown |" in md
    assert "<script" not in md and "<img" not in md
    # every table row has as many cells as its header
    for block in re.findall(r"(?:^\|.*\|\n)+", md, flags=re.M):
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in block.splitlines()}
        assert len(widths) == 1, block


def test_markdown_of_an_empty_scan():
    doc = synthetic_document()
    doc.update(findings=[], kernels=[])
    doc["summary"].update(findings=0, kernels=0, files_with_findings=0)
    assert markdown.render(doc).splitlines()[2].startswith("No CUDA ties found. 0 findings in 0 of 8 files")


# ------------------------------------------------------------------------------------------------ CSV
def test_csv_cell_defuses_formulas():
    assert [csv_report.cell(x) for x in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", " =1", "a=b", "", 7)] == \
        ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "' =1", "a=b", "", 7]


def test_csv_rows_per_finding_and_backend(doc):
    rows = list(csv.reader(io.StringIO(csv_report.render(doc))))
    assert rows[0] == list(csv_report.COLUMNS)
    # 22 findings x 3 backends, less the op gap musa's list does not mention
    assert len(rows) - 1 == 65
    by = {(r[0], r[1], r[3], r[7]): r for r in rows[1:]}
    assert ("model.py", "8", "torch.nn.GRU", "musa") not in by
    gru = by[("model.py", "8", "torch.nn.GRU", "cann")]
    assert gru[4:12] == ["call", "torch-op", "op-gaps", "cann", "partial", "torch.nn.GRU", "fp16 only",
                         "synthetic test data, not a vendor fact"]
    evil = by[("hostile/evil|name`.py", "5", "torch.cuda.device_count", "neuware")]
    assert evil[12] == f"'{CSV_FORMULA} + torch.cuda.device_count()"
    assert evil[10] == "'@SUM(1+1)"
    assert evil[13] == _finding(doc, "hostile/evil|name`.py", 5, "torch.cuda.device_count")["id"]
    assert by[("hostile/evil|name`.py", "3", "torch.cuda.synchronize", "cann")][12] == \
        f"torch.cuda.synchronize()  # {SCRIPT_CLOSE}"


# ------------------------------------------------------------------------------------------------ SARIF
@pytest.fixture(scope="module")
def sarif_log(doc):
    return json.loads(sarif.render(doc))


def test_sarif_is_valid_against_the_official_schema(sarif_log, real_doc):
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(sarif_log)
    jsonschema.Draft7Validator(schema).validate(json.loads(sarif.render(real_doc)))


def test_sarif_one_run_per_backend(sarif_log):
    runs = sarif_log["runs"]
    assert sarif_log["version"] == "2.1.0"
    assert [r["automationDetails"]["id"] for r in runs] == ["portcheck/cann/", "portcheck/musa/", "portcheck/neuware/"]
    assert [len(r["results"]) for r in runs] == [22, 21, 22]  # musa's op-support list does not mention nn.GRU
    for run in runs:
        rules = run["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == sorted({r["id"] for r in rules})
        for res in run["results"]:
            assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
            assert res["partialFingerprints"]["portcheckFindingId/v1"]
        notes = run["invocations"][0]["toolExecutionNotifications"]
        assert [(n["level"], n["message"]["text"]) for n in notes] == [
            ("warning", "skipped: binary file (NUL bytes)"),
            ("note", "partly scanned: syntax error at line 3; scanned in part")]


def test_sarif_result_fields(doc, sarif_log):
    cann, musa, neuware = sarif_log["runs"]
    f = _finding(doc, "csrc/ops.cu", 22, "cudaMalloc")
    res = [r for r in cann["results"] if r["partialFingerprints"]["portcheckFindingId/v1"] == f["id"]]
    assert res == [{
        "ruleId": "cuda-runtime.memory", "ruleIndex": res[0]["ruleIndex"], "level": "note",
        "message": {"text": "cudaMalloc (cuda-runtime.memory) ties this code to CUDA. On Huawei Ascend CANN: adapt, "
                            "use aclrtMalloc (extra policy argument). Source: synthetic test data, not a vendor fact."},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "csrc/ops.cu", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 22, "startColumn": 3, "endLine": 22, "endColumn": 13,
                       "snippet": {"text": "  cudaMalloc(&buf, n * sizeof(float));"}}}}],
        "partialFingerprints": {"portcheckFindingId/v1": f["id"],
                                "portcheckLineHash/v1": res[0]["partialFingerprints"]["portcheckLineHash/v1"]},
        "properties": {"status": "adapt", "target": "aclrtMalloc", "symbol": "cudaMalloc", "confidence": "resolved",
                       "evidence": "verified"}}]
    assert re.fullmatch(r"[0-9a-f]{32}:1", res[0]["partialFingerprints"]["portcheckLineHash/v1"])
    levels = {(r["properties"]["symbol"], r["level"]) for r in neuware["results"]}
    assert {("cublasSgemm", "warning"), ("atomicAdd", "error"), ("torch.cuda.CUDAGraph", "error"),
            ("Tensor.cuda", "note"), ("torch.cuda.amp.autocast", "note")} <= levels
    evil = [r for r in musa["results"] if r["properties"]["symbol"] == "torch.cuda.synchronize"][0]
    assert evil["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "hostile/evil%7Cname%60.py"
    rule = [r for r in cann["tool"]["driver"]["rules"] if r["id"] == "cuda-runtime.memory"][0]
    assert rule["shortDescription"]["text"] == "CUDA tie: cuda-runtime.memory (Runtime C API)"
    assert rule["help"]["markdown"].startswith("**cuda-runtime.memory** (Runtime C API) on **Huawei Ascend CANN**: "
                                               "2 adapt.\n\n| symbol | status | target | note |")
    assert "| cudaMemcpy | adapt | aclrtMemcpy | extra destMax argument |" in rule["help"]["markdown"]


def test_sarif_help_uri_is_the_rules_page_and_a_cited_web_page_is_kept():
    doc = synthetic_document()
    url = "https://www.hiascend.com/document/detail/en/canncommercial/acl_rt.html"
    for f in doc["findings"]:
        if f["symbol"] == "cudaMemcpy":
            f["verdicts"]["cann"]["ref"] = f"CANN docs, {url}."
    rules = {r["id"]: r for r in json.loads(sarif.render(doc))["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["cuda-runtime.memory"]["helpUri"] == sarif.RULES_DOC_URL + "#cuda-runtimememory"
    assert rules["cuda-runtime.memory"]["properties"]["vendorDocs"] == url
    assert rules["cublas"]["helpUri"] == sarif.RULES_DOC_URL + "#cublas"
    assert "vendorDocs" not in rules["cublas"]["properties"]


# ------------------------------------------------------------------------------------------------ HTML
def test_json_for_script_escapes_what_could_end_the_element():
    out = html.json_for_script({"s": "</script><!--&\u2028\u2029'\""})
    assert str(out) == '{"s":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029\'\\""}'
    assert json.loads(str(out)) == {"s": "</script><!--&\u2028\u2029'\""}


@pytest.fixture(scope="module")
def page(doc):
    return html.render(doc, strict=True)


def test_html_is_self_contained_and_escaped(page):
    assert page.count("<script") == 2  # the JSON data and our script, nothing from the scanned code
    assert SCRIPT_CLOSE not in page and IMG_ONERROR not in page and "<img" not in page
    assert re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", page) is None
    assert "@import" not in page and "url(" not in page
    data = re.search(r'<script type="application/json" id="pc-data">(.*?)</script>', page, re.S).group(1)
    payload = json.loads(data)
    assert payload == json.loads(json.dumps(vm.findings_payload(synthetic_document())))
    assert f"torch.cuda.synchronize()  # {SCRIPT_CLOSE}" in [row[7] for row in payload["findings"]]


def test_html_csp_allows_exactly_our_script(page):
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page


def test_html_sections_show_the_document(doc, page):
    assert ('<p class="answer" id="answer">Cheapest port: <b>Moore Threads MUSA</b>, a working port in about '
            '<b>10.4 person-days</b>') in page
    assert "Huawei Ascend CANN: 15.2 person-days (91.3 h), +6.4 for kernel parity;" in page
    for section in ("comparison", "where", "findings", "kernels", "dependencies", "op-gaps", "skipped", "estimate",
                    "about"):
        assert f'<section id="{section}">' in page
    assert '<article class="card" id="backend-neuware">' in page
    assert page.count('<rect class="c-custom-kernels" x="') == 3  # one bar segment per backend
    assert '<a class="file" href="#file-hostile/evil%7Cname%60.py">hostile/evil|name`.py</a>' in page
    assert "torch-composite: elementwise kernels in csrc/ops.cu" in page  # the working-port item
    assert "rewrite: elementwise kernels in csrc/ops.cu to native speed" in page  # its kernel-parity item
    assert "scale_kernel: 29.7 h = base 12 h + 9 lines x 0.3 h + atomics +4 h" in page
    assert "skipped: </td>" not in page and "partly scanned: syntax error at line 3; scanned in part" in page
    assert "benchmark only" in page
    assert "CNToolkit 3.15 · torch_mlu 1.24.1" in page


def test_html_escapes_everything_jinja_renders():
    doc = synthetic_document()
    doc["scan"]["root"] = "<b>root</b>"
    doc["skipped"][0]["reason"] = IMG_ONERROR
    doc["suppressed"][0]["reason"] = SCRIPT_CLOSE
    doc["kernels"][0]["name"] = "k<svg onload=alert(3)>"
    for e in doc["effort"].values():  # the kernel units name it too
        for u in e["kernel_units"]:
            u["kernels"] = ["k<svg onload=alert(3)>" if k == "scale_kernel" else k for k in u["kernels"]]
    page = html.render(doc, strict=True)
    assert "<b>root</b>" not in page and "<h1>&lt;b&gt;root&lt;/b&gt;</h1>" in page
    assert "<img" not in page and "skipped: &lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("<script") == 2 and "&lt;/script&gt;&lt;script&gt;alert(&#34;pwned&#34;)" in page
    assert "<svg onload" not in page and "<code>k&lt;svg onload=alert(3)&gt;</code>" in page


def test_html_of_an_empty_scan_renders():
    doc = synthetic_document()
    doc.update(findings=[], kernels=[])
    doc["summary"].update(findings=0, kernels=0, files_with_findings=0)
    page = html.render(doc, strict=True)
    assert '<p class="answer" id="answer">No CUDA ties found: nothing to port.</p>' in page


def test_every_format_renders_a_document_without_backends():
    doc = synthetic_document()
    doc.update(backends=[], effort={}, findings=[], kernels=[])
    for fmt in REPORTERS:
        assert get_reporter(fmt)(doc)


# ------------------------------------------------------------------------------------------------ hostile fixture
def _assert_inert(doc):
    page = html.render(doc, strict=True)
    assert page.count("<script") == 2 and "<img" not in page
    rows = list(csv.reader(io.StringIO(csv_report.render(doc))))
    assert [c for row in rows[1:] for c in row if c.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    md = markdown.render(doc)
    assert "<img" not in md and "<script" not in md
    json.loads(sarif.render(doc))


def test_hostile_cuda_lines_become_findings_and_stay_inert():
    doc = scan_document(HOSTILE)
    got = [(f["line"], f["symbol"]) for f in doc["findings"] if f["path"] == "hostile.cu"]
    assert got == [(2, "cuda_runtime.h"), (6, "cudaDeviceSynchronize"), (8, "cudaMalloc"), (9, "cudaFree")]
    rows = [r for r in csv.DictReader(io.StringIO(csv_report.render(doc))) if r["path"] == "hostile.cu"]
    assert {r["source"] for r in rows if r["line"] == "8"} == \
        {"'=cmd|' /C calc'!=A0 + cudaMalloc((void**)&p, 4); // | `backtick`"}
    assert {r["source"] for r in rows if r["line"] == "9"} == {"'  @cudaFree(p);"}
    _assert_inert(doc)


def test_hostile_python_lines_become_findings_and_stay_inert():
    pytest.importorskip("portcheck.scanners.python")
    doc = scan_document(HOSTILE)
    got = {(f["path"], f["line"]) for f in doc["findings"]}
    assert {("hostile.py", 4), ("hostile.py", 5), ("hostile.py", 7)} <= got
    _assert_inert(doc)


# ------------------------------------------------------------------------------------ large reports, streamed
def first_difference(a: str, b: str):
    """None when equal, else the first differing line (pytest's own diff of two 3 MB strings takes minutes)."""
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), 1):
        if x != y:
            return i, x[:300], y[:300]
    return None if a == b else ("lengths", len(a), len(b))


def test_findings_are_built_on_demand_and_behave_as_a_list():
    import copy

    from portcheck.document import FindingRows
    from portcheck.reporters import json_report

    doc = synthetic_document(extra=2500)
    rows = doc["findings"]
    assert isinstance(rows, FindingRows) and len(rows) == doc["summary"]["findings"] > 2500
    plain = copy.deepcopy(rows)  # deepcopy (as scrub does) gives a plain list of dicts
    assert type(plain) is list and plain == rows and rows[0] == plain[0] and rows[-3:] == plain[-3:]
    assert rows[5]["verdicts"] is rows[5]["verdicts"]  # one dict per symbol, shared
    chunks = list(json_report.render_chunks(doc))
    assert len(chunks) > 3 and max(len(c) for c in chunks) < len("".join(chunks)) // 2  # written in pieces
    assert first_difference("".join(chunks), json_report.render(doc)) is None
    # the fast path (lines formatted from the findings) writes what the generic one writes for the plain dicts
    assert first_difference("".join(chunks), json_report.render(dict(doc, findings=plain))) is None
    back = json.loads("".join(chunks))
    assert back["findings"] == plain and len(back["findings"]) == len(rows)
    from portcheck.model import ApiUse, Finding, Verdict  # a lenient decode can leave lone surrogates in a line
    odd = ApiUse("k\u00e9.cu", 3, 2, 3, 12, "cuda", "call", "cudaMalloc", "cuda-runtime.memory",
                 "cudaMalloc(p); // \ud800 \u2028 \"q\" \\ \x01", detail="via \udcff")
    rows = FindingRows((Finding(odd, (("cann", Verdict("adapt", "aclrtMalloc")),), "f" * 16),), None)
    text = json_report.render(dict(doc, findings=rows))
    assert first_difference(text, json_report.render(dict(doc, findings=list(rows)))) is None
    assert json.loads(text)["findings"][0]["source"] == "cudaMalloc(p); // ? \u2028 \"q\" \\ \x01"
    empty = dict(doc, findings=FindingRows((), None))
    assert json.loads(json_report.render(empty))["findings"] == []


def test_write_output_streams_pieces_to_file_and_stdout(tmp_path, capsys):
    from portcheck.reporters import write_output

    write_output(iter(["{", "\"a\": 1", "}\n"]), str(tmp_path / "sub" / "r.json"))
    assert (tmp_path / "sub" / "r.json").read_text(encoding="utf-8") == "{\"a\": 1}\n"
    write_output(iter(["x", "y"]), "-")
    assert capsys.readouterr().out == "xy\n"
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["r.json"]  # no temporary file left
