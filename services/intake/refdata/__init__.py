"""Reference data of intake: the colleges file shipped here, the regions file shipped with `shared`.

`top100 refdata load` reads these files (or an operator's replacements), parses them with
`parse_regions_csv` / `parse_colleges_csv`, and writes what `diff` reports against the database.
"""

from pathlib import Path

import shared.refdata
from services.intake.refdata.parse import (
    COLLEGE_COLUMNS,
    REGION_COLUMNS,
    CollegeRow,
    RefdataChanges,
    RefdataError,
    RegionRow,
    RowError,
    diff,
    parse_colleges_csv,
    parse_regions_csv,
)

COLLEGES_FILE = Path(__file__).with_name("colleges.csv")
REGIONS_FILE = Path(shared.refdata.__file__).with_name("regions.csv")

__all__ = [
    "COLLEGES_FILE",
    "COLLEGE_COLUMNS",
    "REGIONS_FILE",
    "REGION_COLUMNS",
    "CollegeRow",
    "RefdataChanges",
    "RefdataError",
    "RegionRow",
    "RowError",
    "diff",
    "parse_colleges_csv",
    "parse_regions_csv",
]
