"""The COMPAS Broward two-year file, read and filtered as ProPublica did.

Only aggregates ever leave this module's callers: the rows are personal data.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
FILE = Path("compas") / "compas-scores-two-years.csv"

#: SHA-256 of the copy in ../shared/data (identifiers removed), from its README.
EXPECTED_SHA256 = "a5e5c34bfd2d1f065bb12a44c0323421baf74b98b97d585915a0c2e1513ecaba"

#: The PointsModel's raw features (issue 3) and the outcome.
FEATURES = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count",
            "c_charge_degree", "sex"]
OUTCOME = "two_year_recid"
GROUPS = ["race", "sex"]


def shared_data() -> Path:
    """The shared data folder: ``$RNR_SHARED_DATA`` or ``../shared/data`` beside the repo."""
    return Path(os.environ.get("RNR_SHARED_DATA", ROOT.parent / "shared" / "data"))


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(folder: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """Read the two-year file, check its digest, apply ProPublica's filter.

    Returns the filtered table (only the columns used, index 0..n-1) and facts about it
    (path, digest, rows before and after the filter).
    """
    path = (folder or shared_data()) / FILE
    if not path.exists():
        raise SystemExit(f"data not found: {path} (set RNR_SHARED_DATA to the shared data folder)")
    digest = sha256(path)
    if digest != EXPECTED_SHA256:
        raise SystemExit(f"{path}: SHA-256 {digest}, expected {EXPECTED_SHA256} (the copy "
                         "described in its README); the artifacts are made from that copy only")
    raw = pd.read_csv(path)
    # ProPublica's filter ("Compas Analysis.ipynb", as quoted in the data folder's README).
    keep = (
        (raw["days_b_screening_arrest"] <= 30)
        & (raw["days_b_screening_arrest"] >= -30)
        & (raw["is_recid"] != -1)
        & (raw["c_charge_degree"] != "O")
        & (raw["score_text"] != "N/A")
    )
    columns = FEATURES + ["race", "decile_score", "compas_screening_date", OUTCOME]
    data = raw.loc[keep, columns].reset_index(drop=True)
    facts = {"file": FILE.as_posix(), "sha256": digest, "rows_read": int(len(raw)),
             "rows_kept": int(len(data))}
    return data, facts
