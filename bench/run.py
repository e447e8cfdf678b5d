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
    # Robustness and throughput first; the latency-sensitive ones last, on a machine that has settled.
    "hostile": ([], []),
    "poll304": ([], []),
    "crash": (["--backend", "both"], ["--n", "5", "--backend", "both"]),
    "ingest_throughput": ([], ["--n", "50"]),
    "embed_speed": ([], ["--n", "500"]),
    "index_scale": ([], ["--sizes", "10000"]),
    "index_rebuild": ([], ["--n", "10000"]),
    "backends": ([], ["--n", "30", "--feeds", "15", "--asks", "2"]),
    "digest_render": (["1000"], ["100"]),
    "claims_speed": ([], ["--n", "20"]),
    "ask_latency": ([], ["--sizes", "10000"]),
    # other projects' corpora (paths in TRACKER_PEERS, ':'-separated; see bench/peers.py)
    "peers": (["--no-write"], ["--no-write", "--chunk", "50"]),
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
    out = Path(args.out)
    earlier = _split_sections(out.read_text(encoding="utf-8")) if out.exists() else {}
    sections = []
    failed = []
    for name in names:
        script = ROOT / "bench" / f"{name}.py"
        if not script.exists():
            sections.append(_section(name, f"_not present: bench/{name}.py_"))
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
        if body.startswith("_skipped") and name in earlier:
            sections.append(earlier[name])  # e.g. no corpora on this machine: keep the last real figures
            continue
        if proc.returncode != 0:
            failed.append(name)
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            body += f"\n\n**exit {proc.returncode}**\n\n```\n{tail}\n```"
        sections.append(_section(name, f"Command: `{shown}` ({took:.0f} s)\n\n{body}"))
        print(body, file=sys.stderr, flush=True)
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` (`python bench/run.py{' --quick' if args.quick else ''}`) on "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; machine: {os.cpu_count()} cores, "
        f"{_mem_gib():.0f} GiB, Python {platform.python_version()}, {platform.machine()}.\n"
    )
    if args.only and out.exists():
        # Partial run: replace only the sections that ran, keep the others, in the usual order.
        kept = _split_sections(out.read_text(encoding="utf-8"))
        kept.update({name: text for name, text in zip(names, sections, strict=True)})
        sections = [kept[n] for n in BENCHES if n in kept]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 1 if failed else 0


MARK = "<!-- bench: {} -->"


def _section(name: str, body: str) -> str:
    """One benchmark's output, fenced by a marker (its own Markdown has headings of any level)."""
    return f"{MARK.format(name)}\n## {name}\n\n{body.rstrip()}\n"


def _split_sections(text: str) -> dict[str, str]:
    """The sections of an earlier docs/benchmarks.md, by benchmark name."""
    found: dict[str, str] = {}
    parts = text.split("<!-- bench: ")
    for part in parts[1:]:
        name, _, rest = part.partition(" -->\n")
        found[name] = MARK.format(name) + "\n" + rest.rstrip() + "\n"
    return found


def _mem_gib() -> float:
    try:
        with open("/proc/meminfo") as fh:
            return int(fh.readline().split()[1]) / 2**20
    except OSError:
        return 0.0


if __name__ == "__main__":
    sys.exit(main())
