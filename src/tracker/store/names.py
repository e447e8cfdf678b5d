"""Model names: canonical models and their aliases (the lookups question understanding makes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .base import StoreBase


def alias_key(name: str) -> str:
    """How aliases are compared: lower-case alphanumerics only."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


class NamesMixin(StoreBase):
    """Model names queries of the store."""

    def add_alias(self, alias: str, model: str) -> None:
        self._insert_alias(self.db, alias, model, None)

    @staticmethod
    def _insert_alias(db: Any, alias: str, model: str, first_seen: str | None) -> None:
        key = alias_key(alias)
        if not key:
            return
        db.execute(
            "INSERT INTO models (name, first_seen) VALUES (?, ?) ON CONFLICT DO NOTHING", (model, first_seen)
        )
        db.execute(
            "INSERT INTO aliases (alias, model, surface) VALUES (?, ?, ?) ON CONFLICT (alias) DO "
            "UPDATE SET surface = coalesce(aliases.surface, excluded.surface) "
            "WHERE aliases.model = excluded.model",
            (key, model, alias),
        )

    def resolve_alias(self, name: str) -> str | None:
        row = self.db.execute("SELECT model FROM aliases WHERE alias = ?", (alias_key(name),)).fetchone()
        return row[0] if row else None

    def models(self) -> list[dict[str, Any]]:
        """Canonical models with developer, first report and aliases."""
        out = []
        for r in self.db.execute("SELECT name, developer, first_seen FROM models ORDER BY name"):
            aliases = [
                a[0]
                for a in self.db.execute(
                    "SELECT DISTINCT coalesce(surface, alias) AS a FROM aliases WHERE model = ? ORDER BY a",
                    (r["name"],),
                )
            ]
            out.append(
                {
                    "name": r["name"],
                    "developer": r["developer"],
                    "first_seen": r["first_seen"],
                    "aliases": aliases,
                }
            )
        return out

    def model_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM models ORDER BY name")]

    def aliases_for(self, keys: Iterable[str]) -> dict[str, str]:
        """Alias key -> model for those of these keys that exist (primary-key lookups, cheap at any size)."""
        keys = list(dict.fromkeys(keys))
        out: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = self.db.execute(
                f"SELECT alias, model FROM aliases WHERE alias IN ({','.join('?' * len(chunk))})", chunk
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    def aliases_with_prefix(self, prefix: str, limit: int = 200) -> list[tuple[str, str]]:
        """(alias key, model) whose key starts with prefix (a range scan of the alias primary key)."""
        if not prefix:
            return []
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self.db.execute(
            "SELECT alias, model FROM aliases WHERE alias >= ? AND alias < ? LIMIT ?", (prefix, upper, limit)
        )
        return [(r[0], r[1]) for r in rows]

    def model_info(self, name: str) -> dict[str, Any] | None:
        """One canonical model with developer, first report and aliases (for `tracker summary`)."""
        sql = "SELECT name, developer, first_seen FROM models WHERE name = ?"
        row = self.db.execute(sql, (name,)).fetchone()
        if row is None:
            return None
        aliases = [
            a[0]
            for a in self.db.execute(
                "SELECT DISTINCT coalesce(surface, alias) AS a FROM aliases WHERE model = ? ORDER BY a",
                (name,),
            )
        ]
        return {
            "name": row["name"],
            "developer": row["developer"],
            "first_seen": row["first_seen"],
            "aliases": aliases,
        }

    def models_with_alias_containing(self, key: str, limit: int = 50) -> list[str]:
        """Models with an alias key that contains this key ("haiku45" -> Claude-Haiku-4.5); one pass in C."""
        if not key:
            return []
        pattern = "%" + key.replace("%", "").replace("_", "") + "%"
        sql = "SELECT DISTINCT model FROM aliases WHERE alias LIKE ? LIMIT ?"
        rows = self.db.execute(sql, (pattern, limit))
        return [r[0] for r in rows]
