"""The trend table (queries.tendencias) as an Excel workbook: the same rows, semesters and
scope as the page, numbers as numbers, dates dd/mm/aaaa.

Formats only what `Tendencia` holds; nothing is recomputed. Cell text goes through
app.comun.hojas (formula-like text neutralised; every date cell shown dd/mm/aaaa). Averages are
written as the page prints them (whole %, calculos.redondear), a region's cell as reported.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.comun.hojas import fechas_legibles, texto_seguro
from app.convenios.models import EstadoCelda
from app.convenios.queries.tendencias import Fila, Tendencia, Valor

SIN_DATO = "—"
#: The columns of each semester.
SUBCOLUMNAS = ("Programado (%)", "Ejecutado (%)", "¿Cumplió?", "n")
#: First row of the headers (title and note above them).
CABECERA = 4

_NEGRITA = Font(bold=True)
_TITULO = Font(bold=True, size=12)
_FONDO = PatternFill("solid", fgColor="D9E1F2")
_CENTRO = Alignment(horizontal="center", vertical="center", wrap_text=True)
_AJUSTE = Alignment(vertical="top", wrap_text=True)


def _estado(estado: str) -> str:
    try:
        return EstadoCelda(estado).etiqueta
    except ValueError:
        return SIN_DATO


def _celdas(valor: Valor | None, *, promedio: bool) -> tuple:
    """The four cells of one semester of a row."""
    if valor is None:
        return SIN_DATO, SIN_DATO, SIN_DATO, None
    if not valor.con_valor:
        return SIN_DATO, SIN_DATO, _estado(valor.estado), None
    cumplio = SIN_DATO if valor.cumplio is None else ("Sí" if valor.cumplio else "No")
    if promedio:
        return valor.programado_pct, valor.ejecutado_pct, cumplio, valor.n
    return valor.programado, valor.ejecutado, cumplio, None


def _poner(hoja: Worksheet, fila: int, columna: int, valor, **estilo):
    celda = hoja.cell(fila, columna, texto_seguro(valor))
    for nombre, v in estilo.items():
        setattr(celda, nombre, v)
    return celda


def _cabecera(hoja: Worksheet, t: Tendencia, fijas: list[str]) -> None:
    """Three header rows: the cycles over their semesters, the semesters over their columns,
    the columns (the row labels span the three)."""
    for k, nombre in enumerate(fijas, start=1):
        _poner(hoja, CABECERA, k, nombre, font=_NEGRITA, fill=_FONDO, alignment=_CENTRO)
        hoja.merge_cells(start_row=CABECERA, end_row=CABECERA + 2, start_column=k, end_column=k)
    columna = len(fijas) + 1
    ancho = len(SUBCOLUMNAS)
    for ciclo, lista in t.grupos:
        fin = columna + ancho * len(lista) - 1
        _poner(
            hoja, CABECERA, columna, ciclo.etiqueta, font=_NEGRITA, fill=_FONDO, alignment=_CENTRO
        )
        hoja.merge_cells(start_row=CABECERA, end_row=CABECERA, start_column=columna, end_column=fin)
        for s in lista:
            _poner(
                hoja, CABECERA + 1, columna, s.nombre, font=_NEGRITA, fill=_FONDO, alignment=_CENTRO
            )
            hoja.merge_cells(
                start_row=CABECERA + 1,
                end_row=CABECERA + 1,
                start_column=columna,
                end_column=columna + ancho - 1,
            )
            for k, nombre in enumerate(SUBCOLUMNAS):
                _poner(
                    hoja,
                    CABECERA + 2,
                    columna + k,
                    nombre,
                    font=_NEGRITA,
                    fill=_FONDO,
                    alignment=_CENTRO,
                )
            columna += ancho


def _fila(hoja: Worksheet, numero: int, fila: Fila, fijas: int, *, promedio: bool, negrita=False):
    etiquetas = [fila.etiqueta, fila.detalle][:fijas]
    for k, texto in enumerate(etiquetas, start=1):
        _poner(hoja, numero, k, texto, font=_NEGRITA if negrita else Font(), alignment=_AJUSTE)
    columna = fijas + 1
    for valor in fila.valores:
        for k, dato in enumerate(_celdas(valor, promedio=promedio)):
            celda = _poner(hoja, numero, columna + k, dato)
            if negrita:
                celda.font = _NEGRITA
        columna += len(SUBCOLUMNAS)


def _hoja_tendencia(libro: Workbook, t: Tendencia) -> None:
    hoja = libro.active
    hoja.title = "Tendencia"
    _poner(hoja, 1, 1, f"Tendencias del Anexo 4 – {t.titulo}", font=_TITULO)
    _poner(
        hoja,
        2,
        1,
        "Solo Anexos 4 aprobados. Promedio = suma de los resultados entre el número de "
        "sumandos (n); «no aplica», «sin meta» y «meta no remitida» no son sumandos. "
        "— : sin dato en el semestre."
        + (
            " Los promedios nacionales de los semestres aún no publicados no se muestran."
            if t.promedios_ocultos
            else ""
        ),
    )
    por_idg = t.vista != "idg"
    fijas = ["IdG", "Indicador"] if por_idg else ["G/DRTPE"]
    _cabecera(hoja, t, fijas)
    numero = CABECERA + 3
    varios_ciclos = len({f.ciclo for f in t.filas}) > 1
    ciclo_actual = None
    for fila in t.filas:
        if varios_ciclos and fila.ciclo != ciclo_actual:
            ciclo_actual = fila.ciclo
            _poner(hoja, numero, 1, ciclo_actual.etiqueta if ciclo_actual else "", font=_NEGRITA)
            numero += 1
        _fila(hoja, numero, fila, len(fijas), promedio=t.vista == "nacional")
        numero += 1
    for fila in t.resumen:
        _fila(hoja, numero, fila, len(fijas), promedio=True, negrita=True)
        numero += 1
    if not t.semestres:
        _poner(hoja, numero, 1, "No hay semestres con cifras que usted pueda ver.")
    anchos = [10, 60] if por_idg else [26]
    for k, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(k)].width = ancho
    for k in range(len(fijas) + 1, len(fijas) + 1 + len(SUBCOLUMNAS) * len(t.semestres)):
        hoja.column_dimensions[get_column_letter(k)].width = 13
    hoja.freeze_panes = hoja.cell(CABECERA + 3, len(fijas) + 1)


def _hoja_semestres(libro: Workbook, t: Tendencia) -> None:
    """The semesters with their cycle and dates (real dates, dd/mm/aaaa)."""
    hoja = libro.create_sheet("Semestres")
    for k, nombre in enumerate(("Semestre", "Ciclo", "Desde", "Hasta"), start=1):
        _poner(hoja, 1, k, nombre, font=_NEGRITA, fill=_FONDO)
    for r, s in enumerate(t.semestres, start=2):
        for k, valor in enumerate((s.nombre, s.ciclo.etiqueta, s.inicio, s.fin), start=1):
            _poner(hoja, r, k, valor)
    for k, ancho in enumerate((20, 22, 12, 12), start=1):
        hoja.column_dimensions[get_column_letter(k)].width = ancho


def libro_tendencia(t: Tendencia) -> bytes:
    """The workbook: the trend table, then its semesters with their dates."""
    libro = Workbook()
    _hoja_tendencia(libro, t)
    _hoja_semestres(libro, t)
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return salida.getvalue()
