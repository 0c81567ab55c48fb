"""Stored files: the files folder, safe paths, and files written or deleted with the transaction.

Every file the app keeps lives under `<ARCHIVOS_DIR or instance/archivos>/<carpeta>/`; a file a
user uploads gets a random name made here (the user's own name is only kept, sanitised, for
display), so a path is never built from user input.

Disk changes follow the database transaction through ONE pair of listeners on every SQLAlchemy
session, registered once when this module is imported (see the end of the file and
app/comun/README.md): a file written in a transaction that rolls back is removed; a file marked
for deletion is removed only once the transaction commits. Disk and database never disagree.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

#: Shape of every name `guardar` gives a file: 32 random hex digits and an extension.
PATRON_NOMBRE = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,10}$")

# Session.info keys holding the files to tidy when the transaction ends.
_NUEVOS = "archivos_nuevos"
_POR_BORRAR = "archivos_por_borrar"


def carpeta_archivos(app: Flask) -> Path:
    """Root folder of stored files: ARCHIVOS_DIR, or instance/archivos when unset."""
    configurada = app.config.get("ARCHIVOS_DIR")
    return Path(configurada) if configurada else Path(app.instance_path) / "archivos"


def carpeta(nombre: str) -> Path:
    """The folder of one kind of file (e.g. "evidencias"), created on first use."""
    ruta_carpeta = carpeta_archivos(current_app) / nombre
    ruta_carpeta.mkdir(parents=True, exist_ok=True)
    return ruta_carpeta


def ruta(nombre_carpeta: str, nombre: str | None) -> Path | None:
    """Path of a stored file, or None when nombre is not a name `guardar` gives.

    Defence in depth: the stored name was made here, but a path is never trusted blindly.
    """
    if not PATRON_NOMBRE.match(nombre or ""):
        return None
    return carpeta_archivos(current_app) / nombre_carpeta / nombre


def escribir(destino: Path, contenido: bytes) -> None:
    """Write a file whole: under a temporary name, then renamed, never seen half-written."""
    temporal = destino.with_name(destino.name + ".parcial")
    temporal.write_bytes(contenido)
    os.replace(temporal, destino)


def guardar(nombre_carpeta: str, extension: str, contenido: bytes) -> str:
    """Store contenido under a new random name; it is removed if the transaction rolls back.

    Returns the name to keep in the database row.
    """
    nombre = f"{uuid.uuid4().hex}.{extension}"
    destino = carpeta(nombre_carpeta) / nombre
    escribir(destino, contenido)
    db.session.info.setdefault(_NUEVOS, []).append(destino)
    return nombre


def borrar_al_confirmar(ruta_archivo: Path) -> None:
    """Remove a stored file once the transaction commits (it stays if it rolls back)."""
    db.session.info.setdefault(_POR_BORRAR, []).append(ruta_archivo)


def _borrar(rutas: list[Path]) -> None:
    """Remove files, logging (never raising) when one can't be removed."""
    for ruta_archivo in rutas:
        try:
            ruta_archivo.unlink(missing_ok=True)
        except OSError:
            # A file that can't be removed now is only clutter; never fail the request for it.
            log.warning("No se pudo borrar el archivo %s", ruta_archivo)


# --- The one pair of session listeners (registered on import, for every session) ------------


@sa.event.listens_for(Session, "after_commit")
def _al_confirmar(sesion: Session) -> None:
    """Committed: new files stay, files marked for deletion go."""
    sesion.info.pop(_NUEVOS, None)
    _borrar(sesion.info.pop(_POR_BORRAR, []))


@sa.event.listens_for(Session, "after_rollback")
def _al_revertir(sesion: Session) -> None:
    """Rolled back: files written in the transaction go, files marked for deletion stay."""
    sesion.info.pop(_POR_BORRAR, None)
    _borrar(sesion.info.pop(_NUEVOS, []))
