"""What the tracker knows about each attribute, in one place: one `Spec` per attribute.

Every layer reads these specs instead of keeping its own table: the records (`records.Claim` accepts
exactly these names), reconciliation (`facts`: multi-valued, agreement rule and tolerance), the one value
formatter (`units`: the unit), the fact sheet and digest (order, labels), and `ask` (the words that ask
about an attribute, family-wide answers, comparatives). Adding an attribute is one entry in `SPECS` plus
its extraction rules (docs/adding-an-attribute.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

Unit = str  # "count" (1.6T), "tokens" (128K), "usd" ($0.14), "date", "text", "score" (81, 44.4)
Agreement = str  # "number", "date" (granularity), "developer", "license", "chip" (see facts.values_agree)


@dataclass(frozen=True)
class Spec:
    """One attribute: how it is named, shown, compared and asked about."""

    name: str
    label: str  # the digest's and fact sheet's label: "total parameters"
    words: str  # how an answer or a note names it: "parameters"
    phrase: Callable[[str, str], str]  # (value in human units, benchmark name) -> "284B parameters"
    unit: Unit = "text"
    multi_valued: bool = False  # several values can all be true (chips, co-developers): never a conflict
    family_wide: bool = False  # a family's value answers for its members (a release date, a license)
    agreement: Agreement = "number"
    tolerance: float = 0.01  # relative for numbers; absolute (score points) for "score" units
    sheet: int = 99  # position on a model's fact sheet (summary, ask's lists)
    fact_line: int | None = None  # position in the digest's one-line facts of a model; None: not there
    comparatives: tuple[str, str] | None = None  # (more, less): "bigger" / "smaller"
    cue: str | None = None  # a regex (case-insensitive) that asks about this attribute in a question
    cue_rank: int = 99  # cues are tried in this order; the first that matches wins
    kit: bool = True  # annotated by the eval kit; scripts/eval.py leaves the others out of the kit's scoring


def _license(v: str, name: str) -> str:
    return v if "licen" in v.lower() else f"{v} license"


_SPECS = (
    Spec(
        "parameters_total",
        label="total parameters",
        words="parameters",
        phrase=lambda v, n: f"{v} parameters",
        unit="count",
        sheet=2,
        fact_line=1,
        comparatives=("bigger", "smaller"),
        cue=r"\bparam(?:eter)?s?\b|\bhow (?:big|large)\b|\bsize\b|\bparameter count\b|\bweights? count\b|"
        r"\b(?:largest|biggest|smallest|bigger|larger|smaller)\b",
        cue_rank=5,
    ),
    Spec(
        "parameters_active",
        label="active parameters",
        words="active parameters",
        phrase=lambda v, n: f"{v} active parameters",
        unit="count",
        sheet=3,
        fact_line=2,
        comparatives=("bigger", "smaller"),
        cue=r"\bactive\b|\bactivated?\b|\bactivating\b|\bper token\b",
        cue_rank=4,
    ),
    Spec(
        "context_window",
        label="context window",
        words="context window",
        phrase=lambda v, n: f"{v} tokens of context",
        unit="tokens",
        family_wide=True,
        tolerance=0.03,  # 128K is written 128000 or 131072
        sheet=4,
        fact_line=3,
        comparatives=("longer", "shorter"),
        cue=r"\bcontext\b|\bwindow\b|\bcontext[- ]length\b|\bhow many tokens\b|\btokens? long\b|"
        r"\bhow long a (?:prompt|input|context)\b|\bsequence length\b",
        cue_rank=0,
    ),
    Spec(
        "price_input",
        label="input price",
        words="input price",
        phrase=lambda v, n: f"{v} per 1M input tokens",
        unit="usd",
        sheet=5,
        fact_line=4,
        comparatives=("more expensive", "cheaper"),
        cue=r"\b(?:price|prices|pricing|priced|cost|costs|charge|charges|pay|cheap|cheaper|cheapest|"
        r"expensive|dollars?|affordable|how much is)\b|"
        r"\$|\bper (?:million|1m|1k|thousand)\b",
        cue_rank=2,
    ),
    Spec(
        "price_output",
        label="output price",
        words="output price",
        phrase=lambda v, n: f"{v} per 1M output tokens",
        unit="usd",
        sheet=6,
        fact_line=5,
        comparatives=("more expensive", "cheaper"),
        cue=r"\boutput\b.*\b(?:price|cost|charge|pay|\$|per million|per 1m|per m\b)|"
        r"\b(?:price|cost|costs|charge|charges|pay|pricing|priced|how much)\b.*\boutput\b|"
        r"\boutput[- ]token price|\bper output token",
        cue_rank=1,
    ),
    Spec(
        "release_date",
        label="release date",
        words="release date",
        phrase=lambda v, n: f"released {v}",
        unit="date",
        family_wide=True,
        agreement="date",
        sheet=1,
        fact_line=7,
        comparatives=("newer", "older"),
        cue=r"\bwhen\b|\breleased?\b|\blaunch(?:ed|es)?\b|\bdate\b|\bcame out\b|\bcome out\b|\bannounced\b|"
        r"\bdebut(?:ed)?\b|\bship(?:ped)?\b|\bavailable\b|\bnewest\b|\blatest\b|\boldest\b",
        cue_rank=8,
    ),
    Spec(
        "hardware",
        label="hardware",
        words="hardware",
        phrase=lambda v, n: v,
        multi_valued=True,
        family_wide=True,
        agreement="chip",
        sheet=8,
        fact_line=6,
        cue=r"\bchips?\b|\bhardware\b|\bgpus?\b|\btpus?\b|\baccelerators?\b|\bprocessors?\b|\bsilicon\b|"
        r"\btrained on\b|\btrain(?:ed)? .* on\b|\bruns? on\b|\binfrastructure\b|\bnpus?\b",
        cue_rank=3,
    ),
    Spec(
        "license",
        label="license",
        words="license",
        phrase=_license,
        family_wide=True,
        agreement="license",
        sheet=7,
        fact_line=8,
        cue=r"\blicen[cs]e[ds]?\b|\bopen[- ]source\b|\bopen[- ]weights?\b|\bterms of use\b|\bapache\b|"
        r"\bgpl\b|\bcc[- ]by\b|\bunder (?:which|what)\b",
        cue_rank=6,
    ),
    Spec(
        "benchmark",
        label="benchmark",
        words="benchmark scores",
        phrase=lambda v, n: f"{v} on {n or 'benchmark'}",
        unit="score",
        tolerance=0.5,  # absolute, in score points
        sheet=9,
        comparatives=("higher", "lower"),
        cue=r"\bscored?\b|\bscores\b|\bbenchmarks?\b|\bpass rate\b|\baccuracy\b|\bpass@1\b|"
        r"\bresult on\b|\belo\b|\b(?:do|did|does|perform|performs|performed|get|got|reach|reached|"
        r"achieve|achieved|fare|fared) (?:on|in)\b",
        cue_rank=9,
    ),
    Spec(
        "developer",
        label="developer",
        words="developer",
        phrase=lambda v, n: f"developed by {v}",
        multi_valued=True,
        family_wide=True,
        agreement="developer",
        sheet=0,
        fact_line=0,
        cue=r"\bwho (?:built|made|makes|develop(?:ed|s)?|created|trained|released|is behind)\b|"
        r"\bdevelop(?:er|ed)\b|\bmade by\b|\bbuilt by\b|\bcreated by\b|"
        r"\bwhich (?:company|lab|organi[sz]ation)\b|\bwhose\b",
        cue_rank=7,
    ),
    Spec(
        "training_tokens",
        label="training tokens",
        words="training tokens",
        phrase=lambda v, n: f"trained on {v} tokens",
        unit="count",
        sheet=10,
        comparatives=("more", "fewer"),
        cue=r"\b(?:how many|how much) (?:tokens|data)\b.*\btrain|\btrain(?:ed|ing)? on (?:how many|how much)|"
        r"\btraining (?:tokens|data|set|corpus)\b|\btokens? of (?:training )?data\b|\bpre-?train(?:ed|ing) "
        r"(?:tokens|on \d)",
        cue_rank=-1,  # before context_window's "how many tokens"
        kit=False,  # the kit's gold has no training tokens: scored on our own gold only
    ),
)

SPECS: dict[str, Spec] = {s.name: s for s in _SPECS}
ATTRIBUTES: tuple[str, ...] = tuple(SPECS)
SHEET_ORDER: tuple[str, ...] = tuple(sorted(SPECS, key=lambda a: SPECS[a].sheet))
FACT_LINE: tuple[str, ...] = tuple(
    sorted((a for a in SPECS if SPECS[a].fact_line is not None), key=lambda a: SPECS[a].fact_line or 0)
)
MULTI_VALUED = frozenset(a for a, s in SPECS.items() if s.multi_valued)
FAMILY_WIDE = frozenset(a for a, s in SPECS.items() if s.family_wide)


_SHEET_RANK = {a: i for i, a in enumerate(SHEET_ORDER)}


def sheet_rank(attribute: str) -> int:
    """Where an attribute stands on a fact sheet, 0 first (unknown ones after all: len(SHEET_ORDER))."""
    return _SHEET_RANK.get(attribute, len(SHEET_ORDER))


def words(attribute: str) -> str:
    """How answers and notes name an attribute: 'parameters', 'context window'."""
    s = SPECS.get(attribute)
    return s.words if s else attribute.replace("_", " ")


def label(attribute: str) -> str:
    """The digest's and fact sheet's label: 'total parameters'."""
    s = SPECS.get(attribute)
    return s.label if s else attribute.replace("_", " ")


def comparative(attribute: str, order: str) -> str:
    """'cheaper' for ('price_input', 'min'), 'bigger' for ('parameters_total', 'max'); else 'ahead'."""
    s = SPECS.get(attribute)
    if s is None or s.comparatives is None or order not in ("max", "min"):
        return "ahead"
    return s.comparatives[0] if order == "max" else s.comparatives[1]


def _known(value: str) -> str:
    if value not in SPECS:
        raise ValueError(f"unknown attribute {value!r}; one of: {', '.join(ATTRIBUTES)}")
    return value


# The type of a record's attribute field: a name of SPECS, checked when the record is validated.
Attribute = Annotated[str, AfterValidator(_known)]
