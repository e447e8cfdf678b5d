"""Issue 9: launches of models and labs that do not exist, end to end and scored.

tests/fixtures/invented holds 14 short launch articles we wrote about invented models and labs (news brief,
press release, "Key: value" spec sheet, pipe tables in both orientations, a space-aligned table, bullets
under model headings, a rumour, a comparison, a pricing page, a model card, a wiki profile, a one-liner
round-up, MoE forms, a family of sizes), their gold claims annotated blind (without running the
extractor), 34 questions, and three off-topic pages (a recipe, a council budget vote, a cup final) that
use words such as "model" and "release".

- The fixture checks need nothing but the files.
- The end-to-end tests serve every article as an HTML page plus an RSS feed from 127.0.0.1, run the real
  `tracker ingest --json`, and then `tracker ask --json`.
- The scoring test runs the real `tracker extract` on every article and scores it with the eval kit's
  rules (`score_claims.py` by path when ../shared is there, else the same rules re-implemented below).
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from helpers import SHARED, CliResult, tracker_exe
from localserver import LocalServer
from tracker.attributes import SPECS

INVENTED = Path(__file__).resolve().parent / "fixtures" / "invented"
DOCS = INVENTED / "docs"
OFFTOPIC = INVENTED / "offtopic"

Row = dict[str, Any]

MIN_F1 = 0.90
MIN_PRECISION = 0.95

# What the gold may use, as tracker.attributes defines it (numbers: every attribute with a numeric unit).
ATTRIBUTES = set(SPECS)
NUMERIC = {a for a, s in SPECS.items() if s.unit in ("count", "tokens", "usd", "score")}
TEXTUAL = {"hardware", "license", "developer"}
VENDOR_WORD = re.compile(r"^(nvidia|huawei|google|amd|intel|apple|aws|amazon|qualcomm)\b", re.I)

# Things the articles name that are not models: apps, chips, a phone, people, places, benchmarks.
NOT_MODELS = [
    "Zephyr chatbot app",
    "Dana Whitcombe",
    "Ingrid Solvang",
    "Northwind",
    "Vantor X9",
    "Tarsus T2",
    "Helix Semiconductor",
    "HALO assistant app",
    "Sao Paulo",
    "Austin",
    "Corvid Chat Plus",
    "Corvid Embed 3",
    "Veyra Chat",
    "Tomas Aguiar",
    "Lena Vogt",
    "Lisbon",
    "Sines",
    "Tollan Chat",
    "Aria Voss",
    "Montreal",
    "Fjell Pocket 2",
    "Sigrid Haugland",
    "Bergen",
    "MMLU-Pro",
    "GPQA Diamond",
    "LMArena",
    "SWE-bench Verified",
    "Snapdragon 8 Elite",
    "A19 Pro",
    "Trainium2",
    "Gaudi 3",
]

# A handful of the questions, answered from prose, a spec sheet, tables and a one-liner.
ASK_SAMPLE = [
    "How many parameters does Zephyr-9 have?",
    "How many active parameters does Kestrel-V3 use per token?",
    "What license does Tessellate-2 use?",
    "How many total parameters does Orion-X have?",
    "When was veyra-4.5-turbo released?",
    "Which organisation released NORD-7?",
]


# -- fixtures on disk --------------------------------------------------------------------------------
def _docs() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.txt"))}


def _offtopic() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(OFFTOPIC.glob("*.txt"))}


def _meta() -> dict[str, dict[str, str]]:
    meta: dict[str, dict[str, str]] = json.loads((INVENTED / "meta.json").read_text(encoding="utf-8"))
    return meta


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _gold() -> list[dict[str, Any]]:
    return _jsonl(INVENTED / "gold.jsonl")


def _questions() -> list[dict[str, Any]]:
    return _jsonl(INVENTED / "questions.jsonl")


# -- the kit's matching rules (score_claims.py), for when ../shared is absent -------------------------
class _Rules:
    """The matching rules of ../shared/eval/score_claims.py, re-implemented: same names, same behaviour."""

    VENDORS = {
        "huawei",
        "nvidia",
        "google",
        "amd",
        "intel",
        "aws",
        "amazon",
        "apple",
        "cambricon",
        "microsoft",
    }
    PREFIXES = (
        "openai",
        "meta",
        "google",
        "deepseek",
        "mistralai",
        "mistral",
        "anthropic",
        "alibaba",
        "microsoft",
        "nvidia",
        "xai",
        "moonshotai",
        "moonshot",
        "zhipuai",
        "zhipu",
        "zai",
    )
    ALIASES = {
        "allenai": "ai2",
        "alleninstitutefor": "ai2",
        "alleninstituteforai": "ai2",
        "googledeepmind": "google",
        "deepmind": "google",
        "zai": "zhipu",
        "zhipuai": "zhipu",
        "mistralai": "mistral",
        "metaai": "meta",
        "moonshotai": "moonshot",
        "alibabacloud": "alibaba",
        "qwenteam": "alibaba",
        "alibabaqwen": "alibaba",
        "xaicorp": "xai",
    }

    @classmethod
    def norm_text(cls, s: object) -> str:
        words = re.findall(r"[a-z0-9.]+", str(s).lower())
        if len(words) > 1 and words[0] in cls.VENDORS:
            words = words[1:]
        text = re.sub(r"(?<=.)licen[cs]e$", "", "".join(words).replace(".", ""))
        return {"mitlicense": "mit", "apache2": "apache20", "apachelicense20": "apache20"}.get(text, text)

    @staticmethod
    def fold(s: object) -> str:
        decomposed = unicodedata.normalize("NFKD", str(s))
        return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

    @classmethod
    def norm_model(cls, s: object) -> str:
        return re.sub(r"[^a-z0-9]", "", cls.fold(s))

    @classmethod
    def norm_developer(cls, s: object) -> str:
        text = re.sub(r"\s+ai$", "", cls.fold(s).strip())
        text = re.sub(r"(inc|corp|corporation|labs|ltd|llc)$", "", re.sub(r"[^a-z0-9]", "", text))
        return cls.ALIASES.get(text, text)

    @staticmethod
    def as_number(v: object) -> float | None:
        if isinstance(v, bool):
            return None
        if isinstance(v, int | float):
            return float(v)
        try:
            return float(str(v).replace(",", "").strip())
        except ValueError:
            return None

    @classmethod
    def models_match(cls, gold: str, pred: str) -> bool:
        def variants(name: str) -> list[list[str]]:
            tokens = re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*", cls.fold(name))
            out = [tokens]
            if len(tokens) > 1 and tokens[0] in cls.PREFIXES:
                out.append(tokens[1:])
            return out

        for g in variants(gold):
            for p in variants(pred):
                if not g or not p:
                    continue
                if "".join(g).replace(".", "") == "".join(p).replace(".", ""):
                    return True
                short, long_ = (g, p) if len(g) <= len(p) else (p, g)
                if long_[: len(short)] == short:
                    return True
        return False

    @classmethod
    def values_match(cls, attribute: str, gold: dict[str, Any], pred: dict[str, Any]) -> bool:
        gv, pv = gold.get("value"), pred.get("value")
        same_name = cls.norm_text(gold.get("name", "")) == cls.norm_text(pred.get("name", ""))
        if attribute == "benchmark" and not same_name:
            return False
        if attribute == "release_date":
            return str(gv).strip() == str(pv).strip()
        if attribute == "developer":
            return cls.norm_developer(gv) == cls.norm_developer(pv)
        gn, pn = cls.as_number(gv), cls.as_number(pv)
        if attribute == "benchmark":
            return gn is not None and pn is not None and abs(gn - pn) <= 0.5
        if gn is not None and attribute not in TEXTUAL:
            tolerance = 0.03 if attribute == "context_window" else 0.01
            return pn is not None and abs(gn - pn) <= tolerance * max(abs(gn), 1e-12)
        if attribute == "hardware":
            return re.sub(r"v(?=\d)", "", cls.norm_text(gv)) == re.sub(r"v(?=\d)", "", cls.norm_text(pv))
        return cls.norm_text(gv) == cls.norm_text(pv)

    @classmethod
    def score(
        cls, gold: list[Row], pred: list[Row]
    ) -> tuple[dict[str, int], dict[str, int], dict[str, int], list[Row], list[Row]]:
        def dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            seen, out = set(), []
            for r in rows:
                key = (
                    r["doc"],
                    cls.norm_model(r["model"]),
                    r["attribute"],
                    cls.norm_text(r.get("name", "")),
                    str(r["value"]),
                )
                if key not in seen:
                    seen.add(key)
                    out.append(r)
            return out

        gold, pred = dedupe(gold), dedupe(pred)
        used = [False] * len(gold)
        by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, g in enumerate(gold):
            by_key[(g["doc"], g["attribute"])].append(i)
        tp: dict[str, int] = defaultdict(int)
        false_pos = []
        for p in pred:
            hit = next(
                (
                    i
                    for i in by_key.get((p["doc"], p["attribute"]), [])
                    if not used[i]
                    and cls.models_match(gold[i]["model"], p["model"])
                    and cls.values_match(p["attribute"], gold[i], p)
                ),
                None,
            )
            if hit is None:
                false_pos.append(p)
            else:
                used[hit] = True
                tp[p["attribute"]] += 1
        n_gold: dict[str, int] = defaultdict(int)
        n_pred: dict[str, int] = defaultdict(int)
        for g in gold:
            n_gold[g["attribute"]] += 1
        for p in pred:
            n_pred[p["attribute"]] += 1
        misses = [g for i, g in enumerate(gold) if not used[i]]
        return tp, n_gold, n_pred, misses, false_pos


def _kit() -> ModuleType | type[_Rules]:
    """The eval kit's score_claims.py when ../shared is there, else the same rules above."""
    path = SHARED / "eval" / "score_claims.py"
    if not path.exists():
        return _Rules
    spec = importlib.util.spec_from_file_location("kit_score_claims", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- 1. the fixtures themselves ---------------------------------------------------------------------
def test_fixture_files_are_complete() -> None:
    docs, meta = _docs(), _meta()
    assert len(docs) == 14
    assert set(meta) == set(docs)
    for stem, info in meta.items():
        assert re.fullmatch(r"2026-\d{2}-\d{2}", info["published"]), stem
        date.fromisoformat(info["published"])
        assert info["title"].strip(), stem
    for stem, text in docs.items():
        assert 150 <= len(text.split()) <= 450, (stem, len(text.split()))
    off = _offtopic()
    assert len(off) == 3
    for stem, text in off.items():
        assert 150 <= len(text.split()) <= 300, (stem, len(text.split()))


def _readable(value: float, evidence: str) -> bool:
    """The number (or a scaled / per-1K form of it) appears in the evidence: catches typos in the gold."""
    scale = {"trillion": 1e12, "t": 1e12, "billion": 1e9, "b": 1e9, "million": 1e6, "m": 1e6, "k": 1e3}
    number = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*-?\s*(trillion|billion|million|[tbmk])?(?![a-z])"
    for m in re.finditer(number, evidence, re.I):
        x = float(m.group(1).replace(",", ""))
        for candidate in (x, x * scale.get((m.group(2) or "").lower(), 1.0), x * 1000):
            if abs(candidate - value) <= 0.01 * max(abs(value), 1e-9):
                return True
    return False


def test_gold_is_valid_and_grounded() -> None:
    docs = _docs()
    gold = _gold()
    assert 200 <= len(gold) <= 300
    seen: set[tuple[str, str, str, str, str]] = set()
    for n, row in enumerate(gold, 1):
        where = f"gold line {n}: {row}"
        for field in ("doc", "model", "attribute", "value", "evidence"):
            assert field in row, where
        assert set(row) <= {"doc", "model", "attribute", "value", "name", "role", "status", "evidence"}, where
        assert row["doc"] in docs, where
        attribute, value, evidence = row["attribute"], row["value"], row["evidence"]
        assert attribute in ATTRIBUTES, where
        assert evidence and evidence == evidence.strip() and evidence in docs[row["doc"]], where
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]*", row["model"]), where
        assert row.get("status", "stated") in ("stated", "expected"), where
        if attribute in NUMERIC:
            assert isinstance(value, int | float) and not isinstance(value, bool), where
            assert _readable(float(value), evidence), where
        if attribute in ("parameters_total", "parameters_active"):
            assert value >= 1e8, where
        if attribute == "context_window":
            assert value >= 1000, where
        if attribute == "release_date":
            assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value), where
            date.fromisoformat(value if len(value) == 10 else value + "-01")
        if attribute in TEXTUAL:
            assert isinstance(value, str) and value.strip() == value and value, where
        if attribute == "hardware":
            assert row.get("role") in ("training", "inference", "unspecified"), where
            assert not VENDOR_WORD.match(value), where
        else:
            assert "role" not in row, where
        if attribute == "benchmark":
            assert row.get("name"), where
        else:
            assert "name" not in row, where
        if attribute == "license" and "apache" in value.lower():
            assert value == "Apache-2.0", where
        key = (
            row["doc"],
            row["model"].lower(),
            attribute,
            json.dumps(value),
            str(row.get("name", "")).lower(),
        )
        assert key not in seen, f"duplicate {where}"
        seen.add(key)
    assert {row["doc"] for row in gold} == set(docs), "every article has gold claims"


def test_questions_ask_for_gold_facts() -> None:
    gold = _gold()
    questions = _questions()
    assert 25 <= len(questions) <= 40
    for q in questions:
        assert q["q"].strip() and q["attribute"] in ATTRIBUTES, q
        assert any(
            g["attribute"] == q["attribute"]
            and _Rules.models_match(q["model"], g["model"])
            and _Rules.values_match(q["attribute"], q, g)
            for g in gold
        ), f"no gold claim answers {q}"
    assert set(ASK_SAMPLE) <= {q["q"] for q in questions}


# -- 2. end to end: a feed of invented launches and off-topic pages on 127.0.0.1 ----------------------
def to_html(text: str, title: str, published: str) -> str:
    """One article as a plain HTML page: headings, paragraphs, bullet lists, tables, preformatted tables."""
    esc = html.escape
    parts: list[str] = []
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        heading = re.match(r"(#+)\s+(.*)", lines[0])
        if heading and len(lines) == 1:
            level = min(len(heading.group(1)), 3)
            parts.append(f"<h{level}>{esc(heading.group(2))}</h{level}>")
        elif i == 0 and len(lines) == 1:
            parts.append(f"<h1>{esc(lines[0])}</h1>")
        elif all(line.startswith("|") for line in lines):
            rows = [line for line in lines if not re.fullmatch(r"\|[-\s|:]+", line)]
            cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
            body = "".join(
                "<tr>" + "".join(f"<{t}>{esc(c)}</{t}>" for c in row) + "</tr>"
                for t, row in ((("th" if n == 0 else "td"), row) for n, row in enumerate(cells))
            )
            parts.append(f"<table>{body}</table>")
        elif len(lines) > 1 and all(re.search(r"\S {2,}\S", line) for line in lines):
            parts.append(f"<pre>{esc(block)}</pre>")  # a space-aligned table keeps its columns
        elif (items := lines if lines[0].startswith("- ") else lines[1:]) and all(
            line.startswith("- ") for line in items
        ):
            if items is not lines:  # bullets under a heading line ("Corvid Large 2", "Lumo 3 8B")
                parts.append(f"<h3>{esc(lines[0])}</h3>")
            parts.append("<ul>" + "".join(f"<li>{esc(item[2:])}</li>" for item in items) + "</ul>")
        else:
            parts.append("".join(f"<p>{esc(line)}</p>" for line in lines))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title>"
        f'<meta property="og:title" content="{esc(title)}">'
        f'<meta property="article:published_time" content="{published}T09:00:00Z">'
        "</head><body><main><article>\n" + "\n".join(parts) + "\n</article></main></body></html>\n"
    )


def _rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC), usegmt=True)


OFFTOPIC_DATES = {
    "recipe_lentil-soup": "2026-03-03",
    "politics_budget-vote": "2026-02-13",
    "sport_cup-final": "2026-05-17",
}


def _lead(text: str) -> str:
    """The first paragraph after the headline, cut to 200 characters, for the feed's description."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return (blocks[1] if len(blocks) > 1 else blocks[0])[:200]


def serve_invented(server: LocalServer) -> tuple[str, dict[str, str], dict[str, str]]:
    """Route one RSS feed of all 17 pages and the pages; returns the feed URL and the page URLs."""
    meta = _meta()
    launch_urls: dict[str, str] = {}
    offtopic_urls: dict[str, str] = {}
    items = []
    pages = [
        (stem, text, meta[stem]["title"], meta[stem]["published"], launch_urls)
        for stem, text in _docs().items()
    ]
    pages += [
        (stem, text, text.splitlines()[0], OFFTOPIC_DATES[stem], offtopic_urls)
        for stem, text in _offtopic().items()
    ]
    for stem, text, title, published, into in pages:
        into[stem] = server.add(f"/pages/{stem}.html", to_html(text, title, published))
        items.append(
            "<item>"
            f"<title>{html.escape(title)}</title>"
            f"<link>{into[stem]}</link>"
            f'<guid isPermaLink="false">invented-{stem}</guid>'
            f"<pubDate>{_rfc822(published)}</pubDate>"
            f"<description>{html.escape(_lead(text))}</description>"
            "</item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Invented Launch Wire</title><link>{server.url('/')}</link>"
        "<description>Launches of models that do not exist, written for the tracker tests.</description>"
        + "".join(items)
        + "</channel></rss>\n"
    )
    feed_url = server.add("/invented.xml", feed, content_type="application/rss+xml")
    return feed_url, launch_urls, offtopic_urls


def test_served_pages_keep_every_gold_span() -> None:
    """The HTML we serve reads back (through the real page extractor) with every gold evidence intact."""
    from tracker.text import extract_page

    meta = _meta()
    texts = {
        stem: extract_page(
            to_html(text, meta[stem]["title"], meta[stem]["published"]).encode(),
            f"http://127.0.0.1:1/pages/{stem}.html",
        ).text
        for stem, text in _docs().items()
    }
    lost = [(g["doc"], g["evidence"]) for g in _gold() if g["evidence"] not in texts[g["doc"]]]
    assert not lost, lost


@pytest.fixture
def ingested_invented(
    http_server: LocalServer, run_cli: Callable[..., CliResult], tmp_path: Path, data_dir: Path
) -> Iterator[tuple[Callable[..., CliResult], CliResult, dict[str, str], dict[str, str], Path]]:
    feed_url, launch_urls, offtopic_urls = serve_invented(http_server)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f'allow_private: ["127.0.0.1:{http_server.port}"]\nfeeds:\n'
        f"  - name: Invented Launch Wire\n    url: {feed_url}\n",
        encoding="utf-8",
    )

    def run(*args: str, **kw: Any) -> CliResult:
        return run_cli(*args, env={"TRACKER_FEEDS": str(feeds)}, **kw)

    result = run("ingest", "--json")
    yield run, result, launch_urls, offtopic_urls, data_dir


def test_ingest_keeps_every_invented_launch_and_drops_off_topic(ingested_invented: tuple[Any, ...]) -> None:
    from tracker.store import Store

    _run, result, launch_urls, offtopic_urls, data_dir = ingested_invented
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["failed_items"] == 0, report["errors"]
    with Store(data_dir / "tracker.db", readonly=True) as store:
        stored = {a.url for a in store.articles()}
    dropped = sorted(stem for stem, url in launch_urls.items() if url not in stored)
    kept_off = sorted(stem for stem, url in offtopic_urls.items() if url in stored)
    assert not dropped and not kept_off, (
        f"launch articles not stored ({len(dropped)} of {len(launch_urls)}): {dropped}; "
        f"off-topic pages stored: {kept_off}; report: articles_new {report['articles_new']}, "
        f"off_topic {report['off_topic']}"
    )
    assert report["articles_new"] == len(launch_urls)
    assert report["off_topic"] == len(offtopic_urls)


def test_ask_answers_invented_facts_first(ingested_invented: tuple[Any, ...]) -> None:
    run, result, _launch, _off, _data = ingested_invented
    assert result.code == 0, result.stderr
    kit = _kit()
    wanted = {q["q"]: q for q in _questions()}
    wrong = []
    for text in ASK_SAMPLE:
        q = wanted[text]
        answer = run("ask", text, "--json")
        assert answer.code == 0, answer.stderr
        answers = json.loads(answer.stdout)["answers"]
        first = answers[0] if answers else {}
        ok = (
            first.get("attribute") == q["attribute"]
            and kit.models_match(q["model"], str(first.get("model", "")))
            and kit.values_match(q["attribute"], q, first)
        )
        if not ok:
            wrong.append(
                f"{text!r}: want {q['model']} {q['value']}, got "
                f"{first.get('model')} {first.get('attribute')} {first.get('value')}"
            )
    assert not wrong, f"{len(wrong)} of {len(ASK_SAMPLE)} questions answered wrong:\n" + "\n".join(wrong)


# -- 3. the one-sentence example ----------------------------------------------------------------
def test_extract_zephyr_sentence(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    doc = tmp_path / "zephyr.txt"
    doc.write_text(
        "Acme AI released Zephyr-9, a 70 billion parameter language model, on March 3, 2026.",
        encoding="utf-8",
    )
    result = run_cli("extract", str(doc), "--format", "jsonl")
    assert result.code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    got = {(r["attribute"], str(r["value"])) for r in rows if _Rules.norm_model(r["model"]) == "zephyr9"}
    developers = {
        _Rules.norm_developer(r["value"])
        for r in rows
        if r["attribute"] == "developer" and _Rules.norm_model(r["model"]) == "zephyr9"
    }
    assert ("parameters_total", "70000000000") in got, rows
    assert ("release_date", "2026-03-03") in got, rows
    assert developers == {"acme"}, rows  # "Acme AI" (the scorer drops a trailing " AI")


# -- 4. scored: every invented article through `tracker extract` -----------------------------------------
@pytest.fixture(scope="module")
def predictions() -> dict[str, list[dict[str, Any]]]:
    """`tracker extract --format jsonl --published DATE` on every article and off-topic page."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    meta = _meta()
    out: dict[str, list[dict[str, Any]]] = {}
    paths = [(p, meta[p.stem]["published"]) for p in sorted(DOCS.glob("*.txt"))]
    paths += [(p, OFFTOPIC_DATES[p.stem]) for p in sorted(OFFTOPIC.glob("*.txt"))]
    for path, published in paths:
        cmd = [tracker_exe(), "extract", str(path), "--format", "jsonl", "--published", published]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        out[path.stem] = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return out


def test_extract_is_grounded(predictions: dict[str, list[dict[str, Any]]]) -> None:
    texts = {**_docs(), **_offtopic()}
    for stem, rows in predictions.items():
        for row in rows:
            assert texts[stem][int(row["start"]) : int(row["end"])] == row["evidence"], (stem, row)


def test_no_claims_about_things_that_are_not_models(predictions: dict[str, list[dict[str, Any]]]) -> None:
    banned = {_Rules.norm_model(name) for name in NOT_MODELS}
    bad = [
        (stem, r["model"], r["attribute"], r["value"])
        for stem, rows in predictions.items()
        for r in rows
        if _Rules.norm_model(r["model"]) in banned
    ]
    off = [(stem, r["model"], r["attribute"], r["value"]) for stem in _offtopic() for r in predictions[stem]]
    assert not bad and not off, f"claims about non-models: {bad}; claims on off-topic pages: {off}"


def test_invented_f1(predictions: dict[str, list[dict[str, Any]]]) -> None:
    kit = _kit()
    gold = _gold()
    pred = [{"doc": stem, **row} for stem in _docs() for row in predictions[stem]]
    tp, n_gold, n_pred, misses, false_pos, *_ = kit.score(gold, pred)
    p, r, f1 = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    lines = [
        f"{a:<18} gold {n_gold[a]:>3} pred {n_pred[a]:>3} tp {tp[a]:>3}"
        for a in sorted(set(n_gold) | set(n_pred))
    ]
    lines += [
        f"MISS {json.dumps({k: g.get(k) for k in ('doc', 'model', 'attribute', 'name', 'value')})}"
        for g in misses
    ]
    lines += [
        f"FALSE {json.dumps({k: x.get(k) for k in ('doc', 'model', 'attribute', 'name', 'value')})}"
        for x in false_pos
    ]
    figure = (
        f"invented set: P {p:.3f} R {r:.3f} F1 {f1:.3f} "
        f"({sum(tp.values())} of {sum(n_gold.values())} gold, {sum(n_pred.values())} predicted)"
    )
    assert f1 >= MIN_F1 and p >= MIN_PRECISION, figure + "\n" + "\n".join(lines)
