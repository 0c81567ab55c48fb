"""A confirmed bulk import as a queue job (large files), and the summary both paths show.

A file larger than IMPORTACION_BYTES_EN_COLA is imported by a worker, not inside the request:
the job re-reads the waiting file (shared storage: any host), re-checks it and applies it whole
or not at all, reporting its progress; its result is the summary the page then shows.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.comun import tareas
from app.comun.base import ahora
from app.comun.concurrencia import MENSAJE_CONCURRENCIA
from app.convenios.services import importacion
from app.convenios.services.importacion_lectura import archivo_en_espera, descartar_en_espera
from app.extensions import db

#: The job's function, as the queue names it (the page checks a job id is one of these).
FUNCION = "app.convenios.services.importacion_tarea.importar_en_espera"


def mensaje_resumen(resumen: importacion.Resumen) -> str:
    """What an applied import did, in one sentence for the page."""
    if resumen.reportes:
        mensaje = _(
            "Importación completada: %(celdas)s celdas en "
            "%(reportes)s Anexos 4, que quedaron aprobados.",
            celdas=resumen.celdas,
            reportes=resumen.reportes,
        )
        if resumen.sin_cambios:
            mensaje += _(
                " %(sin_cambios)s Anexos 4 ya tenían los mismos datos y no se modificaron.",
                sin_cambios=resumen.sin_cambios,
            )
    else:
        mensaje = _(
            "Importación completada: no hubo cambios. Los %(sin_cambios)s Anexos 4 del archivo "
            "ya tenían exactamente esos datos y quedaron como estaban, también su estado.",
            sin_cambios=resumen.sin_cambios,
        )
    if resumen.periodos_creados:
        mensaje += _(
            " Semestres creados (cerrados): %(semestres)s.",
            semestres=", ".join(resumen.periodos_creados),
        )
    return mensaje


def importar_en_espera(token: str, nombre: str, usuario_id: int) -> str:
    """The job: re-read, re-check and apply a previewed file whole (or change nothing)."""
    espera = archivo_en_espera(token)
    if espera is None:
        raise importacion.ErrorImportacion(
            _("La vista previa ya no está disponible. Vuelva a subir el archivo.")
        )
    guardado, contenido = espera
    tareas.progreso(0.05, _("Leyendo el archivo"))
    filas = importacion.leer_archivo(guardado, contenido)
    tareas.progreso(0.2, _("Revisando %(filas)s filas", filas=len(filas)))
    analisis = importacion.analizar(filas)
    if not analisis.valido:
        descartar_en_espera(guardado)
        db.session.commit()
        raise importacion.ErrorImportacion(
            _("Los datos cambiaron desde la vista previa; no se importó nada.")
        )
    tareas.progreso(0.5, _("Guardando %(celdas)s celdas", celdas=analisis.total_celdas))
    try:
        resumen = importacion.aplicar(
            analisis, usuario_id=usuario_id, ahora=ahora(), archivo=nombre
        )
        descartar_en_espera(guardado)
        db.session.commit()
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        raise importacion.ErrorImportacion(str(MENSAJE_CONCURRENCIA)) from error
    return mensaje_resumen(resumen)
