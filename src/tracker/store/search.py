"""Lexical search over claims: FTS5 (BM25) on SQLite."""

from __future__ import annotations

from .base import StoreBase


class SearchMixin(StoreBase):
    """Lexical search over claims queries of the store."""

    def fts_search(self, query: str, limit: int = 50) -> list[tuple[int, float]]:
        """BM25 over claim model / attribute / name / evidence: [(claim id, score)], best first."""
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
