"""Faster paths of the importer against their plain reference implementations."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg import importer

HISTORY = pd.DataFrame({
    "code": ["0701", "3801", "0220", "3025", "3203", "0906", "4203"],
    "valid_from": [2013, 2018, 2013, 2020, 2024, 2013, 2020],
    "valid_to": [2017, None, 2019, 2023, None, 2019, None],
})  # fmt: skip
CODES = st.sampled_from(["0701", "3801", "0220", "3025", "3203", "0906", "4203", "9999",
                         None])
PERIODS = st.sampled_from([None, "2015", "2023-24", "2011_2013", " 2019", "x", np.nan,
                           "2030"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CODES, st.integers(2005, 2026), PERIODS), max_size=40),
       st.booleans())
def test_existing_in_period_equals_reference(rows: list, with_period: bool) -> None:
    data = pd.DataFrame(rows, columns=["municipality", "year", "period"])
    data["year"] = data["year"].astype("int64")
    if not with_period:
        data = data.drop(columns="period")
    fast = importer.existing_in_period(data, HISTORY)
    reference = importer._existing_in_period_reference(data, HISTORY)
    assert fast.dtype == bool and fast.tolist() == reference.tolist()
