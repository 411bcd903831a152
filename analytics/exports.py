"""The per-customer RFM file of `manage.py customer_metrics` (SPEC §5).

Plain UTF-8 without a byte-order mark: the file is for programs, and every column but the
external ID is ASCII. Text a spreadsheet would run as a formula is neutralised as in the
customer exports. The file appears whole or not at all: rows go to a temporary file in the
same folder, which replaces the target only once complete.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from customers.exports import neutralize

METRIC_COLUMNS = ("external_id", "customer_id", "recency_days", "frequency", "monetary",
                  "r_score", "f_score", "m_score", "segment")


def cents_text(cents: pd.Series) -> pd.Series:
    """Integer cents as exact decimal text with two places ("1234.50")."""
    whole, part = divmod(cents.abs(), 100)
    sign = cents.lt(0).map({True: "-", False: ""})
    return sign + whole.astype(str) + "." + part.astype(str).str.zfill(2)


def metric_rows(scored: pd.DataFrame) -> pd.DataFrame:
    """The scored RFM frame (analytics.rfm.customer_rfm) in the file's columns."""
    return pd.DataFrame({
        "external_id": scored["external_id"].map(neutralize),
        "customer_id": scored["customer_id"],
        "recency_days": scored["recency_days"],
        "frequency": scored["frequency"],
        "monetary": cents_text(scored["cents"]),
        "r_score": scored["r_score"],
        "f_score": scored["f_score"],
        "m_score": scored["m_score"],
        "segment": scored["segment"].astype(str).map(neutralize),
    }, columns=list(METRIC_COLUMNS))


def write_customer_metrics(scored: pd.DataFrame, path: str | Path) -> int:
    """Write the metrics CSV to `path` atomically; returns the number of customer rows."""
    path = Path(path)
    rows = metric_rows(scored)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", dir=path.parent, prefix=f".{path.name}.",
        suffix=".tmp", delete=False,
    )
    try:
        with handle:
            rows.to_csv(handle, index=False, lineterminator="\r\n")
            handle.flush()
            os.fsync(handle.fileno())
        # A temporary file is private (0600); the result is an ordinary readable file.
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return len(rows)
