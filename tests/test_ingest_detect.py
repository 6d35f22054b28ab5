"""Detection (sdg.ingest.detect): a sheet's explanation looks at each label once."""

from __future__ import annotations

import numpy as np

from sdg.ingest import detect


def test_a_long_table_s_labels_are_classified_once_each(monkeypatch):
    seen: list[str] = []
    real = detect.classify_label

    def counting(label, known):
        seen.append(label)
        return real(label, known)

    monkeypatch.setattr(detect, "classify_label", counting)
    rows = [["kilde", "år", "verdi"]] + [[f"{k} Kilde", str(1990 + y), float(y)]
                                          for k in range(3) for y in range(30)]
    grid = np.array(rows, dtype=object)
    assert detect._code_column(grid, {}) is False
    # each text once (the years are digits, the values numbers): 6 calls, not 93
    assert sorted(seen) == sorted({"kilde", "0 Kilde", "1 Kilde", "2 Kilde", "år", "verdi"})
