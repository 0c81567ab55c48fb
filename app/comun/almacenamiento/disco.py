"""The disk backend (ALMACENAMIENTO="disco"): files under <ARCHIVOS_DIR>/<carpeta>/<nombre>.

Only this host sees them. A file is written whole (temporary name, then renamed) and follows
the transaction through the session listeners of the package's `__init__.py`: removed unless the
transaction commits; a file marked for deletion is removed once it commits. Called only
through the interface, which has already checked every folder and name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from flask import Response, current_app, send_file

from app.comun import almacenamiento
from app.extensions import db


def ruta(carpeta: str, nombre: str) -> Path:
    """Absolute path of a stored file (carpeta and nombre already checked by the interface);
    absolute, so that a relative ARCHIVOS_DIR means the same folder to send_file."""
    return almacenamiento.carpeta_archivos(current_app).absolute() / carpeta / nombre


def _anotar(clave: str, rutas: list[Path]) -> None:
    """Note files for the listeners, in a transaction begun now if none is (so that its end,
    commit, rollback or close, is seen)."""
    sesion = db.session()
    if not sesion.in_transaction():
        sesion.begin()
    sesion.info.setdefault(clave, []).extend(rutas)


def escribir(carpeta: str, nombre: str, contenido: bytes) -> None:
    """Write the file whole; it is removed unless the transaction commits."""
    destino = ruta(carpeta, nombre)
    destino.parent.mkdir(parents=True, exist_ok=True)
    temporal = destino.with_name(destino.name + ".parcial")
    try:
        temporal.write_bytes(contenido)
        os.replace(temporal, destino)
    except OSError:
        temporal.unlink(missing_ok=True)  # (a full disk leaves no half-written file)
        raise
    _anotar(almacenamiento._NUEVOS, [destino])


def leer(carpeta: str, nombre: str) -> bytes | None:
    """The file's bytes, or None when it is not on disk."""
    try:
        return ruta(carpeta, nombre).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def existe(carpeta: str, nombre: str) -> bool:
    """Whether the file is on disk."""
    return ruta(carpeta, nombre).is_file()


def tamano(carpeta: str, nombre: str) -> int | None:
    """Size in bytes, or None when the file is not on disk."""
    destino = ruta(carpeta, nombre)
    return destino.stat().st_size if destino.is_file() else None


def borrar_al_confirmar(carpeta: str, nombre: str) -> None:
    """Remove the file once the transaction commits (it stays if it rolls back)."""
    _anotar(almacenamiento._POR_BORRAR, [ruta(carpeta, nombre)])


def borrar_anteriores(carpeta: str, segundos: int) -> int:
    """Mark for deletion at commit the folder's files last written more than segundos ago."""
    limite = time.time() - segundos
    directorio = almacenamiento.carpeta_archivos(current_app) / carpeta
    viejos = [
        p
        for p in (directorio.iterdir() if directorio.is_dir() else ())
        if p.is_file() and p.stat().st_mtime < limite
    ]
    _anotar(almacenamiento._POR_BORRAR, viejos)
    return len(viejos)


def enviar(carpeta: str, nombre: str, **opciones) -> Response | None:
    """send_file on the file's path (None when it is not on disk)."""
    destino = ruta(carpeta, nombre)
    if not destino.is_file():
        return None
    try:
        return send_file(destino, **opciones)
    except FileNotFoundError:  # removed between the check and the open
        return None


def listar() -> Iterator[tuple[str, str]]:
    """Every stored file as (carpeta, nombre), in name order (backups, copying between
    backends); other files in the folder (the chart cache, temporaries) are skipped."""
    raiz = almacenamiento.carpeta_archivos(current_app)
    if not raiz.is_dir():
        return
    for directorio in sorted(raiz.iterdir()):
        if not (directorio.is_dir() and almacenamiento.PATRON_CARPETA.match(directorio.name)):
            continue
        for archivo in sorted(directorio.iterdir()):
            if archivo.is_file() and almacenamiento.nombre_valido(archivo.name):
                yield directorio.name, archivo.name
