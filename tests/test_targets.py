"""Hardware targets (issue 14): targets.yaml per backend, per-target verdicts, --target / config `targets`, the
target stated in every report, and evidence strength per verdict."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from portcheck.config import parse_targets
from portcheck.engine import ScanOptions, run_scan
from portcheck.model import EVIDENCE
from portcheck.tables import TableError, load_tables
from tests.cli_helpers import run_cli

FIX = Path(__file__).parent / "fixtures" / "targets"


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _scan_json(tmp: Path, cache: Path, *targets: str) -> dict:
    out = tmp / ("report-" + "-".join(t.replace(":", "_") for t in targets) + ".json")
    args = ["scan", str(FIX), "-q", "--no-cache", "-f", "json", "-o", str(out)]
    for t in targets:
        args += ["--target", t]
    proc = run_cli(args, tmp, cache)
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def _verdicts(doc: dict, bid: str) -> dict[tuple[str, int, int, str], tuple[str, str]]:
    return {(f["path"], f["line"], f["column"], f["symbol"]): (f["verdicts"][bid]["status"], f["verdicts"][bid]["target"])
            for f in doc["findings"]}


# ------------------------------------------------------------------------------------------------ data
def test_every_backend_declares_targets_with_a_default_and_a_ref_per_fact(tables):
    want = {"cann": ({"910b", "910c", "950"}, "910b"), "musa": ({"s80", "s3000", "s4000", "s5000"}, "s4000"),
            "neuware": ({"mlu370", "mlu590"}, "mlu590")}
    for b in tables.backends:
        ids, default = want[b.id]
        assert set(b.targets) == ids and b.default_target == default
        for t in b.targets.values():
            assert isinstance(t.facts["simt"][0], bool) and isinstance(t.facts["warp_size"][0], int)
            assert all(ref.strip() for _, ref in t.facts.values()), (b.id, t.id)


def test_target_facts_that_change_verdicts(tables):
    facts = {(b.id, t.id): (t.facts["simt"][0], t.facts["warp_size"][0]) for b in tables.backends
             for t in b.targets.values()}
    assert facts == {("cann", "910b"): (False, 0), ("cann", "910c"): (False, 0), ("cann", "950"): (True, 32),
                     ("musa", "s80"): (True, 128), ("musa", "s3000"): (True, 128), ("musa", "s4000"): (True, 128),
                     ("musa", "s5000"): (True, 32), ("neuware", "mlu370"): (False, 0), ("neuware", "mlu590"): (False, 0)}


def test_tables_target_is_the_selected_chip_and_run_scan_restores_the_selection(tables):
    t = tables.target("cann")
    assert (t["id"], t["name"], t["simt"], t["warp_size"], t["default"]) == ("910b", "Ascend 910B (Atlas A2)", False, 0,
                                                                             True)
    assert "asc_shfl_xor.md" in t["refs"]["simt"]
    result = run_scan(FIX, ScanOptions(jobs=1, targets={"cann": "950pr", "musa": "MP31"}), tables)
    seen = {b["id"]: b["target"]["id"] for b in result.backends}
    assert seen == {"cann": "950", "musa": "s5000", "neuware": "mlu590"}  # aliases resolve, others keep the default
    assert tables.selection() == {"cann": "910b", "musa": "s4000", "neuware": "mlu590"}
    assert tables.backend("cann").lookup("threadIdx", "kernel.builtin").status == "missing"


def test_unknown_target_is_a_one_line_error(tables):
    with pytest.raises(TableError, match=r"^unknown target 'cann:951' \(known: cann:910b, cann:910c, cann:950\)$"):
        tables.select_targets({"cann": "951"})
    with pytest.raises(ValueError, match="is not BACKEND:TARGET"):
        parse_targets(["cann950"])
    assert parse_targets(["cann:950,musa:s5000", "neuware:mlu370"]) == {"cann": "950", "musa": "s5000",
                                                                         "neuware": "mlu370"}


# ------------------------------------------------------------------------------------------- verdicts
CANN_950_CHANGES = {
    ("reduce.cu", 3, 1, "__global__"): (("adapt", "__aicore__"), ("adapt", "__global__")),
    ("reduce.cu", 4, 11, "blockIdx"): (("adapt", "AscendC::GetBlockIdx"), ("partial", "blockIdx")),
    ("reduce.cu", 4, 24, "blockDim"): (("missing", ""), ("partial", "blockDim")),
    ("reduce.cu", 4, 37, "threadIdx"): (("missing", ""), ("partial", "threadIdx")),
    ("reduce.cu", 6, 41, "__shfl_xor_sync"): (("missing", ""), ("partial", "asc_shfl_xor")),
    ("reduce.cu", 7, 7, "threadIdx"): (("missing", ""), ("partial", "threadIdx")),
    ("reduce.cu", 7, 21, "warpSize"): (("missing", ""), ("rename", "warpSize")),
    ("reduce.cu", 7, 36, "atomicAdd"): (("partial", ""), ("adapt", "")),
    ("reduce.cu", 8, 3, "__syncthreads"): (("adapt", "AscendC::PipeBarrier"), ("rename", "asc_syncthreads")),
    ("reduce.cu", 12, 3, "dim3"): (("adapt", ""), ("partial", "dim3")),
    ("reduce.cu", 13, 9, "<<<>>>"): (("adapt", ""), ("partial", "")),
}
MUSA_S5000_CHANGES = {
    ("attn.py", 2, 24, "flash_attn.flash_attn_func"): (("missing", ""), ("partial", "pip:mate-flash-attention")),
    ("attn.py", 6, 12, "flash_attn.flash_attn_func"): (("missing", ""), ("partial", "pip:mate-flash-attention")),
    ("reduce.cu", 6, 41, "__shfl_xor_sync"): (("partial", ""), ("rename", "")),
    ("reduce.cu", 7, 21, "warpSize"): (("partial", ""), ("rename", "")),
}


@pytest.mark.parametrize("bid,before,after,changes", [("cann", "910b", "950", CANN_950_CHANGES),
                                                      ("musa", "s4000", "s5000", MUSA_S5000_CHANGES)])
def test_targets_differ_exactly_where_the_facts_say(tmp_path, cache, bid, before, after, changes):
    a = _scan_json(tmp_path, cache, f"{bid}:{before}")
    b = _scan_json(tmp_path, cache, f"{bid}:{after}")
    va, vb = _verdicts(a, bid), _verdicts(b, bid)
    assert va.keys() == vb.keys()
    assert {k: (va[k], vb[k]) for k in va if va[k] != vb[k]} == changes
    for other in ("cann", "musa", "neuware"):
        if other != bid:
            assert _verdicts(a, other) == _verdicts(b, other)
    ta = {x["id"]: x["target"] for x in a["backends"]}
    tb = {x["id"]: x["target"] for x in b["backends"]}
    assert (ta[bid]["id"], tb[bid]["id"]) == (before, after)
    assert (ta[bid]["warp_size"], tb[bid]["warp_size"]) == {"cann": (0, 32), "musa": (128, 32)}[bid]
    assert a["scan"]["options"]["targets"] == {bid: before}
    # the report says why: the 950 / S5000 note names the chip
    f = next(f for f in b["findings"] if f["symbol"] == "__shfl_xor_sync")
    assert {"cann": "SIMT on 950", "musa": "MP31 (S5000)"}[bid] in f["verdicts"][bid]["note"]


def test_default_targets_are_stated_in_json_terminal_markdown_and_html(tmp_path, cache):
    proc = run_cli(["scan", str(FIX), "--no-cache", "--output-dir", str(tmp_path), "-f", "json,md,html,sarif"],
                   tmp_path, cache)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "portcheck-report.json").read_text(encoding="utf-8"))
    assert [(b["id"], b["target"]["id"], b["target"]["default"]) for b in doc["backends"]] == [
        ("cann", "910b", True), ("musa", "s4000", True), ("neuware", "mlu590", True)]
    assert "hardware targets: cann Ascend 910B (Atlas A2), no SIMT (SIMD, no warps) (default); musa MTT S4000 " \
           "(MP22), SIMT, warp 128 (default)" in " ".join(proc.stdout.split())
    md = (tmp_path / "portcheck-report.md").read_text(encoding="utf-8")
    assert "Hardware targets: cann: Ascend 910B \\(Atlas A2\\), no SIMT \\(SIMD, no warps\\) \\(default\\);" in md
    html = (tmp_path / "portcheck-report.html").read_text(encoding="utf-8")
    assert "target: <b>MTT S4000 (MP22), SIMT, warp 128 (default)</b>" in html
    sarif = json.loads((tmp_path / "portcheck-report.sarif").read_text(encoding="utf-8"))
    assert [r["properties"]["backend"]["target"]["id"] for r in sarif["runs"]] == ["910b", "s4000", "mlu590"]


def test_config_targets_and_cli_override(tmp_path, cache):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "reduce.cu").write_text((FIX / "reduce.cu").read_text(encoding="utf-8"), encoding="utf-8")
    (proj / "portcheck.toml").write_text('targets = ["cann:950", "musa:s5000"]\n', encoding="utf-8")
    out = tmp_path / "r.json"
    assert run_cli(["scan", str(proj), "-q", "--no-cache", "-o", str(out)], proj, cache).returncode == 0
    assert {b["id"]: b["target"]["id"] for b in json.loads(out.read_text())["backends"]} == {
        "cann": "950", "musa": "s5000", "neuware": "mlu590"}
    assert run_cli(["scan", str(proj), "-q", "--no-cache", "-o", str(out), "-t", "musa:s80"], proj,
                   cache).returncode == 0
    assert {b["id"]: b["target"]["id"] for b in json.loads(out.read_text())["backends"]}["musa"] == "s80"
    # check: the gate uses the configured chip (nothing is missing on the 950; threadIdx and friends are on 910B)
    proc = run_cli(["check", "reduce.cu", "--fail-on", "missing", "-b", "cann"], proj, cache)
    assert (proc.returncode, proc.stdout) == (0, "")
    proc = run_cli(["check", "reduce.cu", "--fail-on", "missing", "-b", "cann", "-t", "cann:910b"], proj, cache)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert [line.split(" ")[:2] for line in proc.stdout.splitlines()] == [
        ["reduce.cu:4:24:", "blockDim"], ["reduce.cu:4:37:", "threadIdx"], ["reduce.cu:6:41:", "__shfl_xor_sync"],
        ["reduce.cu:7:7:", "threadIdx"], ["reduce.cu:7:21:", "warpSize"]], (proc.stdout, proc.stderr)


@pytest.mark.parametrize("text,msg", [
    ('targets = ["cann:951"]\n', "key 'targets': unknown target 'cann:951' (known: cann:910b, cann:910c, cann:950)"),
    ('targets = ["cann950"]\n', "key 'targets': 'cann950' is not BACKEND:TARGET (e.g. cann:950, musa:s5000)"),
    ('targets = "cann:950"\n', "key 'targets' must be a list of hardware targets"),
])
def test_config_target_errors_are_one_line(tmp_path, cache, text, msg):
    (tmp_path / "portcheck.toml").write_text(text, encoding="utf-8")
    (tmp_path / "a.cu").write_text("__global__ void k() {}\n", encoding="utf-8")
    proc = run_cli(["scan", str(tmp_path), "-q", "--no-cache"], tmp_path, cache)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and msg in proc.stderr, proc.stderr


def test_cli_unknown_target(tmp_path, cache):
    proc = run_cli(["scan", str(FIX), "-q", "--target", "musa:s9000"], tmp_path, cache)
    assert (proc.returncode, proc.stderr) == (
        2, "portcheck: error: unknown target 'musa:s9000' (known: musa:s80, musa:s3000, musa:s4000, musa:s5000)\n")


def test_explain_shows_per_target_differences(tmp_path, cache):
    proc = run_cli(["explain", "threadIdx"], tmp_path, cache)
    lines = [line.strip() for line in proc.stdout.splitlines()]
    assert lines[1].split() == ["cann", "missing", "-", "[Ascend", "910B", "(Atlas", "A2)]"]
    assert lines[3].startswith("on cann:950: partial → threadIdx: SIMT on 950 (CANN 9.0)")
    proc = run_cli(["explain", "warpSize", "--target", "musa:s5000", "--format", "json"], tmp_path, cache)
    data = json.loads(proc.stdout)["verdicts"]["musa"]
    assert (data["status"], data["hardware_target"]["id"]) == ("rename", "s5000")
    assert {t: v["status"] for t, v in data["by_target"].items()} == {"s80": "partial", "s3000": "partial",
                                                                       "s4000": "partial", "s5000": "rename"}
    assert "by_target" not in json.loads(run_cli(["explain", "cudaMalloc", "--format", "json"], tmp_path,
                                                 cache).stdout)["verdicts"]["cann"]


# --------------------------------------------------------------------------------------------- loader
def _overlay(tmp: Path, targets: str, table: str) -> Path:
    d = tmp / "extra" / "cann"
    d.mkdir(parents=True)
    (d / "backend.yaml").write_text("id: cann\nname: Huawei Ascend CANN\n", encoding="utf-8")
    if targets:
        (d / "targets.yaml").write_text(targets, encoding="utf-8")
    (d / "extra.yaml").write_text(table, encoding="utf-8")
    return tmp / "extra"


def test_per_target_verdict_naming_an_unknown_chip_is_an_error(tmp_path):
    extra = _overlay(tmp_path, "", "entries:\n  - symbol: cudaFoo\n    status: missing\n    ref: r\n"
                                   "    targets: {951: {status: partial, ref: r}}\n")
    with pytest.raises(TableError, match=r"extra\.yaml: entry 'cudaFoo' target '951': unknown target 'cann:951'"):
        load_tables([extra])


def test_target_fact_without_ref_is_an_error(tmp_path):
    extra = _overlay(tmp_path, "default: x1\ntargets:\n  - id: x1\n    name: X1\n    facts:\n"
                               "      simt: {value: true}\n      warp_size: {value: 32, ref: r}\n", "entries: []\n")
    with pytest.raises(TableError, match=r"targets\.yaml: target 'x1' fact 'simt': field 'ref' is required"):
        load_tables([extra])


def test_team_overlay_may_give_a_verdict_for_one_chip(tmp_path):
    extra = _overlay(tmp_path, "", "entries:\n  - symbol: cudaMallocAsync\n    status: adapt\n"
                                   "    target: aclrtMallocAsync\n    ref: team\n"
                                   "    targets: {950: {status: rename, target: aclrtMallocAsync, ref: team 950}}\n")
    t = load_tables([extra])
    per = t.backend("cann").target_differences("cudaMallocAsync", "cuda-runtime.memory")
    assert {k: (v.status, v.ref) for k, v in per.items()} == {"910b": ("adapt", "team"), "910c": ("adapt", "team"),
                                                              "950": ("rename", "team 950")}


# ------------------------------------------------------------------------------------------- evidence
def test_evidence_counts_per_backend_add_up(tmp_path, cache):
    doc = _scan_json(tmp_path, cache, "cann:910b")
    for bid, counts in doc["summary"]["by_evidence"].items():
        assert list(counts) == list(EVIDENCE)
        assert sum(counts.values()) == sum(doc["summary"]["by_status"][bid].values())
        assert counts == {e: sum(1 for f in doc["findings"] if f["verdicts"][bid]["evidence"] == e) for e in EVIDENCE}
    f = next(f for f in doc["findings"] if f["symbol"] == "threadIdx")
    assert f["verdicts"]["cann"]["evidence"] == "verified"
