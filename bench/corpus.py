"""A generated launch-news corpus served from 127.0.0.1, for the crash tests and the ingest benchmarks.

Every article is made up here from templates (invented model versions of real-sounding families, invented
figures), seeded, so runs are reproducible. Each article states ~35 facts: the launched model's size,
active parameters, context, prices, date, license, developer, hardware and ten benchmark scores, plus
size, context, two scores and the developer of four competitors it is compared with.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from localserver import LocalServer  # noqa: E402 - the one local server (tests/localserver.py)
from tracker.vocab import CALENDAR_MONTHS as MONTHS  # noqa: E402

FAMILIES = [
    ("Meta", "Llama"),
    ("Mistral AI", "Mistral"),
    ("Alibaba", "Qwen"),
    ("Google", "Gemma"),
    ("Microsoft", "Phi"),
    ("DeepSeek", "DeepSeek-V"),
    ("NVIDIA", "Nemotron"),
    ("Moonshot AI", "Kimi-K"),
    ("Zhipu", "GLM-"),
    ("xAI", "Grok-"),
]
BENCHMARKS = [
    "MMLU",
    "GSM8K",
    "HumanEval",
    "MATH",
    "GPQA",
    "ARC-Challenge",
    "HellaSwag",
    "MBPP",
    "SWE-bench Verified",
    "LiveCodeBench",
    "AIME 2024",
    "MMLU-Pro",
]
LICENSES = ["the Apache 2.0 license", "the MIT license", "the Llama Community License", "the Qwen License"]
CHIPS = ["H100", "H200", "B200", "TPU v5p", "MI300X", "Ascend 910C"]
FILLER = [
    "Analysts said the launch raises the bar for open models in its size class.",
    "The company published a technical report alongside the weights.",
    "Early users reported fast responses on common coding tasks.",
    "The release comes amid a crowded season of model announcements.",
    "Hosting providers announced support on the same day.",
    "Researchers cautioned that benchmark scores do not capture every use case.",
]


def _model(rng: random.Random, i: int, salt: int) -> tuple[str, str]:
    developer, family = FAMILIES[(i + salt) % len(FAMILIES)]
    version = f"{1 + (i * 7 + salt) % 9}.{(i * 13 + salt * 3) % 10}"
    sep = "" if family.endswith(("-", "-V", "-K")) else " "
    return developer, f"{family}{sep}{version}-{rng.choice(['Instruct', 'Pro', 'Flash', 'Max', 'Mini'])}"


def article(i: int, seed: int = 7) -> tuple[str, str, str]:
    """(slug, title, html) of generated article i."""
    rng = random.Random(seed * 100_003 + i)
    developer, name = _model(rng, i, 0)
    total = rng.choice([7, 8, 13, 24, 32, 70, 123, 235, 405, 671])
    active = max(1, total // rng.choice([4, 8, 16]))
    ctx = rng.choice([32, 64, 128, 200, 256, 1000])
    p_in = round(rng.uniform(0.05, 3.0), 2)
    p_out = round(p_in * rng.choice([2, 3, 4]), 2)
    day, month, year = rng.randint(1, 28), rng.randrange(12), rng.choice([2024, 2025, 2026])
    lic, chip = rng.choice(LICENSES), rng.choice(CHIPS)
    paras = [
        f"{developer} released {name} on {MONTHS[month]} {day}, {year}, the newest model in its line-up.",
        f"{name} has {total} billion parameters in total and activates {active} billion parameters "
        "per token.",
        f"The model supports a context window of {ctx}K tokens.",
        f"Through the API, {name} costs ${p_in} per million input tokens and ${p_out} per million "
        "output tokens.",
        f"{developer} trained {name} on {rng.randint(2, 40) * 512} {chip} GPUs.",
        f"The weights of {name} are available under {lic}.",
        rng.choice(FILLER),
    ]
    for b in rng.sample(BENCHMARKS, 10):
        paras.append(f"{name} scores {round(rng.uniform(30, 95), 1)} on {b}.")
    for salt in (1, 2, 3, 4):
        c_dev, c_name = _model(rng, i, salt)
        paras.append(
            f"For comparison, {c_dev}'s {c_name} has {rng.choice([8, 70, 141, 236, 480])} billion parameters "
            f"and a context window of {rng.choice([32, 128, 256])}K tokens; {c_name} scores "
            f"{round(rng.uniform(40, 90), 1)} on MMLU and {round(rng.uniform(40, 90), 1)} on GSM8K."
        )
    paras.append(rng.choice(FILLER) + f" (Report number {i}-{seed}.)")
    title = f"{developer} launches {name}"
    slug = f"a{i:05d}"
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    html = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='{year}-{month + 1:02d}-{day:02d}T09:00:00Z'>"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )
    return slug, title, html


def rss(base: str, items: list[tuple[str, str]], title: str) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}/p/{slug}.html</link><guid isPermaLink='false'>{slug}</guid>"
        "<pubDate>Mon, 06 Jan 2025 09:00:00 GMT</pubDate></item>"
        for slug, t in items
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>{entries}</channel></rss>"


@dataclass
class Corpus:
    """n articles spread over `feeds` RSS feeds, served by a threaded server on 127.0.0.1."""

    n: int
    feeds: int = 5
    seed: int = 7
    base: str = ""
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    server: LocalServer | None = None

    @property
    def hits(self) -> int:
        """Requests the server has answered so far."""
        return self.server.count() if self.server else 0

    def build(self) -> None:
        groups: list[list[tuple[str, str]]] = [[] for _ in range(self.feeds)]
        for i in range(self.n):
            slug, title, html = article(i, self.seed)
            self.files[f"/p/{slug}.html"] = (html.encode(), "text/html; charset=utf-8")
            groups[i % self.feeds].append((slug, title))
        for k, items in enumerate(groups):
            self.files[f"/feed{k}.xml"] = (
                rss(self.base, items, f"Generated feed {k}").encode(),
                "application/rss+xml",
            )

    def feeds_yaml(self, path: Path) -> Path:
        host_port = self.base.removeprefix("http://")
        lines = [f'allow_private: ["{host_port}"]', "feeds:"]
        for k in range(self.feeds):
            lines += [f"  - name: Generated feed {k}", f"    url: {self.base}/feed{k}.xml"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


@contextmanager
def serve(n: int, *, feeds: int = 5, seed: int = 7) -> Iterator[Corpus]:
    """Serve a generated corpus (with ETags) on the one local server for the duration of the block."""
    with LocalServer() as server:
        corpus = Corpus(n=n, feeds=feeds, seed=seed, base=server.base, server=server)
        corpus.build()
        server.add_files(corpus.files)
        yield corpus
