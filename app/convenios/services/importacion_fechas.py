"""The dates of a bulk import: the optional fecha_envio column and the received date it sets.

Timeliness is measured on Reporte.enviado_en in Lima days (queries.anexo4.completitud): a day
given in a file is stored as noon of that day in Lima, in UTC, so no time zone moves it to
another day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.convenios.models import Reporte, nombre_semestre
from app.convenios.queries.importacion import Catalogo
from app.convenios.services.importacion_filas import Clave, ErrorFila

LIMA = ZoneInfo("America/Lima")
#: A report known to be received on a day (its deadline, its fecha_envio) counts as received at
#: noon of that day (Lima)
HORA_RECEPCION = time(12, 0)


def mediodia_lima(dia: date) -> datetime:
    """Noon of a day in Lima, in UTC: a received date known only by its day."""
    return datetime.combine(dia, HORA_RECEPCION, LIMA).astimezone(UTC)


def dia_lima(momento: datetime) -> date:
    """Calendar date of a stored timestamp in Lima (SQLite returns it naive, in UTC)."""
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=UTC)
    return momento.astimezone(LIMA).date()


def cambia_fecha(reporte: Reporte | None, fecha_envio: date | None) -> bool:
    """Whether a fecha_envio changes the report's first-submission date (compared by day)."""
    if fecha_envio is None:
        return False
    return (
        reporte is None or reporte.enviado_en is None or dia_lima(reporte.enviado_en) != fecha_envio
    )


def misma_fecha(
    numero: int,
    datos: dict[str, str],
    clave: Clave,
    fechas: dict[tuple[int, int, int], tuple[str, int]],
    catalogo: Catalogo,
    errores: list[ErrorFila],
) -> None:
    """Refuse a fecha_envio that differs from the first row's of the same report (region ×
    year × semester); fechas keeps that first text and row per report."""
    region_id, _idg, anio, semestre = clave
    texto = (datos.get("fecha_envio") or "").strip()
    primera = fechas.setdefault((region_id, anio, semestre), (texto, numero))
    if primera[0] == texto:
        return
    region = catalogo.region((datos.get("region") or "").strip())
    errores.append(
        ErrorFila(
            numero,
            "fecha_envio",
            _(
                "Todas las filas de %(region)s, %(semestre)s, deben tener la misma fecha de "
                "envío: la fila %(fila)s indica «%(primera)s» y esta «%(esta)s».",
                region=region.nombre,
                semestre=nombre_semestre(anio, semestre),
                fila=primera[1],
                primera=primera[0] or _("(vacía)"),
                esta=texto or _("(vacía)"),
            ),
        )
    )
