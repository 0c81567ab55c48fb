"""The report's charts as vector graphics drawn straight on the PDF canvas.

Same look as the PNG charts of the web dashboard (`app.informes.charts`, matplotlib): sizes,
colours, fonts, the data table under the bars and "—" for no value; but nothing is
rasterised, so they are sharp at any zoom or print size, their text can be read back from
the PDF, and drawing all ~50 of them takes a few milliseconds instead of seconds.

Each function returns a `Grafico` flowable holding only the numbers to draw; it is drawn in
its native size (the matplotlib figure size, in points) scaled to the width it is placed at.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from app.informes import charts
from app.informes.pdf.base import FUENTE, FUENTE_NEGRITA

PULGADA = 72.0
AZUL, NARANJA = HexColor(charts.AZUL), HexColor(charts.NARANJA)
AZUL_CLARO, NARANJA_CLARO = HexColor(charts.AZUL_CLARO), HexColor(charts.NARANJA_CLARO)
COLOR = {
    charts.AZUL: AZUL,
    charts.NARANJA: NARANJA,
    charts.AZUL_CLARO: AZUL_CLARO,
    charts.NARANJA_CLARO: NARANJA_CLARO,
}
GRIS, GRIS_REJILLA = HexColor(charts.GRIS), HexColor(charts.GRIS_REJILLA)
NEGRO, BLANCO, OSCURO = HexColor("#000000"), HexColor("#FFFFFF"), HexColor("#262626")
#: Steps the axis ticks may take (× a power of ten), as matplotlib's AutoLocator.
PASOS = (1, 2, 2.5, 5, 10)
PASOS_ENTEROS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


class Grafico(Flowable):
    """A chart drawn by `dibujar(canvas, ancho, alto)` in native points, scaled to fit."""

    def __init__(
        self,
        dibujar: Callable[..., None],
        tamano_pulgadas: tuple[float, float],
        ancho: float,
        texto: str = "",
    ):
        super().__init__()
        self.dibujar = dibujar
        self.nativo = (tamano_pulgadas[0] * PULGADA, tamano_pulgadas[1] * PULGADA)
        self.ancho = ancho
        self.alto = ancho * self.nativo[1] / self.nativo[0]
        self.hAlign = "CENTER"
        self.texto = texto

    def wrap(self, aW, aH):
        return self.ancho, self.alto

    def draw(self):
        if getattr(self.canv._doctemplate, "pasada_de_prueba", False):
            return  # a layout-only pass: the page is thrown away
        c = self.canv
        c.saveState()
        c.scale(self.ancho / self.nativo[0], self.alto / self.nativo[1])
        self.dibujar(c, *self.nativo)
        c.restoreState()

    def __repr__(self):
        return f"Grafico({self.texto!r})"


# --------------------------------------------------------------------------- helpers


def _colores(series):
    """The web charts' series with their colours as ReportLab colours."""
    return [(nombre, valores, COLOR[color]) for nombre, valores, color in series]


def _texto(c, x, y, cadena, *, tam, negrita=False, color=NEGRO, ha="center", va="baseline"):
    """Text anchored like matplotlib's ha/va (approximated with DejaVu's metrics)."""
    if va == "center":
        y -= tam * 0.36
    elif va == "top":
        y -= tam * 0.76
    elif va == "bottom":
        y += tam * 0.24
    c.setFillColor(color)
    c.setFont(FUENTE_NEGRITA if negrita else FUENTE, tam)
    if ha == "center":
        c.drawCentredString(x, y, cadena)
    elif ha == "right":
        c.drawRightString(x, y, cadena)
    else:
        c.drawString(x, y, cadena)


def _marcas(
    bajo: float, alto: float, nbins: int, pasos=PASOS, *, entero: bool = False
) -> list[float]:
    """Axis ticks inside [bajo, alto]: the smallest "nice" step giving at most nbins bins."""
    crudo = max((alto - bajo) / nbins, 1e-9)
    escala = 10 ** math.floor(math.log10(crudo))
    candidatos = [p * escala for p in pasos if not entero or float(p * escala).is_integer()]
    paso = next((p for p in candidatos if p >= crudo * 0.999), 10 * escala)
    primero = math.ceil(bajo / paso - 1e-9)
    marcas, k = [], primero
    while k * paso <= alto + 1e-9:
        marcas.append(k * paso)
        k += 1
    return marcas


class _Ejes:
    """Maps data coordinates of one axes box (figure fractions) to native points."""

    def __init__(self, W, H, izq, der, abajo, arriba, xlim, ylim):
        self.x0, self.x1 = izq * W, der * W
        self.y0, self.y1 = abajo * H, arriba * H
        self.xlim, self.ylim = xlim, ylim

    def x(self, v: float) -> float:
        a, b = self.xlim
        return self.x0 + (v - a) / (b - a) * (self.x1 - self.x0)

    def y(self, v: float) -> float:
        a, b = self.ylim
        return self.y0 + (v - a) / (b - a) * (self.y1 - self.y0)

    def barra(self, c, centro: float, ancho: float, valor: float, color) -> None:
        c.setFillColor(color)
        base = self.y(max(self.ylim[0], 0.0))
        c.rect(self.x(centro - ancho / 2), base, self.x(ancho) - self.x(0), self.y(valor) - base,
               stroke=0, fill=1)  # fmt: skip

    def eje_porcentaje(self, c, *, formato=lambda v: f"{v:.0f}%", pasos=PASOS) -> None:
        """Grid, % ticks in grey and the left/bottom spines (as charts._eje_porcentaje)."""
        nbins = min(9, max(1, int((self.y1 - self.y0) // 14)))
        c.setLineWidth(0.6)
        c.setStrokeColor(GRIS_REJILLA)
        marcas = _marcas(*self.ylim, nbins, pasos)
        for v in marcas:
            c.line(self.x0, self.y(v), self.x1, self.y(v))
        c.setLineWidth(0.8)
        c.setStrokeColor(GRIS)
        for v in marcas:
            c.line(self.x0 - 2, self.y(v), self.x0, self.y(v))
            _texto(c, self.x0 - 5.5, self.y(v), formato(v), tam=7, color=GRIS, ha="right",
                   va="center")  # fmt: skip

    def espinas(self, c, izquierda=GRIS_REJILLA, abajo=GRIS) -> None:
        c.setLineWidth(0.8)
        c.setStrokeColor(izquierda)
        c.line(self.x0, self.y0, self.x0, self.y1)
        c.setStrokeColor(abajo)
        c.line(self.x0, self.y0, self.x1, self.y0)

    def cero(self, c) -> None:
        c.setLineWidth(0.6)
        c.setStrokeColor(GRIS)
        c.line(self.x0, self.y(0), self.x1, self.y(0))

    def titulo(self, c, titulo: str) -> None:
        _texto(c, (self.x0 + self.x1) / 2, self.y1 + 6, titulo, tam=9, negrita=True)


# --------------------------------------------------------------------------- charts


def _barras_con_tabla(
    titulo: str,
    idgs: Sequence,
    series: Sequence[tuple[str, Sequence, object]],
    ancho: float,
    *,
    tamano=charts.TAMANO_REGION,
    etiqueta_x: str = "Indicador",
) -> Grafico:
    """Grouped bars per IdG with the data table under them (as in Gráfico Nº 11)."""
    idgs = [str(i) for i in idgs]
    series = [(n, [charts._numero(v) for v in valores], color) for n, valores, color in series]

    def dibujar(c, W, H):
        alto_fig = tamano[1]
        izq, der = charts.IZQUIERDA, charts.DERECHA
        fila = charts.ALTO_FILA / alto_fig
        techo = 0.05 / alto_fig
        fondo = techo + (len(series) + 1) * fila + 0.3 / alto_fig
        n = len(idgs)
        todos = [v for _n, valores, _c in series for v in valores]
        ejes = _Ejes(W, H, izq, der, fondo, 0.89, (-0.5, n - 0.5), charts._limites(todos))
        ejes.eje_porcentaje(c)
        ancho_barra = 0.8 / max(len(series), 1)
        for k, (_nombre, valores, color) in enumerate(series):
            for i, v in enumerate(valores):
                if v is not None:
                    centro = i - 0.4 + ancho_barra * (k + 0.5)
                    ejes.barra(c, centro, ancho_barra * 0.92, v, color)
        ejes.espinas(c)
        if any(v is not None and v < 0 for v in todos):
            ejes.cero(c)
        ejes.titulo(c, titulo)

        tam = 6.5 if n <= 12 else 5.5
        columna = (der - izq) / max(n, 1)
        arriba = fondo - techo
        filas = [("", idgs, None)]
        filas += [
            (nombre, [charts._pct(v) for v in valores], color) for nombre, valores, color in series
        ]
        for r, (nombre, celdas, color) in enumerate(filas):
            y0 = arriba - (r + 1) * fila
            centro = (y0 + fila / 2) * H
            if color is not None:
                c.setFillColor(color)
                c.rect(0.01 * W, y0 * H, (izq - 0.01) * W, fila * H, stroke=0, fill=1)
                claro = color in (AZUL_CLARO, NARANJA_CLARO)
                _texto(c, (izq - 0.008) * W, centro, nombre, tam=tam, negrita=True,
                       color=OSCURO if claro else BLANCO, ha="right", va="center")  # fmt: skip
            for col, valor in enumerate(celdas):
                _texto(c, (izq + (col + 0.5) * columna) * W, centro, valor, tam=tam,
                       negrita=r == 0, va="center")  # fmt: skip
        abajo = arriba - len(filas) * fila
        c.setLineWidth(0.6)
        c.setStrokeColor(GRIS_REJILLA)
        for r in range(len(filas) + 1):
            y = (arriba - r * fila) * H
            c.line(izq * W, y, der * W, y)
        for col in range(n + 1):
            x = (izq + col * columna) * W
            c.line(x, arriba * H, x, abajo * H)
        _texto(c, 0.5 * W, (abajo - 0.02) * H, etiqueta_x, tam=7, color=GRIS, va="top")
        if any(v is None for v in todos):
            _texto(c, der * W, 0.01 * H, charts.NOTA_SIN_VALOR, tam=5.5, color=GRIS, ha="right",
                   va="bottom")  # fmt: skip

    return Grafico(dibujar, tamano, ancho, titulo)


def grafico_region(titulo: str, idgs, programado, ejecutado, *, ancho: float) -> Grafico:
    """Programmed vs executed % per IdG of one G/DRTPE, data table under the bars."""
    return _barras_con_tabla(
        titulo, idgs, _colores(charts.series_region(programado, ejecutado)), ancho
    )


def grafico_comparacion(
    titulo: str,
    prog_i,
    ejec_i,
    prog_ii,
    ejec_ii,
    *,
    ancho: float,
    idgs: Sequence | None = None,
    etiquetas: tuple[str, str] = ("I SEM.", "II SEM."),
) -> Grafico:
    """One G/DRTPE's semesters side by side: programmed and executed % per IdG in each."""
    idgs = list(idgs) if idgs is not None else list(range(1, len(prog_ii) + 1))
    series = charts.series_comparacion(prog_i, ejec_i, prog_ii, ejec_ii, etiquetas)
    return _barras_con_tabla(titulo, idgs, _colores(series), ancho)


def grafico_idg(titulo: str, programado, ejecutado, *, ancho: float) -> Grafico:
    """The average programmed and executed % of one IdG: two bars with their labels."""
    valores = [charts._numero(programado), charts._numero(ejecutado)]

    def dibujar(c, W, H):
        bajo, alto = charts._limites(valores)
        ejes = _Ejes(W, H, 0.12, 0.97, 0.13, 0.86, (-0.6, 1.6), (bajo, alto * 1.08))
        ejes.eje_porcentaje(c)
        for x, v, color in zip((0, 1), valores, (AZUL, NARANJA), strict=True):
            if v is not None:
                ejes.barra(c, x, 0.5, v, color)
        ejes.espinas(c)
        if any(v is not None and v < 0 for v in valores):
            ejes.cero(c)
        for x, v, nombre in zip((0, 1), valores, ("Programación", "Ejecución"), strict=True):
            base = v or 0.0
            y = base + (alto - bajo) * 0.02 if base >= 0 else base
            _texto(c, ejes.x(x), ejes.y(y), charts._pct(v), tam=9, negrita=True,
                   va="bottom" if base >= 0 else "top")  # fmt: skip
            c.setStrokeColor(NEGRO)
            c.line(ejes.x(x), ejes.y0, ejes.x(x), ejes.y0 - 3.5)
            _texto(c, ejes.x(x), ejes.y0 - 7, nombre, tam=8, va="top")
        ejes.titulo(c, titulo)

    return Grafico(dibujar, charts.TAMANO_IDG, ancho, titulo)


def grafico_funciones(regiones_y_conteos: Sequence[tuple[str, int]], *, ancho: float) -> Grafico:
    """Number of art. 48 functions transferred to each region (Gráfico Nº 01)."""
    nombres = [nombre for nombre, _c in regiones_y_conteos]
    conteos = [int(c) for _n, c in regiones_y_conteos]

    def dibujar(c, W, H):
        n = len(nombres)
        ejes = _Ejes(W, H, 0.09, 0.99, 0.3, 0.95, (-0.6, n - 0.4), (0, max([18, *conteos]) * 1.15))
        c.setLineWidth(0.6)
        c.setStrokeColor(GRIS_REJILLA)
        marcas = _marcas(*ejes.ylim, 10, PASOS_ENTEROS, entero=True)
        for v in marcas:
            c.line(ejes.x0, ejes.y(v), ejes.x1, ejes.y(v))
        for i, cuenta in enumerate(conteos):
            ejes.barra(c, i, 0.7, cuenta, AZUL)
            _texto(c, ejes.x(i), ejes.y(cuenta + 0.3), str(cuenta), tam=6.5, va="bottom")
        ejes.espinas(c, izquierda=NEGRO, abajo=NEGRO)
        c.setStrokeColor(GRIS)
        for v in marcas:
            c.line(ejes.x0 - 2, ejes.y(v), ejes.x0, ejes.y(v))
            _texto(c, ejes.x0 - 5.5, ejes.y(v), f"{v:.0f}", tam=7, color=GRIS, ha="right",
                   va="center")  # fmt: skip
        for i, nombre in enumerate(nombres):
            c.saveState()
            c.translate(ejes.x(i) + 2, ejes.y0 - 3.5)
            c.rotate(60)
            _texto(c, 0, 0, nombre, tam=6.5, ha="right", va="top")
            c.restoreState()
        c.saveState()
        ancho_etiquetas = max((stringWidth(f"{v:.0f}", FUENTE, 7) for v in marcas), default=0)
        c.translate(ejes.x0 - 9 - ancho_etiquetas, (ejes.y0 + ejes.y1) / 2)
        c.rotate(90)
        _texto(c, 0, 0, "Funciones transferidas", tam=7, color=GRIS)
        c.restoreState()

    return Grafico(dibujar, charts.TAMANO_FUNCIONES, ancho, "Funciones transferidas")
