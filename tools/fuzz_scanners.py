"""Fuzz every scanner for a fixed time budget: random mutations of real fixtures and of files you point it at.

    python tools/fuzz_scanners.py --seconds 600 [--seed 1] [--corpus DIR ...] [--save-crashes DIR]

Each execution takes a seed file for a scanner, applies 1-8 random edits (cut, duplicate, splice another seed,
insert syntax noise, flip bytes then decode as portcheck does, truncate, nest brackets deeply) and runs the scanner.
A crash is an exception escaping the scanner; a violation is a finding or kernel outside its file (the property the
hypothesis tests in tests/test_properties.py check on fewer examples). Prints executions, executions/s, crashes
and violations per scanner; exits 1 when any was found (saving the inputs with --save-crashes).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from portcheck.discover import classify  # noqa: E402
from portcheck.fileio import Undecodable, decode, normalize  # noqa: E402
from portcheck.scanners import SCANNERS, get_scanner  # noqa: E402
from portcheck.tables import load_tables  # noqa: E402
from tests.test_properties import NOISE, SEEDS, violations  # noqa: E402


def corpus(extra: list[Path]) -> dict[str, list[str]]:
    """scanner -> seed texts: the test fixtures, plus every file of --corpus folders that a scanner reads."""
    seeds = {k: [p.read_text(encoding="utf-8") for p in v] for k, v in SEEDS.items()}
    for folder in extra:
        for p in sorted(folder.rglob("*")):
            cls = classify(p.name) if p.is_file() else None
            if cls is None or p.stat().st_size > 512 * 1024:
                continue
            try:
                text, _ = decode(p.read_bytes())
            except (Undecodable, OSError):
                continue
            for scanner in cls[1]:
                seeds.setdefault(scanner, []).append(text)
    return seeds


def mutate(rng: random.Random, text: str, pool: list[str]) -> str:
    for _ in range(rng.randint(1, 8)):
        n = len(text)
        a = rng.randint(0, n)
        b = rng.randint(a, min(n, a + 400))
        op = rng.randrange(8)
        if op == 0:
            text = text[:a] + text[b:]
        elif op == 1:
            text = text[:b] + text[a:b] * rng.randint(1, 4) + text[b:]
        elif op == 2:
            other = rng.choice(pool)
            c = rng.randint(0, len(other))
            text = text[:a] + other[c:c + rng.randint(0, 600)] + text[a:]
        elif op == 3:
            text = text[:a] + "".join(rng.choice(NOISE) for _ in range(rng.randint(1, 20))) + text[a:]
        elif op == 4:
            raw = bytearray(text.encode("utf-8", "surrogatepass"))
            for _ in range(rng.randint(1, 10)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.randrange(256)
            try:
                text, _ = decode(bytes(raw))
            except Undecodable:
                pass
        elif op == 5:
            text = text[:a]
        elif op == 6:
            depth = rng.choice((50, 300, 3000))
            opener = rng.choice(("(", "[", "{", "<", "f(", "a+"))
            text = text[:a] + opener * depth + text[a:]
        else:
            text = text[a:b] + text[:a] + text[b:]
    return normalize(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, action="append", default=[], help="extra seed folder (repeatable)")
    ap.add_argument("--save-crashes", type=Path, help="write each crashing or violating input here")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    tables = load_tables()
    seeds = corpus(args.corpus)
    pool = [t for texts in seeds.values() for t in texts]
    runs, crashes, bad = Counter(), Counter(), Counter()
    first: dict[str, str] = {}
    names = sorted(SCANNERS)
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        scanner = rng.choice(names)
        text = mutate(rng, rng.choice(seeds[scanner]), pool)
        runs[scanner] += 1
        problem = ""
        try:
            out = get_scanner(scanner)(f"fuzz.{scanner}", text, tables)
            v = violations(text, out)
            if v:
                bad[scanner] += 1
                problem = "violation: " + v[0]
        except Exception:  # noqa: BLE001 - counting them is the point
            crashes[scanner] += 1
            problem = traceback.format_exc(limit=3)
        if problem:
            first.setdefault(scanner, problem)
            if args.save_crashes:
                args.save_crashes.mkdir(parents=True, exist_ok=True)
                n = crashes[scanner] + bad[scanner]
                (args.save_crashes / f"{scanner}-{n}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
    total = sum(runs.values())
    print(f"| scanner | executions | crashes | positions outside the file |\n|---|---:|---:|---:|")
    for s in names:
        print(f"| {s} | {runs[s]} | {crashes[s]} | {bad[s]} |")
    print(f"\n{total} executions in {args.seconds:.0f} s ({total / args.seconds:.0f}/s), seed {args.seed}, "
          f"{len(pool)} seed files")
    for s, msg in first.items():
        print(f"\nfirst problem in {s}:\n{msg}")
    return 1 if crashes or bad else 0


if __name__ == "__main__":
    sys.exit(main())
