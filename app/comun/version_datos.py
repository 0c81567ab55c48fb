"""The data version: one value that changes in the same transaction as every write.

A page rendered for a given version is still right while the version is unchanged, so it can be
served again without reading the data (app/comun/cache_paginas.py). The value is random, not a
counter: a database restored from a backup (or the test suite's seed snapshot) brings back the
version that went with exactly that data, and no two states of the data ever share one.

Every ORM session marks itself when it writes (a flush, or an INSERT/UPDATE/DELETE through
session.execute) and sets a new value just before its outermost commit, unless every table it
wrote is one no page shows (`sin_paginas`: the e-mail outbox, stored files…): sending a
thousand e-mails must not throw away every stored page a thousand times. The row lock this takes
is held only from that UPDATE to the COMMIT, so writers never wait on each other for long and
never deadlock on it (the lock is the last one a transaction takes). Writes that bypass the ORM
session (SQL typed in psql, data migrations) must be followed by `flask paginas renovar`.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

T = TypeVar("T")
FILA = 1
EXTENSION = "version_datos.motor_lector"
ESCRIBIO = "version_datos.escribio"
#: Tables whose rows no page renders (registered by their modules with `sin_paginas`).
SIN_PAGINAS: set[str] = set()
#: Stands for a write whose tables are unknown (textual SQL): it always renews the version.
DESCONOCIDA = "*"
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


def sin_paginas(*tablas: str) -> None:
    """Declare tables no page shows: a transaction that wrote only these keeps the version."""
    SIN_PAGINAS.update(tablas)


def pendiente(sesion: Session) -> bool:
    """Tell whether sesion has written (or holds changes to write) since its last commit."""
    return bool(sesion.info.get(ESCRIBIO) or sesion.new or sesion.dirty or sesion.deleted)


def _escrito(sesion: Session, tablas) -> None:
    sesion.info.setdefault(ESCRIBIO, set()).update(tablas)


def _tabla(objeto) -> str:
    tabla = getattr(objeto, "__table__", None)
    return tabla.name if tabla is not None else DESCONOCIDA


@event.listens_for(Session, "after_flush")
def _tras_flush(sesion: Session, _contexto) -> None:
    # Still the pre-flush lists here: what this flush wrote.
    _escrito(
        sesion, {_tabla(o) for o in (*sesion.new, *sesion.dirty, *sesion.deleted)} or {DESCONOCIDA}
    )


@event.listens_for(Session, "do_orm_execute")
def _al_ejecutar(estado) -> None:
    sentencia = estado.statement
    if estado.is_insert or estado.is_update or estado.is_delete:
        tabla = getattr(sentencia, "table", None)
        _escrito(estado.session, {getattr(tabla, "name", None) or DESCONOCIDA})
    elif isinstance(sentencia, sa.TextClause) and DML.match(sentencia.text):
        _escrito(estado.session, {DESCONOCIDA})


@event.listens_for(Session, "before_commit")
def _antes_de_confirmar(sesion: Session) -> None:
    # Only the outermost commit: a savepoint's writes are committed with it.
    if sesion.in_nested_transaction() or not pendiente(sesion):
        return
    # Flush first, so the version row is the last lock this transaction takes.
    sesion.flush()
    if sesion.info.get(ESCRIBIO, {DESCONOCIDA}) - SIN_PAGINAS:
        renovar(sesion)


@event.listens_for(Session, "after_transaction_end")
def _fin_de_transaccion(sesion: Session, transaccion) -> None:
    if transaccion.parent is None:
        sesion.info.pop(ESCRIBIO, None)


#: Computations kept per app process by `memorizar` (the most recently used ones).
MEMORIZADOS_MAX = 16
_CERROJO = threading.Lock()


def memorizar(clave: tuple, calcular: Callable[[], T]) -> T:
    """calcular(), computed once per data version and `clave` in this app process (a
    semester's averages, a report's data) and reused by every page and chart that shows it.

    Kept in the app (never across apps or databases), keyed by the version that every
    committed write renews, and by the language; a session holding uncommitted writes (or a
    version that cannot be read) computes afresh.
    """
    version = None if pendiente(db.session) else actual()
    if version is None:
        return calcular()
    completa = (version, str(get_locale()), *clave)
    memoria = current_app.extensions.setdefault("memorizados", OrderedDict())
    with _CERROJO:
        if completa in memoria:
            memoria.move_to_end(completa)
            return memoria[completa]
    resultado = calcular()
    with _CERROJO:
        memoria[completa] = resultado
        while len(memoria) > MEMORIZADOS_MAX:
            memoria.popitem(last=False)
    return resultado
