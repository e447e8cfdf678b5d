"""Index scale: build time, size on disk, load time, query latency and recall@10 of FAISS index types.

    nice python bench/index_scale.py                      # 100k and 1M claims
    nice python bench/index_scale.py --sizes 10000        # quick run
    nice python bench/index_scale.py --sizes 100000 --hnsw

Vectors: a few thousand DISTINCT synthetic claim texts (built from templates and invented model names,
in our own words) are embedded for real with tracker.embed; the N index vectors are those real
embeddings plus Gaussian noise (renormalized, cosine ~0.9 to their base), so the data has the cluster
structure of real claims (many claims about one model and attribute) at any N without embedding N texts.
Queries: real embeddings of questions written from other templates (what `tracker ask` embeds), so the
recall is measured on question-to-claim neighbours, not on perturbed copies of stored points.
Recall@10 = share of the exact top 10 (brute force) that the index returns.

Prints a Markdown section; writes bench/out/index_scale.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "bench" / "out"

# -- synthetic claims, in our own words ------------------------------------------------------------------
FAMILIES = [
    "Orbit",
    "Nimbus",
    "Atlas",
    "Falcon",
    "Quartz",
    "Helix",
    "Zephyr",
    "Lumen",
    "Cobalt",
    "Vega",
    "Aurora",
    "Pylon",
    "Ember",
    "Tundra",
    "Mosaic",
    "Sable",
    "Kestrel",
    "Onyx",
    "Delta",
    "Juniper",
]
VARIANTS = ["", " Pro", " Mini", " Flash", " Ultra", "-Instruct", " Lite", "-Coder"]
BENCHMARKS = [
    "MMLU",
    "GPQA Diamond",
    "HumanEval",
    "SWE-bench Verified",
    "MATH-500",
    "AIME 2025",
    "LiveCodeBench",
]
CHIPS = ["H100", "H800", "B200", "TPU v5p", "MI300X", "Ascend 910B", "Trainium2"]
LICENSES = ["MIT", "Apache 2.0", "a custom community license", "a research-only license"]
TEMPLATES = [
    ("parameters_total", None, "{m} has {n} billion parameters in total, the lab said."),
    ("parameters_total", None, "With {n}B parameters, {m} is the largest model the company has released."),
    ("parameters_active", None, "{m} activates {k} billion parameters per token out of its {n} billion."),
    ("context_window", None, "{m} can read up to {c}K tokens in a single prompt."),
    ("context_window", None, "The context window of {m} grows to {c},000 tokens."),
    ("price_input", None, "Input to {m} costs ${p} per million tokens through the API."),
    ("price_output", None, "Output tokens from {m} are billed at ${q} per million."),
    ("release_date", None, "{m} became available to developers on {d}."),
    ("release_date", None, "The company expects to ship {m} in {d}."),
    ("hardware", None, "{m} was trained on {g} {chip} accelerators over {w} weeks."),
    ("license", None, "The weights of {m} are published under {lic}."),
    ("developer", None, "{m} was built by the {fam} team at Example Labs."),
    ("benchmark", "b", "{m} scores {s} on {b}, ahead of the previous version."),
    ("benchmark", "b", "On {b}, {m} reaches {s} percent according to the technical report."),
]
QUESTIONS = [
    "How many parameters does {m} have?",
    "How big is {m}?",
    "What does {m} cost per million input tokens?",
    "How expensive is the {m} API for output?",
    "What is the context window of {m}?",
    "How long a prompt can {m} take?",
    "When was {m} released?",
    "When will {m} come out?",
    "Which chips was {m} trained on?",
    "What license is {m} under?",
    "Who made {m}?",
    "What does {m} score on {b}?",
    "How many active parameters does {m} use per token?",
    "Is {m} better than its predecessor on {b}?",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def model_names(rng: np.random.Generator, count: int) -> list[str]:
    names = [f"{f}-{v}{s}" for f in FAMILIES for v in range(1, 9) for s in VARIANTS]
    rng.shuffle(names)
    return names[:count]


def claim_rows(count: int, seed: int = 7) -> list[tuple[str, str, str | None, str]]:
    """`count` distinct (model, attribute, name, evidence) rows."""
    rng = np.random.default_rng(seed)
    models = model_names(rng, max(50, count // 12))
    rows: list[tuple[str, str, str | None, str]] = []
    seen: set[str] = set()
    while len(rows) < count:
        m = models[int(rng.integers(len(models)))]
        attribute, name_key, template = TEMPLATES[int(rng.integers(len(TEMPLATES)))]
        fields = dict(
            m=m,
            n=int(rng.integers(1, 1200)),
            k=int(rng.integers(1, 80)),
            c=int(rng.choice([8, 32, 128, 256, 1000])),
            p=f"{rng.uniform(0.05, 15):.2f}",
            q=f"{rng.uniform(0.2, 60):.2f}",
            d=f"{MONTHS[int(rng.integers(6))]} {int(rng.integers(2024, 2028))}",
            g=f"{int(rng.integers(1, 64)) * 256:,}",
            chip=CHIPS[int(rng.integers(len(CHIPS)))],
            w=int(rng.integers(2, 20)),
            lic=LICENSES[int(rng.integers(len(LICENSES)))],
            fam=m.split("-")[0],
            b=BENCHMARKS[int(rng.integers(len(BENCHMARKS)))],
            s=f"{rng.uniform(20, 97):.1f}",
        )
        evidence = template.format(**fields)
        if evidence in seen:
            continue
        seen.add(evidence)
        rows.append((m, attribute, str(fields["b"]) if name_key else None, evidence))
    return rows


def question_texts(count: int, seed: int = 11) -> list[str]:
    rng = np.random.default_rng(seed)
    models = model_names(rng, 400)
    return [
        QUESTIONS[int(rng.integers(len(QUESTIONS)))].format(
            m=models[int(rng.integers(len(models)))], b=BENCHMARKS[int(rng.integers(len(BENCHMARKS)))]
        )
        for _ in range(count)
    ]


def base_vectors(distinct: int, questions: int, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """Real embeddings of `distinct` claim texts and `questions` questions (cached in bench/out)."""
    from tracker.embed import MODEL_ID, Embedder
    from tracker.store import embedding_text

    path = cache / f"base_vectors_{distinct}_{questions}.npz"
    if path.exists():
        data = np.load(path)
        if str(data["model_id"]) == MODEL_ID:
            return data["claims"], data["questions"]
    emb = Embedder()
    texts = [embedding_text(*row) for row in claim_rows(distinct)]
    claims = emb.encode(texts)
    qs = emb.encode(question_texts(questions))
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, claims=claims, questions=qs, model_id=np.array(MODEL_ID))
    return claims, qs


def synthetic_vectors(base: np.ndarray, n: int, *, noise: float = 0.02, seed: int = 3) -> np.ndarray:
    """n vectors: base[i % len(base)] + N(0, noise) per dimension, renormalized (cosine ~0.9 to base)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        block = base[np.arange(start, stop) % len(base)] + rng.normal(0, noise, (stop - start, base.shape[1]))
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


# -- measurements --------------------------------------------------------------------------------------------
def timed_search(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    got = np.zeros((len(queries), k), dtype=np.int64)
    lat = []
    for row, q in enumerate(queries):
        t = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), k)
        lat.append(time.perf_counter() - t)
        got[row] = ids[0]
    return got, lat


def file_size(path: Path) -> int:
    return path.stat().st_size


def measure(
    name: str,
    index: Any,
    build_s: float,
    workdir: Path,
    queries: np.ndarray,
    exact: np.ndarray,
    flags: int,
    nprobes: list[int] | None = None,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    import faiss

    path = workdir / f"{name}.faiss"
    faiss.write_index(index, str(path))
    del index
    gc.collect()
    # load twice: the first read warms the page cache (the ask benchmark measures cold processes)
    faiss.read_index(str(path), flags)
    t = time.perf_counter()
    loaded = faiss.read_index(str(path), flags)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    plain = faiss.read_index(str(path))
    load_plain_s = time.perf_counter() - t
    del plain
    from tracker import index as index_mod

    rows = []
    for nprobe in nprobes or [0]:
        if nprobe:
            faiss.extract_index_ivf(loaded).nprobe = nprobe
        faiss.omp_set_num_threads(index_mod.QUERY_THREADS)  # as load_for_query does for `tracker ask`
        timed_search(loaded, queries[:20], 10)  # touch pages once (warm)
        got, lat = timed_search(loaded, queries, 10)
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        recall_at_k = index_mod.recall_at_k

        rows.append(
            {
                "index": name,
                "nprobe": nprobe or None,
                "build_s": round(build_s, 2),
                "size_mb": round(file_size(path) / 1e6, 1),
                "load_s": round(load_s, 4),
                "load_no_mmap_s": round(load_plain_s, 3),
                "query_ms_p50": round(1000 * float(np.percentile(lat, 50)), 3),
                "query_ms_p95": round(1000 * float(np.percentile(lat, 95)), 3),
                "recall_at_10": round(recall_at_k(got, exact), 4),
                **(extra or {}),
            }
        )
    path.unlink()
    return rows


def run_size(
    n: int, base: np.ndarray, questions: np.ndarray, workdir: Path, *, hnsw: bool, nlist_factors: list[float]
) -> dict[str, Any]:
    import faiss

    from tracker import index as index_mod

    vecs = synthetic_vectors(base, n)
    ids = np.arange(1, n + 1, dtype=np.int64) * 3  # claim ids are not 0..n-1
    exact = index_mod.exact_topk(vecs, ids, questions, 10)
    rows: list[dict[str, Any]] = []

    t = time.perf_counter()
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(vecs.shape[1]))
    flat.add_with_ids(vecs, ids)
    rows += measure("flat", flat, time.perf_counter() - t, workdir, questions, exact, faiss.IO_FLAG_MMAP_IFC)

    for factor in nlist_factors:
        saved = index_mod.NLIST_PER_SQRT_N
        index_mod.NLIST_PER_SQRT_N = factor  # type: ignore[assignment]
        try:
            t = time.perf_counter()
            ivf, tuned, tuned_recall = index_mod.build_ivf(ids, vecs)
            build_s = time.perf_counter() - t
        finally:
            index_mod.NLIST_PER_SQRT_N = saved
        nlist = int(ivf.nlist)
        probes = sorted({p for p in (4, 8, 16, 32, 64, tuned) if p <= nlist})
        rows += measure(
            f"ivf{nlist}",
            ivf,
            build_s,
            workdir,
            questions,
            exact,
            faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY,
            probes,
            {"tuned_nprobe": tuned, "tuned_recall_perturbed": round(tuned_recall, 4)},
        )

    if hnsw:
        t = time.perf_counter()
        h = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        h.hnsw.efConstruction = 64
        hm = faiss.IndexIDMap2(h)
        hm.add_with_ids(vecs, ids)
        build_s = time.perf_counter() - t
        rows += measure("hnsw32", hm, build_s, workdir, questions, exact, 0)

    chosen = "ivf" if n >= index_mod.IVF_THRESHOLD else "flat"
    return {"n": n, "chosen_by_threshold": chosen, "rows": rows}


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        "## Index scale (bench/index_scale.py)",
        "",
        f"Vectors: {meta['distinct']} distinct synthetic claim texts embedded with {meta['model_id']}, "
        f"perturbed with Gaussian noise (sigma {meta['noise']} per dimension, renormalized) up to N; "
        f"queries: {meta['questions']} real question embeddings; recall@10 against brute force. "
        f"Load = faiss.read_index with mmap (page cache warm), query = one vector, k=10, one process. "
        f"IVF_THRESHOLD = {meta['threshold']:,}. Machine: {meta['machine']}.",
        "",
        "| N | index | nprobe | build s | size MB | load s (mmap) | load s (read) | query p50 ms | p95 ms "
        "| recall@10 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for res in results:
        for r in res["rows"]:
            lines.append(
                f"| {res['n']:,} | {r['index']} | {r['nprobe'] or ''} | {r['build_s']} | {r['size_mb']} | "
                f"{r['load_s']} | {r['load_no_mmap_s']} | {r['query_ms_p50']} | {r['query_ms_p95']} | "
                f"{r['recall_at_10']} |"
            )
    lines.append("")
    for res in results:
        tuned = [r for r in res["rows"] if "tuned_nprobe" in r and r["tuned_nprobe"] == r["nprobe"]]
        for r in tuned:
            lines.append(
                f"- N={res['n']:,}: {r['index']} build tuned nprobe={r['tuned_nprobe']} "
                f"(recall {r['tuned_recall_perturbed']} on perturbed stored vectors; "
                f"{r['recall_at_10']} on the questions); the threshold picks "
                f"**{res['chosen_by_threshold']}** at this size."
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated claim counts")
    ap.add_argument("--distinct", type=int, default=3000, help="distinct texts embedded for real")
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--hnsw", action="store_true", help="also build HNSW (slow at 1M: ~500 s)")
    ap.add_argument("--nlist-factors", default="1,4", help="nlist = factor * sqrt(N), comma-separated")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import platform

    from tracker.embed import MODEL_ID
    from tracker.index import IVF_THRESHOLD

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    factors = [float(f) for f in args.nlist_factors.split(",") if f]
    t = time.perf_counter()
    base, questions = base_vectors(args.distinct, args.questions, OUT)
    embed_s = time.perf_counter() - t
    workdir = Path(tempfile.mkdtemp(prefix="index_scale-"))
    try:
        results = [
            run_size(n, base, questions, workdir, hnsw=args.hnsw, nlist_factors=factors) for n in sizes
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load = os.getloadavg()[0]
    meta = {
        "distinct": args.distinct,
        "questions": args.questions,
        "model_id": MODEL_ID,
        "noise": 0.02,
        "threshold": IVF_THRESHOLD,
        "embed_base_s": round(embed_s, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f} at the end",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "index_scale.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    sys.stdout.write(markdown(results, meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
