"""Stored files: one interface, two backends chosen by ALMACENAMIENTO, bound to the transaction.

Every file the app keeps (evidence, adenda documents, activity evidence, generated report PDFs,
previewed imports) is stored as ``(carpeta, nombre)``: a folder name fixed in the code and a
random name made here (PATRON_NOMBRE). The user's own file name is only kept, sanitised, for
display by the caller; a path or key is never built from user input.

Backends (config key ALMACENAMIENTO, read on every call):

- ``"disco"`` (default, `disco.py`): files under ``<ARCHIVOS_DIR or instance/archivos>/<carpeta>/``
  on this host. Written whole (temporary name, then renamed); the disk follows the transaction
  through the ONE pair of session listeners at the end of this file (after_commit, and
  after_transaction_end for a rollback or a session closed without committing).
- ``"bd"`` (`bd.py`): rows of ``archivo_guardado`` in the app's database, written and deleted
  in the caller's transaction, so commit and rollback are atomic by themselves. Every app
  server sharing the database sees every file.

In both, a file written in a transaction that rolls back is gone, and a file marked for
deletion goes only when the transaction commits (it stays if it rolls back). The caller commits.
"""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from flask import Flask, Response, current_app
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: Shape of every name `guardar` gives a file: 32 random hex digits and an extension.
PATRON_NOMBRE = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,10}$")
#: Shape of a folder name (constants in the code, e.g. "evidencias"); 40 = the column's size.
PATRON_CARPETA = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PATRON_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")
#: The backends ALMACENAMIENTO may name.
BACKENDS = ("disco", "bd")

# Session.info keys holding the disk files to tidy when the transaction ends.
_NUEVOS = "archivos_nuevos"
_POR_BORRAR = "archivos_por_borrar"


def carpeta_archivos(app: Flask) -> Path:
    """Root folder of files on this host: ARCHIVOS_DIR, or instance/archivos when unset.

    The disk backend keeps its files here; the chart cache uses it whatever the backend.
    """
    configurada = app.config.get("ARCHIVOS_DIR")
    return Path(configurada) if configurada else Path(app.instance_path) / "archivos"


def configurado() -> str:
    """The backend the current app is configured with ("disco" or "bd")."""
    nombre = current_app.config.get("ALMACENAMIENTO") or "disco"
    if nombre not in BACKENDS:
        raise RuntimeError(f"ALMACENAMIENTO={nombre!r} no es válido: use «disco» o «bd».")
    return nombre


def backend(nombre: str | None = None) -> ModuleType:
    """The backend module named (default: the configured one)."""
    from app.comun.almacenamiento import bd, disco

    return {"disco": disco, "bd": bd}[nombre or configurado()]


def nombre_valido(nombre: str | None) -> bool:
    """Whether nombre has the shape of a name `guardar` gives (never trust a stored name)."""
    return bool(PATRON_NOMBRE.match(nombre or ""))


def _carpeta(carpeta: str) -> str:
    """Check a folder name (a constant of the caller's code); ValueError otherwise."""
    if not PATRON_CARPETA.match(carpeta or ""):
        raise ValueError(f"Carpeta de archivos no válida: {carpeta!r}")
    return carpeta


# --- The interface ---------------------------------------------------------------------------


def guardar(carpeta: str, extension: str, contenido: bytes) -> str:
    """Store contenido under a new random name, in the current transaction; return the name.

    The caller keeps the name in its row and commits; a rollback removes the file.
    """
    if not _PATRON_EXTENSION.match(extension or ""):
        raise ValueError(f"Extensión no válida: {extension!r}")
    nombre = f"{uuid.uuid4().hex}.{extension}"
    backend().escribir(_carpeta(carpeta), nombre, bytes(contenido))
    return nombre


def leer(carpeta: str, nombre: str | None) -> bytes | None:
    """The stored bytes, or None when there is no such file or the name is not one of ours."""
    if not nombre_valido(nombre):
        return None
    return backend().leer(_carpeta(carpeta), nombre)


def existe(carpeta: str, nombre: str | None) -> bool:
    """Whether the file is stored (False for a name that is not one of ours)."""
    return nombre_valido(nombre) and backend().existe(_carpeta(carpeta), nombre)


def tamano(carpeta: str, nombre: str | None) -> int | None:
    """Size in bytes of a stored file, or None when it is not stored."""
    if not nombre_valido(nombre):
        return None
    return backend().tamano(_carpeta(carpeta), nombre)


def borrar_al_confirmar(carpeta: str, nombre: str) -> None:
    """Remove a stored file when the transaction commits (it stays if it rolls back).

    A name that is not one of ours raises ValueError: the caller checks it first.
    """
    if not nombre_valido(nombre):
        raise ValueError(f"Nombre de archivo no válido: {nombre!r}")
    backend().borrar_al_confirmar(_carpeta(carpeta), nombre)


def borrar_anteriores(carpeta: str, segundos: int) -> int:
    """Remove, when the transaction commits, the folder's files older than segundos; count."""
    return backend().borrar_anteriores(_carpeta(carpeta), segundos)


def enviar(
    carpeta: str,
    nombre: str | None,
    *,
    mimetype: str,
    download_name: str,
    as_attachment: bool = True,
    **opciones,
) -> Response | None:
    """A response sending the stored file, or None when it is not stored (the view says 404).

    opciones go to flask.send_file (etag, conditional, max_age, last_modified).
    """
    if not nombre_valido(nombre):
        return None
    return backend().enviar(
        _carpeta(carpeta),
        nombre,
        mimetype=mimetype,
        download_name=download_name,
        as_attachment=as_attachment,
        **opciones,
    )


# --- The one pair of session listeners (registered on import, for every session) ------------
# Only the disk backend uses them: the database backend's rows follow the transaction anyway.


def _borrar(rutas: list[Path]) -> None:
    """Remove files, logging (never raising) when one can't be removed."""
    for ruta_archivo in rutas:
        try:
            ruta_archivo.unlink(missing_ok=True)
        except OSError:
            # A file that can't be removed now is only clutter; never fail the request for it.
            log.warning("No se pudo borrar el archivo %s", ruta_archivo)


@sa.event.listens_for(Session, "after_commit")
def _al_confirmar(sesion: Session) -> None:
    """Committed: new files stay, files marked for deletion go."""
    sesion.info.pop(_NUEVOS, None)
    _borrar(sesion.info.pop(_POR_BORRAR, []))


@sa.event.listens_for(Session, "after_transaction_end")
def _al_terminar(sesion: Session, transaccion) -> None:
    """The outermost transaction ended without a commit (rolled back, or the session closed
    without committing): files written in it go, files marked for deletion stay. (After a
    commit, `_al_confirmar` has already emptied both lists.)"""
    if transaccion.parent is not None:  # a savepoint: its outer transaction decides
        return
    sesion.info.pop(_POR_BORRAR, None)
    _borrar(sesion.info.pop(_NUEVOS, []))


# The model of the database backend is imported with the interface, so that the schema the
# tests create from the models (and the migrations check) always includes its table.
from app.comun.almacenamiento.bd import ArchivoGuardado  # noqa: E402

__all__ = [
    "BACKENDS",
    "PATRON_CARPETA",
    "PATRON_NOMBRE",
    "ArchivoGuardado",
    "backend",
    "borrar_al_confirmar",
    "borrar_anteriores",
    "carpeta_archivos",
    "configurado",
    "enviar",
    "existe",
    "guardar",
    "leer",
    "nombre_valido",
    "tamano",
]
