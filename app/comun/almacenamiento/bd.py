"""The database backend (ALMACENAMIENTO="bd"): one `archivo_guardado` row per file.

Every app server (and queue worker) that shares the database sees every file. Rows are written
and deleted with Core statements in the caller's session, inside its transaction: a rollback
undoes them and a commit publishes them, with no listener involved. A deletion takes effect in
the transaction at once (later reads in the same transaction no longer see the file) and for
everybody else when it commits. A download reads the whole file into memory (10 MB at most for
an evidence file). Called only through the interface, which has already checked every folder
and name.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, send_file
from sqlalchemy.orm import Mapped, mapped_column

from app.comun import version_datos
from app.comun.base import ahora
from app.extensions import db


class ArchivoGuardado(db.Model):
    """A stored file (backend "bd"): its folder, the random name the app gave it, its bytes."""

    __tablename__ = "archivo_guardado"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The kind of file, a constant of the code ("evidencias", "informes", ...)
    carpeta: Mapped[str] = mapped_column(sa.String(40))
    #: Random name (almacenamiento.PATRON_NOMBRE), kept in the owner's row
    nombre: Mapped[str] = mapped_column(sa.String(64))
    #: The file's bytes (loaded only when asked for)
    contenido: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    #: Size in bytes
    tamano: Mapped[int]
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)

    # Named by the convention: uq_archivo_guardado_carpeta (migration 0009).
    __table_args__ = (sa.UniqueConstraint("carpeta", "nombre"),)


_T = ArchivoGuardado.__table__
# A file's bytes are shown by no page; its owner's row (evidence, report) renews the version.
version_datos.sin_paginas(_T.name)


def _es(carpeta: str, nombre: str):
    """WHERE clause of one file."""
    return sa.and_(_T.c.carpeta == carpeta, _T.c.nombre == nombre)


def escribir(carpeta: str, nombre: str, contenido: bytes) -> None:
    """INSERT the file's row in the current transaction."""
    db.session.execute(
        _T.insert().values(
            carpeta=carpeta,
            nombre=nombre,
            contenido=contenido,
            tamano=len(contenido),
            creado_en=ahora(),
        )
    )


def leer(carpeta: str, nombre: str) -> bytes | None:
    """The file's bytes, or None when there is no row."""
    contenido = db.session.scalar(sa.select(_T.c.contenido).where(_es(carpeta, nombre)))
    return None if contenido is None else bytes(contenido)


def existe(carpeta: str, nombre: str) -> bool:
    """Whether the row exists (its bytes are not read)."""
    return db.session.scalar(sa.select(_T.c.id).where(_es(carpeta, nombre))) is not None


def tamano(carpeta: str, nombre: str) -> int | None:
    """Size in bytes, or None when there is no row."""
    return db.session.scalar(sa.select(_T.c.tamano).where(_es(carpeta, nombre)))


def borrar_al_confirmar(carpeta: str, nombre: str) -> None:
    """DELETE the row in the current transaction: gone for everybody when it commits."""
    db.session.execute(_T.delete().where(_es(carpeta, nombre)))


def borrar_anteriores(carpeta: str, segundos: int) -> int:
    """DELETE, in the current transaction, the folder's rows older than segundos."""
    limite = ahora() - timedelta(seconds=segundos)
    resultado = db.session.execute(
        _T.delete().where(_T.c.carpeta == carpeta, _T.c.creado_en < limite)
    )
    return resultado.rowcount or 0


def enviar(carpeta: str, nombre: str, **opciones) -> Response | None:
    """send_file on the bytes read from the row (None when there is no row).

    The bytes go through a reader that is not a BytesIO: for a BytesIO send_file asks for its
    buffer, which copies the whole file once more; the length is set here instead (a Range
    request is then answered with the whole file).
    """
    contenido = leer(carpeta, nombre)
    if contenido is None:
        return None
    respuesta = send_file(io.BufferedReader(io.BytesIO(contenido)), **opciones)
    if respuesta.status_code == 200:
        respuesta.content_length = len(contenido)
    return respuesta


def listar() -> Iterator[tuple[str, str]]:
    """Every stored file as (carpeta, nombre), in name order (backups, copying between
    backends)."""
    consulta = sa.select(_T.c.carpeta, _T.c.nombre).order_by(_T.c.carpeta, _T.c.nombre)
    yield from (tuple(fila) for fila in db.session.execute(consulta).all())
