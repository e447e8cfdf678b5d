"""Claim vectors on disk, keyed by claim row ids: a FAISS index derived from the store, rebuildable.

The store keeps every claim's vector (store/vectors.py); this file is a per-host cache of them in FAISS
form. `sync` adds what the store has past the index's watermark (the lowest claim id it lacks): stored
vectors are copied, and only claims without one are embedded (and their vectors written back to the
store). So a missing, corrupt or foreign index is rebuilt from the database without the embedding model
(`restore_from_store`, what `tracker ask` does when it finds one), and every host sharing a store keeps
its own index in step with it.

Layout of `index_dir`:
    meta.json              format, model_id, dim, kind, count, max_id, file, size, sha256, nprobe, ...
    vectors-<gen>.faiss    the FAISS index that meta.json names

Crash safety: `save()` writes a NEW generation file (temp name, fsync, rename), then meta.json (temp name,
fsync, rename, fsync of the directory) and only then deletes the previous generation. meta.json is the
commit point: a kill at any instant leaves a meta.json that names a complete file, the old or the new.
`open()` checks everything meta.json promises (model, dimension, size, checksum, count, ids); an index that
fails is reported (`needs_rebuild`) and `sync()` rebuilds it from the store.

Readers (`load_for_query`, the `tracker ask` path) skip the checksum - hashing 1.5 GB costs more than
the whole query budget - and memory-map the file, so loading costs milliseconds at any size. They read the
layouts this module writes (flat, IVFFlat) with numpy, without importing faiss (~35-50 ms per process);
see `_MappedIndex`. Anything else goes through faiss.

faiss is imported inside functions so importing this module stays cheap (numpy only).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .errors import IndexError_
from .fileio import atomic_write_bytes, fsync_dir

if TYPE_CHECKING:
    from .config import Paths
    from .store import Store

log = logging.getLogger(__name__)

INDEX_FORMAT = 1
META_FILE = "meta.json"
LOCK_FILE = ".lock"

# Exact (flat) search below this many claims, IVF above. Measured by bench/index_scale.py on this 2-core
# machine (loaded by other jobs, load average ~6): a memory-mapped flat index loads in milliseconds at any
# size, but every query scans all of it: p50 7.5 ms / p95 19 ms and 154 MB of resident pages at 100k,
# 101 ms / 200 ms and 1.5 GB at 1M. IVF (nlist 4*sqrt(n), nprobe 16) answers in ~1-2 ms touching a few MB,
# with recall@10 0.995-1.0 on real question embeddings, and builds in ~12 s at 100k (~300 s at 1M, loaded).
# Below 50k flat costs < 5 ms and 75 MB, is exact and needs no training; above it IVF wins on latency and on
# the ask's peak RSS (400 MB budget at 100k).
IVF_THRESHOLD = 50_000
# An IVF index is retrained (from its own vectors, no re-embedding) when it has grown this much since
# its centroids were trained, so lists stay balanced.
RETRAIN_GROWTH = 4.0
# nlist ~ 4 * sqrt(n) (the usual FAISS guidance: between 4 and 16 * sqrt(n)); ~4000 lists at 1M.
NLIST_PER_SQRT_N = 4
TRAIN_POINTS_PER_LIST = 64  # k-means sample: 64 points per centroid is enough and keeps training short
# nprobe is tuned at build time: the smallest candidate whose recall@10 reaches TARGET_RECALL on query
# stand-ins (stored vectors with heavy noise, cosine ~0.6 to their source, like a question to its claims).
# Candidates start at 16: below that bench/index_scale.py saw recall on real questions fall under 0.97
# while the query time saved is a fraction of a millisecond.
NPROBE_CANDIDATES = (16, 24, 32, 48, 64, 96, 128, 192, 256)
TARGET_RECALL = 0.98
TUNE_NOISE = 0.07  # per-dimension sigma of the stand-ins' noise (384 dims: cosine ~0.6)
QUERY_THREADS = 1  # one query scans a few MB: OpenMP start-up costs more than it saves
EMBED_CHUNK = 2048  # claims embedded between checkpoint checks
PROGRESS_CHUNK = 128  # ... and between progress reports when someone watches
CHECKPOINT_SECONDS = 120.0  # during a long sync, save at most this often so a kill loses little work


class EmbedderLike(Protocol):
    """What the index needs from tracker.embed.Embedder."""

    @property
    def model_id(self) -> str: ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray: ...


Progress = Callable[[int, int], None]


@dataclass
class _Loaded:
    index: Any  # faiss.Index
    meta: dict[str, Any]


def _faiss() -> Any:
    import faiss

    return faiss


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _as_query(vector: np.ndarray, dim: int) -> np.ndarray:
    q = np.ascontiguousarray(np.asarray(vector, dtype=np.float32).reshape(1, -1))
    if q.shape[1] != dim:
        raise ValueError(f"query vector has dimension {q.shape[1]}, the index {dim}")
    return q


def nlist_for(n: int) -> int:
    """Number of IVF lists for n vectors (at least 1, at most n / 39 so k-means gets enough points)."""
    return int(max(1, min(NLIST_PER_SQRT_N * np.sqrt(max(n, 1)), n // 39)))


class VectorIndex:
    """FAISS index of claim embeddings (inner product of L2-normalized vectors = cosine)."""

    def __init__(
        self,
        index_dir: Path,
        *,
        model_id: str,
        dim: int,
        index: Any = None,
        meta: dict[str, Any] | None = None,
        needs_rebuild: bool = False,
        problem: str | None = None,
        readonly: bool = False,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.model_id = model_id
        self.dim = dim
        self.meta: dict[str, Any] = dict(meta or {})
        self.needs_rebuild = needs_rebuild
        self.problem = problem  # why the on-disk index was not usable, when needs_rebuild
        self.readonly = readonly
        self._index = index if index is not None else self._new_flat()
        self._dirty = False

    # -- construction ---------------------------------------------------------------------------
    def _new_flat(self) -> Any:
        faiss = _faiss()
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    @classmethod
    def open(
        cls, index_dir: Path, *, model_id: str, dim: int, strict: bool = False, verify: bool = True
    ) -> VectorIndex:
        """Load the index for writing, checking meta, size, checksum (when verify), count and ids.

        A missing index gives an empty one. An unusable one (truncated, corrupt, other model or
        dimension) raises IndexError_ when strict, else gives an empty index with `needs_rebuild` set.
        """
        index_dir = Path(index_dir)
        try:
            loaded = _load(index_dir, model_id=model_id, dim=dim, verify=verify, mmap=False)
        except FileNotFoundError:
            return cls(index_dir, model_id=model_id, dim=dim)
        except IndexError_ as exc:
            if strict:
                raise
            log.warning("index %s unusable, will rebuild: %s", index_dir, exc)
            return cls(index_dir, model_id=model_id, dim=dim, needs_rebuild=True, problem=str(exc))
        vi = cls(index_dir, model_id=model_id, dim=dim, index=loaded.index, meta=loaded.meta)
        ids = vi.ids()
        if len(ids) != loaded.meta["count"] or (len(ids) and int(ids.max()) != loaded.meta["max_id"]):
            problem = "ids in the index do not match its meta"
            if strict:
                raise IndexError_(f"{index_dir}: {problem}")
            return cls(index_dir, model_id=model_id, dim=dim, needs_rebuild=True, problem=problem)
        return vi

    # -- properties -----------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        if isinstance(self._index, _MappedIndex):
            return self._index.kind
        return "ivf" if self._ivf() is not None else "flat"

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def __len__(self) -> int:
        return self.count

    @property
    def max_id(self) -> int:
        ids = self.ids()
        return int(ids.max()) if len(ids) else 0

    def _ivf(self) -> Any:
        if isinstance(self._index, _MappedIndex):
            return None  # read-only numpy reader (load_for_query): no faiss object behind it
        faiss = _faiss()
        try:
            return faiss.extract_index_ivf(self._index)
        except RuntimeError:
            return None

    def ids(self) -> np.ndarray:
        """Every claim id in the index (int64, unordered)."""
        if isinstance(self._index, _MappedIndex):
            return self._index.ids()
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=False)
        chunks = [chunk for chunk, _ in _ivf_lists(ivf, vectors=False)]
        return np.concatenate(chunks) if chunks else np.zeros(0, np.int64)

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything stored, to re-index without re-embedding."""
        if isinstance(self._index, _MappedIndex):
            raise IndexError_("this index was opened read-only (load_for_query)")
        faiss = _faiss()
        ivf = self._ivf()
        if ivf is None:
            n = self.count
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64, copy=False)
            vecs = self._index.index.reconstruct_n(0, n) if n else np.zeros((0, self.dim), np.float32)
            return ids, np.asarray(vecs, dtype=np.float32).reshape(n, self.dim)
        parts = list(_ivf_lists(ivf, vectors=True))
        if not parts:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        ids = np.concatenate([p[0] for p in parts])
        vecs = np.concatenate([p[1] for p in parts]).reshape(-1, self.dim)
        return ids, vecs

    # -- queries --------------------------------------------------------------------------------
    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest claims to a normalized query vector: [(claim id, cosine)], best first."""
        n = self.count
        if n == 0 or k <= 0:
            return []
        q = _as_query(vector, self.dim)
        scores, ids = self._index.search(q, min(k, n))
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    # -- updates --------------------------------------------------------------------------------
    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under claim ids (the caller makes sure the ids are new)."""
        self._writable()
        id_arr = np.ascontiguousarray(np.asarray(ids, dtype=np.int64))
        vecs = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(id_arr), self.dim))
        if len(id_arr):
            self._index.add_with_ids(vecs, id_arr)
            self._dirty = True

    def remove(self, ids: Sequence[int] | np.ndarray) -> int:
        """Remove claim ids; return how many were removed."""
        self._writable()
        id_arr = np.ascontiguousarray(np.asarray(ids, dtype=np.int64))
        if not len(id_arr):
            return 0
        removed = int(self._index.remove_ids(_faiss().IDSelectorBatch(id_arr)))
        self._dirty = self._dirty or removed > 0
        return removed

    def _writable(self) -> None:
        if self.readonly:
            raise IndexError_("this index was opened read-only (load_for_query)")

    def reset(self) -> None:
        """Drop every vector (the next save writes an empty flat index)."""
        self._writable()
        self._index = self._new_flat()
        self.meta = {}
        self._dirty = True

    def reshape(self, *, force: bool = False) -> bool:
        """Switch flat <-> IVF or retrain IVF when the size calls for it, from the stored vectors."""
        n = self.count
        ivf = self._ivf()
        if ivf is None and n < IVF_THRESHOLD and not force:
            return False
        if ivf is not None and not force:
            trained = int(self.meta.get("trained_count") or n)
            # Back to flat only well below the threshold, so deletions around it do not flip-flop.
            if n >= IVF_THRESHOLD // 2 and n <= trained * RETRAIN_GROWTH:
                return False
        ids, vecs = self.vectors()
        if n < (IVF_THRESHOLD // 2 if ivf is not None else IVF_THRESHOLD):
            flat = self._new_flat()
            if n:
                flat.add_with_ids(vecs, ids)
            self._index = flat
            self.meta.pop("nprobe", None)
            self.meta.pop("trained_count", None)
        else:
            self._index, nprobe, recall = build_ivf(ids, vecs)
            self.meta.update(nprobe=nprobe, trained_count=n, tuned_recall=recall)
        self._dirty = True
        return True

    def save(self) -> None:
        """Write atomically: new generation file, then meta.json (the commit point), then drop the old."""
        self._writable()
        faiss = _faiss()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        gen = f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"
        name = f"vectors-{gen}.faiss"
        final = self.index_dir / name
        tmp = self.index_dir / f".{name}.tmp"
        try:
            faiss.write_index(self._index, str(tmp))
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            digest = _sha256(tmp)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        ids = self.ids()
        ivf = self._ivf()
        meta = {
            "format": INDEX_FORMAT,
            "model_id": self.model_id,
            "dim": self.dim,
            "kind": "ivf" if ivf is not None else "flat",
            "count": int(len(ids)),
            "max_id": int(ids.max()) if len(ids) else 0,
            "file": name,
            "size": final.stat().st_size,
            "sha256": digest,
            "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        for key in ("store_uuid", "nprobe", "trained_count", "tuned_recall"):
            if key in self.meta:
                meta[key] = self.meta[key]
        if ivf is not None:
            meta["nlist"] = int(ivf.nlist)
        atomic_write_bytes(self.index_dir / META_FILE, json.dumps(meta, indent=2).encode("utf-8"))
        fsync_dir(self.index_dir)
        self.meta = meta
        self.needs_rebuild = False
        self.problem = None
        self._dirty = False
        # Only now is the old generation unreferenced; readers holding it open (mmap) keep their copy.
        _remove_stale(self.index_dir, keep=name)

    # -- sync with the store --------------------------------------------------------------------
    def sync(
        self,
        store: Store,
        embedder: EmbedderLike | None = None,
        progress: Progress | None = None,
        *,
        embed: bool = True,
        wait: bool = True,
        reshape: bool = True,
        embed_only: Callable[[int], bool] | None = None,
    ) -> int:
        """Make the index hold exactly the store's claims: add the missing (stored vectors first, the rest
        embedded), drop the extra. With embed=False claims without a stored vector are left out; with
        wait=False BlockingIOError when another writer holds the index; with reshape=False the index keeps
        its kind (a fresh one stays flat: no IVF training). embed_only: which claims without a stored vector
        this call may embed (the others are left for a later sync, once their writer has stored them).

        Returns how many claims were added. A store that is not the one the index was built from
        (another store_uuid: the database was recreated, so ids may mean other claims) or an index that
        failed its checks is rebuilt from scratch. Saves atomically when anything changed.
        """
        self._writable()
        with _locked(self.index_dir, wait=wait):
            store_uuid = _store_uuid(store)
            if self.needs_rebuild or self.meta.get("store_uuid") not in (None, store_uuid):
                self.reset()
            elif self.count and "store_uuid" not in self.meta:
                # An index saved without a store identity cannot prove its ids: rebuild.
                self.reset()
            self.meta["store_uuid"] = store_uuid
            have = np.sort(self.ids())
            want = np.asarray(store.claim_ids(), dtype=np.int64)
            extra = np.setdiff1d(have, want, assume_unique=True)
            if len(extra):
                log.info("index: dropping %d ids the store no longer has", len(extra))
                self.remove(extra)
            missing = np.setdiff1d(want, have, assume_unique=True)
            added = 0
            if len(missing):
                added = self._add_missing(store, embedder, missing, progress, embed=embed, only=embed_only)
            if reshape:
                self.reshape()
            if self._dirty or not (self.index_dir / META_FILE).exists():
                self.save()
            elif self.meta.get("file"):
                # A writer killed after its commit point may have left the previous generation behind.
                _remove_stale(self.index_dir, keep=self.meta["file"])
            return added

    def rebuild(
        self, store: Store, embedder: EmbedderLike | None = None, progress: Progress | None = None
    ) -> int:
        """Re-embed every claim of the store into a fresh index; return the count."""
        self._writable()
        self.reset()
        self.meta.pop("store_uuid", None)
        return self.sync(store, embedder, progress)

    def _add_missing(
        self,
        store: Store,
        embedder: EmbedderLike | None,
        missing: np.ndarray,
        progress: Progress | None,
        *,
        embed: bool,
        only: Callable[[int], bool] | None = None,
    ) -> int:
        # The watermark: usually the missing claims are the newest ones, so only rows past the lowest
        # missing id are read.
        watermark = int(missing.min()) - 1
        wanted = set(missing.tolist())
        ids, blobs = store.stored_vectors(self.model_id, self.dim, after_id=watermark)
        if ids:
            id_arr = np.asarray(ids, dtype=np.int64)
            vecs = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(ids), self.dim)
            keep = np.isin(id_arr, missing)
            self.add(id_arr[keep], vecs[keep])
            wanted.difference_update(id_arr[keep].tolist())
        copied = len(missing) - len(wanted)
        if not wanted or not embed:
            return copied
        rows = store.claims_without_vectors(self.model_id, after_id=min(wanted) - 1)
        rows = [r for r in rows if r[0] in wanted and (only is None or only(r[0]))]
        return copied + self._embed(store, embedder, rows, progress)

    def _embed(
        self,
        store: Store,
        embedder: EmbedderLike | None,
        rows: list[tuple[int, str, str]],
        progress: Progress | None,
    ) -> int:
        """Embed (claim id, text hash, text) rows, add them, and keep their vectors in the store.

        Each distinct text is embedded once; claims sharing it (syndicated copies) share its vector."""
        by_hash: dict[str, list[int]] = {}
        texts: dict[str, str] = {}
        for claim_id, key, text in rows:
            by_hash.setdefault(key, []).append(claim_id)
            texts.setdefault(key, text)
        keys = list(texts)
        total, done = len(rows), 0
        if progress:
            progress(0, total)  # before the model loads: the bar shows up at once
        if embedder is None:
            from .embed import Embedder

            embedder = Embedder()
        if embedder.model_id != self.model_id:
            raise IndexError_(f"embedder {embedder.model_id!r} is not the index model {self.model_id!r}")
        last_save = time.monotonic()
        # small chunks while a progress bar watches (it advances as it goes), big ones otherwise
        step = PROGRESS_CHUNK if progress else EMBED_CHUNK
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            vecs = np.ascontiguousarray(embedder.encode([texts[k] for k in chunk]), dtype="<f4")
            rep = [len(by_hash[k]) for k in chunk]
            self.add([i for k in chunk for i in by_hash[k]], np.repeat(vecs, rep, axis=0))
            if not store.readonly:
                pairs = [(k, v.tobytes()) for k, v in zip(chunk, vecs, strict=True)]
                store.put_vectors(self.model_id, self.dim, pairs)
            done += sum(rep)
            if progress:
                progress(done, total)
            if time.monotonic() - last_save > CHECKPOINT_SECONDS and done < total:
                self.save()  # a checkpoint: a kill now costs at most CHECKPOINT_SECONDS of embedding
                last_save = time.monotonic()
        return done


# -- IVF --------------------------------------------------------------------------------------------
def _ivf_lists(ivf: Any, *, vectors: bool) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(ids, raw codes as float32) of each non-empty inverted list of an IVFFlat index."""
    faiss = _faiss()
    invlists = ivf.invlists
    for list_no in range(ivf.nlist):
        size = invlists.list_size(list_no)
        if not size:
            continue
        ids = faiss.rev_swig_ptr(invlists.get_ids(list_no), size).astype(np.int64, copy=True)
        codes = np.zeros(0, np.float32)
        if vectors:
            raw = faiss.rev_swig_ptr(invlists.get_codes(list_no), size * invlists.code_size)
            codes = np.array(raw, dtype=np.uint8).view(np.float32)
        yield ids, codes


def build_ivf(ids: np.ndarray, vecs: np.ndarray, *, seed: int = 1234) -> tuple[Any, int, float]:
    """Train an IVFFlat (inner product, spherical k-means) on vecs, add them, tune nprobe.

    Returns (index, nprobe, recall@10 reached on perturbed stored vectors).
    """
    faiss = _faiss()
    n, dim = vecs.shape
    nlist = nlist_for(n)
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.spherical = True
    ivf.cp.seed = seed
    rng = np.random.default_rng(seed)
    sample = min(n, nlist * TRAIN_POINTS_PER_LIST)
    train = vecs[np.sort(rng.choice(n, size=sample, replace=False))] if sample < n else vecs
    ivf.train(np.ascontiguousarray(train, dtype=np.float32))
    ivf.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), np.ascontiguousarray(ids, dtype=np.int64))
    nprobe, recall = tune_nprobe(ivf, ids, vecs, rng=rng)
    ivf.nprobe = nprobe
    return ivf, nprobe, recall


def perturbed_queries(
    vecs: np.ndarray, count: int, rng: np.random.Generator, noise: float = TUNE_NOISE
) -> np.ndarray:
    """Stored vectors plus Gaussian noise, renormalized: query stand-ins for tuning nprobe."""
    pick = vecs[rng.choice(len(vecs), size=min(count, len(vecs)), replace=False)]
    q = pick + rng.normal(0.0, noise, size=pick.shape).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return np.ascontiguousarray(q, dtype=np.float32)


def exact_topk(vecs: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top-k ids by inner product (brute force, chunked so memory stays bounded)."""
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vecs), 131_072):
        block = vecs[start : start + 131_072]
        scores = queries @ block.T
        kk = min(k, scores.shape[1])
        part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        cand_s = np.concatenate([best_s, np.take_along_axis(scores, part, 1)], axis=1)
        cand_i = np.concatenate([best_i, ids[start : start + 131_072][part]], axis=1)
        order = np.argsort(-cand_s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(cand_s, order, 1), np.take_along_axis(cand_i, order, 1)
    return best_i


def recall_at_k(approx: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of the exact top-k found in the approximate top-k."""
    hits = sum(len(set(a.tolist()) & set(e.tolist())) for a, e in zip(approx, exact, strict=True))
    return hits / max(1, exact.size)


def tune_nprobe(
    ivf: Any, ids: np.ndarray, vecs: np.ndarray, *, rng: np.random.Generator, queries: int = 200, k: int = 10
) -> tuple[int, float]:
    """Smallest nprobe whose recall@k on perturbed stored vectors reaches TARGET_RECALL."""
    q = perturbed_queries(vecs, queries, rng)
    exact = exact_topk(vecs, ids, q, k)
    recall, nprobe = 0.0, 1
    for candidate in NPROBE_CANDIDATES:
        nprobe = min(candidate, int(ivf.nlist))
        ivf.nprobe = nprobe
        _, got = ivf.search(q, k)
        recall = recall_at_k(got, exact)
        if recall >= TARGET_RECALL or nprobe == ivf.nlist:
            break
    return nprobe, recall


# -- files ------------------------------------------------------------------------------------------
def _remove_stale(index_dir: Path, *, keep: str) -> None:
    """Delete index generations other than `keep`, and temp files of writers that were killed."""
    for path in index_dir.iterdir():
        if path.name == keep or path.name in (META_FILE, LOCK_FILE):
            continue
        if path.name.startswith("vectors-") or (path.name.startswith(".") and path.name.endswith(".tmp")):
            with contextlib.suppress(OSError):
                path.unlink()


@contextlib.contextmanager
def _locked(index_dir: Path, *, wait: bool = True) -> Iterator[None]:
    """One writer at a time per index directory (kernel lock: released when a killed writer dies).

    wait=False: BlockingIOError at once when another writer holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read_meta(index_dir: Path) -> dict[str, Any]:
    path = index_dir / META_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise IndexError_(f"{path}: cannot read: {exc}") from None
    try:
        meta = json.loads(text)
    except ValueError:
        raise IndexError_(f"{path}: not valid JSON (truncated or corrupt)") from None
    if not isinstance(meta, dict):
        raise IndexError_(f"{path}: not a JSON object")
    return meta


def _check_meta(meta: dict[str, Any], index_dir: Path, *, model_id: str, dim: int) -> Path:
    where = index_dir / META_FILE
    for key, kind in (
        ("format", int),
        ("model_id", str),
        ("dim", int),
        ("count", int),
        ("max_id", int),
        ("file", str),
        ("size", int),
        ("sha256", str),
    ):
        if not isinstance(meta.get(key), kind):
            raise IndexError_(f"{where}: field {key!r} missing or invalid")
    if meta["format"] != INDEX_FORMAT:
        raise IndexError_(f"{where}: index format {meta['format']}, this tracker reads {INDEX_FORMAT}")
    if meta["model_id"] != model_id:
        raise IndexError_(f"{where}: built with {meta['model_id']!r}, the embedder is {model_id!r}")
    if meta["dim"] != dim:
        raise IndexError_(f"{where}: dimension {meta['dim']}, the embedder gives {dim}")
    name = meta["file"]
    if "/" in name or name.startswith("."):
        raise IndexError_(f"{where}: invalid file name {name!r}")
    path = index_dir / name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IndexError_(f"{path}: missing (meta.json names it)") from None
    if size != meta["size"]:
        raise IndexError_(f"{path}: {size} bytes, meta.json says {meta['size']} (truncated?)")
    return path


def _load(index_dir: Path, *, model_id: str, dim: int, verify: bool, mmap: bool) -> _Loaded:
    """Read meta + index and check them; FileNotFoundError when there is no index at all."""
    faiss = _faiss()
    meta = _read_meta(index_dir)
    path = _check_meta(meta, index_dir, model_id=model_id, dim=dim)
    if verify and _sha256(path) != meta["sha256"]:
        raise IndexError_(f"{path}: checksum mismatch (corrupt)")
    flags = 0
    if mmap:
        # IVF: inverted lists memory-mapped; flat: the vector array memory-mapped (zero copy).
        if meta.get("kind") == "flat":
            flags = faiss.IO_FLAG_MMAP_IFC
        else:
            flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
    try:
        index = faiss.read_index(str(path), flags)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise IndexError_(f"{path}: unreadable: {first}") from None
    if index.d != dim or index.ntotal != meta["count"]:
        raise IndexError_(f"{path}: holds {index.ntotal} x {index.d}, meta.json says {meta['count']} x {dim}")
    ivf = None
    with contextlib.suppress(RuntimeError):
        ivf = faiss.extract_index_ivf(index)
    if ivf is not None:
        ivf.nprobe = int(meta.get("nprobe") or min(32, ivf.nlist))
    return _Loaded(index=index, meta=meta)


def _store_uuid(store: Store) -> str:
    """The store's identity (created on first use): ids of one store never mean claims of another."""
    value = store.get_meta("store_uuid")
    if not value:
        value = uuid.uuid4().hex
        store.set_meta("store_uuid", value)
    return value


# -- entry points for the pipeline and ask ------------------------------------------------------------
def open_index(paths: Paths, embedder: EmbedderLike | None = None) -> VectorIndex:
    """The on-disk index of this data dir for the embedder's model (empty, flagged for rebuild, when missing
    or unusable)."""
    from .embed import DIM, MODEL_ID

    model_id = embedder.model_id if embedder is not None else MODEL_ID
    return VectorIndex.open(paths.index_dir, model_id=model_id, dim=DIM)


def ensure_index(
    paths: Paths, store: Store, embedder: EmbedderLike | None = None, progress: Progress | None = None
) -> VectorIndex:
    """Open (or create / rebuild) the index and bring it in line with the store."""
    index = open_index(paths, embedder)
    index.sync(store, embedder, progress)
    return index


def restore_from_store(paths: Paths, store: Store) -> int | None:
    """Rebuild a missing, corrupt or foreign index from the store's vectors, without the embedding model.

    For `tracker ask`, which finds such an index: claims without a stored vector are left out (the next
    ingest embeds them). Returns how many claims the saved index holds, or None when nothing was done: the
    data dir is read-only, another writer holds the index, or the store has no vectors to give.
    """
    from .embed import DIM, MODEL_ID

    if not store.get_meta("store_uuid") or not store.has_vectors(MODEL_ID):
        return None  # never indexed: nothing to restore
    if not os.access(paths.data_dir, os.W_OK):
        return None  # nowhere to write the result
    index = VectorIndex.open(paths.index_dir, model_id=MODEL_ID, dim=DIM)
    try:
        # Flat, not IVF: exact and built in well under a second at 100k (IVF training takes seconds more);
        # the next ingest's sync reshapes it.
        index.sync(store, None, None, embed=False, wait=False, reshape=False)
    except BlockingIOError:
        return None  # a writer (ingest, reindex) is at it right now
    return index.count


def load_for_query(paths: Paths) -> VectorIndex | None:
    """The index for `tracker ask`: memory-mapped, read-only, no checksum; None when absent or unusable.

    Fast at any size (milliseconds): nothing is read until a query touches it. Callers still filter the
    ids against the store (an ingest may be half-way between commit and index save).
    """
    from .embed import DIM, MODEL_ID

    for attempt in range(3):
        try:
            # numpy straight from the mapped file when the layout is a known one; faiss otherwise.
            loaded = _load_mapped(paths.index_dir, model_id=MODEL_ID, dim=DIM)
            if loaded is None:
                _faiss().omp_set_num_threads(QUERY_THREADS)
                loaded = _load(paths.index_dir, model_id=MODEL_ID, dim=DIM, verify=False, mmap=True)
        except FileNotFoundError:
            return None
        except IndexError_ as exc:
            # A writer may have replaced meta.json and removed the old file between our two reads.
            if attempt < 2 and "missing" in str(exc):
                continue
            log.warning("index unusable (run `tracker reindex`): %s", exc)
            return None
        return VectorIndex(
            paths.index_dir, model_id=MODEL_ID, dim=DIM, index=loaded.index, meta=loaded.meta, readonly=True
        )
    return None


# -- query-only reader without faiss --------------------------------------------------------------------
# `tracker ask` searches one vector per process. Importing faiss costs ~35-50 ms of that process (more
# than the search itself), so the query path reads the two layouts tracker.index writes - IndexIDMap2 over
# IndexFlatIP, and IndexIVFFlat (inner product) with ArrayInvertedLists - straight from the memory-mapped
# file with numpy, and scores them the way faiss does (exact inner products; the nprobe nearest lists).
# Any other or inconsistent layout (the parse must end exactly at the end of the file) falls back to faiss.
class _Layout(ValueError):
    """The file is not one of the layouts the numpy reader knows."""


class _Cursor:
    """Sequential little-endian reads over a memory-mapped faiss file (the faiss I/O format)."""

    def __init__(self, buf: Any) -> None:
        self.buf = buf
        self.pos = 0
        self.size = len(buf)

    def take(self, n: int) -> int:
        start = self.pos
        if n < 0 or start + n > self.size:
            raise _Layout("truncated")
        self.pos = start + n
        return start

    def fourcc(self) -> bytes:
        start = self.take(4)
        return bytes(self.buf[start : start + 4])

    def scalar(self, dtype: str) -> int:
        size = np.dtype(dtype).itemsize
        return int(np.frombuffer(self.buf, dtype=dtype, count=1, offset=self.take(size))[0])

    def array(self, dtype: str, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize
        return np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.take(count * size))

    def vector(self, dtype: str) -> np.ndarray:
        """faiss WRITEVECTOR: a size_t element count, then the elements."""
        return self.array(dtype, self.scalar("<u8"))

    def header(self) -> tuple[int, int]:
        """faiss write_index_header: (d, ntotal); only inner-product indexes are accepted."""
        d, ntotal = self.scalar("<i4"), self.scalar("<i8")
        self.take(16)  # two dummy idx_t
        self.take(1)  # is_trained
        if self.scalar("<i4") != 0:  # METRIC_INNER_PRODUCT
            raise _Layout("not an inner-product index")
        return d, ntotal

    def flat_ip(self) -> tuple[int, np.ndarray]:
        """An IndexFlatIP: (d, vectors as an (ntotal, d) float32 view)."""
        if self.fourcc() != b"IxFI":
            raise _Layout("not IndexFlatIP")
        d, ntotal = self.header()
        floats = self.scalar("<u8")  # WRITEXBVECTOR: the size in 4-byte units
        if floats != ntotal * d:
            raise _Layout("flat codes size")
        return d, self.array("<f4", floats).reshape(ntotal, d)


class _MappedIndex:
    """A read-only flat or IVF inner-product index over a memory-mapped faiss file (no faiss import)."""

    def __init__(self, path: Path) -> None:
        import mmap

        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)  # stays valid after unlink
        cur = _Cursor(self._map)
        kind = cur.fourcc()
        self.nprobe = 1
        self.lists: list[tuple[int, int]] = []  # IVF: (offset of codes, size) per list
        if kind == b"IxM2":
            self.kind = "flat"
            self.d, self.ntotal = cur.header()
            d, self.vectors = cur.flat_ip()
            self.id_array = cur.vector("<i8")
            if d != self.d or len(self.vectors) != self.ntotal or len(self.id_array) != self.ntotal:
                raise _Layout("IDMap sizes")
        elif kind == b"IwFl":
            self.kind = "ivf"
            self.d, self.ntotal = cur.header()
            nlist, self.nprobe = cur.scalar("<u8"), cur.scalar("<u8")
            d, self.centroids = cur.flat_ip()
            if d != self.d or len(self.centroids) != nlist:
                raise _Layout("quantizer")
            if cur.scalar("<u1") != 0 or len(cur.vector("<i8")):
                raise _Layout("direct map")  # tracker never builds one
            if cur.fourcc() != b"ilar" or cur.scalar("<u8") != nlist or cur.scalar("<u8") != 4 * self.d:
                raise _Layout("inverted lists")
            list_type = cur.fourcc()
            raw = cur.vector("<u8").astype(np.int64)
            sizes = np.zeros(nlist, np.int64)
            if list_type == b"full":
                if len(raw) != nlist:
                    raise _Layout("list sizes")
                sizes[:] = raw
            elif list_type == b"sprs":
                sizes[raw[0::2]] = raw[1::2]
            else:
                raise _Layout("list type")
            # One contiguous buffer: each non-empty list's codes, then its ids.
            stride = 4 * self.d + 8
            offsets = cur.pos + np.concatenate(([0], np.cumsum(sizes * stride)[:-1]))
            cur.take(int(sizes.sum()) * stride)
            self.lists = list(zip(offsets.tolist(), sizes.tolist(), strict=True))
            if int(sizes.sum()) != self.ntotal:
                raise _Layout("list sizes do not add up")
        else:
            raise _Layout(f"index type {kind!r}")
        if cur.pos != cur.size:
            raise _Layout("trailing bytes")

    def _list(self, list_no: int) -> tuple[np.ndarray, np.ndarray]:
        offset, size = self.lists[list_no]
        codes = np.frombuffer(self._map, np.float32, size * self.d, offset).reshape(size, self.d)
        ids = np.frombuffer(self._map, np.int64, size, offset + size * self.d * 4)
        return codes, ids

    def ids(self) -> np.ndarray:
        if self.kind == "flat":
            return self.id_array.astype(np.int64, copy=True)
        parts = [self._list(n)[1] for n, (_, size) in enumerate(self.lists) if size]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def search(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """faiss-style (scores, ids), shape (1, k), best first, padded with -1 ids."""
        query = q[0]
        if self.kind == "flat":
            scores, ids = self.vectors @ query, self.id_array
        else:
            probe = _top(self.centroids @ query, min(self.nprobe, len(self.lists)))
            parts = [self._list(int(n)) for n in probe]
            parts = [p for p in parts if len(p[1])]
            if parts:
                scores = np.concatenate([codes @ query for codes, _ in parts])
                ids = np.concatenate([i for _, i in parts])
            else:
                scores, ids = np.zeros(0, np.float32), np.zeros(0, np.int64)
        best = _top(scores, min(k, len(scores)))
        out_s = np.full((1, k), -np.inf, np.float32)
        out_i = np.full((1, k), -1, np.int64)
        out_s[0, : len(best)] = scores[best]
        out_i[0, : len(best)] = ids[best]
        return out_s, out_i


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest scores, best first (ties: lower position first)."""
    if k <= 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


def _load_mapped(index_dir: Path, *, model_id: str, dim: int) -> _Loaded | None:
    """Meta + the numpy reader; None when the file's layout is not one it knows (use faiss then)."""
    meta = _read_meta(index_dir)
    path = _check_meta(meta, index_dir, model_id=model_id, dim=dim)
    try:
        index = _MappedIndex(path)
    except (_Layout, OSError, ValueError):
        return None
    if index.d != dim or index.ntotal != meta["count"]:
        raise IndexError_(f"{path}: holds {index.ntotal} x {index.d}, meta.json says {meta['count']} x {dim}")
    if index.kind == "ivf":
        index.nprobe = int(meta.get("nprobe") or min(32, len(index.lists)))
    return _Loaded(index=index, meta=meta)
