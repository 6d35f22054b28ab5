"""Universell utforming: WCAG 2.1 contrast, and the record of the last axe-core run.

The browser tests (``tests/test_browser_a11y.py``) scan every page each role reaches, in
every language and at two widths, with axe-core's WCAG 2.1 A/AA rules and write what
they found to :data:`LAST_RUN`; the accessibility statement (``pages/tilgjengelighet.py``)
is assembled from that file by :func:`statement_facts`, so the date of the last check and
what failed come from a real run, not from hand-written text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

#: axe-core rule tags that make up WCAG 2.1 level A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Where the browser tests record the last run (committed with the code it checked).
LAST_RUN = Path(__file__).resolve().parents[1] / "docs" / "accessibility" / "axe-last-run.json"

WHITE = "#FFFFFF"
BLACK = "#000000"


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour ``#RRGGBB`` (WCAG 2.1, definition
    "relative luminance"):

    L = 0.2126 R + 0.7152 G + 0.0722 B, where each channel c = C/255 is linearised as
    c/12.92 if c ≤ 0.04045, else ((c + 0.055)/1.055)^2.4.

    >>> relative_luminance("#FFFFFF"), relative_luminance("#000000")
    (1.0, 0.0)
    >>> round(relative_luminance("#808080"), 4)
    0.2159
    """
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """Contrast ratio (L1 + 0.05) / (L2 + 0.05) of two colours, L1 the lighter (WCAG 2.1,
    definition "contrast ratio"; AA needs 4.5 for normal text, 3 for large text).

    >>> contrast_ratio("#FFFFFF", "#000000")
    21.0
    >>> round(contrast_ratio("#737A81", "#F2F4F7"), 2)  # Streamlit's faded caption
    3.95
    >>> round(contrast_ratio("#FFFFFF", "#FCC30B"), 2)  # white on SDG 7's yellow
    1.62
    """
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_colour_on(background: str, minimum: float = 4.5) -> str:
    """The text colour for a tile of ``background``: white where white reaches
    ``minimum`` (the UN's own style), else black (which every SDG colour that fails
    with white passes with).

    >>> text_colour_on("#C5192D"), text_colour_on("#FCC30B"), text_colour_on("#26BDE2")
    ('#FFFFFF', '#000000', '#000000')
    """
    if contrast_ratio(WHITE, background) >= minimum:
        return WHITE
    if contrast_ratio(BLACK, background) >= minimum:
        return BLACK
    raise ValueError(f"neither white nor black text reaches {minimum}:1 on {background}")


# ------------------------------------------------------------------ the record of a run
@dataclass(frozen=True)
class Violation:
    """One failed axe rule on one scanned page: the rule, its help text and the
    elements (CSS selector and an excerpt of the HTML)."""

    rule: str
    impact: str
    help: str
    elements: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Scan:
    """One axe-core scan: which page, as which role, in which language and width."""

    role: str
    page: str
    lang: str
    width: int
    violations: list[Violation] = field(default_factory=list)

    @classmethod
    def from_axe(cls, response: dict, **where) -> Scan:
        """From the object ``axe.run`` resolves to (its ``violations`` list).

        >>> s = Scan.from_axe({"violations": [{"id": "color-contrast", "impact": "serious",
        ...     "help": "Contrast", "nodes": [{"target": ["p"], "html": "<p>x</p>"}]}]},
        ...     role="viewer", page="mal", lang="nb", width=1400)
        >>> s.violations[0].rule, s.violations[0].elements
        ('color-contrast', [('p', '<p>x</p>')])
        """
        violations = [
            Violation(v["id"], v.get("impact") or "", v.get("help", ""),
                      [(" ".join(map(str, n.get("target", []))), n.get("html", "")[:300])
                       for n in v.get("nodes", [])])
            for v in response.get("violations", [])
        ]
        return cls(violations=violations, **where)

    @property
    def where(self) -> str:
        return f"{self.page} ({self.role}, {self.lang}, {self.width} px)"


def report(scans: list[Scan], max_elements: int = 5) -> str:
    """A readable list of the violations: rule, page, elements.

    >>> s = Scan("viewer", "mal", "nb", 390, [Violation("svg-img-alt", "serious",
    ...          "SVG needs a name", [("g.mark", "<g></g>")])])
    >>> print(report([s]))
    svg-img-alt (serious) on mal (viewer, nb, 390 px): SVG needs a name
        g.mark  <g></g>
    """
    lines = []
    for s in scans:
        for v in s.violations:
            lines.append(f"{v.rule} ({v.impact}) on {s.where}: {v.help}")
            lines += [f"    {sel}  {html}" for sel, html in v.elements[:max_elements]]
            if len(v.elements) > max_elements:
                lines.append(f"    … and {len(v.elements) - max_elements} more")
    return "\n".join(lines)


def record_run(scans: list[Scan], *, axe_version: str, path: Path = LAST_RUN,
               when: datetime | None = None) -> Path:
    """Write a run's scans to ``path`` (JSON) for the accessibility statement."""
    when = when or datetime.now(UTC)
    data = {"checked_at": when.isoformat(timespec="seconds"), "axe_version": axe_version,
            "tags": list(AXE_TAGS), "scans": [asdict(s) for s in scans]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_run(path: Path = LAST_RUN) -> dict | None:
    """The last recorded run, or None where no run has been recorded."""
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def statement_facts(run: dict | None) -> dict | None:
    """What the statement says about the last check: when, with which axe-core, how many
    scans of how many pages, roles, languages and widths, and each failed rule with the
    pages it failed on.

    >>> run = {"checked_at": "2026-12-01T21:00:00+00:00", "axe_version": "4.12.1",
    ...        "scans": [{"role": "viewer", "page": "mal", "lang": "nb", "width": 390,
    ...                   "violations": [{"rule": "color-contrast", "impact": "serious",
    ...                                   "help": "Contrast", "elements": [["p", "<p>"]]}]},
    ...                  {"role": "admin", "page": "admin", "lang": "en", "width": 1400,
    ...                   "violations": []}]}
    >>> f = statement_facts(run)
    >>> f["date"], f["scans"], f["pages"], f["roles"], f["langs"], f["widths"]
    (datetime.date(2026, 12, 1), 2, 2, 2, 2, [390, 1400])
    >>> f["failed"]
    {'color-contrast': ['mal']}
    """
    if not run or not run.get("scans"):
        return None
    scans = run["scans"]
    failed: dict[str, set[str]] = {}
    for s in scans:
        for v in s["violations"]:
            failed.setdefault(v["rule"], set()).add(s["page"])
    return {
        "date": datetime.fromisoformat(run["checked_at"]).date(),
        "axe_version": run.get("axe_version", ""),
        "scans": len(scans),
        # "delta (code)" is the Delta page in another state, not another page
        "pages": len({s["page"].split(" (")[0] for s in scans}),
        "roles": len({s["role"] for s in scans}),
        "langs": len({s["lang"] for s in scans}),
        "widths": sorted({s["width"] for s in scans}),
        "failed": {rule: sorted(pages) for rule, pages in sorted(failed.items())},
    }


# ------------------------------------------------------------ the statement's content
#: What is known not to conform, as (WCAG 2.1 success criterion, text key). The texts
#: (sdg/texts/a11y.toml, a11y.gap.*) say what, why and what the app does instead.
KNOWN_GAPS = (
    ("3.1.2", "a11y.gap.streamlit_texts"),
    ("1.3.1, 4.1.2", "a11y.gap.tables"),
    ("3.1.1", "a11y.gap.lang_at_load"),
    (None, "a11y.gap.manual"),
)

#: Streamlit 1.67's built-in English texts the app cannot translate, and where they
#: appear (the statement lists them; the app puts its own instruction beside them).
UNTRANSLATABLE = (
    ("Skip to main content", "a11y.where.skip"),
    ("Drag and drop file here · 50MB per file · Upload", "a11y.where.upload"),
    ("No results", "a11y.where.lists"),
    ("Page not found", "a11y.where.not_found"),
    ("Expand sidebar · Collapse sidebar", "a11y.where.sidebar"),
    ("Running… · Stop", "a11y.where.running"),
    ("Download as CSV · Search · Fullscreen", "a11y.where.tables"),
    ("Mo Tu We … · January …", "a11y.where.dates"),
)
