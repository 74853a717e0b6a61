"""Compare `portcheck port --backend musa` on vLLM v0.4.2 with Moore Threads' real MUSA port of it.

The base is upstream vLLM commit c7f2cf2 (v0.4.2); the real port is MooreThreads/vllm_musa commit 2c52119, whose
history contains c7f2cf2, so one fetched repository holds both (`fetch github:MooreThreads/vllm_musa`; nothing of it
is committed here). The script

1. extracts c7f2cf2 into a temporary folder and runs `python -m portcheck port TREE --backend musa -o patch.diff`;
2. reads the real port as `git diff -M -U0 c7f2cf2 2c52119` (renames paired by git: csrc/x.cu -> csrc_musa/x.mu);
3. compares, per line of the base tree under csrc/ and vllm/:
   - lines the real port replaced: reproduced (our patch turns the line into exactly the real port's line,
     trailing blanks ignored), changed differently (we change it, to something else), missed (we leave it);
   - token renames inside those lines (identifier-level replacements such as cudaStream_t -> musaStream_t):
     how many of the real port's the patch makes on the same line;
   - lines the patch changes that the real port did not (and lines the real port deleted);
   - lines each side inserts (`import torch_musa`), and how many inserted lines agree (same file, same text).

Usage: python benchmarks/port_vs_vllm_musa.py [--repo GITDIR] [--json OUT] [--examples N]
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

BASE, REAL = "c7f2cf2", "2c52119"
DEFAULT_REPO = "/work/.mirror/MooreThreads+vllm_musa/repo"
AREAS = ("csrc/", "vllm/")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*|\S")


def parse_diff(text: str) -> dict[str, dict]:
    """Per old path: new path, and blocks (old_start, [old lines], [new lines]) of changed lines (any context)."""
    files: dict[str, dict] = {}
    cur = None
    old_no = new_no = 0
    block = None

    def close():
        nonlocal block
        if cur is not None and block is not None and (block[1] or block[2]):
            cur["blocks"].append(block)
        block = None

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("diff --git "):
            close()
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            cur = {"old": m.group(1), "new": m.group(2), "blocks": [], "status": "M"}
            files[cur["old"]] = cur
        elif cur is not None and line.startswith("rename from "):
            cur["old"] = line[len("rename from "):]
        elif cur is not None and line.startswith("rename to "):
            cur["new"] = line[len("rename to "):]
        elif cur is not None and line.startswith("new file mode"):
            cur["status"] = "A"
        elif cur is not None and line.startswith("deleted file mode"):
            cur["status"] = "D"
        elif line.startswith("--- ") or line.startswith("+++ "):
            pass
        elif line.startswith("@@"):
            close()
            m = _HUNK.match(line)
            old_no, new_no = int(m.group(1)), int(m.group(3))
            if m.group(2) == "0":
                old_no += 1  # `-a,0`: the insertion goes after line a
        elif cur is not None and line.startswith("-"):
            if block is None:
                block = (old_no, [], [])
            block[1].append(line[1:])
            old_no += 1
        elif cur is not None and line.startswith("+"):
            if block is None:
                block = (old_no, [], [])
            block[2].append(line[1:])
            new_no += 1
        elif cur is not None and (line.startswith(" ") or line == ""):
            close()
            old_no += 1
            new_no += 1
        i += 1
    close()
    # re-key by the old path (rename lines come after the diff --git line)
    return {f["old"]: f for f in files.values()}


def line_map(blocks: list) -> tuple[dict[int, str | None], dict[int, list[str]], list[list[str]]]:
    """old line number -> new text (1:1 replacement) or None (part of an uneven block); block of each line;
    inserted-only blocks."""
    one: dict[int, str | None] = {}
    group: dict[int, list[str]] = {}
    inserts: list[list[str]] = []
    for start, old, new in blocks:
        if not old:
            inserts.append(new)
            continue
        for k in range(len(old)):
            n = start + k
            one[n] = new[k] if len(old) == len(new) else None
            group[n] = new
    return one, group, inserts


def token_renames(old: str, new: str) -> list[tuple[str, str]]:
    """Token-level replacements between two versions of a line (equal-length replace runs, paired in order)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.extend(zip(a[i1:i2], b[j1:j2]))
        elif tag == "replace":
            out.append((" ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return out


def in_area(path: str) -> bool:
    return path.startswith(AREAS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", default=DEFAULT_REPO, help="git dir holding both commits (fetched vllm_musa)")
    ap.add_argument("--json", default=None, help="also write the figures as JSON here")
    ap.add_argument("--examples", type=int, default=8, help="examples printed per category")
    args = ap.parse_args()
    git = ["git", "--git-dir", args.repo]
    for rev in (BASE, REAL):
        if subprocess.run(git + ["cat-file", "-e", rev + "^{commit}"], capture_output=True).returncode:
            print(f"error: {args.repo} has no commit {rev}; fetch github:MooreThreads/vllm_musa first", file=sys.stderr)
            return 2
    real_text = subprocess.run(git + ["diff", "-M", "-U0", BASE, REAL], capture_output=True, text=True,
                               errors="surrogateescape", check=True).stdout
    real = parse_diff(real_text)
    with tempfile.TemporaryDirectory(prefix="port-vllm-") as tmp:
        tree = Path(tmp) / "vllm"
        tree.mkdir()
        archive = subprocess.run(git + ["archive", BASE], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        patch = Path(tmp) / "port.diff"
        t0 = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "portcheck", "port", str(tree), "--backend", "musa", "-o",
                              str(patch)], capture_output=True, text=True)
        elapsed = time.monotonic() - t0
        if run.returncode != 0:
            print(run.stderr or run.stdout, file=sys.stderr)
            return 2
        summary_head = run.stdout.splitlines()[:2]
        ours_text = patch.read_text(encoding="utf-8", errors="surrogateescape")
        applies = subprocess.run(["git", "apply", "--check", "-p1", str(patch)], cwd=tree,
                                 capture_output=True, text=True)
    ours = parse_diff(ours_text)

    stats: dict[str, Counter] = {a: Counter() for a in AREAS}
    examples: dict[str, list[str]] = defaultdict(list)
    tok_real_by: dict[str, Counter] = {a: Counter() for a in AREAS}
    tok_done_by: dict[str, Counter] = {a: Counter() for a in AREAS}

    def ex(cat: str, text: str) -> None:
        if len(examples[cat]) < args.examples:
            examples[cat].append(text)

    paths = sorted({p for p in list(real) + list(ours) if in_area(p)})
    for path in paths:
        area = next(a for a in AREAS if path.startswith(a))
        s = stats[area]
        r = real.get(path)
        o = ours.get(path)
        r_one, r_group, r_ins = line_map(r["blocks"]) if r else ({}, {}, [])
        o_one, o_group, o_ins = line_map(o["blocks"]) if o else ({}, {}, [])
        deleted_file = r is not None and r["status"] == "D"
        r_deleted = set()
        if r is not None:
            for start, old, new in r["blocks"]:
                if old and not new:
                    r_deleted.update(range(start, start + len(old)))
        old_lines = {}
        for start, old, _new in (o["blocks"] if o else []) + (r["blocks"] if r else []):
            for k, t in enumerate(old):
                old_lines[start + k] = t
        for n in sorted(set(r_one) | set(o_one)):
            in_real = n in r_one and n not in r_deleted and not deleted_file
            in_ours = n in o_one
            where = f"{path}:{n}"
            if in_real:
                s["real_replaced"] += 1
                real_new = r_one[n]
                our_new = o_one.get(n)
                if real_new is not None:
                    pairs = token_renames(old_lines.get(n, ""), real_new)
                    ours_pairs = Counter(token_renames(old_lines.get(n, ""), our_new)) if our_new is not None else Counter()
                    for pr in pairs:
                        tok_real_by[area][pr] += 1
                        if ours_pairs[pr] > 0:
                            ours_pairs[pr] -= 1
                            tok_done_by[area][pr] += 1
                if not in_ours:
                    s["missed"] += 1
                    ex("missed", f"{where}: {old_lines.get(n, '').strip()}  =>  {(real_new or '(reshaped)').strip()}")
                elif our_new is not None and real_new is not None and our_new.rstrip() == real_new.rstrip():
                    s["reproduced"] += 1
                else:
                    s["different"] += 1
                    ex("different", f"{where}: ours {str(our_new).strip()}  |  real {str(real_new).strip()}")
            elif in_ours:
                if n in r_deleted or deleted_file:
                    s["ours_on_real_deleted"] += 1
                else:
                    s["ours_only"] += 1
                    ex("ours_only", f"{where}: {old_lines.get(n, '').strip()}  =>  {str(o_one[n]).strip()}")
        s["real_deleted"] += len(r_deleted) if not deleted_file else sum(len(b[1]) for b in r["blocks"])
        s["real_inserted"] += sum(len(b) for b in r_ins)
        s["ours_inserted"] += sum(len(b) for b in o_ins)
        real_ins = Counter(t.strip() for b in r_ins for t in b)
        for b in o_ins:
            for t in b:
                if real_ins[t.strip()] > 0:
                    real_ins[t.strip()] -= 1
                    s["inserted_agree"] += 1
        s["files_ours"] += o is not None
        s["files_real"] += r is not None and r["status"] != "D" and bool(r_one)

    out = {"base": BASE, "real": REAL, "port_seconds": round(elapsed, 1), "patch_applies": applies.returncode == 0,
           "summary": summary_head, "areas": {}}
    print(f"portcheck port --backend musa on vLLM {BASE} vs MooreThreads/vllm_musa {REAL} "
          f"(port ran {elapsed:.1f} s; patch {'applies' if applies.returncode == 0 else 'does NOT apply'} "
          f"with git apply --check)")
    for line in summary_head:
        print("  " + line)
    header = (f"{'area':6} {'real replaced':>13} {'reproduced':>10} {'different':>9} {'missed':>7} "
              f"{'tok renames':>11} {'tok made':>8} {'ours only':>9} {'real deleted':>12} {'ins ours/real/agree':>20}")
    print(header)
    for area in AREAS:
        s = stats[area]
        tr, td = sum(tok_real_by[area].values()), sum(tok_done_by[area].values())
        print(f"{area:6} {s['real_replaced']:13} {s['reproduced']:10} {s['different']:9} {s['missed']:7} "
              f"{tr:11} {td:8} {s['ours_only']:9} {s['real_deleted']:12} "
              f"{s['ours_inserted']:>6}/{s['real_inserted']}/{s['inserted_agree']}")
        out["areas"][area] = {**dict(s), "token_renames_real": tr, "token_renames_made": td,
                              "top_token_renames_missed": [f"{a} -> {b} x{n}" for (a, b), n in
                                                           (tok_real_by[area] - tok_done_by[area]).most_common(15)],
                              "top_token_renames_made": [f"{a} -> {b} x{n}" for (a, b), n in
                                                         tok_done_by[area].most_common(15)]}
    for area in AREAS:
        print(f"\n{area} real port's token renames the patch does not make (top 15):")
        for item in out["areas"][area]["top_token_renames_missed"]:
            print("   " + item)
    for cat in ("different", "missed", "ours_only"):
        print(f"\nexamples: {cat}")
        for e in examples[cat]:
            print("   " + e[:220])
    out["examples"] = examples
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
