"""SQLite and PostgreSQL side by side: ingest throughput with 1 and 3 pollers, and cold `tracker ask`.

    nice python bench/backends.py                         # 300 articles over 300 feeds
    nice python bench/backends.py --n 60 --feeds 30       # quick run

The corpus is bench/corpus.py's (generated launch articles, ~35 claims each) served from 127.0.0.1, one
fresh store per run. Pollers are the real `tracker ingest --json`, started together: on PostgreSQL each
has its own data dir (a host with its own index) and they share the feeds by leases; on SQLite (one poller
is its use: no leases) they share one data dir and each polls every feed, the unique keys keeping one copy.
Every run is checked: each article stored exactly once. Then `tracker ask` in a new process each time
(the cold start a user pays), median of --asks runs, for a question answered from SQL and an open one
(BM25 + the query embedding + the FAISS index). PostgreSQL: the local server (TRACKER_BENCH_DATABASE_URL).

Prints a Markdown section.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import corpus as corpus_mod  # noqa: E402
from pgtemp import temp_database  # noqa: E402

# "sql": a model and an attribute the question understanding resolves ({model}: one with a size claim);
# "open": no model named, so hybrid retrieval (BM25 + dense) answers it.
QUESTIONS = [
    ("sql", "How many parameters does {model} have?"),
    ("open", "news about Meta launches"),
]


def tracker() -> list[str]:
    exe = Path(sys.executable).with_name("tracker")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from tracker.cli import main; main()"]


def _env(data: Path, feeds: Path, url: str | None) -> dict[str, str]:
    env = dict(os.environ, TRACKER_DATA_DIR=str(data), TRACKER_FEEDS=str(feeds), HF_HUB_OFFLINE="1")
    env.pop("TRACKER_DATABASE_URL", None)
    if url:
        env["TRACKER_DATABASE_URL"] = url
    return env


def run_pollers(
    work: Path, feeds: Path, url: str | None, count: int
) -> tuple[float, list[dict[str, object]]]:
    """Start `count` pollers together; (wall seconds until the last exits, their reports)."""
    started = time.perf_counter()
    procs = []
    for k in range(count):
        data = work / (f"host{k}" if url else "data")
        procs.append(
            subprocess.Popen(
                [*tracker(), "ingest", "--json"],
                env=_env(data, feeds, url),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    reports = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode not in (0, 3):
            raise SystemExit(f"ingest exited {proc.returncode}: {err[-2000:]}")
        reports.append(json.loads(out))
    return time.perf_counter() - started, reports


def stored_once(work: Path, url: str | None) -> tuple[int, int, str]:
    """(articles, claims, a model name) of the store; exits when an article was stored twice."""
    from tracker.store import Store

    with Store(url or work / "data" / "tracker.db", readonly=True) as store:
        urls = [a.canonical_url for a in store.articles()]
        claims = store.counts()["claims"]
        model = store.cited_claims(attributes=["parameters_total"])[0].claim.model
    if len(urls) != len(set(urls)):
        raise SystemExit(f"an article was stored twice ({len(urls) - len(set(urls))} duplicates)")
    return len(urls), claims, model


def cold_ask(work: Path, feeds: Path, url: str | None, question: str, repeats: int) -> float:
    env = _env(work / ("host0" if url else "data"), feeds, url)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [*tracker(), "ask", question, "--json"], env=env, capture_output=True, text=True
        )
        times.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 4):  # 4: answered "nothing found", still a whole cold ask
            raise SystemExit(f"ask exited {proc.returncode}: {proc.stderr[-2000:]}")
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300, help="articles")
    ap.add_argument("--feeds", type=int, default=300, help="feeds they are spread over")
    ap.add_argument("--asks", type=int, default=5, help="cold `tracker ask` runs per question")
    args = ap.parse_args()
    rows: list[str] = []
    asks: list[str] = []
    notes: list[str] = []
    with corpus_mod.serve(args.n, feeds=args.feeds) as corpus:
        for backend in ("sqlite", "postgresql"):
            for pollers in (1, 3):
                with tempfile.TemporaryDirectory(prefix="tracker-backends-") as tmp, temp_database() as url:
                    if backend == "postgresql" and url is None:
                        notes.append("postgresql skipped: no server")
                        break
                    work = Path(tmp)
                    feeds = corpus.feeds_yaml(work / "feeds.yaml")
                    db = url if backend == "postgresql" else None
                    wall, reports = run_pollers(work, feeds, db, pollers)
                    articles, claims, model = stored_once(work, db)
                    active = sum(1 for r in reports if r["feeds"])
                    rows.append(
                        f"| {backend} | {pollers} | {active} | {articles} | {claims} | {wall:.1f} | "
                        f"{60 * articles / wall:.0f} |"
                    )
                    if pollers == 3:
                        for kind, question in QUESTIONS:
                            median = cold_ask(work, feeds, db, question.format(model=model), args.asks)
                            asks.append(f"| {backend} | {kind} | {claims} | {median:.2f} |")
    load = os.getloadavg()[0]
    print("## Backends side by side: ingest with 1 and 3 pollers, cold ask (bench/backends.py)\n")
    print(
        f"{args.n} generated articles over {args.feeds} feeds on 127.0.0.1; a fresh store per run; every "
        f"article checked stored exactly once. Machine: {os.cpu_count()} CPUs (the pollers share them), "
        f"load average {load:.1f} at the end.\n"
    )
    print(
        "| backend | pollers | pollers that got feeds | articles stored | claims | wall s | articles / min |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(f"\nCold `tracker ask` (a new process each, median of {args.asks}), on the 3-poller store:\n")
    print("| backend | question | claims in store | wall s |")
    print("|---|---|---:|---:|")
    print("\n".join(asks))
    for note in notes:
        print(f"\n_{note}_")
    return 0


if __name__ == "__main__":
    sys.exit(main())
