"""Finalize: status (stated / expected) and one Claim per (model, attribute, value[, name])."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from ..records import Attribute, Claim, Role, Status
from . import rules as R
from .document import MAX_EVIDENCE, Doc, Found
from .hardware import ROLE_RANK


def finalize(doc: Doc, found: list[Found]) -> list[Claim]:
    """One Claim per (model, attribute, value[, name]): the most specific role, stated over hedged."""
    text = doc.text
    best: dict[tuple[str, str, str, str], _Line] = {}
    order: list[tuple[str, str, str, str]] = []
    hedged: dict[tuple[int, int], bool] = {}
    for f in found:
        status = "stated"
        if f.attribute != "developer":
            sent = doc.sentence_of(f.start)
            # a hedge before the value or right after it ("..., is set to become"), not a later one
            window = (sent.start, min(sent.end, f.end + 30))
            if window not in hedged:
                hedged[window] = R.EXPECT_CUE.search(text, *window) is not None
            status = "expected" if f.expected or hedged[window] else "stated"
        for target in f.models:
            canonical = target if isinstance(target, str) else target.canonical
            family = _family_of(target) if isinstance(target, str) else (target.family or target.canonical)
            s, e = f.start, f.end
            if not isinstance(target, str):
                a, b = min(s, target.start), max(e, target.end)
                if b - a <= MAX_EVIDENCE and doc.sentence_of(a) is doc.sentence_of(b - 1):
                    s, e = a, b
            line_status = status
            if f.attribute != "developer" and (family in doc.prelaunch or canonical in doc.prelaunch):
                line_status = "expected"
            line = _Line(canonical, f, s, e, line_status)
            key = (canonical.lower(), f.attribute, _value_key(f.value), (f.name or "").lower())
            old = best.get(key)
            if old is None:
                best[key] = line
                order.append(key)
            elif _better(line, old):
                best[key] = line
    # one release given as a month and as a day of that month: the day only (GUIDELINES, convention 5)
    days = {(k[0], k[2][:7]) for k in order if k[1] == "release_date" and len(k[2]) == 10}
    order = [k for k in order if not (k[1] == "release_date" and len(k[2]) == 7 and (k[0], k[2]) in days)]
    # one phrase read as a chip family and as one of its generations ("Google's TPUv5e"): the generation only
    chips: dict[str, list[tuple[str, _Line]]] = {}
    for k in order:
        if k[1] == "hardware":
            chips.setdefault(k[0], []).append((k[2], best[k]))

    def generic_chip(k: tuple[str, str, str, str]) -> bool:
        line = best[k]
        return any(
            value.startswith(k[2] + " ") and other.start < line.end and line.start < other.end
            for value, other in chips[k[0]]
        )

    order = [k for k in order if k[1] != "hardware" or not generic_chip(k)]
    order = _one_window_per_model(_bare_brand_repeats(order))
    return [best[k].claim(text) for k in order]


def _bare_brand_repeats(order: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """A bare brand ("Gemini") given the same value as one of its named models: the named model only."""
    # (a maker stays: "Acme built Zephyr" and "Acme built Zephyr-9" are both statements annotators keep)
    bare = [
        k for k in order if k[1] != "developer" and "-" not in k[0] and not any(ch.isdigit() for ch in k[0])
    ]
    if not bare:
        return order
    models_by_value: dict[tuple[str, str, str], list[str]] = {}
    for k in order:
        models_by_value.setdefault((k[1], k[2], k[3]), []).append(k[0])
    drop = {k for k in bare if any(m.startswith(k[0] + "-") for m in models_by_value[(k[1], k[2], k[3])])}
    return [k for k in order if k not in drop]


def _one_window_per_model(order: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """A window given several times within 3% ("128K", "131,072") is one claim: the exact figure."""
    windows: dict[str, list[tuple[str, str, str, str]]] = {}
    for k in order:
        if k[1] == "context_window":
            windows.setdefault(k[0], []).append(k)
    drop: set[tuple[str, str, str, str]] = set()
    for keys in windows.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                va, vb = float(a[2]), float(b[2])
                if a in drop or b in drop or abs(va - vb) > 0.03 * max(va, vb):
                    continue
                # keep the figure that is not rounded to a thousand (131072 over 131000 / 128000)
                drop.add(b if (va % 1000 != 0 or vb % 1000 == 0) else a)
    return [k for k in order if k not in drop]


def _family_of(name: str) -> str:
    """The family of a name given as text ("Llama-5-70B" -> "Llama-5"): brand and the versions after it."""
    pieces = name.split("-")
    family = [pieces[0]]
    for piece in pieces[1:]:
        if not piece[:1].isdigit() and not (
            len(piece) > 1 and piece[0].isalpha() and piece[1:].replace(".", "").isdigit()
        ):
            break
        if piece[-1:] in "BbMm" and piece[:-1].replace(".", "").isdigit():
            break  # a size is not part of the family
        family.append(piece)
    return "-".join(family)


@dataclass
class _Line:
    """A candidate claim before validation (pydantic runs once per kept line, not per candidate)."""

    model: str
    found: Found
    start: int
    end: int
    status: str

    @property
    def role(self) -> str | None:
        return self.found.role if self.found.attribute == "hardware" else None

    def claim(self, text: str) -> Claim:
        f = self.found
        # model_construct: every field is built here from checked values (saves ~10 µs a claim)
        return Claim.model_construct(
            model=self.model,
            attribute=cast(Attribute, f.attribute),
            value=f.value,
            name=f.name,
            role=cast(Role, self.role),
            status=cast(Status, self.status),
            evidence=text[self.start : self.end],
            start=self.start,
            end=self.end,
        )


def _value_key(value: int | float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower()


def _better(new: _Line, old: _Line) -> bool:
    """Keep the most specific hardware role, then a stated line over an expected one."""
    if new.found.attribute == "hardware" and new.role != old.role:
        return ROLE_RANK.get(new.role or "", 0) > ROLE_RANK.get(old.role or "", 0)
    if new.status != old.status:
        return new.status == "stated"
    return False
