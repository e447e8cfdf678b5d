"""Crash suite: kill -9 the real ingest at random moments and at named points, check it recovers.

After every kill: SQLite passes `PRAGMA integrity_check`; the on-disk index is either usable with ids that
SQLite has, or detected as unusable (then rebuilt); one more ingest exits 0 and converges to the counts of
an uninterrupted run, with the index holding exactly SQLite's claim ids.

    python bench/crash.py [--n 40] [--articles 30] [--seed 1]

Prints a Markdown table; the figure to reach is 100 % consistent.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402

NAMED_POINTS = ["after_commit", "before_feed_state", "before_index", "mid_index_write", "before_rename"]


@dataclass
class Outcome:
    scenario: str
    killed: bool
    integrity: bool
    index_ok: bool
    converged: bool
    detail: str = ""

    @property
    def consistent(self) -> bool:
        return self.integrity and self.index_ok and self.converged


def run_ingest(
    data_dir: Path,
    feeds: Path,
    *,
    crash_at: str | None = None,
    kill_after: float | None = None,
    timeout: float = 600,
) -> int:
    """Run the real CLI (through the crash driver) once; return its exit code (-9 when we killed it)."""
    env = dict(os.environ, TRACKER_DATA_DIR=str(data_dir), TRACKER_FEEDS=str(feeds), HF_HUB_OFFLINE="1")
    env.pop("TRACKER_CRASH_AT", None)
    if crash_at:
        env["TRACKER_CRASH_AT"] = crash_at
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "crash_driver.py"), "ingest", "-q"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    if proc.returncode not in (0, 3, 137, -9) and err:
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return proc.returncode


def counts(data_dir: Path) -> dict[str, int]:
    from tracker.store import Store

    with Store(data_dir / "tracker.db") as store:
        return store.counts()


def check_after_crash(data_dir: Path) -> tuple[bool, bool, str]:
    """(integrity ok, index ok, detail) right after a kill, before any recovery."""
    from tracker.embed import DIM, MODEL_ID
    from tracker.index import VectorIndex
    from tracker.store import Store

    db = data_dir / "tracker.db"
    if not db.exists():
        return True, True, "killed before the store was created"
    with Store(db) as store:
        integrity = store.integrity_ok()
        claim_ids = set(store.claim_ids())
    index = VectorIndex.open(data_dir / "index", model_id=MODEL_ID, dim=DIM)
    if index.needs_rebuild:
        return integrity, True, f"index detected as unusable: {index.problem}"
    extra = set(index.ids().tolist()) - claim_ids
    return integrity, not extra, f"{len(extra)} index ids unknown to SQLite" if extra else ""


def check_converged(data_dir: Path, reference: dict[str, int]) -> tuple[bool, str]:
    from tracker.embed import DIM, MODEL_ID
    from tracker.errors import TrackerError
    from tracker.index import VectorIndex
    from tracker.store import Store

    got = counts(data_dir)
    if got != reference:
        return False, f"counts {got} != uninterrupted {reference}"
    with Store(data_dir / "tracker.db") as store:
        if not store.integrity_ok():
            return False, "integrity_check failed after recovery"
        claim_ids = sorted(store.claim_ids())
    try:
        index = VectorIndex.open(data_dir / "index", model_id=MODEL_ID, dim=DIM, strict=True)
    except TrackerError as exc:
        return False, f"index unusable after recovery: {exc}"
    ids = sorted(index.ids().tolist())
    if ids != claim_ids:
        return False, f"index has {len(ids)} ids, SQLite {len(claim_ids)} claims"
    return True, ""


def scenario(
    work: Path,
    feeds: Path,
    reference: dict[str, int],
    name: str,
    *,
    crash_at: str | None = None,
    kill_after: float | None = None,
) -> Outcome:
    data_dir = Path(tempfile.mkdtemp(prefix="crash-", dir=work))
    code = run_ingest(data_dir, feeds, crash_at=crash_at, kill_after=kill_after)
    killed = code in (137, -9)
    integrity, index_ok, detail = check_after_crash(data_dir)
    recovery = run_ingest(data_dir, feeds)
    converged, why = check_converged(data_dir, reference) if recovery == 0 else (False, f"exit {recovery}")
    return Outcome(name, killed, integrity, index_ok, converged, "; ".join(d for d in (detail, why) if d))


def reference_run(work: Path, feeds: Path) -> tuple[dict[str, int], float]:
    data_dir = Path(tempfile.mkdtemp(prefix="reference-", dir=work))
    started = time.perf_counter()
    code = run_ingest(data_dir, feeds)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the uninterrupted ingest exited {code}")
    return counts(data_dir), elapsed


def plan(n: int, articles: int, rng: random.Random, duration: float) -> list[tuple[str, dict[str, object]]]:
    """Named points first (each at a random pass), then random kill times over the run's duration."""
    runs: list[tuple[str, dict[str, object]]] = []
    for i in range(n):
        if i < len(NAMED_POINTS) * 2 and i < n * 2 // 3:
            point = NAMED_POINTS[i % len(NAMED_POINTS)]
            passes = {"after_commit": articles, "before_feed_state": 3}.get(point, 1)
            nth = rng.randint(1, max(1, passes))
            runs.append((f"{point}:{nth}", {"crash_at": f"{point}:{nth}"}))
        else:
            t = round(rng.uniform(0.3, duration), 2)
            runs.append((f"kill -9 at {t}s", {"kill_after": t}))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=40, help="number of kills")
    parser.add_argument("--articles", type=int, default=30, help="articles in the served corpus")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="tracker-crash-") as tmp,
        corpus_mod.serve(args.articles, feeds=3) as corpus,
    ):
        work = Path(tmp)
        feeds = corpus.feeds_yaml(work / "feeds.yaml")
        reference, duration = reference_run(work, feeds)
        outcomes = [
            scenario(work, feeds, reference, name, **kw)  # type: ignore[arg-type]
            for name, kw in plan(args.n, args.articles, rng, duration)
        ]
        control, _ = reference_run(work, feeds)  # same code at the end? (a shared tree can change under us)
    good = sum(o.consistent for o in outcomes)
    if control != reference:
        print(
            f"WARNING: an uninterrupted run at the end gave {control}, at the start {reference}: the code "
            "changed during the benchmark; rerun it.\n"
        )
    print(
        f"## Crash suite: {len(outcomes)} kills, corpus of {args.articles} articles "
        f"({reference['articles']} stored, {reference['claims']} claims; "
        f"uninterrupted run {duration:.1f}s)\n"
    )
    print("| scenario | killed | integrity_check | index vs SQLite | converged | note |")
    print("|---|---|---|---|---|---|")
    for o in outcomes:
        yn = lambda b: "yes" if b else "**NO**"  # noqa: E731
        print(
            f"| {o.scenario} | {'yes' if o.killed else 'no (ended first)'} | {yn(o.integrity)} | "
            f"{yn(o.index_ok)} | {yn(o.converged)} | {o.detail} |"
        )
    print(
        f"\n**{100 * good / max(1, len(outcomes)):.0f} % consistent** ({good}/{len(outcomes)}), "
        f"{sum(o.killed for o in outcomes)} runs actually killed mid-way."
    )
    return 0 if good == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
