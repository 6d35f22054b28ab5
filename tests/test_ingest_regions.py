"""Region labels → municipality codes."""

from __future__ import annotations

import numpy as np
import pytest

from sdg.ingest.regions import classify_label, known_index, resolve


@pytest.mark.parametrize(
    ("label", "code", "kind"),
    [("3203 Asker", "3203", "code"), ("0719 Andebu (-2016)", "0719", "code"),
     ("0729 Færder (2018-2019)", "0729", "code"), ("K-3025", "3025", "code"),
     ("220", "0220", "code"), (628.0, "0628", "code"), ("municip_nor3203", "3203", "code"),
     ("Asker", "3203", "name"), ("asker\u00a0", "3203", "name"), ("K-Rest", None, "aggregate"),
     ("Landet u/Oslo", None, "aggregate"), ("Vestfold og Telemark", None, "aggregate"),
     ("Atlantis", None, "unknown"), ("", None, "empty")],
)  # fmt: skip
def test_labels(label: object, code: str | None, kind: str) -> None:
    assert classify_label(label, known_index({"Asker": "3203"})) == (code, kind)


def test_resolve_handles_missing_values() -> None:
    codes, kinds = resolve(np.array(["220", None, np.nan], dtype=object), {})
    assert codes.tolist() == ["0220", None, None]
    assert kinds.tolist() == ["code", "empty", "empty"]
