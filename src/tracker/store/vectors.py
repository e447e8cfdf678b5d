"""Claim vectors: each embedding stored once per (hash of the embedded text, model), so the FAISS index of
any host can be rebuilt or brought up to date from the database without running the embedding model.

Vectors cross this module as raw float32 bytes (numpy stays out of the store).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from .base import StoreBase
from .claims import embedding_text


def text_hash(text: str) -> str:
    """The key of an embedded text (with the model id it makes the key of its vector)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorsMixin(StoreBase):
    """Stored claim vectors."""

    def put_vectors(self, model: str, dim: int, items: Iterable[tuple[str, bytes]]) -> int:
        """Store (text hash, float32 bytes) vectors of one model, keeping any already stored; return how many
        rows were offered."""
        rows = [(h, model, dim, blob) for h, blob in items]
        if not rows:
            return 0
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO vectors (text_hash, model, dim, vector) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (text_hash, model) DO NOTHING",
                rows,
            )
        return len(rows)

    def stored_vectors(self, model: str, dim: int, *, after_id: int = 0) -> tuple[list[int], list[bytes]]:
        """(claim ids, their vectors) for the claims with id > after_id that have a stored vector of this
        model, in id order (one join; claims sharing a text share its one vector)."""
        rows = self.db.execute(
            "SELECT c.id, v.vector FROM claims c JOIN vectors v ON v.text_hash = c.text_hash AND v.model = ? "
            "WHERE c.id > ? AND v.dim = ? ORDER BY c.id",
            (model, after_id, dim),
        )
        ids: list[int] = []
        blobs: list[bytes] = []
        for r in rows:
            ids.append(int(r[0]))
            blobs.append(bytes(r[1]))
        return ids, blobs

    def claims_without_vectors(self, model: str, *, after_id: int = 0) -> list[tuple[int, str, str]]:
        """(claim id, text hash, text to embed) of claims with id > after_id and no vector of this model."""
        rows = self.db.execute(
            "SELECT c.id, c.model, c.attribute, c.name, c.evidence FROM claims c "
            "LEFT JOIN vectors v ON v.text_hash = c.text_hash AND v.model = ? "
            "WHERE c.id > ? AND v.text_hash IS NULL ORDER BY c.id",
            (model, after_id),
        )
        out = []
        for r in rows:
            text = embedding_text(r[1], r[2], r[3], r[4])
            out.append((int(r[0]), text_hash(text), text))
        return out

    def has_vectors(self, model: str) -> bool:
        row = self.db.execute("SELECT 1 FROM vectors WHERE model = ? LIMIT 1", (model,)).fetchone()
        return row is not None

    def vector_count(self, model: str | None = None) -> int:
        """How many vectors are stored (of one model, or of all)."""
        if model is None:
            return int(self.db.execute("SELECT count(*) FROM vectors").fetchone()[0])
        return int(self.db.execute("SELECT count(*) FROM vectors WHERE model = ?", (model,)).fetchone()[0])

    def fill_text_hashes(self) -> int:
        """Give claims stored before vectors were kept their text hash (run once, on upgrade)."""
        rows = self.db.execute(
            "SELECT id, model, attribute, name, evidence FROM claims WHERE text_hash IS NULL"
        ).fetchall()
        if not rows:
            return 0
        with self.transaction() as db:
            db.executemany(
                "UPDATE claims SET text_hash = ? WHERE id = ?",
                [(text_hash(embedding_text(r[1], r[2], r[3], r[4])), int(r[0])) for r in rows],
            )
        return len(rows)
