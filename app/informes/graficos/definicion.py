"""What each chart of the report shows, as plain data, built by one function per chart.

A `Grafico` says what is drawn — kind, title, categories, series (name, values, colour), axis
labels, footnote — and nothing about how: `dibujo` lays it out, the same for the web's PNG and
the PDF's vector figure. The web routes, the PDF report and the ficha all take their charts
from the functions at the end of this module, fed with the report data of
`app.informes.informe`, so they cannot show different series, titles or colours.

Values are percentages (counts in a `conteo`) as floats; None means "no value" (the cell is
not applicable, has no goal or was not sent): no bar is drawn and the data table shows "—".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from app.comun.calculos import VALOR, redondear

if TYPE_CHECKING:  # only read: the functions take the report's data, never query it
    from app.informes.informe import DatosFicha, DatosInforme, ResultadoIdG, ResultadoRegion

AZUL = "#4472C4"
NARANJA = "#ED7D31"
AZUL_CLARO = "#9DC3E6"
NARANJA_CLARO = "#F8CBAD"

SIN_VALOR = "—"
NOTA_SIN_VALOR = "— : sin valor (no aplica, sin meta o no remitida); no entra en el promedio."


class Tipo(StrEnum):
    """The kinds of chart the report has."""

    #: Grouped bars per category (IdG) with the data table under them (Gráficos 02–19, 32–49).
    barras_con_tabla = "barras_con_tabla"
    #: One bar per series, its name under it and its value over it (Gráficos 20–31).
    promedio = "promedio"
    #: One bar per category with its count over it, names slanted under it (Gráfico 01).
    conteo = "conteo"


@dataclass(frozen=True)
class Serie:
    """A named row of values drawn in one colour (a table row in `barras_con_tabla`)."""

    nombre: str
    valores: tuple[float | None, ...]
    color: str


@dataclass(frozen=True)
class Grafico:
    """One chart: everything it shows, nothing about where it goes on the page."""

    tipo: Tipo
    titulo: str
    categorias: tuple[str, ...]
    series: tuple[Serie, ...]
    etiqueta_x: str = ""
    etiqueta_y: str = ""
    #: A footnote under the chart ("" for none).
    nota: str = ""


def numero(valor) -> float | None:
    """A value (Decimal, int, float or None) as the float the chart draws."""
    if valor is None:
        return None
    return valor if isinstance(valor, float) else float(valor)


def porcentaje(valor: float | None) -> str:
    """A value as its label prints it: a whole percentage ("48%"), "—" without a value."""
    return SIN_VALOR if valor is None else f"{redondear(valor)}%"


# --------------------------------------------------------------------------- from plain values


def _series(*series: tuple[str, Sequence, str]) -> tuple[Serie, ...]:
    return tuple(
        Serie(nombre, tuple(numero(v) for v in valores), color) for nombre, valores, color in series
    )


def barras_con_tabla(titulo: str, idgs: Sequence, series: tuple[Serie, ...]) -> Grafico:
    """Bars per IdG with the data table under them; the footnote explains any "—"."""
    sin_valor = any(v is None for s in series for v in s.valores)
    return Grafico(
        Tipo.barras_con_tabla,
        titulo,
        tuple(str(i) for i in idgs),
        series,
        etiqueta_x="Indicador",
        nota=NOTA_SIN_VALOR if sin_valor else "",
    )


def barras_region(
    titulo: str, idgs: Sequence, programado: Sequence, ejecutado: Sequence
) -> Grafico:
    """Programmed vs executed % per IdG of one G/DRTPE."""
    return barras_con_tabla(
        titulo, idgs, _series(("PROGRAM.", programado, AZUL), ("EJECUCIÓN", ejecutado, NARANJA))
    )


def barras_comparacion(
    titulo: str,
    idgs: Sequence,
    anterior: tuple[Sequence, Sequence],
    actual: tuple[Sequence, Sequence],
    etiquetas: tuple[str, str],
) -> Grafico:
    """Two semesters side by side, (programmed, executed) each: the earlier one lighter."""
    previa, ahora = etiquetas
    return barras_con_tabla(
        titulo,
        idgs,
        _series(
            (f"PROG. {previa}", anterior[0], AZUL_CLARO),
            (f"EJEC. {previa}", anterior[1], NARANJA_CLARO),
            (f"PROG. {ahora}", actual[0], AZUL),
            (f"EJEC. {ahora}", actual[1], NARANJA),
        ),
    )


def promedio(titulo: str, programado, ejecutado) -> Grafico:
    """An average programmed and executed %: two bars with their values."""
    return Grafico(
        Tipo.promedio,
        titulo,
        (),
        _series(("Programación", [programado], AZUL), ("Ejecución", [ejecutado], NARANJA)),
    )


def funciones(regiones_y_conteos: Sequence[tuple[str, int]]) -> Grafico:
    """How many art. 48 functions each region received (a `conteo`)."""
    return Grafico(
        Tipo.conteo,
        "",
        tuple(nombre for nombre, _c in regiones_y_conteos),
        (Serie("Funciones transferidas", tuple(float(c) for _n, c in regiones_y_conteos), AZUL),),
        etiqueta_y="Funciones transferidas",
    )


# --------------------------------------------------------------------------- from the report data


def _valores(resultado: ResultadoRegion | None, idgs: Sequence[int]) -> tuple[list, list]:
    """Programmed and executed % per IdG of a region's semester; only cells with a value."""
    por_idg = {v.idg: v for v in resultado.valores} if resultado else {}
    programado, ejecutado = [], []
    for n in idgs:
        v = por_idg.get(n)
        con_valor = v is not None and v.estado == VALOR
        programado.append(v.programado if con_valor else None)
        ejecutado.append(v.ejecutado if con_valor else None)
    return programado, ejecutado


def _idgs(datos: DatosInforme | DatosFicha) -> list[int]:
    return [i.numero for i in datos.indicadores]


def grafico_distribucion(datos: DatosInforme) -> Grafico:
    """With many entities (datos.escala): how many fall in each band of executed average."""
    tramos = datos.escala.tramos if datos.escala else ()
    return Grafico(
        Tipo.conteo,
        "",
        tuple(t.etiqueta for t in tramos),
        (Serie("Entidades", tuple(float(t.entidades) for t in tramos), AZUL),),
        etiqueta_y="Entidades evaluadas",
    )


def grafico_funciones(datos: DatosInforme) -> Grafico:
    """Gráfico Nº 01: the art. 48 functions transferred to each region."""
    return funciones([(f.region, f.cantidad) for f in datos.funciones_por_region])


def grafico_region(
    datos: DatosInforme | DatosFicha, region: str, sigla: str, resultado: ResultadoRegion | None
) -> Grafico:
    """Gráficos 02–19 (and the ficha's): one G/DRTPE's programmed vs executed % per IdG."""
    titulo = f"{sigla} {region} - {datos.periodo_nombre}"
    if resultado is None:
        titulo += " (sin Anexo 4 aprobado)"
    idgs = _idgs(datos)
    return barras_region(titulo, idgs, *_valores(resultado, idgs))


def grafico_idg(datos: DatosInforme, resultado: ResultadoIdG) -> Grafico:
    """Gráficos 20–31: one IdG's average programmed vs executed % across regions."""
    return promedio(
        f"IdG {resultado.numero}: Resultado promedio {datos.periodo_nombre}",
        resultado.programado,
        resultado.ejecutado,
    )


def grafico_comparacion(datos: DatosInforme, region: str, sigla: str) -> Grafico:
    """Gráficos 32–49: one G/DRTPE's previous semester against this one, per IdG."""
    comparacion = datos.comparacion
    actual = datos.resultado_region(region)
    if comparacion is None:
        titulo = f"{sigla} {region} - {datos.periodo_nombre} (sin semestre anterior)"
        previa, anterior = "SEM. ANTERIOR", None
    else:
        previa = comparacion.semestre_anterior_romano
        titulo = (
            f"{sigla} {region} - {previa} Semestre vs {datos.semestre_romano} Semestre {datos.anio}"
        )
        fila = next((f for f in comparacion.filas if f.region == region), None)
        previa, anterior = f"{previa} SEM.", fila.anterior if fila else None
    idgs = _idgs(datos)
    return barras_comparacion(
        titulo,
        idgs,
        _valores(anterior, idgs),
        _valores(actual, idgs),
        (previa, f"{datos.semestre_romano} SEM."),
    )
