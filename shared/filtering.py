"""A list's filters as a query's conditions: what a reader asked for narrows the rows, what they
left blank does not. One rule for every list a person filters (candidates, the audit log)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

Query = TypeVar("Query", bound=Select[Any])


def where_given(query: Query, *conditions: tuple[Any, object]) -> Query:
    """`query` narrowed to the rows whose column equals each value given, for each `(column, value)`;
    a value not given (None, or an empty string: a filter left blank) narrows nothing."""
    for column, value in conditions:
        if value is not None and value != "":
            query = query.where(column == value)
    return query
