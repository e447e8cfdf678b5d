"""The fast `tracker ask` path gives what the plain one gives.

- the numpy index reader (no faiss import) finds the same neighbours as faiss, for every layout we write;
- the forked dense search (`tracker.dense.start`, the CLI's default) answers as the single-process path;
- the cached tokenizer vocabulary is the vocabulary of tokenizer.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from helpers import CliResult
from tracker import index as index_mod
from tracker.config import Paths
from tracker.embed import DIM, MODEL_ID

faiss = pytest.importorskip("faiss")


def _unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    x = rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _same_neighbours(mapped: index_mod._MappedIndex, reference: object, queries: np.ndarray, k: int) -> None:
    for q in queries:
        got_s, got_i = mapped.search(q[None, :], k)
        want_s, want_i = reference.search(q[None, :], k)  # type: ignore[attr-defined]
        assert got_i.tolist() == want_i.tolist()
        assert np.allclose(got_s[want_i >= 0], want_s[want_i >= 0], atol=1e-5)


def _saved_index(
    tmp_path: Path, n: int, *, ivf: bool, monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[Paths, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    ids = rng.choice(10**6, size=n, replace=False).astype(np.int64) + 1
    vecs = _unit(rng, n)
    paths = Paths(tmp_path)
    vi = index_mod.VectorIndex(paths.index_dir, model_id=MODEL_ID, dim=DIM)
    vi.add(ids, vecs)
    if ivf:
        assert monkeypatch is not None
        monkeypatch.setattr(index_mod, "IVF_THRESHOLD", n // 2)
        assert vi.reshape() and vi.kind == "ivf"
    vi.save()
    return paths, ids, vecs


@pytest.mark.parametrize("ivf", [False, True], ids=["flat", "ivf"])
def test_numpy_reader_matches_faiss(tmp_path: Path, ivf: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    paths, ids, vecs = _saved_index(tmp_path, 3000, ivf=ivf, monkeypatch=monkeypatch)
    reader = index_mod.load_for_query(paths)
    assert reader is not None
    assert isinstance(reader._index, index_mod._MappedIndex), "the known layouts are read without faiss"
    assert reader.kind == ("ivf" if ivf else "flat") and reader.count == len(ids)
    assert sorted(reader.ids().tolist()) == sorted(ids.tolist())
    loaded = index_mod._load(paths.index_dir, model_id=MODEL_ID, dim=DIM, verify=True, mmap=False)
    rng = np.random.default_rng(3)
    queries = np.concatenate([_unit(rng, 20), vecs[:10] + 0.05 * _unit(rng, 10)])
    _same_neighbours(reader._index, loaded.index, queries.astype(np.float32), 100)
    # more neighbours asked for than stored: padded with -1 like faiss
    small_s, small_i = reader._index.search(queries[:1].astype(np.float32), 5000)
    assert (small_i[0] >= 0).sum() <= len(ids) and small_i[0, -1] == -1


def test_numpy_reader_sparse_inverted_lists(tmp_path: Path) -> None:
    """Most lists empty: faiss writes the list sizes in its sparse form."""
    rng = np.random.default_rng(11)
    quantizer = faiss.IndexFlatIP(DIM)
    ivf = faiss.IndexIVFFlat(quantizer, DIM, 64, faiss.METRIC_INNER_PRODUCT)
    ivf.train(_unit(rng, 64 * 40))
    centroids = faiss.rev_swig_ptr(quantizer.get_xb(), 64 * DIM).reshape(64, DIM).copy()
    vecs = centroids[[3, 17, 40]].repeat(50, axis=0) + 0.3 * _unit(rng, 150)
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    ivf.add_with_ids(vecs, np.arange(1000, 1150, dtype=np.int64))
    ivf.nprobe = 8
    path = tmp_path / "sparse.faiss"
    faiss.write_index(ivf, str(path))
    mapped = index_mod._MappedIndex(path)
    mapped.nprobe = 8
    assert mapped.kind == "ivf" and sum(1 for _, size in mapped.lists if size) <= 64 // 2  # "sprs" form
    _same_neighbours(mapped, ivf, np.concatenate([vecs[::30], _unit(rng, 5)]), 20)


def test_unknown_layout_falls_back_to_faiss(tmp_path: Path) -> None:
    paths, ids, vecs = _saved_index(tmp_path, 200, ivf=False)
    meta = json.loads((paths.index_dir / "meta.json").read_text())
    # An index type tracker does not write (HNSW): the numpy reader declines, faiss reads it.
    hnsw = faiss.IndexIDMap2(faiss.IndexHNSWFlat(DIM, 8, faiss.METRIC_INNER_PRODUCT))
    hnsw.add_with_ids(vecs, ids)
    target = paths.index_dir / meta["file"]
    faiss.write_index(hnsw, str(target))
    meta["size"] = target.stat().st_size
    (paths.index_dir / "meta.json").write_text(json.dumps(meta))
    reader = index_mod.load_for_query(paths)
    assert reader is not None and not isinstance(reader._index, index_mod._MappedIndex)
    assert reader.search(vecs[5], 1)[0][0] == int(ids[5])


def test_forked_dense_search_answers_like_the_single_process_path(
    shared_dir: Path, data_dir: Path, run_cli: Callable[..., CliResult]
) -> None:
    docs = sorted(str(p) for p in (shared_dir / "dev" / "docs").glob("*.txt"))
    if not docs:
        pytest.skip("no dev docs")
    added = run_cli("add", *docs)
    assert added.code == 0, added.stderr
    assert (data_dir / "index" / "meta.json").exists()
    questions = [
        "Which chips was it trained on?",
        "Which model has the longest context window?",
        "What does the cheapest one cost per million input tokens?",
        "how many parameters does the biggest model have",
        "what license are the open weights released under",
    ]
    for question in questions:
        forked = run_cli("ask", question, "--json")
        single = run_cli("ask", question, "--json", env={"TRACKER_ASK_FORK": "0"})
        assert forked.code == single.code == 0, forked.stderr + single.stderr
        assert json.loads(forked.stdout) == json.loads(single.stdout)
        assert json.loads(forked.stdout)["answers"], question


def test_tokenizer_vocabulary_cache(tmp_path: Path) -> None:
    from tracker.embed import ASCII_VOCAB_FILE, AsciiBertTokenizer, is_prepared, model_dir

    if not is_prepared():
        pytest.skip("the ONNX export is not prepared")
    source = model_dir() / "tokenizer.json"
    copy = tmp_path / "tokenizer.json"
    copy.write_bytes(source.read_bytes())
    first = AsciiBertTokenizer(copy)  # parses the JSON, writes the cache
    assert (tmp_path / ASCII_VOCAB_FILE).is_file()
    cached = AsciiBertTokenizer(copy)
    assert cached.vocab == first.vocab
    text = "How many parameters does Orbit-7 Pro have? [MASK] 128K tokens, $0.50/M."
    assert cached.encode(text) == first.encode(text)
    # a changed tokenizer.json invalidates the cache
    spec = json.loads(copy.read_text())
    spec["model"]["vocab"]["zzzqqq"] = len(spec["model"]["vocab"])
    copy.write_text(json.dumps(spec))
    assert "zzzqqq" in AsciiBertTokenizer(copy).vocab
    assert "zzzqqq" in AsciiBertTokenizer(copy).vocab  # and the rewritten cache has it


def test_cli_ask_keeps_numpy_out_of_the_main_process(
    shared_dir: Path, data_dir: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The dense side runs in the forked child: the answering process never imports numpy / onnxruntime."""
    import os
    import subprocess
    import sys

    docs = sorted(str(p) for p in (shared_dir / "dev" / "docs").glob("*.txt"))
    if not docs:
        pytest.skip("no dev docs")
    assert run_cli("add", *docs).code == 0
    code = (
        "import sys\n"
        "from tracker.cli import main\n"
        f"sys.argv = ['tracker', '--data-dir', {str(data_dir)!r}, 'ask', 'Which chips was it trained on?',"
        " '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = [m for m in ('numpy', 'onnxruntime', 'faiss', 'yaml') if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["answers"]
    assert "HEAVY=\n" in proc.stderr
