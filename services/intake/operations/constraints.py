"""Which unique index a failed INSERT collided with, by the index's name, on PostgreSQL and SQLite.

A conflict is told by the constraint's name, never by the wording of the driver's message (which
changes between databases, drivers and versions). PostgreSQL reports the name with the error
(`diag.constraint_name`, in psycopg 3 as in psycopg 2). SQLite does not: its message lists the
columns only, and both of a table's partial indexes on the same columns read alike. There the name is
found by asking which unique index the row would break: the row satisfies the index's predicate
(SQL text naming the table's columns, as the models declare it) and a stored row other than itself
has the same values and satisfies it too. That is exact because SQLite undid only the failed
statement and the transaction still holds the database's write lock (`BEGIN IMMEDIATE`): the stored
rows are those the INSERT saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Index, Table, and_, inspect, literal, not_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def column_values(obj: object) -> dict[str, Any]:
    """A mapped object's loaded column values by column name: the row it is or will be."""
    state = inspect(obj)
    return {
        column.key: state.dict.get(attr.key) for attr in state.mapper.column_attrs for column in attr.columns
    }


def violated_index(
    session: Session, error: IntegrityError, table: Table, row: Mapping[str, Any]
) -> str | None:
    """The name of what writing `row` to `table` broke: the constraint or index PostgreSQL reports;
    on SQLite, the unique index the row collides with. None when it cannot be told."""
    name = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if name:
        return name
    if session.get_bind().dialect.name != "sqlite":
        return None
    for index in sorted(table.indexes, key=lambda index: index.name or ""):
        if index.unique and _collides(session, table, index, row):
            return index.name
    return None


def _collides(session: Session, table: Table, index: Index, row: Mapping[str, Any]) -> bool:
    connection = session.connection()
    predicate = index.dialect_options["sqlite"]["where"]
    if predicate is not None:
        candidate = select(*(literal(row[c.key], c.type).label(c.name) for c in table.columns)).subquery()
        applies = select(literal(1)).select_from(candidate).where(predicate)
        if connection.execute(applies).first() is None:
            return False
    itself = and_(*(column == row[column.key] for column in table.primary_key.columns))
    stored = (
        select(literal(1))
        .select_from(table)
        .where(*(column == row[column.key] for column in index.columns), not_(itself))
    )
    if predicate is not None:
        stored = stored.where(predicate)
    return connection.execute(stored.limit(1)).first() is not None
