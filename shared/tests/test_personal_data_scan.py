"""The scan the log tests rely on finds a personal value however a log spells it."""

from __future__ import annotations

import json
import logging
from datetime import date

from shared import testing

CORPUS = ["050314512345", "Әбілқасымова", "student7@example.kz", "+77011234567", date(2005, 3, 14)]


def test_every_spelling_of_a_value_is_found() -> None:
    lines = [
        json.dumps({"message": "failed for Әбілқасымова"}),  # JSON escapes non-ASCII letters
        "params {'iin': '050314512345', 'email': 'Student7@Example.kz'}",
        "phone 7011234567, born datetime.date(2005, 3, 14)",
    ]
    assert testing.personal_data_in("\n".join(lines), CORPUS) == sorted(str(value) for value in CORPUS)


def test_masked_values_are_not_found() -> None:
    text = "recipient_refused: 550 st*******@example.kz to +7701*****67, IIN 0503******45"
    assert testing.personal_data_in(text, CORPUS) == []


def test_all_logs_sees_records_of_every_logger_with_their_tracebacks() -> None:
    with testing.all_logs() as logs:
        try:
            raise ValueError("050314512345")
        except ValueError:
            logging.getLogger("some.library").debug("it failed", exc_info=True)
    assert testing.personal_data_in(logs.getvalue(), CORPUS) == ["050314512345"]
