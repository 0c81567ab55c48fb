"""The one way to insert a row that a concurrent request may be inserting too.

`INSERT … ON CONFLICT DO NOTHING` on PostgreSQL and SQLite: a racing insert waits for the other
transaction and then does nothing, and the insert stays part of the caller's transaction, so
the caller's rollback undoes it. A savepoint is not used there on purpose: pysqlite emits no
BEGIN before a SAVEPOINT, so on SQLite releasing it would commit the row at once. Other
databases fall back to a savepoint.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.extensions import db


def insertar_una_vez(modelo: type, valores: dict[str, Any], unicas: list[str]) -> Any | None:
    """Insert a `modelo` row with `valores` unless one with the same `unicas` columns exists.

    Returns the new row's id, or None when the row was already there (or is being inserted by
    another transaction, which this one then waits for). Python-side column defaults apply."""
    insertar = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(
        db.session.get_bind().dialect.name
    )
    clave = sa.inspect(modelo).primary_key[0]
    if insertar is None:
        try:
            with db.session.begin_nested():
                return db.session.scalar(sa.insert(modelo).values(valores).returning(clave))
        except IntegrityError:
            return None
    return db.session.scalar(
        insertar(modelo)
        .values(valores)
        .on_conflict_do_nothing(index_elements=unicas)
        .returning(clave)
    )
