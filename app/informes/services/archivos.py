"""Where generated report PDFs are kept: <archivos>/informes/, one random name per file.

A file is written under a temporary name and renamed, then its `ArchivoInforme` row is added in
the same commit; if the row cannot be stored the file is deleted, so disk and database agree.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.comun.almacenamiento import carpeta_archivos
from app.comun.base import ahora
from app.extensions import db
from app.informes.models import ArchivoInforme, Informe
from app.informes.services.narrativa import ErrorInforme

#: Shape of the names this module gives stored report files.
PATRON_ARCHIVO = re.compile(r"^[0-9a-f]{32}\.pdf$")


def carpeta_informes(app: Flask) -> Path:
    """Folder of stored report files (created on first use)."""
    carpeta = carpeta_archivos(app) / "informes"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


def ruta_archivo(archivo: ArchivoInforme) -> Path:
    """Path on disk of a stored report, built only from its random name."""
    if not PATRON_ARCHIVO.match(archivo.ruta or ""):
        raise ErrorInforme(_("El archivo del informe no es válido."))
    return carpeta_archivos(current_app) / "informes" / archivo.ruta


def archivo_existente(informe: Informe, version: str, borrador: bool) -> ArchivoInforme | None:
    """The stored file built from exactly these inputs, if it is still on disk."""
    archivo = db.session.scalar(
        sa.select(ArchivoInforme).filter_by(
            informe_id=informe.id, version_datos=version, borrador=borrador
        )
    )
    if archivo is not None and ruta_archivo(archivo).is_file():
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
    """Write the file under a random name and add its row; the file goes if the row can't.

    ``al_guardar(archivo)`` runs just before the commit, so its writes share it.
    """
    nombre = f"{uuid.uuid4().hex}.pdf"
    destino = carpeta_informes(current_app) / nombre
    temporal = destino.with_name(nombre + ".parcial")
    temporal.write_bytes(contenido)
    os.replace(temporal, destino)
    clave = {"informe_id": informe.id, "version_datos": version, "borrador": borrador}
    try:
        archivo = db.session.scalar(sa.select(ArchivoInforme).filter_by(**clave))
        if archivo is not None and ruta_archivo(archivo).is_file():
            # Another build of the same inputs finished first: keep its file.
            destino.unlink(missing_ok=True)
        else:
            if archivo is None:
                archivo = ArchivoInforme(**clave)
                db.session.add(archivo)
            # (A row whose file vanished from disk is pointed at the new file.)
            archivo.ruta = nombre
            archivo.tamanio = len(contenido)
            archivo.creado_en = ahora()
            archivo.creado_por_id = usuario_id
        if al_guardar is not None:
            al_guardar(archivo)
        db.session.commit()
    except IntegrityError:
        # The same inputs were stored by a parallel build between the check and the insert.
        db.session.rollback()
        destino.unlink(missing_ok=True)
        archivo = db.session.scalar(sa.select(ArchivoInforme).filter_by(**clave))
        if archivo is None:
            raise
        if al_guardar is not None:
            al_guardar(archivo)
            db.session.commit()
    except Exception:
        db.session.rollback()
        destino.unlink(missing_ok=True)
        raise
    return archivo
