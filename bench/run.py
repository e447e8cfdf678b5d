"""Run every benchmark and record the figures in docs/benchmarks.md.

    python bench/run.py                 # all benchmarks at full size
    python bench/run.py --quick         # small sizes, for a smoke run
    python bench/run.py --only ask_latency index_scale

Each bench/<name>.py is a standalone script that prints a Markdown section; this runner runs them one
after the other (never in parallel: they share two cores), then writes them with the command line, the
date and the machine into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# name -> (full-size args, quick args)
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "claims_speed": ([], ["--n", "20"]),
    "embed_speed": ([], ["--n", "500"]),
    "index_scale": ([], ["--sizes", "10000"]),
    "ask_latency": ([], ["--sizes", "10000"]),
    "ingest_throughput": ([], ["--n", "50"]),
    "poll304": ([], []),
    "hostile": ([], []),
    "crash": ([], ["--n", "5"]),
    "digest_render": (["1000"], ["100"]),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    ap.add_argument("--only", nargs="*", help="names of benchmarks to run")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = ap.parse_args()
    names = args.only or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    sections = []
    failed = []
    for name in names:
        script = ROOT / "bench" / f"{name}.py"
        if not script.exists():
            sections.append(f"## {name}\n\n_not present: bench/{name}.py_\n")
            failed.append(name)
            continue
        extra = BENCHES[name][1] if args.quick else BENCHES[name][0]
        cmd = [sys.executable, str(script), *extra]
        shown = " ".join(["python", f"bench/{name}.py", *extra])
        print(f"== {shown}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        took = time.perf_counter() - started
        body = proc.stdout.strip() or "_(no output)_"
        if proc.returncode != 0:
            failed.append(name)
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            body += f"\n\n**exit {proc.returncode}**\n\n```\n{tail}\n```"
        sections.append(f"## {name}\n\nCommand: `{shown}` ({took:.0f} s)\n\n{body}\n")
        print(body, file=sys.stderr, flush=True)
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` (`python bench/run.py{' --quick' if args.quick else ''}`) on "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; machine: {os.cpu_count()} cores, "
        f"{_mem_gib():.0f} GiB, Python {platform.python_version()}, {platform.machine()}.\n"
    )
    out = Path(args.out)
    if args.only and out.exists():
        # Partial run: replace only the sections that ran, keep the others.
        old = out.read_text(encoding="utf-8")
        kept = [s for s in _split_sections(old) if s.split("\n", 1)[0][3:].strip() not in names]
        sections = kept + sections
        sections.sort(key=lambda s: list(BENCHES).index(s.split("\n", 1)[0][3:].strip())
                      if s.split("\n", 1)[0][3:].strip() in BENCHES else 99)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 1 if failed else 0


def _split_sections(text: str) -> list[str]:
    parts = text.split("\n## ")
    return ["## " + p.rstrip() + "\n" for p in parts[1:]]


def _mem_gib() -> float:
    try:
        with open("/proc/meminfo") as fh:
            return int(fh.readline().split()[1]) / 2**20
    except OSError:
        return 0.0


if __name__ == "__main__":
    sys.exit(main())
