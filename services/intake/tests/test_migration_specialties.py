"""Migration 0007 on a database with a nomination: the classifier's table and the code's column added
without copying `nominations` (its statement kept), and back: a nomination named by code alone gets
the classifier's name in the student's language as its words."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from shared import migrate

ROWS = (
    "INSERT INTO regions (code, iso_code, kind, name_kk, name_ru, name_en, aliases, active) "
    "VALUES ('almaty', 'KZ-75', 'city', 'Алматы', 'Алматы', 'Almaty', '', true)",
    "INSERT INTO colleges (code, region_code, name_kk, name_ru, name_en, active) "
    "VALUES ('ALA-001', 'almaty', 'К', 'К', 'C', true)",
    "INSERT INTO portal_keys (id, key_hash, region_code, sandbox, created_at) "
    "VALUES ('k1', 'h', 'almaty', false, '2026-09-01')",
    "INSERT INTO nominations (id, year, college_code, region_code, portal_key_id, sandbox, status, iin, "
    "last_name, first_name, birth_date, email, phone, language, specialty, course, academic_standing, "
    "categories, consent_personal_data, consent_publication, coordinator_full_name, coordinator_email, "
    "coordinator_phone, submitted_at, updated_at) VALUES ('n1', 2026, 'ALA-001', 'almaty', 'k1', false, "
    "'submitted', '050314640212', 'Нұрланова', 'Әйгерім', '2005-03-14', 'a@example.kz', '+77011234567', "
    "'ru', 'Программист', 3, 'good', '[]', true, true, 'К', 'c@example.kz', '+77011234567', "
    "'2026-09-01', '2026-09-01')",
    "INSERT INTO statements (nomination_id, language, text, words) VALUES ('n1', 'kk', 'Сөз', 1)",
)


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    config = migrate.alembic_config("intake", url)
    command.upgrade(config, "0006")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for row in ROWS:
                conn.execute(text(row))
        command.upgrade(config, "0007")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT text FROM statements")).scalar_one() == "Сөз"
            conn.execute(
                text(
                    "INSERT INTO specialties VALUES ('06130100', 'Бағдарламалық қамтамасыз ету', "
                    "'Программное обеспечение', 'Software', true)"
                )
            )
            conn.execute(text("UPDATE nominations SET specialty = '', specialty_code = '06130100'"))
        command.downgrade(config, "0006")
        assert "specialty_code" not in {c["name"] for c in inspect(engine).get_columns("nominations")}
        with engine.begin() as conn:
            assert (
                conn.execute(text("SELECT specialty FROM nominations")).scalar_one()
                == "Программное обеспечение"
            )
            assert conn.execute(text("SELECT text FROM statements")).scalar_one() == "Сөз"
        command.upgrade(config, "head")
    finally:
        engine.dispose()
