"""Time `write_digest` on a synthetic store: N articles x 35 claims over 60 days, digest of the last 7.

    .venv/bin/python bench/digest_render.py [N]      (default 1000 articles = 35,000 claims)

Invented models and values (random but seeded); prints the build time, the render time of two runs
(the first pays matplotlib's font loading) and the size of each digest section.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker.digest import write_digest
from tracker.records import Article, Claim
from tracker.store import Store

VALUES: dict[str, list[Any]] = {
    "parameters_total": [7e9, 70e9, 1e12],
    "context_window": [128000, 1000000],
    "price_input": [0.5, 1.0, 3.0],
    "price_output": [2.0, 10.0],
    "license": ["MIT", "Apache-2.0"],
    "developer": ["Lab A", "Lab B"],
}


def main(n: int) -> None:
    rng = random.Random(7)
    models = [f"Model-{i}" for i in range(300)]
    attributes = [*VALUES, "benchmark"]
    start = datetime(2026, 9, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "tracker.db")
        t0 = time.perf_counter()
        for a in range(n):
            claims = []
            for _ in range(35):
                model, attribute = rng.choice(models), rng.choice(attributes)
                value = (
                    round(rng.uniform(50, 90), 1)
                    if attribute == "benchmark"
                    else rng.choice(VALUES[attribute])
                )
                claims.append(
                    Claim(
                        model=model,
                        attribute=attribute,  # type: ignore[arg-type]
                        value=value,
                        name="MMLU" if attribute == "benchmark" else None,
                        evidence=f"{model} {attribute} {value}",
                        start=0,
                        end=10,
                    )
                )
            url = f"https://news.example/{a}"
            store.add_article(
                Article(
                    url=url,
                    canonical_url=url,
                    title=f"Story {a}",
                    source="Example",
                    text=f"text {a}",
                    content_hash=str(a),
                    published=start + timedelta(minutes=a * 60 * 24 * 60 / n),
                ),
                claims,
            )
        print(f"store: {n} articles, {35 * n} claims, built in {time.perf_counter() - t0:.1f}s")
        until = start + timedelta(days=60)
        for run in (1, 2):
            t = time.perf_counter()
            digest = write_digest(store, since=until - timedelta(days=7), until=until, out=Path(tmp) / "d.md")
            took = time.perf_counter() - t
            sections = {
                m.group(1): len(m.group(2))
                for m in re.finditer(r"## ([^\n]*)\n(.*?)(?=\n## |\Z)", digest.markdown, re.S)
            }
            chart = digest.chart_png is not None
            print(f"render {run}: {took:.2f}s, {len(digest.markdown)} chars, chart={chart}")
        print("section sizes (chars):", sections)
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
