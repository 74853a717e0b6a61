"""Build mappings/cann/op_support.csv: Huawei's torch 2.8 unsupported-API list, filtered to operator namespaces,
cross-checked per hardware against Huawei's own per-API support docs for torch_npu.

Two sources, both Huawei's:
  * tests/data/vendor_facts/npu_torch_api_unsupported_2_8.txt: the msprobe "PyTorch Analyse" op_list_2_8.json
    (Ascend/msprobe@81f0042c, Mulan PSL v2), one API a line; a migration tool's list, not per hardware;
  * tests/data/vendor_facts/npu_native_api_support.csv: per-hardware support (Atlas A2 training, Atlas A3 training,
    Ascend 950DT) and limitations for those APIs, extracted from Ascend/pytorch docs/zh/api/native_api/pytorch_2-13-0
    (`--extract GIT_DIR` writes it; the commit is recorded in the file's ref column).

Where the per-API docs say an API runs on Atlas A2/A3 (the 910B/910C targets), the migration list is wrong for them:
the row becomes supported (no finding), or partial with Huawei's limitation text (Chinese, verbatim); a row the docs
mark unsupported on the 950DT only gets `targets: 950=false`. APIs the docs do not list keep the migration list's
verdict. tests/test_tables.py regenerates the file with `build_rows()` and compares, so a hand edit cannot drift.

    python tools/cann_op_support.py --extract /work/.mirror/Ascend+pytorch/repo   # refresh the per-API extract
    python tools/cann_op_support.py                                                # rewrite op_support.csv
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "tests" / "data" / "vendor_facts"
UNSUPPORTED = FACTS / "npu_torch_api_unsupported_2_8.txt"
PER_API = FACTS / "npu_native_api_support.csv"
FILTER = FACTS / "op_support_filter.yaml"
OUT = ROOT / "mappings" / "cann" / "op_support.csv"
DOCS = "docs/zh/api/native_api/pytorch_2-13-0"
MSPROBE_REF = "Ascend/msprobe@81f0042c src/ms_fmk_transplt resource/op_list_2_8.json (Mulan PSL v2)"
HARDWARE = {"Atlas A2 训练系列产品": "a2", "Atlas A3 训练系列产品": "a3", "Ascend 950DT": "950dt"}
TARGET_OF = {"a2": "910b", "a3": "910c", "950dt": "950"}
DEFAULT = "a2"  # mappings/cann/targets.yaml default: 910b (Atlas A2)
_BLOCK = re.compile(r"\*\*原生文档\*\*[:：]\s*\[([^\]]+)\]")
_HW = re.compile(r"\|\s*<term>([^<]+)</term>\s*\|\s*([✔✘])\s*\|")


def keep_api(api: str, exact: set[str], flt: dict) -> bool:
    """op_support_filter.yaml: operator namespaces only, minus device-independent names and exact table entries."""
    if not api.startswith("torch.") or api in exact:
        return False
    if not (any(api.startswith(ns) for ns in flt["keep_namespaces"]) or "." not in api[len("torch."):]):
        return False
    if any(api.startswith(p) for p in flt["drop_prefixes"]) or any(re.search(p, api) for p in flt["drop_patterns"]):
        return False
    return api not in set(flt["drop_names"])


def parse_docs(files: dict[str, str]) -> dict[str, dict[str, str]]:
    """{api: {a2, a3, 950dt: 'true'|'false', limitations, doc}} from the per-API markdown pages."""
    out: dict[str, dict[str, str]] = {}
    for name, text in files.items():
        marks = list(_BLOCK.finditer(text))
        for i, m in enumerate(marks):
            body = text[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(text)]
            body = re.split(r"\n#{2,4} ", body)[0]
            hw = {HARDWARE[h.strip()]: ("true" if s == "✔" else "false") for h, s in _HW.findall(body)
                  if h.strip() in HARDWARE}
            if not hw:
                continue
            lim = ""
            lm = re.search(r"\*\*限制与说明\*\*[:：]\s*(.*)", body, re.S)
            if lm:
                raw = re.sub(r"```.*?```", "", lm.group(1), flags=re.S)  # code examples are not limitations
                raw = re.sub(r"</?(?:div|term)[^>]*>", "", raw)
                items = [re.sub(r"^[-*]\s*", "", ln.strip()) for ln in raw.splitlines()]
                lim = " | ".join(x for x in items if x and not x.startswith((">", "<")))
                lim = lim.rstrip("：:").strip()
            api = m.group(1).strip()
            out.setdefault(api, {**{k: "" for k in HARDWARE.values()}, **hw, "limitations": lim, "doc": name})
    return out


def extract(git_dir: Path, apis: set[str], commit: str = "HEAD") -> list[dict[str, str]]:
    sha = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", commit], capture_output=True, text=True,
                         check=True).stdout.strip()
    names = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "--name-only", sha, DOCS + "/"],
                           capture_output=True, text=True, check=True).stdout.split()
    files = {n.rsplit("/", 1)[1]: subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{sha}:{n}"],
                                                 capture_output=True, text=True, check=True).stdout
             for n in names if n.endswith(".md")}
    docs = parse_docs(files)
    return [{"api": a, **{k: docs[a][k] for k in ("a2", "a3", "950dt", "limitations")},
             "ref": f"Ascend/pytorch@{sha[:8]} {DOCS}/{docs[a]['doc']}"} for a in sorted(apis) if a in docs]


def filtered_unsupported(exact: set[str]) -> list[str]:
    flt = yaml.safe_load(FILTER.read_text(encoding="utf-8"))
    apis = [ln.strip() for ln in UNSUPPORTED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return sorted({a for a in apis if keep_api(a, exact, flt)})


def build_rows(exact: set[str], per_api: list[dict[str, str]]) -> list[dict[str, str]]:
    """The op_support.csv rows: one per filtered unsupported API, corrected by the per-hardware docs."""
    docs = {r["api"]: r for r in per_api}
    rows = []
    for api in filtered_unsupported(exact):
        d = docs.get(api)
        if d is None or not d.get(DEFAULT):
            rows.append({"api": api, "supported": "false", "limitations": "", "equivalent": "", "ref": MSPROBE_REF,
                         "targets": ""})
            continue
        supported = d[DEFAULT]
        others = [f"{TARGET_OF[h]}={d[h]}" for h in ("a3", "950dt") if d.get(h) and d[h] != supported]
        rows.append({"api": api, "supported": supported,
                     "limitations": d["limitations"] if supported == "true" else "", "equivalent": "",
                     "ref": f"{d['ref']} (per hardware: Atlas A2 {d['a2']}, A3 {d['a3']}, 950DT {d['950dt']}); "
                            f"listed unsupported in {MSPROBE_REF}",
                     "targets": ";".join(others)})
    return rows


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, ["api", "supported", "limitations", "equivalent", "ref", "targets"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def read_per_api() -> list[dict[str, str]]:
    return list(csv.DictReader(PER_API.open(encoding="utf-8", newline="")))


def exact_entries() -> set[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    return set(load_tables().backend("cann").exact)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extract", type=Path, help="Ascend/pytorch git dir: refresh " + str(PER_API.relative_to(ROOT)))
    ap.add_argument("--commit", default="HEAD")
    args = ap.parse_args()
    exact = exact_entries()
    if args.extract:
        rows = extract(args.extract, set(filtered_unsupported(exact)), args.commit)
        buf = io.StringIO()
        w = csv.DictWriter(buf, ["api", "a2", "a3", "950dt", "limitations", "ref"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        PER_API.write_text(buf.getvalue(), encoding="utf-8")
        print(f"wrote {PER_API} ({len(rows)} APIs)")
    OUT.write_text(render(build_rows(exact, read_per_api())), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
