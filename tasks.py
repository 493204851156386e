"""Developer tasks that need nothing but Python 3.11 and pip.

    python3 tasks.py demo   # create .venv if needed, install rnr, score the shipped examples
    python3 tasks.py test   # the same environment, then the whole test suite

Each task creates (or reuses) a local virtual environment in ``.venv`` and reinstalls the
package there only when ``pyproject.toml`` changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("RNR_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT)


def ensure_env() -> None:
    """Create the virtual environment and install rnr with its dev extra, if out of date."""
    stamp = VENV / ".rnr-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want and PY.exists():
        return
    if not PY.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(str(PY), "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    stamp.write_text(want)


def main(argv: list[str]) -> int:
    """Run a task: ``demo`` or ``test`` (extra arguments go to pytest)."""
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_env()
    if argv[0] == "demo":
        return subprocess.run([str(PY), "-m", "rnr", "demo", str(ROOT / "examples")],
                              cwd=ROOT).returncode
    return subprocess.run([str(PY), "-m", "pytest", *argv[1:]], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
