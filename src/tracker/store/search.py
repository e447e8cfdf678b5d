"""Lexical search over claims: FTS5 on SQLite, tsvector + GIN on PostgreSQL, under one contract.

The contract (what "the same ranking contract" means; tests/test_store.py checks it on both backends):
- Tokens: a claim's model, attribute, name and evidence are cut into maximal runs of letters, digits, '.'
  and '-' (so "GPT-4.5" and "1.6e12" stay whole), lower-cased, diacritics removed: FTS5's unicode61
  tokenizer with tokenchars '.-'. On PostgreSQL `tokens()` below does it and the tsvector is built from
  its output (never PostgreSQL's own parser, which would split "GPT-4.5"), so both backends index the
  same tokens, and a query is cut the same way.
- Matching: `fts_search` finds the claims holding ANY query token; `phrase_in_claims` and `fts_term_count`
  match tokens adjacent and in order within one column. Same question, same store: same claims match.
- Ranking: (claim id, score) pairs, score > 0, higher is better, best first, at most `limit`. SQLite
  scores with FTS5's BM25. PostgreSQL scores sum_t idf(t) * ts_rank(doc, t, 1): the same BM25 idf from
  each token's document count, times a term-frequency weight normalized by document length. A claim
  holding the rarer tokens, more often, in fewer words ranks first on both; near-ties may order
  differently. Consumers use ranks only (reciprocal-rank fusion in ask/retrieve.py), never raw scores.
"""

from __future__ import annotations

import math
import unicodedata

from .base import StoreBase

MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
DF_CAP = 10_000  # document counts for idf are counted up to here (cost stays bounded on common tokens)


def tokens(text: str) -> list[str]:
    """The tokens FTS5's unicode61 tokenizer (tokenchars '.-', remove_diacritics) makes of a text."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in folded).split()


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(model: str, attribute: str, name: str | None, evidence: str) -> str:
    """A claim's search document as a tsvector literal: its tokens with positions, one column after the
    other with a gap, so a phrase never spans two columns (as in FTS5)."""
    positions: dict[str, list[int]] = {}
    at = 0
    for column in (model, attribute, name or "", evidence):
        for token in tokens(column):
            at += 1
            positions.setdefault(token, []).append(min(at, MAX_POSITION))
        at += 1  # the gap between columns
    return " ".join(f"{_quote(t)}:{','.join(map(str, sorted(set(p))))}" for t, p in positions.items())


def _phrase(words: list[str]) -> str:
    return " <-> ".join(_quote(w) for w in words)


class SearchMixin(StoreBase):
    """Lexical search over claims."""

    def fts_search(self, query: str, limit: int = 50) -> list[tuple[int, float]]:
        """Claims holding any token of the query: [(claim id, score)], best first (see the contract)."""
        if self.dialect == "postgresql":
            return self._pg_search(query, limit)
        terms = [t for t in "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in query).split() if t]
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        try:
            rows = self.db.execute(
                "SELECT rowid, bm25(claims_fts) AS s FROM claims_fts WHERE claims_fts MATCH ? "
                "ORDER BY s LIMIT ?",
                (match, limit),
            ).fetchall()
        except self.search_errors:
            return []
        return [(int(r[0]), -float(r[1])) for r in rows]

    def phrase_in_claims(self, phrase: str) -> bool:
        """Whether any claim's model / name / evidence contains this phrase (FTS phrase query)."""
        if self.dialect == "postgresql":
            words = tokens(phrase)
            if not words:
                return False
            sql = "SELECT 1 FROM claims WHERE tsv @@ ?::tsquery LIMIT 1"
            return self.db.execute(sql, (_phrase(words),)).fetchone() is not None
        terms = "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in phrase).split()
        if not terms:
            return False
        try:
            row = self.db.execute(
                "SELECT 1 FROM claims_fts WHERE claims_fts MATCH ? LIMIT 1", ('"' + " ".join(terms) + '"',)
            ).fetchone()
        except self.search_errors:
            return False
        return row is not None

    def fts_term_count(self, term: str, cap: int) -> int:
        """How many claims match one term, counted up to cap (cost grows with min(count, cap) only)."""
        if self.dialect == "postgresql":
            words = tokens(term)
            return self._pg_count(_phrase(words), cap) if words else 0
        clean = "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in term).strip()
        if not clean:
            return 0
        try:
            row = self.db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM claims_fts WHERE claims_fts MATCH ? LIMIT ?)",
                ('"' + clean.replace('"', "") + '"', cap),
            ).fetchone()
        except self.search_errors:
            return 0
        return int(row[0])

    # -- PostgreSQL ---------------------------------------------------------------------------------
    def _pg_count(self, tsquery: str, cap: int) -> int:
        sql = "SELECT count(*) FROM (SELECT 1 FROM claims WHERE tsv @@ ?::tsquery LIMIT ?) AS m"
        return int(self.db.execute(sql, (tsquery, cap)).fetchone()[0])

    def _pg_search(self, query: str, limit: int) -> list[tuple[int, float]]:
        words = list(dict.fromkeys(tokens(query)))
        if not words:
            return []
        # N from the planner's estimate (exact counts cost a scan); each token's count capped.
        n = float(
            self.db.execute(
                "SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'claims'::regclass"
            ).fetchone()[0]
        )
        weights = []
        for w in words:
            df = self._pg_count(_quote(w), DF_CAP)
            if df:
                weights.append((w, max(1e-6, math.log((max(n, df) - df + 0.5) / (df + 0.5) + 1.0))))
        if not weights:
            return []
        score = " + ".join("? * ts_rank(tsv, ?::tsquery, 1)" for _ in weights)
        args: list[object] = [x for w, idf in weights for x in (idf, _quote(w))]
        rows = self.db.execute(
            f"SELECT id, {score} AS s FROM claims WHERE tsv @@ ?::tsquery ORDER BY s DESC, id LIMIT ?",
            [*args, " | ".join(_quote(w) for w, _ in weights), limit],
        ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]
