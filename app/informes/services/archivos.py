"""Where generated report PDFs are kept: folder "informes" of app/comun/almacenamiento.

A file is stored under a random name (on this host's disk or in the database, as configured)
in the same transaction as its `ArchivoInforme` row: if the row cannot be stored the file goes
with the rollback, so storage and rows always agree.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.comun import almacenamiento
from app.comun.base import ahora
from app.extensions import db
from app.informes.models import ArchivoInforme, Informe

#: Folder of the stored report files.
CARPETA = "informes"


def contenido_archivo(archivo: ArchivoInforme) -> bytes | None:
    """The stored bytes of a report file (None when it is gone or its name is not ours)."""
    return almacenamiento.leer(CARPETA, archivo.ruta)


def disponible(archivo: ArchivoInforme) -> bool:
    """Whether the report file's bytes are still stored."""
    return almacenamiento.existe(CARPETA, archivo.ruta)


def archivo_existente(informe: Informe, version: str, borrador: bool) -> ArchivoInforme | None:
    """The stored file built from exactly these inputs, if its bytes are still stored."""
    archivo = db.session.scalar(
        sa.select(ArchivoInforme).filter_by(
            informe_id=informe.id, version_datos=version, borrador=borrador
        )
    )
    if archivo is not None and disponible(archivo):
        return archivo
    return None


def guardar(
    informe: Informe,
    version: str,
    borrador: bool,
    contenido: bytes,
    usuario_id: int | None,
    al_guardar: Callable[[ArchivoInforme], None] | None = None,
) -> ArchivoInforme:
    """Store the file under a random name with its row, in one commit (both or neither).

    ``al_guardar(archivo)`` runs just before the commit, so its writes share it.
    """
    clave = {"informe_id": informe.id, "version_datos": version, "borrador": borrador}
    try:
        archivo = db.session.scalar(sa.select(ArchivoInforme).filter_by(**clave))
        if archivo is None or not disponible(archivo):
            # (A row whose file vanished is pointed at the new file.)
            nombre = almacenamiento.guardar(CARPETA, "pdf", contenido)
            if archivo is None:
                archivo = ArchivoInforme(**clave)
                db.session.add(archivo)
            archivo.ruta = nombre
            archivo.tamanio = len(contenido)
            archivo.creado_en = ahora()
            archivo.creado_por_id = usuario_id
        # else: another build of the same inputs finished first: keep its file.
        if al_guardar is not None:
            al_guardar(archivo)
        db.session.commit()
    except IntegrityError:
        # The same inputs were stored by a parallel build between the check and the insert;
        # the rollback removed this build's file.
        db.session.rollback()
        archivo = db.session.scalar(sa.select(ArchivoInforme).filter_by(**clave))
        if archivo is None:
            raise
        if al_guardar is not None:
            al_guardar(archivo)
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return archivo
