"""Excel files of the recommendation matrix and the capacity-building programme.

Laid out as the documents lay them out (landscape, the report's column headers, an ENE…DIC
grid of X marks). The builders only format what app.mejora_continua.queries.programacion
computed; they never read the database themselves. Cell text goes through app.comun.hojas.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.comun.hojas import fechas_legibles, texto_seguro
from app.mejora_continua.models.programacion import (
    MESES_CORTOS,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    nombre_mes,
)

#: Matrix headers exactly as printed in the annex (004:L3168-3196, L2633).
ENCABEZADOS_MATRIZ = (
    "SECTOR",
    "NÚMERO DE INDICADOR DE GESTIÓN",
    "DENOMINACIÓN DEL INDICADOR DE GESTIÓN",
    "PROPONENTE DEL INDICADOR",
    "RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS CONVENIOS DE GESTIÓN",
    "RESPONSABLE DE LA IMPLEMENTACIÓN",
    "ACTIVIDADES A DESARROLLAR POR EL MTPE EN EL MARCO DE LA RECOMENDACIONES DE CdG",
    "CRONOGRAMA DE ACTIVIDADES A DESARROLLAR",
    "DETALLE",
)
MARCA = "X"

_FINO = Side(style="thin", color="808080")
_BORDE = Border(left=_FINO, right=_FINO, top=_FINO, bottom=_FINO)
_CABECERA = PatternFill("solid", fgColor="D9E1F2")
_SECTOR = PatternFill("solid", fgColor="F2F2F2")
_ARRIBA = Alignment(vertical="top", wrap_text=True)
_CENTRO = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _poner(hoja: Worksheet, fila: int, columna: int, valor, *, estilo=_ARRIBA, negrita=False):
    """Write one bordered cell (text neutralised) and return it."""
    celda = hoja.cell(row=fila, column=columna, value=texto_seguro(valor))
    celda.alignment = estilo
    celda.border = _BORDE
    if negrita:
        celda.font = Font(bold=True)
    return celda


def _unir(hoja: Worksheet, fila1: int, col1: int, fila2: int, col2: int) -> None:
    """Merge a range and border every cell of it."""
    if fila2 > fila1 or col2 > col1:
        hoja.merge_cells(start_row=fila1, start_column=col1, end_row=fila2, end_column=col2)
        for f in range(fila1, fila2 + 1):
            for c in range(col1, col2 + 1):
                hoja.cell(row=f, column=c).border = _BORDE


def _apaisado(hoja: Worksheet, fila_titulos: int) -> None:
    """Landscape A4, fit to width, header rows repeated on each page."""
    hoja.page_setup.orientation = "landscape"
    hoja.page_setup.paperSize = hoja.PAPERSIZE_A4
    hoja.page_setup.fitToWidth = 1
    hoja.page_setup.fitToHeight = 0
    hoja.sheet_properties.pageSetUpPr.fitToPage = True
    hoja.print_title_rows = f"{fila_titulos}:{fila_titulos + 1}"


def _anchos(hoja: Worksheet, anchos: Iterable[float]) -> None:
    """Set the column widths from the first column on."""
    for indice, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(indice)].width = ancho


def _marcas(hoja: Worksheet, fila: int, primera: int, meses: set[int]) -> None:
    """Write the ENE…DIC cells of one row: X in the given months."""
    for mes in range(1, 13):
        _poner(hoja, fila, primera + mes - 1, MARCA if mes in meses else None, estilo=_CENTRO)


def _guardar(libro: Workbook) -> bytes:
    """The workbook as bytes, its date cells shown dd/mm/aaaa."""
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return salida.getvalue()


# --- Matrix --------------------------------------------------------------------------------


def libro_matriz(matriz) -> bytes:
    """The implementation matrix: one block per sector, per IdG its recommendations and activities.

    matriz is a queries.programacion_matriz.Matriz. Row 3–4 carry the headers (the schedule header
    spans ENE…DIC, with "TEMA" over the activities column); each IdG takes as many rows as it
    has recommendations or activities, its first four columns merged.
    """
    libro = Workbook()
    hoja = libro.active
    hoja.title = "Matriz"
    ultima = 7 + 12 + 1
    _poner(hoja, 1, 1, matriz.titulo, estilo=_CENTRO, negrita=True)
    _unir(hoja, 1, 1, 1, ultima)
    hoja.row_dimensions[1].height = 30
    if matriz.programa is not None or matriz.periodo is not None:
        partes = []
        if matriz.periodo is not None:
            partes.append(f"Recomendaciones: Anexo 5 del {matriz.periodo.nombre}")
        if matriz.programa is not None:
            partes.append(f"Actividades: {matriz.programa.nombre}")
        hoja.cell(row=2, column=1, value=texto_seguro(" · ".join(partes)))
    # Headers: rows 3–4.
    for columna, encabezado in enumerate(ENCABEZADOS_MATRIZ[:7], start=1):
        _poner(hoja, 3, columna, encabezado, estilo=_CENTRO, negrita=True).fill = _CABECERA
        if columna != 7:
            _unir(hoja, 3, columna, 4, columna)
    _poner(hoja, 4, 7, "TEMA", estilo=_CENTRO, negrita=True).fill = _CABECERA
    _poner(hoja, 3, 8, ENCABEZADOS_MATRIZ[7], estilo=_CENTRO, negrita=True).fill = _CABECERA
    _unir(hoja, 3, 8, 3, 19)
    for mes, corto in enumerate(MESES_CORTOS, start=8):
        _poner(hoja, 4, mes, corto, estilo=_CENTRO, negrita=True).fill = _CABECERA
    _poner(hoja, 3, ultima, ENCABEZADOS_MATRIZ[8], estilo=_CENTRO, negrita=True).fill = _CABECERA
    _unir(hoja, 3, ultima, 4, ultima)

    fila = 5
    for bloque in matriz.bloques:
        inicio_bloque = fila
        for idg in bloque.filas:
            lineas = idg.lineas(matriz.programa)
            alto = len(lineas)
            _poner(hoja, fila, 2, f"N° {idg.indicador.numero}", estilo=_CENTRO)
            _poner(hoja, fila, 3, f"“{idg.indicador.nombre.rstrip('.')}”")
            _poner(hoja, fila, 4, idg.proponente)
            for c in (2, 3, 4):
                _unir(hoja, fila, c, fila + alto - 1, c)
            for i, (recomendacion, tema, actividad) in enumerate(lineas):
                _poner(hoja, fila + i, 5, f"• {recomendacion.texto}" if recomendacion else None)
                _poner(hoja, fila + i, 6, recomendacion.responsable if recomendacion else None)
                _poner(hoja, fila + i, 7, tema)
                _marcas(hoja, fila + i, 8, actividad.meses if actividad else set())
                _poner(hoja, fila + i, ultima, actividad.detalle if actividad else None)
            fila += alto
        _poner(hoja, inicio_bloque, 1, bloque.titulo, estilo=_CENTRO, negrita=True).fill = _SECTOR
        _unir(hoja, inicio_bloque, 1, fila - 1, 1)
    if matriz.nota:
        hoja.cell(row=fila + 1, column=1, value=texto_seguro(matriz.nota))
    _anchos(hoja, (16, 12, 30, 24, 55, 18, 50, *([5] * 12), 60))
    hoja.freeze_panes = "E5"
    _apaisado(hoja, 3)
    return _guardar(libro)


# --- Programme -----------------------------------------------------------------------------


def _titulo(hoja: Worksheet, programa: ProgramaCapacidades, subtitulo: str, ancho: int) -> None:
    """Title row (merged) and subtitle row of a programme sheet."""
    _poner(hoja, 1, 1, programa.nombre, estilo=_CENTRO, negrita=True)
    _unir(hoja, 1, 1, 1, ancho)
    hoja.row_dimensions[1].height = 24
    hoja.cell(row=2, column=1, value=texto_seguro(subtitulo))


def _encabezado(hoja: Worksheet, fila: int, nombres: Iterable[str]) -> None:
    """A bold, shaded header row."""
    for columna, nombre in enumerate(nombres, start=1):
        _poner(hoja, fila, columna, nombre, estilo=_CENTRO, negrita=True).fill = _CABECERA


def libro_programa(
    programa: ProgramaCapacidades,
    filas,
    programaciones: list[ProgramacionRegional],
    *,
    hoy: date,
    ambito: str = "",
) -> bytes:
    """The programme: activities with their ENE…DIC grid, the grid per region, and execution.

    filas are queries.programacion.ActividadMatriz (activity, derived months, DETALLE);
    programaciones are the runs to list (already narrowed to the user's region if needed).
    """
    libro = Workbook()
    subtitulo = f"Estado: {programa.estado.etiqueta} · Generado el {hoy.strftime('%d/%m/%Y')}" + (
        f" · {ambito}" if ambito else ""
    )

    hoja = libro.active
    hoja.title = "Programación"
    cabecera = ("N° IdG", "N°", "ACTIVIDAD", "UNIDAD RESPONSABLE", *MESES_CORTOS, "DETALLE")
    _titulo(hoja, programa, subtitulo, len(cabecera))
    _encabezado(hoja, 4, cabecera)
    for fila, item in enumerate(filas, start=5):
        actividad = item.actividad
        _poner(hoja, fila, 1, actividad.indicador.numero, estilo=_CENTRO)
        _poner(hoja, fila, 2, actividad.numero, estilo=_CENTRO)
        _poner(hoja, fila, 3, actividad.nombre)
        _poner(hoja, fila, 4, actividad.unidad.sigla, estilo=_CENTRO)
        _marcas(hoja, fila, 5, item.meses)
        _poner(hoja, fila, 17, item.detalle)
    _anchos(hoja, (8, 5, 60, 14, *([5] * 12), 70))
    hoja.freeze_panes = "E5"
    _apaisado(hoja, 4)

    hoja = libro.create_sheet("Por región")
    cabecera = ("REGIÓN", "N° IdG", "N°", "ACTIVIDAD", "UNIDAD RESPONSABLE", *MESES_CORTOS)
    _titulo(hoja, programa, subtitulo, len(cabecera))
    _encabezado(hoja, 4, cabecera)
    por_region: dict[tuple, list[ProgramacionRegional]] = {}
    for p in programaciones:
        a = p.actividad
        clave = (p.region.orden, p.region.nombre, a.indicador.numero, a.numero, a.id)
        por_region.setdefault(clave, []).append(p)
    for fila, (_clave, runs) in enumerate(sorted(por_region.items()), start=5):
        actividad = runs[0].actividad
        _poner(hoja, fila, 1, runs[0].region.nombre)
        _poner(hoja, fila, 2, actividad.indicador.numero, estilo=_CENTRO)
        _poner(hoja, fila, 3, actividad.numero, estilo=_CENTRO)
        _poner(hoja, fila, 4, actividad.nombre)
        _poner(hoja, fila, 5, actividad.unidad.sigla, estilo=_CENTRO)
        meses = {p.mes_vigente for p in runs if p.estado is not EstadoProgramacion.cancelada}
        _marcas(hoja, fila, 6, meses)
    _anchos(hoja, (18, 8, 5, 60, 14, *([5] * 12)))
    hoja.freeze_panes = "F5"
    _apaisado(hoja, 4)

    hoja = libro.create_sheet("Ejecución")
    cabecera = (
        "REGIÓN",
        "N° IdG",
        "N°",
        "ACTIVIDAD",
        "UNIDAD RESPONSABLE",
        "MES PROGRAMADO",
        "MES VIGENTE",
        "ESTADO",
        "FECHA DE EJECUCIÓN",
        "PARTICIPANTES",
        "MOTIVO",
        "NOTA",
    )
    _titulo(hoja, programa, subtitulo, len(cabecera))
    _encabezado(hoja, 4, cabecera)
    orden = sorted(
        programaciones,
        key=lambda p: (
            p.region.orden,
            p.actividad.indicador.numero,
            p.actividad.numero,
            p.mes,
        ),
    )
    for fila, p in enumerate(orden, start=5):
        actividad = p.actividad
        valores = (
            p.region.nombre,
            actividad.indicador.numero,
            actividad.numero,
            actividad.nombre,
            actividad.unidad.sigla,
            nombre_mes(p.mes),
            nombre_mes(p.mes_vigente),
            p.estado.etiqueta,
            p.fecha_ejecucion,
            p.participantes,
            p.motivo,
            p.nota,
        )
        for columna, valor in enumerate(valores, start=1):
            _poner(hoja, fila, columna, valor)
    _anchos(hoja, (18, 8, 5, 50, 14, 12, 12, 14, 12, 12, 40, 40))
    hoja.freeze_panes = "A5"
    _apaisado(hoja, 4)
    return _guardar(libro)
