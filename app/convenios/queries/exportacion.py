"""Export of Anexo 4 cells in the bulk format (CSV / XLSX), so an export re-imports unchanged."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import sqlalchemy as sa

from app.catalogo.models import Indicador, Region
from app.comun.hojas import fechas_legibles, texto_seguro
from app.convenios.models import Convenio, LineaReporte, Periodo, Reporte
from app.convenios.queries.importacion import COLUMNAS, OPCIONALES, numero_texto
from app.extensions import db


def exportar_filas(
    periodo: Periodo | None, region_id: int | None = None, *, proponente_id: int | None = None
) -> list[dict]:
    """Every report's cells in the bulk format (all semesters when periodo is None).

    Reports in any state are exported (there is no state column): the file is a copy of
    what is stored. The `origen` column is added only when some cell is reconstructed, and
    `numerador`/`denominador` only when some cell has counts (a ratio IdG), so that an export
    of the demo data re-imports unchanged. region_id and proponente_id (a directorate sees
    only the IdG it proposed) narrow the rows.
    """
    consulta = (
        sa.select(
            Region.nombre,
            LineaReporte.indicador_numero,
            Periodo.anio,
            Periodo.semestre,
            LineaReporte.estado,
            LineaReporte.programado,
            LineaReporte.ejecutado,
            LineaReporte.reconstruido,
            LineaReporte.numerador,
            LineaReporte.denominador,
        )
        .select_from(LineaReporte)
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Periodo, Reporte.periodo_id == Periodo.id)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Region, Convenio.region_id == Region.id)
        .order_by(
            Periodo.anio,
            Periodo.semestre,
            Region.orden,
            Region.nombre,
            LineaReporte.indicador_numero,
        )
    )
    if periodo is not None:
        consulta = consulta.where(Reporte.periodo_id == periodo.id)
    if region_id is not None:
        consulta = consulta.where(Convenio.region_id == region_id)
    if proponente_id is not None:
        consulta = consulta.join(Indicador, LineaReporte.indicador_id == Indicador.id).where(
            Indicador.proponente_id == proponente_id
        )
    resultado = db.session.execute(consulta).all()
    con_origen = any(r.reconstruido for r in resultado)
    con_conteos = any(r.numerador is not None or r.denominador is not None for r in resultado)
    filas = []
    for (
        region,
        idg,
        anio,
        semestre,
        estado,
        programado,
        ejecutado,
        reconstruido,
        numerador,
        denominador,
    ) in resultado:
        fila = {
            "region": region,
            "idg": str(idg),
            "anio": str(anio),
            "semestre": str(semestre),
            "estado": estado.value,
            "programado": numero_texto(programado) if programado is not None else "",
            "ejecutado": numero_texto(ejecutado) if ejecutado is not None else "",
        }
        if con_origen:
            fila["origen"] = "reconstruido" if reconstruido else "publicado"
        if con_conteos:
            fila["numerador"] = numero_texto(numerador) if numerador is not None else ""
            fila["denominador"] = numero_texto(denominador) if denominador is not None else ""
        filas.append(fila)
    return filas


def _cabecera(filas: list[dict]) -> list[str]:
    """The export header: the required columns, then the optional ones present."""
    return list(COLUMNAS) + [c for c in OPCIONALES if any(c in f for f in filas)]


def a_csv(filas: list[dict]) -> bytes:
    """The rows as a UTF-8 CSV with a header line, every field made spreadsheet-safe."""
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    cabecera = _cabecera(filas)
    escritor.writerow(cabecera)
    for fila in filas:
        # Numbers as numero_texto writes them ("60.5", "-22") pass the rule unchanged.
        escritor.writerow([texto_seguro(fila.get(c, "")) for c in cabecera])
    return salida.getvalue().encode("utf-8")


def _celda_numero(texto: str) -> int | float | None:
    """A number cell for Excel: int when whole, float otherwise, None when empty."""
    if not texto:
        return None
    valor = Decimal(texto)
    return int(valor) if valor == valor.to_integral_value() else float(valor)


def a_xlsx(filas: list[dict]) -> bytes:
    """The rows as an Excel workbook: bold header, numbers stored as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    libro = Workbook()
    hoja = libro.active
    hoja.title = "Anexo 4"
    cabecera = _cabecera(filas)
    hoja.append(cabecera)
    for celda in hoja[1]:
        celda.font = Font(bold=True)
    numericas = {"idg", "anio", "semestre", "programado", "ejecutado", "numerador", "denominador"}
    for fila in filas:
        hoja.append(
            [
                _celda_numero(fila.get(c, "")) if c in numericas else texto_seguro(fila.get(c, ""))
                for c in cabecera
            ]
        )
    hoja.freeze_panes = "A2"
    anchos = {"region": 18, "idg": 6, "anio": 7, "semestre": 9, "estado": 13, "origen": 14}
    for indice, columna in enumerate(cabecera, start=1):
        hoja.column_dimensions[get_column_letter(indice)].width = anchos.get(columna, 12)
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return salida.getvalue()
