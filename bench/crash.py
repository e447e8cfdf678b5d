"""Crash suite: kill -9 the real ingest at random moments and at named points, check it recovers.

After every kill: the store passes its integrity check (Store.integrity_problems: SQLite's `PRAGMA
integrity_check`, or on PostgreSQL no invalid index; on both the schema as recorded and no claim or alias
pointing at a missing row); the on-disk index is either usable with ids that the store has, or detected as
unusable (then rebuilt); one more ingest exits 0 and converges to the counts of an uninterrupted run, with
the index holding exactly the store's claim ids.

    python bench/crash.py [--n 40] [--articles 30] [--seed 1] [--backend sqlite|postgresql|both]

On PostgreSQL (the server TRACKER_BENCH_DATABASE_URL names, default the local test server; see pgtemp.py)
every run, the uninterrupted ones included, gets a fresh database, as on SQLite each gets a fresh data dir.
Prints a Markdown table per backend; the figure to reach is 100 % consistent.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402
import pgtemp  # noqa: E402

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


BACKENDS = ["sqlite", "postgresql"]
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Databases:
    """Fresh stores for one backend: `fresh()` yields None on SQLite (the data dir's file), else the URL
    of a new PostgreSQL database, dropped afterwards, made through one admin connection."""

    def __init__(self, admin: str | None = None, conn: Any = None) -> None:
        self.admin, self.conn = admin, conn

    @contextlib.contextmanager
    def fresh(self) -> Iterator[str | None]:
        if self.conn is None:
            yield None
            return
        assert self.admin is not None
        with pgtemp.database_on(self.conn, self.admin, "tracker_crash") as url:
            yield url


class NoServer(Exception):
    """No PostgreSQL server answers at the bench's admin URL."""


@contextlib.contextmanager
def databases(backend: str) -> Iterator[Databases]:
    """SQLite's (nothing to make), or PostgreSQL's on the bench server; NoServer when none answers."""
    if backend == "sqlite":
        yield Databases()
        return
    admin = os.environ.get("TRACKER_BENCH_DATABASE_URL") or pgtemp.ADMIN_URL
    import psycopg

    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        from tracker.store.postgres import mask, reason

        raise NoServer(f"no PostgreSQL server at {mask(admin)}: {reason(exc, admin)}") from None
    with conn:
        yield Databases(admin, conn)


def _store_target(data_dir: Path, database: str | None) -> str | Path:
    return database or data_dir / "tracker.db"


def run_ingest(
    data_dir: Path,
    feeds: Path,
    *,
    database: str | None = None,
    crash_at: str | None = None,
    kill_after: float | None = None,
    timeout: float = 600,
) -> int:
    """Run the real CLI (through the crash driver) once; return its exit code (-9 when we killed it).

    `database`: the PostgreSQL URL of the store, None for the SQLite file in `data_dir`."""
    env = dict(os.environ, TRACKER_DATA_DIR=str(data_dir), TRACKER_FEEDS=str(feeds), HF_HUB_OFFLINE="1")
    env.pop("TRACKER_CRASH_AT", None)
    env.pop("TRACKER_DATABASE_URL", None)
    if database:
        env["TRACKER_DATABASE_URL"] = database
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


def counts(data_dir: Path, database: str | None = None) -> dict[str, int]:
    from tracker.store import Store

    with Store(_store_target(data_dir, database), readonly=True) as store:
        return store.counts()


def check_after_crash(data_dir: Path, database: str | None = None) -> tuple[bool, bool, str]:
    """(integrity ok, index ok, detail) right after a kill, before any recovery (read-only: nothing is
    migrated or repaired by looking)."""
    from tracker.embed import DIM, MODEL_ID
    from tracker.errors import StoreError
    from tracker.index import VectorIndex
    from tracker.store import Store

    if database is None and not (data_dir / "tracker.db").exists():
        return True, True, "killed before the store was created"
    try:
        store = Store(_store_target(data_dir, database), readonly=True)
    except StoreError as exc:
        if database and "no tracker store in this database yet" in str(exc):
            # PostgreSQL migrates in one transaction: nothing of the schema was committed
            return True, True, "killed before the store was created"
        return False, True, f"store unreadable after the kill: {exc}"
    with store:
        if not store.applied_migrations():  # migrations commit whole: none means nothing was written yet
            return True, True, "killed before the store was created"
        problems = store.integrity_problems()
        claim_ids = set(store.claim_ids())
    detail = "; ".join(problems)
    index = VectorIndex.open(data_dir / "index", model_id=MODEL_ID, dim=DIM)
    if index.needs_rebuild:
        return (
            not problems,
            True,
            "; ".join(filter(None, [detail, f"index detected as unusable: {index.problem}"])),
        )
    extra = set(index.ids().tolist()) - claim_ids
    note = f"{len(extra)} index ids unknown to the store" if extra else ""
    return not problems, not extra, "; ".join(filter(None, [detail, note]))


def check_converged(
    data_dir: Path, reference: dict[str, int], database: str | None = None
) -> tuple[bool, str]:
    from tracker.embed import DIM, MODEL_ID
    from tracker.errors import TrackerError
    from tracker.index import VectorIndex
    from tracker.store import Store

    got = counts(data_dir, database)
    if got != reference:
        return False, f"counts {got} != uninterrupted {reference}"
    with Store(_store_target(data_dir, database), readonly=True) as store:
        problems = store.integrity_problems()
        if problems:
            return False, f"integrity check failed after recovery: {'; '.join(problems)}"
        claim_ids = sorted(store.claim_ids())
    try:
        index = VectorIndex.open(data_dir / "index", model_id=MODEL_ID, dim=DIM, strict=True)
    except TrackerError as exc:
        return False, f"index unusable after recovery: {exc}"
    ids = sorted(index.ids().tolist())
    if ids != claim_ids:
        return False, f"index has {len(ids)} ids, the store {len(claim_ids)} claims"
    return True, ""


def scenario(
    work: Path,
    feeds: Path,
    reference: dict[str, int],
    name: str,
    *,
    database: str | None = None,
    crash_at: str | None = None,
    kill_after: float | None = None,
) -> Outcome:
    """One kill and its recovery, in a fresh data dir (and `database`, fresh, on PostgreSQL)."""
    data_dir = Path(tempfile.mkdtemp(prefix="crash-", dir=work))
    code = run_ingest(data_dir, feeds, database=database, crash_at=crash_at, kill_after=kill_after)
    killed = code in (137, -9)
    integrity, index_ok, detail = check_after_crash(data_dir, database)
    recovery = run_ingest(data_dir, feeds, database=database)
    converged, why = (
        check_converged(data_dir, reference, database) if recovery == 0 else (False, f"exit {recovery}")
    )
    return Outcome(name, killed, integrity, index_ok, converged, "; ".join(d for d in (detail, why) if d))


def reference_run(work: Path, feeds: Path, database: str | None = None) -> tuple[dict[str, int], float]:
    data_dir = Path(tempfile.mkdtemp(prefix="reference-", dir=work))
    started = time.perf_counter()
    code = run_ingest(data_dir, feeds, database=database)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the uninterrupted ingest exited {code}")
    return counts(data_dir, database), elapsed


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


def suite(backend: str, args: argparse.Namespace, work: Path, feeds: Path) -> tuple[str, bool]:
    """Every kill of the plan on one backend: its Markdown section, and whether all were consistent."""
    rng = random.Random(args.seed)
    with databases(backend) as dbs:
        with dbs.fresh() as url:
            reference, duration = reference_run(work, feeds, url)
        outcomes = []
        for name, kw in plan(args.n, args.articles, rng, duration):
            with dbs.fresh() as url:
                outcomes.append(scenario(work, feeds, reference, name, database=url, **kw))  # type: ignore[arg-type]
        with dbs.fresh() as url:
            control, _ = reference_run(work, feeds, url)  # same code at the end? (a shared tree can change)
    good = sum(o.consistent for o in outcomes)
    lines = []
    if control != reference:
        lines.append(
            f"WARNING: an uninterrupted run at the end gave {control}, at the start {reference}: the code "
            "changed during the benchmark; rerun it.\n"
        )
    lines += [
        f"## Crash suite ({LABELS[backend]}): {len(outcomes)} kills, corpus of {args.articles} articles "
        f"({reference['articles']} stored, {reference['claims']} claims; "
        f"uninterrupted run {duration:.1f}s)\n",
        "| scenario | killed | integrity check | index vs store | converged | note |",
        "|---|---|---|---|---|---|",
    ]
    yn = lambda b: "yes" if b else "**NO**"  # noqa: E731
    for o in outcomes:
        lines.append(
            f"| {o.scenario} | {'yes' if o.killed else 'no (ended first)'} | {yn(o.integrity)} | "
            f"{yn(o.index_ok)} | {yn(o.converged)} | {o.detail} |"
        )
    lines.append(
        f"\n**{LABELS[backend]}: {100 * good / max(1, len(outcomes)):.0f} % consistent** "
        f"({good}/{len(outcomes)}), {sum(o.killed for o in outcomes)} runs actually killed mid-way."
    )
    return "\n".join(lines), good == len(outcomes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=40, help="number of kills (per backend)")
    parser.add_argument("--articles", type=int, default=30, help="articles in the served corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--backend", choices=[*BACKENDS, "both"], default="sqlite", help="the store's backend"
    )
    args = parser.parse_args(argv)
    backends = BACKENDS if args.backend == "both" else [args.backend]
    ok = True
    with (
        tempfile.TemporaryDirectory(prefix="tracker-crash-") as tmp,
        corpus_mod.serve(args.articles, feeds=3) as corpus,
    ):
        work = Path(tmp)
        feeds = corpus.feeds_yaml(work / "feeds.yaml")
        for i, backend in enumerate(backends):
            try:
                section, good = suite(backend, args, work, feeds)
            except NoServer as exc:
                if args.backend != "both":
                    print(f"error: {exc} (TRACKER_BENCH_DATABASE_URL names the server)", file=sys.stderr)
                    return 2
                section, good = f"_{LABELS[backend]} skipped: {exc}_", True  # `both` on a machine without one
            print(("\n" if i else "") + section, flush=True)
            ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
