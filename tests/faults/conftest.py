"""`--full`: the long fault run (a few hundred nominations, many faults) instead of the quick one.

pytest asks a conftest for options only when it loads that conftest at start-up, which it does for
the folders named on the command line (and their parents), not for every folder under `testpaths`;
so `--full` exists when this folder (or a file in it) is named:
`./scripts/test tests/faults --full`. `TOP100_FAULTS_FULL=1` does the same from anywhere.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full", action="store_true", default=False, help="tests/faults: the long fault run (minutes)"
    )
