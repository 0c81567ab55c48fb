"""Charts of the situational report, drawn with matplotlib's Figure API (no pyplot).

Every function returns PNG bytes at `DPI` (150) with fixed sizes and font sizes and no
variable metadata, so the same data always gives the same bytes. The web dashboard serves
them (cached on disk per data version); the PDF draws the same charts as vector graphics
with `app.informes.pdf.graficos`, which reuses the sizes, colours and limits defined here.

Values are percentages (Decimal, float or int); ``None`` means "no value" (a cell that is
not applicable, without goal or not sent): no bar is drawn and the data table shows "—".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from app.comun.calculos import redondear

DPI = 150
FUENTE = "DejaVu Sans"

AZUL = "#4472C4"
NARANJA = "#ED7D31"
AZUL_CLARO = "#9DC3E6"
NARANJA_CLARO = "#F8CBAD"
GRIS = "#595959"
GRIS_REJILLA = "#D9D9D9"

#: Size (inches) of the charts laid out two per page and of the per-IdG chart.
TAMANO_REGION = (6.4, 3.7)
TAMANO_IDG = (5.0, 2.9)
TAMANO_FUNCIONES = (6.4, 3.6)

SIN_VALOR = "—"
NOTA_SIN_VALOR = "— : sin valor (no aplica, sin meta o no remitida); no entra en el promedio."


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    # No "Software"/date chunks: the bytes depend only on the drawing.
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _numero(valor) -> float | None:
    if valor is None:
        return None
    return float(valor) if not isinstance(valor, float) else valor


def _pct(valor) -> str:
    if valor is None:
        return SIN_VALOR
    return f"{redondear(Decimal(str(valor)))}%"


def _eje_porcentaje(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.tick_params(axis="y", labelsize=7, colors=GRIS, length=2)
    ax.grid(axis="y", color=GRIS_REJILLA, linewidth=0.6)
    ax.set_axisbelow(True)
    for lado in ("top", "right"):
        ax.spines[lado].set_visible(False)
    ax.spines["left"].set_color(GRIS_REJILLA)
    ax.spines["bottom"].set_color(GRIS)


def _limites(valores: Sequence[float | None]) -> tuple[float, float]:
    presentes = [v for v in valores if v is not None]
    alto = max([100.0, *presentes]) if presentes else 100.0
    bajo = min([0.0, *presentes]) if presentes else 0.0
    margen = (alto - bajo) * 0.08
    return (bajo - margen if bajo < 0 else 0.0), alto + margen


#: Data table under the bars: row height and the room left below it (inches).
ALTO_FILA = 0.165
IZQUIERDA, DERECHA = 0.17, 0.985


def _barras_con_tabla(
    titulo: str,
    idgs: Sequence,
    series: Sequence[tuple[str, Sequence, str]],
    *,
    tamano: tuple[float, float] = TAMANO_REGION,
    etiqueta_x: str = "Indicador",
) -> bytes:
    """Grouped bars per IdG with the data table under them (as in Gráfico Nº 11).

    The table is drawn cell by cell in figure coordinates, its columns aligned with the bar
    groups (matplotlib's Table measures every cell and was most of the drawing time).
    """
    fig = Figure(figsize=tamano, dpi=DPI)
    alto_fig = tamano[1]
    n_series = len(series)
    fila = ALTO_FILA / alto_fig
    techo_tabla = 0.05 / alto_fig  # gap between the axis and the table
    fondo = techo_tabla + (n_series + 1) * fila + 0.3 / alto_fig
    fig.subplots_adjust(left=IZQUIERDA, right=DERECHA, top=0.89, bottom=fondo)
    ax = fig.add_subplot()
    n = len(idgs)
    ancho = 0.8 / max(n_series, 1)
    todos = []
    for k, (_nombre, valores, color) in enumerate(series):
        numeros = [_numero(v) for v in valores]
        todos.extend(numeros)
        posiciones = [i - 0.4 + ancho * (k + 0.5) for i in range(n)]
        alturas = [v if v is not None else 0.0 for v in numeros]
        barras = ax.bar(posiciones, alturas, width=ancho * 0.92, color=color, linewidth=0)
        for barra, v in zip(barras, numeros, strict=True):
            if v is None:
                barra.set_visible(False)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(*_limites(todos))
    if any(v is not None and v < 0 for v in todos):
        ax.axhline(0, color=GRIS, linewidth=0.6)
    _eje_porcentaje(ax)
    ax.set_xticks([])
    ax.set_title(titulo, fontsize=9, fontweight="bold", family=FUENTE, pad=6)

    tamano_letra = 6.5 if n <= 12 else 5.5
    columna = (DERECHA - IZQUIERDA) / max(n, 1)
    arriba = fondo - techo_tabla
    filas = [("", [str(i) for i in idgs], None)]
    filas += [(nombre, [_pct(v) for v in valores], color) for nombre, valores, color in series]
    for r, (nombre, celdas, color) in enumerate(filas):
        y0 = arriba - (r + 1) * fila
        centro = y0 + fila / 2
        if color is not None:
            fig.add_artist(
                Rectangle(
                    (0.01, y0), IZQUIERDA - 0.01, fila, transform=fig.transFigure, color=color
                )
            )
            claro = color in (AZUL_CLARO, NARANJA_CLARO)
            fig.text(
                IZQUIERDA - 0.008,
                centro,
                nombre,
                ha="right",
                va="center",
                fontsize=tamano_letra,
                fontweight="bold",
                color="#262626" if claro else "white",
                family=FUENTE,
            )
        for c, valor in enumerate(celdas):
            fig.text(
                IZQUIERDA + (c + 0.5) * columna,
                centro,
                valor,
                ha="center",
                va="center",
                fontsize=tamano_letra,
                fontweight="bold" if r == 0 else "normal",
                family=FUENTE,
            )
    abajo = arriba - len(filas) * fila
    lineas = [
        ((IZQUIERDA, arriba - r * fila), (DERECHA, arriba - r * fila))
        for r in range(len(filas) + 1)
    ]
    lineas += [
        ((IZQUIERDA + c * columna, arriba), (IZQUIERDA + c * columna, abajo)) for c in range(n + 1)
    ]
    fig.add_artist(
        LineCollection(lineas, colors=GRIS_REJILLA, linewidths=0.6, transform=fig.transFigure)
    )
    fig.text(
        0.5,
        abajo - 0.02,
        etiqueta_x,
        ha="center",
        va="top",
        fontsize=7,
        color=GRIS,
        family=FUENTE,
    )
    if any(v is None for v in todos):
        fig.text(DERECHA, 0.01, NOTA_SIN_VALOR, ha="right", va="bottom", fontsize=5.5, color=GRIS)
    return _png(fig)


def grafico_region(titulo: str, idgs: Sequence, programado: Sequence, ejecutado: Sequence) -> bytes:
    """Programmed vs executed % per IdG of one G/DRTPE, data table under the bars."""
    return _barras_con_tabla(titulo, idgs, series_region(programado, ejecutado))


def series_region(programado: Sequence, ejecutado: Sequence) -> list[tuple[str, Sequence, str]]:
    """A G/DRTPE chart's series (label, values, colour), drawn alike on the web and in the PDF."""
    return [("PROGRAM.", programado, AZUL), ("EJECUCIÓN", ejecutado, NARANJA)]


def series_comparacion(
    prog_i: Sequence,
    ejec_i: Sequence,
    prog_ii: Sequence,
    ejec_ii: Sequence,
    etiquetas: tuple[str, str],
) -> list[tuple[str, Sequence, str]]:
    """The series of two semesters side by side: the earlier one in the lighter colours."""
    anterior, actual = etiquetas
    return [
        (f"PROG. {anterior}", prog_i, AZUL_CLARO),
        (f"EJEC. {anterior}", ejec_i, NARANJA_CLARO),
        (f"PROG. {actual}", prog_ii, AZUL),
        (f"EJEC. {actual}", ejec_ii, NARANJA),
    ]


def grafico_comparacion(
    titulo: str,
    prog_i: Sequence,
    ejec_i: Sequence,
    prog_ii: Sequence,
    ejec_ii: Sequence,
    *,
    idgs: Sequence | None = None,
    etiquetas: tuple[str, str] = ("I SEM.", "II SEM."),
) -> bytes:
    """One G/DRTPE's semesters side by side: programmed and executed % per IdG in each.

    The four sequences hold one value per IdG (``idgs``, default 1..n).
    """
    idgs = list(idgs) if idgs is not None else list(range(1, len(prog_ii) + 1))
    return _barras_con_tabla(
        titulo, idgs, series_comparacion(prog_i, ejec_i, prog_ii, ejec_ii, etiquetas)
    )


def grafico_idg(titulo: str, programado, ejecutado) -> bytes:
    """The average programmed and executed % of one IdG: two bars with their labels."""
    fig = Figure(figsize=TAMANO_IDG, dpi=DPI)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.13)
    ax = fig.add_subplot()
    valores = [_numero(programado), _numero(ejecutado)]
    barras = ax.bar(
        [0, 1],
        [v if v is not None else 0.0 for v in valores],
        width=0.5,
        color=[AZUL, NARANJA],
        linewidth=0,
    )
    bajo, alto = _limites(valores)
    ax.set_ylim(bajo, alto * 1.08)
    for barra, v in zip(barras, valores, strict=True):
        if v is None:
            barra.set_visible(False)
        y = (v or 0.0) + (alto - bajo) * 0.02 if (v or 0.0) >= 0 else (v or 0.0)
        ax.text(
            barra.get_x() + barra.get_width() / 2,
            y,
            _pct(v),
            ha="center",
            va="bottom" if (v or 0.0) >= 0 else "top",
            fontsize=9,
            fontweight="bold",
            family=FUENTE,
        )
    if any(v is not None and v < 0 for v in valores):
        ax.axhline(0, color=GRIS, linewidth=0.6)
    _eje_porcentaje(ax)
    ax.set_xticks([0, 1], ["Programación", "Ejecución"], fontsize=8, family=FUENTE)
    ax.set_xlim(-0.6, 1.6)
    ax.set_title(titulo, fontsize=9, fontweight="bold", family=FUENTE, pad=6)
    return _png(fig)


def grafico_funciones(regiones_y_conteos: Sequence[tuple[str, int]]) -> bytes:
    """Number of art. 48 functions transferred to each region (Gráfico Nº 01)."""
    fig = Figure(figsize=TAMANO_FUNCIONES, dpi=DPI)
    fig.subplots_adjust(left=0.09, right=0.99, top=0.95, bottom=0.3)
    ax = fig.add_subplot()
    nombres = [nombre for nombre, _c in regiones_y_conteos]
    conteos = [int(c) for _n, c in regiones_y_conteos]
    barras = ax.bar(range(len(nombres)), conteos, width=0.7, color=AZUL, linewidth=0)
    for barra, c in zip(barras, conteos, strict=True):
        ax.text(
            barra.get_x() + barra.get_width() / 2,
            c + 0.3,
            str(c),
            ha="center",
            va="bottom",
            fontsize=6.5,
            family=FUENTE,
        )
    ax.set_ylim(0, max([18, *conteos]) * 1.15)
    ax.set_xlim(-0.6, len(nombres) - 0.4)
    ax.set_xticks(
        range(len(nombres)), nombres, rotation=60, ha="right", fontsize=6.5, family=FUENTE
    )
    ax.tick_params(axis="x", length=0)
    ax.tick_params(axis="y", labelsize=7, colors=GRIS, length=2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Funciones transferidas", fontsize=7, color=GRIS, family=FUENTE)
    ax.grid(axis="y", color=GRIS_REJILLA, linewidth=0.6)
    ax.set_axisbelow(True)
    for lado in ("top", "right"):
        ax.spines[lado].set_visible(False)
    return _png(fig)
