import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RNR_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data sets (../shared/data); CI has them."""
    if not SHARED.exists():
        pytest.fail(f"real data not found at {SHARED} (set RNR_SHARED_DATA)")
    return SHARED


def shipped_ids():
    import rnr

    return sorted(rnr.instruments()["id"])
