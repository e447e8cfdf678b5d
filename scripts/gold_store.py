"""Load an eval set's gold claims into a tracker store, to measure `ask` / `conflicts` apart from extraction.

    python scripts/gold_store.py ../shared/eval/dev DATA_DIR
    python scripts/gold_store.py tests/fixtures/invented DATA_DIR    (publication dates from its meta.json)

Each gold line becomes a Claim of its document's article (evidence located in the text for offsets);
the article's URL comes from sources.jsonl when the set has one, else a file:// URL.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from tracker.config import resolve_data_dir
from tracker.records import Article, Claim
from tracker.store import Store


def load_gold(eval_dir: Path, store: Store) -> int:
    """Store every gold claim of eval_dir; return the number of claims stored."""
    urls: dict[str, str] = {}
    sources = eval_dir / "sources.jsonl"
    if sources.exists():
        for line in sources.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                urls[row["doc"]] = row["url"]
    # Our own sets (tests/fixtures/invented) date each article in meta.json (publication-date questions).
    meta_path = eval_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    by_doc: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in (eval_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            by_doc[row["doc"]].append(row)
    total = 0
    for doc_path in sorted((eval_dir / "docs").glob("*.txt")):
        doc = doc_path.stem
        text = doc_path.read_text(encoding="utf-8")
        claims = []
        for row in by_doc.get(doc, []):
            evidence = str(row["evidence"])
            start = max(text.find(evidence), 0)
            claims.append(
                Claim(
                    model=str(row["model"]),
                    attribute=row["attribute"],
                    value=row["value"],  # type: ignore[arg-type]
                    name=row.get("name"),
                    role=row.get("role"),
                    status=row.get("status", "stated"),  # type: ignore[arg-type]
                    evidence=evidence,
                    start=start,
                    end=start + len(evidence),
                )
            )
        title = next((ln.strip() for ln in text.splitlines() if ln.strip()), doc)[:120]
        url = urls.get(doc, doc_path.resolve().as_uri())
        article = Article(
            url=url,
            canonical_url=url,
            title=title,
            source=doc,
            text=text,
            published=_published(meta.get(doc, {}).get("published")),
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
        )
        store.add_article(article, claims)
        total += len(claims)
    return total


def _published(day: str | None) -> datetime | None:
    return datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("eval_dir", type=Path)
    ap.add_argument("data_dir")
    args = ap.parse_args()
    paths = resolve_data_dir(args.data_dir).ensure()
    with Store(paths.db) as store:
        n = load_gold(args.eval_dir, store)
    print(f"{n} gold claims stored in {paths.db}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
