"""`tracker db copy`: every row of one store into another, SQLite -> PostgreSQL or back.

Ids are kept (claim ids key the FAISS index, and store_uuid is copied with the meta table), so a host's
index stays valid for the copy. The target must be empty of articles; the whole copy is one transaction
on it, so a failed copy leaves it as it was.
"""

from __future__ import annotations

from typing import Any

from ..errors import StoreError
from .base import StoreBase
from .search import tsvector

# parents before children (foreign keys); migrations are the target's own
TABLES = ("meta", "feeds", "articles", "claims", "models", "aliases", "runs", "skipped", "vectors")
IDENTITY = ("articles", "claims", "runs")  # PostgreSQL identity columns to move past the copied ids
BATCH = 2000


def copy_rows(source: StoreBase, target: StoreBase) -> dict[str, int]:
    """Copy every table's rows; return how many rows each table received."""
    if target.readonly:
        raise StoreError(f"{target.location}: read-only")
    if target.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None:
        raise StoreError(f"{target.location}: already holds articles; copy only into an empty store")
    counts: dict[str, int] = {}
    with target.transaction() as db:
        for table in ("meta", "feeds", "models", "aliases", "runs", "skipped", "vectors"):
            db.execute(f"DELETE FROM {table}")  # an empty store may still have a meta row or feed states
        for table in TABLES:
            counts[table] = _copy_table(source, target, db, table)
        if target.dialect == "postgresql":
            for table in IDENTITY:
                db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
    return counts


def _copy_table(source: StoreBase, target: StoreBase, db: Any, table: str) -> int:
    cur = source.db.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cur.description if d[0] != "tsv"]
    extra = ["tsv"] if table == "claims" and target.dialect == "postgresql" else []
    names = ", ".join(f'"{c}"' for c in columns + extra)
    marks = ", ".join(["?"] * len(columns) + (["?::tsvector"] if extra else []))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    n = 0
    while rows := cur.fetchmany(BATCH):
        batch = []
        for row in rows:
            values = [row[c] for c in columns]
            if table == "vectors":
                values[columns.index("vector")] = bytes(row["vector"])
            if extra:
                values.append(tsvector(row["model"], row["attribute"], row["name"], row["evidence"]))
            batch.append(values)
        db.executemany(sql, batch)
        n += len(batch)
    return n
