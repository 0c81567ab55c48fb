"""The data version: one value that changes in the same transaction as every write.

A page rendered for a given version is still right while the version is unchanged, so it can be
served again without reading the data (app/comun/cache_paginas.py). The value is random, not a
counter: a database restored from a backup (or the test suite's seed snapshot) brings back the
version that went with exactly that data, and no two states of the data ever share one.

Every ORM session marks itself when it writes (a flush, or an INSERT/UPDATE/DELETE through
session.execute) and sets a new value just before its outermost commit. The row lock this takes
is held only from that UPDATE to the COMMIT, so writers never wait on each other for long and
never deadlock on it (the lock is the last one a transaction takes). Writes that bypass the ORM
session (SQL typed in psql, data migrations) must be followed by `flask paginas renovar`.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

FILA = 1
EXTENSION = "version_datos.motor_lector"
ESCRIBIO = "version_datos.escribio"
#: Textual SQL that changes data (reads, PRAGMAs and the like don't).
DML = re.compile(r"^\s*(insert|update|delete|merge|truncate|replace)\b", re.IGNORECASE)


class VersionDatos(db.Model):
    """The single row holding the current data version."""

    __tablename__ = "version_datos"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Random 63-bit value, new at every commit that wrote something
    valor: Mapped[int] = mapped_column(sa.BigInteger)


@event.listens_for(VersionDatos.__table__, "after_create")
def _fila_inicial(tabla, conexion, **_kw) -> None:
    # A database created from the models (the tests) starts with its row, like a migrated one.
    conexion.execute(tabla.insert().values(id=FILA, valor=secrets.randbits(63)))


LEER = sa.select(VersionDatos.valor).where(VersionDatos.id == FILA)


def actual() -> int | None:
    """Return the current data version, or None if its row is missing or can't be read."""
    if db.engine.dialect.name != "postgresql":
        return db.session.execute(LEER).scalar_one_or_none()
    try:
        with _motor_lector().connect() as conexion:
            return conexion.execute(LEER).scalar_one_or_none()
    except sa.exc.DBAPIError:
        # A dropped connection (the server restarted): this request renders the page, and the
        # pool, invalidated by SQLAlchemy, connects afresh for the next one.
        return None


def _motor_lector() -> sa.Engine:
    """A small pool of autocommit connections for reading the version in one round trip.

    Autocommit: no BEGIN and ROLLBACK around the read. No pre-ping: a dead connection fails
    the read itself, which actual() treats as "version unknown".
    """
    app = current_app._get_current_object()
    motor = app.extensions.get(EXTENSION)
    if motor is None:
        motor = app.extensions[EXTENSION] = sa.create_engine(
            db.engine.url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=8
        )
    return motor


def renovar(sesion: Session) -> int:
    """Give the data a new version in sesion's transaction (the row is created if missing)."""
    nuevo = secrets.randbits(63)
    dialecto = sesion.get_bind().dialect.name
    insertar = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialecto)
    tabla = VersionDatos.__table__
    if insertar is None:  # another database: the row exists (migration or create_all)
        sesion.execute(tabla.update().where(tabla.c.id == FILA).values(valor=nuevo))
    else:
        sesion.execute(
            insertar(tabla)
            .values(id=FILA, valor=nuevo)
            .on_conflict_do_update(index_elements=[tabla.c.id], set_={"valor": nuevo})
        )
    return nuevo


def pendiente(sesion: Session) -> bool:
    """Tell whether sesion has written (or holds changes to write) since its last commit."""
    return bool(sesion.info.get(ESCRIBIO) or sesion.new or sesion.dirty or sesion.deleted)


@event.listens_for(Session, "after_flush")
def _tras_flush(sesion: Session, _contexto) -> None:
    sesion.info[ESCRIBIO] = True


@event.listens_for(Session, "do_orm_execute")
def _al_ejecutar(estado) -> None:
    sentencia = estado.statement
    if (
        estado.is_insert
        or estado.is_update
        or estado.is_delete
        or (isinstance(sentencia, sa.TextClause) and DML.match(sentencia.text))
    ):
        estado.session.info[ESCRIBIO] = True


@event.listens_for(Session, "before_commit")
def _antes_de_confirmar(sesion: Session) -> None:
    # Only the outermost commit: a savepoint's writes are committed with it.
    if sesion.in_nested_transaction() or not pendiente(sesion):
        return
    # Flush first, so the version row is the last lock this transaction takes.
    sesion.flush()
    renovar(sesion)


@event.listens_for(Session, "after_transaction_end")
def _fin_de_transaccion(sesion: Session, transaccion) -> None:
    if transaccion.parent is None:
        sesion.info.pop(ESCRIBIO, None)
