"""The SSB indicator library shipped in the seed (``data/seed/ssb_library.csv``).

Each entry is one municipal indicator of the national selection (KS/SSB "De norske
målepunktene" and the KS catalogue's other SSB-based schemes) that SSB publishes per
municipality: its SDG targets, the SSB table, the region dimension and the fixed
selection of the table's other dimensions (``ContentsCode=KOSandel120000``, several
joined by ``;``), unit, decimals, required direction, merger rule (``sum``,
``weighted`` with its denominator indicator, ``none``), short bokmål and English
descriptions, the KS catalogue entry it implements, and the evidence for the table and
codes:

``response``  the code was seen in a real SSB JSON-stat response in the reference data;
``export``    the code was seen in a real Statbank export (KOSTRA's internal code);
``query``     the code was seen in a working public query of that table;
``thin``      only the table is evidenced (the KS catalogue's source link): the
              statistic is given as ``ContentsCode=~label`` and chosen by its label from
              the table's metadata when pulled; when no single statistic matches, the
              pull lists the entry as not pulled with the codes the table has.

``region_codelist`` (e.g. ``agg_KommSummer``) names SSB's codelist that sums merged
municipalities onto today's borders; it is allowed for ``sum`` indicators only, since
rates must come from numerators and denominators (the ``weighted`` rule), never from
summing or averaging rates.

A municipality follows a subset of the library: by default the entries tied to its
focus goals (:func:`default_followed`); its own choices are kept in the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sdg.errors import NotFound

LIBRARY_FILE = Path(__file__).resolve().parents[1] / "data" / "seed" / "ssb_library.csv"
EVIDENCE = ("response", "export", "query", "thin")
RULES = ("sum", "weighted", "none")
TABLE_ID = re.compile(r"^\d{5}$")
DIMENSION = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
LABEL_PREFIX = "~"


@dataclass(frozen=True)
class Entry:
    """One library indicator (see the module docstring for the fields)."""

    id: str
    name_nb: str
    name_en: str
    unit_nb: str
    unit_en: str
    direction: int
    aggregation: str
    denominator: str | None
    decimals: int
    targets: tuple[str, ...]
    table: str
    region: str
    selection: tuple[tuple[str, str], ...]
    region_codelist: str | None
    ks_id: str
    evidence: str
    evidence_source: str
    description_nb: str
    description_en: str

    @property
    def goals(self) -> tuple[int, ...]:
        """The SDGs of the targets.

        >>> load()["barn_lavinntekt"].goals
        (1, 10)
        """
        return tuple(sorted({int(t.split(".")[0]) for t in self.targets}))

    @property
    def contents(self) -> str:
        """The ContentsCode (or ``~label`` of a thin entry)."""
        return dict(self.selection).get("ContentsCode", "")

    @property
    def is_thin(self) -> bool:
        return self.evidence == "thin"

    def fixed(self) -> dict[str, str]:
        """The selection of the dimensions other than ContentsCode."""
        return {d: c for d, c in self.selection if d != "ContentsCode"}

    def rule_text(self) -> str:
        """``sum``, ``none`` or ``weighted(denominator)``.

        >>> load()["belegg_institusjon"].rule_text()
        'weighted(institusjonsplasser)'
        """
        return f"weighted({self.denominator})" if self.aggregation == "weighted" else \
            self.aggregation


def parse_selection(text: str) -> tuple[tuple[str, str], ...]:
    """``"Alder=15-74;ContentsCode=X"`` → ``(("Alder", "15-74"), ("ContentsCode", "X"))``.

    >>> parse_selection("Alder=15-74; ContentsCode=~Sysselsatte i prosent")
    (('Alder', '15-74'), ('ContentsCode', '~Sysselsatte i prosent'))
    """
    out = []
    for part in (p.strip() for p in text.split(";")):
        if part:
            dim, _, code = part.partition("=")
            out.append((dim.strip(), code.strip()))
    return tuple(out)


def _entry(row: dict) -> Entry:
    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None or value != value else str(value)

    return Entry(
        id=text("id"), name_nb=text("name_nb"), name_en=text("name_en"),
        unit_nb=text("unit_nb"), unit_en=text("unit_en"), direction=int(row["direction"]),
        aggregation=text("aggregation"), denominator=text("denominator") or None,
        decimals=int(row["decimals"]),
        targets=tuple(t for t in text("targets").split("|") if t), table=text("table"),
        region=text("region"), selection=parse_selection(text("selection")),
        region_codelist=text("region_codelist") or None, ks_id=text("ks_id"),
        evidence=text("evidence"), evidence_source=text("evidence_source"),
        description_nb=text("description_nb"), description_en=text("description_en"),
    )  # fmt: skip


def load(path: Path = LIBRARY_FILE) -> dict[str, Entry]:
    """The library, id → :class:`Entry`, in file order.

    >>> lib = load()
    >>> len(lib) >= 40, lib["barnehage_1_2"].table, lib["barnehage_1_2"].contents
    (True, '13502', 'KOSandel120000')
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {row["id"]: _entry(row) for row in frame.to_dict("records")}


def problems(entries: dict[str, Entry], targets: set[str] | None = None,
             ks_ids: set[str] | None = None) -> list[str]:
    """Every defect of the library (empty when it is well-formed).

    Table ids are five digits, no two entries share table and selection, dimensions
    and codes well-formed, ContentsCode given
    (a ``~label`` only for thin entries), the rule one of :data:`RULES`, a weighted
    entry's denominator another library entry, a codelist only on ``sum``, targets in
    the catalogue and the KS entry in the KS catalogue (when those sets are given).

    >>> problems(load())
    []
    """
    out = []
    seen: dict[tuple, str] = {}
    for e in entries.values():
        where = f"{e.id}:"
        key = (e.table, e.region, tuple(sorted(e.selection)))
        if key in seen:
            out.append(f"{where} the same table and selection as {seen[key]}")
        seen.setdefault(key, e.id)
        if not TABLE_ID.match(e.table):
            out.append(f"{where} table id {e.table!r}")
        if not DIMENSION.match(e.region):
            out.append(f"{where} region dimension {e.region!r}")
        dims = [d for d, _ in e.selection]
        if "ContentsCode" not in dims or len(set(dims)) != len(dims) or e.region in dims:
            out.append(f"{where} selection {e.selection!r}")
        for dim, code in e.selection:
            label = code.startswith(LABEL_PREFIX)
            if not DIMENSION.match(dim) or not (label and len(code) > 2 or CODE.match(code)):
                out.append(f"{where} {dim}={code!r}")
            if label and (not e.is_thin or dim != "ContentsCode"):
                out.append(f"{where} a label selection needs evidence 'thin' ({dim})")
        if e.evidence not in EVIDENCE or not e.evidence_source:
            out.append(f"{where} evidence {e.evidence!r}")
        if e.aggregation not in RULES:
            out.append(f"{where} rule {e.aggregation!r}")
        if e.aggregation == "weighted" and e.denominator not in entries:
            out.append(f"{where} denominator {e.denominator!r} not in the library")
        if e.aggregation != "weighted" and e.denominator:
            out.append(f"{where} denominator without the weighted rule")
        if e.region_codelist and e.aggregation != "sum":
            out.append(f"{where} a summing codelist on a non-sum indicator")
        if e.direction not in (-1, 0, 1) or not 0 <= e.decimals <= 4:
            out.append(f"{where} direction/decimals")
        if not (e.name_nb and e.name_en and e.description_nb and e.description_en
                and e.unit_nb and e.unit_en):
            out.append(f"{where} names, units and descriptions in nb and en")
        if not e.targets or (targets is not None and not set(e.targets) <= targets):
            out.append(f"{where} targets {e.targets!r}")
        if ks_ids is not None and e.ks_id not in ks_ids:
            out.append(f"{where} KS entry {e.ks_id!r}")
    return out


def goals_without(entries: dict[str, Entry]) -> list[int]:
    """The SDGs no library entry measures.

    >>> goals_without(load())
    [2, 9, 13]
    """
    covered = {g for e in entries.values() for g in e.goals}
    return [g for g in range(1, 18) if g not in covered]


def default_followed(entries: dict[str, Entry], focus_goals: list[int]) -> list[str]:
    """The entries tied to any of the focus goals (the default a municipality follows).

    >>> ids = default_followed(load(), [4])
    >>> "barnehage_1_2" in ids, "fodte" in ids
    (True, False)
    """
    focus = set(focus_goals)
    return [e.id for e in entries.values() if focus & set(e.goals)]


def with_denominators(entries: dict[str, Entry], ids: list[str]) -> list[str]:
    """``ids`` plus the denominators they are weighted by (recursively), in library order.

    >>> with_denominators(load(), ["belegg_institusjon"])
    ['institusjonsplasser', 'belegg_institusjon']
    """
    wanted: set[str] = set()
    todo = list(ids)
    while todo:
        ident = todo.pop()
        if ident not in entries:
            raise NotFound("ssb.err.unknown_indicator", indicator=ident)
        if ident in wanted:
            continue
        wanted.add(ident)
        if entries[ident].denominator:
            todo.append(entries[ident].denominator)
    return [i for i in entries if i in wanted]


def frame(entries: dict[str, Entry], lang: str = "nb") -> pd.DataFrame:
    """The library as a table: id, name, table, goals, targets, rule, evidence, KS entry."""
    rows = [{"id": e.id, "name": e.name_nb if lang == "nb" else e.name_en, "table": e.table,
             "goals": ", ".join(map(str, e.goals)), "targets": ", ".join(e.targets),
             "rule": e.rule_text(), "evidence": e.evidence, "ks_id": e.ks_id}
            for e in entries.values()]
    return pd.DataFrame(rows, columns=["id", "name", "table", "goals", "targets", "rule",
                                       "evidence", "ks_id"])


def list_lines(entries: dict[str, Entry]) -> list[str]:
    """One line per entry for ``python -m sdg pull --list``.

    >>> list_lines(load())[1]
    'barnehage_1_2 | 13502 | 4 (4.2) | weighted(befolkning) | export'
    """
    return [f"{e.id} | {e.table} | {', '.join(map(str, e.goals))} ({', '.join(e.targets)})"
            f" | {e.rule_text()} | {e.evidence}" for e in entries.values()]
