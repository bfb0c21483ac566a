"""The log scanner of the fault runs finds a student's data in the forms logs show it, and nothing else."""

from __future__ import annotations

from tests.faults import pii

NEEDLES = pii.corpus(["050314500123"], ["+77013000037"], ["Faults.Student0001@example.kz"])


def test_finds_iin_email_and_phone_in_every_written_form() -> None:
    text = (
        "[parameters: {'iin': '050314500123', 'email': 'faults.student0001@example.kz'}] "
        "phone=87013000037 sms to 701 300 00 37 and +77013000037"
    )
    kinds = sorted(finding.kind for finding in pii.scan([("worker.err", text)], NEEDLES))
    assert kinds == ["IIN", "email", "phone", "phone", "phone"]


def test_a_number_inside_a_longer_one_is_not_a_hit() -> None:
    text = '{"time": 17013000037123, "event_id": "0503145001234", "masked": "0503******23"}'
    assert pii.scan([("worker.err", text)], NEEDLES) == []
