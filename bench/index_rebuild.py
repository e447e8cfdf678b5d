"""Index rebuild from stored vectors: how long a lost FAISS index takes to come back without the model.

    nice python bench/index_rebuild.py                    # 100k claims, SQLite and PostgreSQL
    nice python bench/index_rebuild.py --n 10000          # quick run

A store of N invented claims (5 per article) is written with one vector per claim (random unit vectors:
what is measured is reading and indexing them, not their meaning). Then the index directory is deleted and
`tracker.index.restore_from_store` - what `tracker ask` runs when it finds the index missing, corrupt or
foreign - rebuilds it. Figures: reading the vectors from the store, and the whole restore (read + FAISS
build, IVF above IVF_THRESHOLD, + atomic save). Re-embedding instead would run the model over every claim
(bench/embed_speed.py measures its claims/s).

Prints a Markdown section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def build(store: Store, n: int) -> None:
    """N claims, 5 an article, and one stored unit vector per claim."""
    from tracker.embed import DIM, MODEL_ID
    from tracker.records import Article, Claim

    rng = np.random.default_rng(7)
    for a in range(n // 5):
        claims = [
            Claim(
                model=f"Orbit-{a % 997}",
                attribute="parameters_total",
                value=float(a * 5 + j),
                evidence=f"Orbit-{a % 997} report {a} states figure {a * 5 + j} for part {j}.",
                start=0,
                end=10,
            )
            for j in range(5)
        ]
        url = f"https://bench.example/{a}"
        article = Article(
            url=url, canonical_url=url, title=f"report {a}", text=f"report {a}", content_hash=url
        )
        store.add_article(article, claims)
    rows = store.claims_without_vectors(MODEL_ID)
    for start in range(0, len(rows), 10_000):
        chunk = rows[start : start + 10_000]
        vecs = rng.normal(size=(len(chunk), DIM)).astype("<f4")
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.put_vectors(MODEL_ID, DIM, [(h, v.tobytes()) for (_, h, _), v in zip(chunk, vecs, strict=True)])
    store.set_meta("store_uuid", "bench")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="claims")
    args = ap.parse_args()
    from pgtemp import temp_database

    from tracker.config import Paths
    from tracker.embed import DIM, MODEL_ID
    from tracker.index import IVF_THRESHOLD, VectorIndex, restore_from_store
    from tracker.store import Store

    rows: list[tuple[str, int, float, float, str, int | None]] = []
    built: dict[str, float] = {}
    skipped = []
    for backend in ("sqlite", "postgresql"):
        work = Path(tempfile.mkdtemp(prefix="tracker-rebuild-"))
        try:
            with temp_database() as url:
                if backend == "postgresql" and url is None:
                    skipped.append("postgresql (no server)")
                    continue
                paths = Paths(work, database=url if backend == "postgresql" else None)
                started = time.perf_counter()
                with Store.open(paths, "write") as store:
                    build(store, args.n)
                built[backend] = time.perf_counter() - started
                with Store.open(paths, "read") as store:
                    t0 = time.perf_counter()
                    ids, blobs = store.stored_vectors(MODEL_ID, DIM)
                    read = time.perf_counter() - t0
                    del blobs
                    shutil.rmtree(paths.index_dir, ignore_errors=True)
                    t0 = time.perf_counter()
                    count = restore_from_store(paths, store)
                    restore = time.perf_counter() - t0
                index = VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True)
                rows.append((backend, len(ids), read, restore, index.kind, count))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    print("## Index rebuild from stored vectors (bench/index_rebuild.py)\n")
    print(
        f"{args.n:,} claims with one stored {DIM}-dim float32 vector each (store written in "
        f"{', '.join(f'{b} {s:.0f} s' for b, s in built.items())}); "
        f"index directory deleted, then `restore_from_store` (what `tracker ask` runs). IVF_THRESHOLD = "
        f"{IVF_THRESHOLD:,}; the restored index is flat (exact, no IVF training on the ask path), the next "
        f"ingest reshapes it. Machine: {os.cpu_count()} CPUs, load average {load:.1f} at the end.\n"
    )
    print("| backend | claims | read vectors s | restore s (read + build + save) | index | claims indexed |")
    print("|---|---:|---:|---:|---|---:|")
    for backend, n, read_s, restore_s, kind, indexed in rows:
        print(f"| {backend} | {n:,} | {read_s:.2f} | {restore_s:.2f} | {kind} | {indexed or 0:,} |")
    for what in skipped:
        print(f"\n_skipped: {what}_")
    return 0


if __name__ == "__main__":
    sys.exit(main())
