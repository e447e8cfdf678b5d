"""Ingest throughput: N generated launch articles (~35 claims each) served from 127.0.0.1, full ingest.

Runs the real `tracker ingest --json` (fetch, feed parsing, page text, claims, store, embedding, index) in a
fresh data directory and reports articles per minute end to end, with the share of time per stage, then a
second run (everything answers 304) for the polling cost of a quiet night.

    python bench/ingest_throughput.py [--n 1000] [--feeds 10]

Prints Markdown tables. Target: >= 100 articles/min end to end on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402

STAGES = [
    ("poll", "feeds + pages fetched, feeds parsed, page text extracted (concurrent)"),
    ("text", "relevance, dedupe, story fingerprint"),
    ("claims", "claim extraction and model mentions"),
    ("store", "SQLite transactions"),
    ("index", "embedding + FAISS index write"),
]


def tracker() -> list[str]:
    exe = Path(sys.executable).with_name("tracker")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from tracker.cli import main; main()"]


def ingest(data_dir: Path, feeds: Path) -> tuple[dict[str, object], float]:
    env = dict(os.environ, TRACKER_DATA_DIR=str(data_dir), TRACKER_FEEDS=str(feeds), HF_HUB_OFFLINE="1")
    started = time.perf_counter()
    proc = subprocess.run(
        [*tracker(), "ingest", "--json"], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"ingest exited {proc.returncode}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout), wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="articles to serve and ingest")
    parser.add_argument("--feeds", type=int, default=10, help="feeds the articles are spread over")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp,
        corpus_mod.serve(args.n, feeds=args.feeds) as corpus,
    ):
        work = Path(tmp)
        feeds = corpus.feeds_yaml(work / "feeds.yaml")
        report, wall = ingest(work / "data", feeds)
        hits_first = corpus.hits
        quiet, quiet_wall = ingest(work / "data", feeds)
        hits_second = corpus.hits - hits_first
    seconds: dict[str, float] = report["seconds"]  # type: ignore[assignment]
    articles = int(report["articles_new"])  # type: ignore[call-overload]
    claims = int(report["claims_new"])  # type: ignore[call-overload]
    print(f"## Ingest throughput: {args.n} generated articles over {args.feeds} feeds (127.0.0.1)\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| articles stored | {articles} |")
    print(f"| claims stored | {claims} ({claims / max(1, articles):.1f} per article) |")
    print(f"| claims embedded | {report['indexed']} |")
    print(f"| wall time, process start to exit | {wall:.1f} s |")
    print(f"| **articles / min end to end** | **{60 * articles / wall:.0f}** |")
    print(f"| second run (all 304): wall time, requests | {quiet_wall:.2f} s, {hits_second} |")
    print(f"| second run: new articles | {quiet['articles_new']} |")
    print("\n| stage | seconds | share of wall | what |")
    print("|---|---|---|---|")
    accounted = 0.0
    for key, what in STAGES:
        value = float(seconds.get(key, 0.0))
        accounted += value
        print(f"| {key} | {value:.1f} | {100 * value / wall:.0f} % | {what} |")
    rest = wall - accounted
    print(f"| other | {rest:.1f} | {100 * rest / wall:.0f} % | process start, imports, run bookkeeping |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
