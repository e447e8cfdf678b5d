"""The vector index: sync with the store, atomic saves, detection of unusable indexes, IVF, read path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from helpers import FakeEmbedder
from tracker import index as index_mod
from tracker.config import Paths
from tracker.embed import DIM, MODEL_ID
from tracker.errors import IndexError_
from tracker.index import VectorIndex, ensure_index, load_for_query
from tracker.records import Article, Claim
from tracker.store import Store

ATTRS = ["parameters_total", "context_window", "price_input", "release_date", "license", "developer"]


def add_articles(store: Store, start: int, count: int, claims_per_article: int = 5) -> list[int]:
    """Store invented articles, each with a few claims; return the new claim ids."""
    ids: list[int] = []
    for n in range(start, start + count):
        claims = [
            Claim(
                model=f"Orbit-{n}",
                attribute=ATTRS[j % len(ATTRS)],
                value=float(n * 10 + j),  # type: ignore[arg-type]
                evidence=f"Orbit-{n} ships with figure {n * 10 + j} for item {j}.",
                start=0,
                end=10,
            )
            for j in range(claims_per_article)
        ]
        article = Article(
            url=f"https://news.example/{n}",
            canonical_url=f"https://news.example/{n}",
            title=f"Orbit-{n} launch",
            text=f"Orbit-{n} text",
            content_hash=f"h{n}",
        )
        ids.extend(store.add_article(article, claims)[1])
    return ids


@pytest.fixture
def paths(data_dir: Path, backend: str | None) -> Paths:
    return Paths(data_dir, database=backend)


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    s = Store(paths.database or paths.db)
    yield s
    s.close()


def vector_of(store: Store, claim_id: int) -> np.ndarray:
    text = dict(store.claim_texts(claim_id - 1))[claim_id]
    return FakeEmbedder().encode([text])


def test_sync_indexes_every_claim_and_finds_each_one(paths: Paths, store: Store) -> None:
    ids = add_articles(store, 0, 20)
    emb = FakeEmbedder()
    idx = ensure_index(paths, store, emb)
    assert idx.count == len(ids) == len(emb.embedded)
    assert sorted(idx.ids().tolist()) == ids
    for claim_id in ids[::7]:
        best, score = idx.search(vector_of(store, claim_id), 3)[0]
        assert best == claim_id and score == pytest.approx(1.0, abs=1e-5)
    meta = json.loads((paths.index_dir / "meta.json").read_text())
    assert meta["model_id"] == MODEL_ID and meta["dim"] == DIM
    assert meta["count"] == len(ids) and meta["max_id"] == max(ids) and len(meta["sha256"]) == 64


def test_sync_embeds_only_new_claims(paths: Paths, store: Store) -> None:
    add_articles(store, 0, 5)
    ensure_index(paths, store, FakeEmbedder())
    new_ids = add_articles(store, 5, 3)
    emb = FakeEmbedder()
    idx = ensure_index(paths, store, emb)
    assert len(emb.embedded) == len(new_ids)
    assert idx.count == store.counts()["claims"]
    emb2 = FakeEmbedder()
    ensure_index(paths, store, emb2)
    assert emb2.embedded == []


def test_reopen_round_trip(paths: Paths, store: Store) -> None:
    ids = add_articles(store, 0, 4)
    ensure_index(paths, store, FakeEmbedder())
    again = VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True)
    assert not again.needs_rebuild
    assert sorted(again.ids().tolist()) == ids
    q = load_for_query(paths)
    assert q is not None and q.readonly and q.count == len(ids)
    assert q.search(vector_of(store, ids[3]), 1)[0][0] == ids[3]
    with pytest.raises(IndexError_):
        q.add([10**9], np.zeros((1, DIM), np.float32))


def _index_file(paths: Paths) -> Path:
    meta = json.loads((paths.index_dir / "meta.json").read_text())
    return paths.index_dir / meta["file"]


def _corrupt_flip(paths: Paths) -> None:
    f = _index_file(paths)
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF
    f.write_bytes(bytes(data))


def _truncate(paths: Paths) -> None:
    f = _index_file(paths)
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 3])


def _other_model(paths: Paths) -> None:
    meta_path = paths.index_dir / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["model_id"] = "some-other-model/768"
    meta_path.write_text(json.dumps(meta))


def _other_dim(paths: Paths) -> None:
    meta_path = paths.index_dir / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["dim"] = 768
    meta_path.write_text(json.dumps(meta))


def _garbage_meta(paths: Paths) -> None:
    (paths.index_dir / "meta.json").write_text('{"format": 1, "model_')


def _missing_file(paths: Paths) -> None:
    _index_file(paths).unlink()


def _garbage_file(paths: Paths) -> None:
    f = _index_file(paths)
    f.write_bytes(os.urandom(f.stat().st_size))


DAMAGES = [_corrupt_flip, _truncate, _other_model, _other_dim, _garbage_meta, _missing_file, _garbage_file]


@pytest.mark.parametrize("damage", DAMAGES)
def test_unusable_index_is_detected_and_rebuilt(
    paths: Paths, store: Store, damage: Callable[[Paths], None]
) -> None:
    ids = add_articles(store, 0, 6)
    ensure_index(paths, store, FakeEmbedder())
    damage(paths)
    with pytest.raises(IndexError_):
        VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True)
    lenient = VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM)
    assert lenient.needs_rebuild and lenient.count == 0 and lenient.problem
    emb = FakeEmbedder()
    idx = ensure_index(paths, store, emb)
    assert emb.embedded == []  # rebuilt from the vectors the store keeps, nothing embedded again
    assert sorted(idx.ids().tolist()) == ids
    assert VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True).count == len(ids)
    assert [p.name for p in paths.index_dir.glob("vectors-*")] == [
        json.loads((paths.index_dir / "meta.json").read_text())["file"]
    ]


def test_ids_the_store_lost_are_dropped(paths: Paths, store: Store) -> None:
    ids = add_articles(store, 0, 6)
    ensure_index(paths, store, FakeEmbedder())
    gone = ids[5:15]
    store.db.execute(f"DELETE FROM claims WHERE id IN ({','.join(map(str, gone))})")
    emb = FakeEmbedder()
    idx = ensure_index(paths, store, emb)
    assert emb.embedded == []
    assert set(idx.ids().tolist()) == set(ids) - set(gone)
    reader = load_for_query(paths)
    assert reader is not None
    for claim_id in gone:
        hits = {i for i, _ in reader.search(vector_of_text(store, claim_id, ids), 50)}
        assert not hits & set(gone)


def vector_of_text(store: Store, claim_id: int, ids: list[int]) -> np.ndarray:
    # the claim is gone from the store: rebuild its text the way add_articles wrote it
    n, j = divmod(ids.index(claim_id), 5)
    attr = ATTRS[j % len(ATTRS)].replace("_", " ")
    text = f"Orbit-{n} {attr}: Orbit-{n} ships with figure {n * 10 + j} for item {j}."
    return FakeEmbedder().encode([text])


def test_another_store_means_a_rebuild(paths: Paths, store: Store, tmp_path: Path) -> None:
    if paths.database:
        pytest.skip("recreates the SQLite file")
    add_articles(store, 0, 4)
    ensure_index(paths, store, FakeEmbedder())
    store.close()
    paths.db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(paths.db) + suffix).unlink(missing_ok=True)
    fresh = Store(paths.db)
    try:
        ids = add_articles(fresh, 100, 4)  # same ids, other claims
        emb = FakeEmbedder()
        idx = ensure_index(paths, fresh, emb)
        assert len(emb.embedded) == len(ids)
        assert idx.search(vector_of(fresh, ids[0]), 1)[0] == (ids[0], pytest.approx(1.0, abs=1e-5))
    finally:
        fresh.close()


def test_rebuild_takes_the_stored_vectors(paths: Paths, store: Store) -> None:
    ids = add_articles(store, 0, 3)
    first = FakeEmbedder()
    idx = ensure_index(paths, store, first)
    assert len(first.embedded) == len(ids) == store.vector_count(MODEL_ID)
    emb = FakeEmbedder()
    assert idx.rebuild(store, emb) == len(ids) and emb.embedded == []
    assert sorted(VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True).ids()) == ids


def test_empty_store_and_no_index(paths: Paths, store: Store) -> None:
    assert load_for_query(paths) is None
    idx = ensure_index(paths, store, FakeEmbedder())
    assert idx.count == 0 and idx.search(np.ones(DIM, np.float32), 5) == []
    reader = load_for_query(paths)
    assert reader is not None and reader.count == 0


def test_wrong_query_dimension_is_refused(paths: Paths, store: Store) -> None:
    add_articles(store, 0, 1)
    idx = ensure_index(paths, store, FakeEmbedder())
    with pytest.raises(ValueError):
        idx.search(np.ones(12, np.float32), 3)


def test_ivf_above_the_threshold(paths: Paths, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_mod, "IVF_THRESHOLD", 1500)
    ids = add_articles(store, 0, 200, claims_per_article=5)  # 1000 claims: flat
    idx = ensure_index(paths, store, FakeEmbedder())
    assert idx.kind == "flat"
    ids += add_articles(store, 200, 200, claims_per_article=5)  # 2000 claims: IVF, no re-embedding
    emb = FakeEmbedder()
    idx = ensure_index(paths, store, emb)
    assert idx.kind == "ivf" and len(emb.embedded) == 1000
    assert sorted(idx.ids().tolist()) == ids
    meta = json.loads((paths.index_dir / "meta.json").read_text())
    assert meta["kind"] == "ivf" and meta["nprobe"] >= 1 and meta["nlist"] == index_mod.nlist_for(2000)
    reader = load_for_query(paths)
    assert reader is not None and reader.kind == "ivf" and reader.count == 2000
    # every stored claim is found by its own vector
    for claim_id in ids[::97]:
        assert reader.search(vector_of(store, claim_id), 5)[0][0] == claim_id
    # and an incremental sync adds to the trained IVF
    more = add_articles(store, 400, 2)
    idx = ensure_index(paths, store, FakeEmbedder())
    assert idx.kind == "ivf" and idx.count == 2010
    assert idx.search(vector_of(store, more[-1]), 1)[0][0] == more[-1]


def test_recall_helpers() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(3000, dtype=np.int64) + 7
    q = index_mod.perturbed_queries(vecs, 20, rng)
    exact = index_mod.exact_topk(vecs, ids, q, 10)
    brute = ids[np.argsort(-(q @ vecs.T), axis=1)[:, :10]]
    assert index_mod.recall_at_k(exact, brute) == 1.0
    assert index_mod.recall_at_k(exact[:, :5], brute[:, :5]) == 1.0
    assert index_mod.recall_at_k(np.zeros_like(exact), brute) == 0.0


# -- crash safety: kill -9 the writer at named points, the reader sees the old or the new index -------------
CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from tracker import index as index_mod
    from tracker.config import Paths
    from tracker.store import Store
    from helpers import FakeEmbedder
    from test_index import add_articles

    point, nth = sys.argv[1], int(sys.argv[2])
    paths = Paths(Path(sys.argv[3]), database=sys.argv[5] if len(sys.argv) > 5 else None)
    store = Store(paths.database or paths.db)
    calls = {{"n": 0}}

    def die_when(name):
        calls["n"] += 1
        if name == point and calls["n"] >= nth:
            os.kill(os.getpid(), 9)

    real_replace, real_write = os.replace, index_mod._faiss().write_index
    def replace(src, dst):
        die_when("before_rename_" + Path(dst).name.split("-")[0].split(".")[0])
        real_replace(src, dst)
        die_when("after_rename_" + Path(dst).name.split("-")[0].split(".")[0])
    def write_index(idx, path):
        real_write(idx, path)
        with open(path, "r+b") as fh:  # a half-written file, as if killed mid-write
            fh.truncate(os.path.getsize(path) // 2)
        die_when("mid_write")
    os.replace = replace
    index_mod._faiss().write_index = write_index if point == "mid_write" else real_write
    add_articles(store, int(sys.argv[4]), 3)
    index_mod.ensure_index(paths, store, FakeEmbedder())
    print("survived")
    """
)


@pytest.mark.parametrize(
    "point",
    ["mid_write", "before_rename_vectors", "after_rename_vectors", "before_rename_meta", "after_rename_meta"],
)
def test_kill_during_save_leaves_old_or_new_index(
    paths: Paths, store: Store, tmp_path: Path, point: str
) -> None:
    add_articles(store, 0, 4)
    ensure_index(paths, store, FakeEmbedder())
    before = sorted(VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True).ids().tolist())
    script = tmp_path / "crash.py"
    script.write_text(CRASH_SCRIPT.format(tests=str(Path(__file__).parent)))
    proc = subprocess.run(
        [sys.executable, str(script), point, "1", str(paths.data_dir), "50", *filter(None, [paths.database])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr
    # the claims were committed, the index write was interrupted: the index is the old one or the new one
    reopened = VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True)
    got = sorted(reopened.ids().tolist())
    assert got in (before, store.claim_ids())
    reader = load_for_query(paths)
    assert reader is not None and reader.count == len(got)
    # one more sync converges to the store
    idx = ensure_index(paths, store, FakeEmbedder())
    assert sorted(idx.ids().tolist()) == store.claim_ids()
    assert len(list(paths.index_dir.glob("vectors-*"))) == 1
    assert not list(paths.index_dir.glob(".*.tmp"))


def test_readers_never_see_a_missing_or_half_index_while_a_writer_saves(paths: Paths, store: Store) -> None:
    """Saves replace the generation file under readers: load_for_query always gets a whole index."""
    import threading

    add_articles(store, 0, 3)
    ensure_index(paths, store, FakeEmbedder())
    stop = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def reader() -> None:
        probe = np.ones(DIM, np.float32) / np.sqrt(DIM)
        while not stop.is_set():
            try:
                idx = load_for_query(paths)
                assert idx is not None
                seen.append(len(idx.search(probe, 1000)))
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for batch in range(15):
            add_articles(store, 10 + batch, 1)
            ensure_index(paths, store, FakeEmbedder())
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert seen and min(seen) >= 15 and seen == sorted(seen)


# -- vectors kept in the store ---------------------------------------------------------------------------
def test_one_vector_per_text_and_model(paths: Paths, store: Store) -> None:
    """Claims whose embedded text is the same (a syndicated copy) share one stored vector."""
    ids = add_articles(store, 0, 2)
    article = Article(
        url="https://copy.example/0",
        canonical_url="https://copy.example/0",
        title="copy",
        text="Orbit-0 text",
        content_hash="copy0",
    )
    again = [c.claim for c in store.cited_claims(ids=ids[:5])]
    copy_ids = store.add_article(article, [c.model_copy(update={"id": None}) for c in again])[1]
    emb = FakeEmbedder()
    ensure_index(paths, store, emb)
    assert len(emb.embedded) == len(ids)  # the copy's five texts were embedded once, with the original's
    assert store.vector_count(MODEL_ID) == len(ids)
    assert set(ensure_index(paths, store, FakeEmbedder()).ids().tolist()) == set(ids) | set(copy_ids)


def test_new_claims_past_the_watermark_come_from_the_store(paths: Paths, store: Store) -> None:
    """A second host's index (another directory, same store) takes vectors the first host embedded."""
    add_articles(store, 0, 4)
    ensure_index(paths, store, FakeEmbedder())
    other = Paths(paths.data_dir / "host-b")
    ensure_index(other, store, FakeEmbedder())
    new = add_articles(store, 4, 3)
    first = FakeEmbedder()
    ensure_index(paths, store, first)  # host A ingests: embeds the new claims and stores their vectors
    assert len(first.embedded) == len(new)
    second = FakeEmbedder()
    idx = ensure_index(other, store, second)
    assert second.embedded == [] and set(new) <= set(idx.ids().tolist())


def _stored(store: Store) -> dict[int, np.ndarray]:
    ids, blobs = store.stored_vectors(MODEL_ID, DIM)
    return {i: np.frombuffer(b, dtype="<f4") for i, b in zip(ids, blobs, strict=True)}


def test_ask_rebuilds_a_deleted_index_from_stored_vectors(
    paths: Paths, store: Store, run_cli: Callable[..., object], backend_env: dict[str, str]
) -> None:
    """Delete the index directory, then the real `tracker ask`: the index is back, holding exactly the
    stored vectors. They were made by the fake embedder, so the real model cannot have re-made them."""
    ids = add_articles(store, 0, 6)
    ensure_index(paths, store, FakeEmbedder())
    stored = _stored(store)
    store.close()
    import shutil

    shutil.rmtree(paths.index_dir)
    result = run_cli("ask", "what ships with figure 33", env={"TRACKER_ASK_FORK": "0", **backend_env})
    assert result.code == 0, result.stderr  # type: ignore[attr-defined]
    assert "vector index is missing" not in result.stdout  # type: ignore[attr-defined]
    idx = VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM, strict=True)
    got_ids, got = idx.vectors()
    assert sorted(got_ids.tolist()) == ids
    for i, vec in zip(got_ids.tolist(), got, strict=True):
        assert np.array_equal(vec, stored[i])


@pytest.mark.parametrize("damage", [_corrupt_flip, _other_model, _garbage_meta])
def test_restore_needs_no_embedding_runtime(
    paths: Paths, store: Store, damage: Callable[[Paths], None]
) -> None:
    """restore_from_store (what ask runs) in a fresh process: neither onnxruntime nor tokenizers load."""
    ids = add_articles(store, 0, 4)
    ensure_index(paths, store, FakeEmbedder())
    store.close()
    damage(paths)
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from tracker.config import Paths
        from tracker.index import restore_from_store
        from tracker.store import Store
        paths = Paths(Path({str(paths.data_dir)!r}), database={paths.database!r})
        with Store.open(paths, "read") as store:
            count = restore_from_store(paths, store)
        print(count, [m for m in ("onnxruntime", "tokenizers", "torch") if m in sys.modules])
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split(None, 1) == [str(len(ids)), "[]\n"]
