"""Golden-file comparison for renderer tests.

Regenerate every golden file after an intended change of output with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_*.py --no-cov`, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run the tests once with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"
