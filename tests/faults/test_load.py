"""The generated students of the fault and deadline-night runs (`tests/faults/load.py`)."""

from __future__ import annotations

import random

from services.intake.rules.identity import iin_check_digit
from tests.faults.load import _student


def test_the_national_rushs_2400_students_have_2400_valid_iins() -> None:
    """An IIN's serial has four digits: the full profile (2,400) once made 12-digit serials and
    could not start."""
    rng = random.Random(4)
    iins = [_student(rng, index, "almaty", "E2E-00-001").iin for index in range(2400)]
    assert len(set(iins)) == 2400
    assert all(len(iin) == 12 and iin_check_digit(iin[:11]) == int(iin[11]) for iin in iins)
