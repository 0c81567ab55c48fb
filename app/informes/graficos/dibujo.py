"""The one chart engine: lays a chart definition out as rectangles, lines and texts.

`dibujar(grafico)` returns a `Dibujo`: the chart's size and its shapes in points (origin at the
bottom left, as in a PDF), in drawing order. Everything about the look is decided here —
sizes, margins, fonts, axis limits and ticks, the data table under the bars — and the two
outputs only put those shapes somewhere: `app.informes.pdf.graficos` on the PDF canvas
(vector) and `png` on pixels for the web, so both show the same chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.informes.graficos.definicion import Grafico, Tipo, porcentaje

PULGADA = 72.0

GRIS = "#595959"
GRIS_REJILLA = "#D9D9D9"
NEGRO, BLANCO, OSCURO = "#000000", "#FFFFFF", "#262626"
#: Table rows of these (light) colours take dark text.
CLAROS = ("#9DC3E6", "#F8CBAD")

#: Size (inches) of each kind of chart; the page scales it to the width it places it at.
TAMANOS = {
    Tipo.barras_con_tabla: (6.4, 3.7),
    Tipo.promedio: (5.0, 2.9),
    Tipo.conteo: (6.4, 3.6),
}
#: Data table under the bars: row height (inches) and the axes' left and right edges.
ALTO_FILA = 0.165
IZQUIERDA, DERECHA = 0.17, 0.985
#: Steps the axis ticks may take (× a power of ten), as matplotlib's AutoLocator.
PASOS = (1, 2, 2.5, 5, 10)
PASOS_ENTEROS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


@dataclass(frozen=True)
class Rectangulo:
    """A filled rectangle (alto < 0 for a bar below zero)."""

    x: float
    y: float
    ancho: float
    alto: float
    color: str


@dataclass(frozen=True)
class Linea:
    """A straight line."""

    x0: float
    y0: float
    x1: float
    y1: float
    color: str
    grosor: float


@dataclass(frozen=True)
class Texto:
    """A line of text: its baseline starts, centres or ends at (x, y + dy) as ha says.

    A rotated text turns by `rotacion` degrees (counter-clockwise) about (x, y); `dy` is then
    measured along its own turned vertical.
    """

    x: float
    y: float
    cadena: str
    tam: float
    color: str = NEGRO
    negrita: bool = False
    ha: str = "center"
    dy: float = 0.0
    rotacion: float = 0.0


@dataclass
class Dibujo:
    """A laid-out chart: its size in points and its shapes, in drawing order."""

    ancho: float
    alto: float
    titulo: str = ""
    formas: list[Rectangulo | Linea | Texto] = field(default_factory=list)

    def rectangulo(self, x, y, ancho, alto, color) -> None:
        """Add a filled rectangle."""
        self.formas.append(Rectangulo(x, y, ancho, alto, color))

    def linea(self, x0, y0, x1, y1, color, grosor) -> None:
        """Add a line."""
        self.formas.append(Linea(x0, y0, x1, y1, color, grosor))

    def texto(
        self,
        x,
        y,
        cadena,
        *,
        tam,
        negrita=False,
        color=NEGRO,
        ha="center",
        va="baseline",
        rotacion=0.0,
    ) -> None:
        """Add text anchored like matplotlib's ha/va (approximated with DejaVu's metrics)."""
        dy = {"center": -0.36, "top": -0.76, "bottom": 0.24}.get(va, 0.0) * tam
        self.formas.append(Texto(x, y, cadena, tam, color, negrita, ha, dy, rotacion))

    def textos(self) -> list[str]:
        """Every text of the chart, in drawing order."""
        return [f.cadena for f in self.formas if isinstance(f, Texto)]


def dibujar(grafico: Grafico) -> Dibujo:
    """Lay a chart definition out."""
    return _DIBUJANTES[grafico.tipo](grafico)


# --------------------------------------------------------------------------- helpers


def ancho_texto(cadena: str, tam: float, negrita: bool = False) -> float:
    """Width in points of a text in the charts' font (DejaVu Sans)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.informes.pdf.base import FUENTE, FUENTE_NEGRITA, registrar_fuentes

    registrar_fuentes()
    return stringWidth(cadena, FUENTE_NEGRITA if negrita else FUENTE, tam)


def limites(valores: Sequence[float | None]) -> tuple[float, float]:
    """The value axis: 0 (or below the lowest value) to 100 (or above the highest)."""
    presentes = [v for v in valores if v is not None]
    alto = max([100.0, *presentes]) if presentes else 100.0
    bajo = min([0.0, *presentes]) if presentes else 0.0
    margen = (alto - bajo) * 0.08
    return (bajo - margen if bajo < 0 else 0.0), alto + margen


def marcas(
    bajo: float, alto: float, nbins: int, pasos=PASOS, *, entero: bool = False
) -> list[float]:
    """Axis ticks inside [bajo, alto]: the smallest "nice" step giving at most nbins bins."""
    crudo = max((alto - bajo) / nbins, 1e-9)
    escala = 10 ** math.floor(math.log10(crudo))
    candidatos = [p * escala for p in pasos if not entero or float(p * escala).is_integer()]
    paso = next((p for p in candidatos if p >= crudo * 0.999), 10 * escala)
    primero = math.ceil(bajo / paso - 1e-9)
    lista, k = [], primero
    while k * paso <= alto + 1e-9:
        lista.append(k * paso)
        k += 1
    return lista


class _Ejes:
    """Maps data coordinates of one axes box (figure fractions) to points."""

    def __init__(self, d: Dibujo, izq, der, abajo, arriba, xlim, ylim):
        self.d = d
        self.x0, self.x1 = izq * d.ancho, der * d.ancho
        self.y0, self.y1 = abajo * d.alto, arriba * d.alto
        self.xlim, self.ylim = xlim, ylim

    def x(self, v: float) -> float:
        a, b = self.xlim
        return self.x0 + (v - a) / (b - a) * (self.x1 - self.x0)

    def y(self, v: float) -> float:
        a, b = self.ylim
        return self.y0 + (v - a) / (b - a) * (self.y1 - self.y0)

    def barra(self, centro: float, ancho: float, valor: float, color: str) -> None:
        base = self.y(max(self.ylim[0], 0.0))
        self.d.rectangulo(
            self.x(centro - ancho / 2), base, self.x(ancho) - self.x(0), self.y(valor) - base, color
        )

    def rejilla(self, valores: Sequence[float]) -> None:
        for v in valores:
            self.d.linea(self.x0, self.y(v), self.x1, self.y(v), GRIS_REJILLA, 0.6)

    def marcas_y(self, valores: Sequence[float], formato) -> None:
        for v in valores:
            self.d.linea(self.x0 - 2, self.y(v), self.x0, self.y(v), GRIS, 0.8)
            self.d.texto(
                self.x0 - 5.5, self.y(v), formato(v), tam=7, color=GRIS, ha="right", va="center"
            )

    def eje_porcentaje(self) -> None:
        """Grid, % ticks in grey (at most one per 14 points of height)."""
        valores = marcas(*self.ylim, min(9, max(1, int((self.y1 - self.y0) // 14))))
        self.rejilla(valores)
        self.marcas_y(valores, lambda v: f"{v:.0f}%")

    def espinas(self, izquierda=GRIS_REJILLA, abajo=GRIS) -> None:
        self.d.linea(self.x0, self.y0, self.x0, self.y1, izquierda, 0.8)
        self.d.linea(self.x0, self.y0, self.x1, self.y0, abajo, 0.8)

    def cero_si_hay_negativos(self, valores: Sequence[float | None]) -> None:
        if any(v is not None and v < 0 for v in valores):
            self.d.linea(self.x0, self.y(0), self.x1, self.y(0), GRIS, 0.6)

    def titulo(self, titulo: str) -> None:
        self.d.texto((self.x0 + self.x1) / 2, self.y1 + 6, titulo, tam=9, negrita=True)


def _lienzo(grafico: Grafico) -> Dibujo:
    ancho, alto = TAMANOS[grafico.tipo]
    return Dibujo(ancho * PULGADA, alto * PULGADA, grafico.titulo or grafico.etiqueta_y)


# --------------------------------------------------------------------------- the kinds


def _barras_con_tabla(grafico: Grafico) -> Dibujo:
    """Grouped bars per category with the data table under them (as in Gráfico Nº 11)."""
    d = _lienzo(grafico)
    W, H = d.ancho, d.alto
    series = grafico.series
    alto_fig = H / PULGADA
    fila = ALTO_FILA / alto_fig
    techo = 0.05 / alto_fig  # gap between the axis and the table
    fondo = techo + (len(series) + 1) * fila + 0.3 / alto_fig
    n = len(grafico.categorias)
    todos = [v for s in series for v in s.valores]
    ejes = _Ejes(d, IZQUIERDA, DERECHA, fondo, 0.89, (-0.5, n - 0.5), limites(todos))
    ejes.eje_porcentaje()
    ancho_barra = 0.8 / max(len(series), 1)
    for k, serie in enumerate(series):
        for i, v in enumerate(serie.valores):
            if v is not None:
                ejes.barra(i - 0.4 + ancho_barra * (k + 0.5), ancho_barra * 0.92, v, serie.color)
    ejes.espinas()
    ejes.cero_si_hay_negativos(todos)
    ejes.titulo(grafico.titulo)

    tam = 6.5 if n <= 12 else 5.5
    columna = (DERECHA - IZQUIERDA) / max(n, 1)
    arriba = fondo - techo
    filas = [("", grafico.categorias, None)]
    filas += [(s.nombre, [porcentaje(v) for v in s.valores], s.color) for s in series]
    for r, (nombre, celdas, color) in enumerate(filas):
        y0 = arriba - (r + 1) * fila
        centro = (y0 + fila / 2) * H
        if color is not None:
            d.rectangulo(0.01 * W, y0 * H, (IZQUIERDA - 0.01) * W, fila * H, color)
            d.texto(
                (IZQUIERDA - 0.008) * W,
                centro,
                nombre,
                tam=tam,
                negrita=True,
                color=OSCURO if color in CLAROS else BLANCO,
                ha="right",
                va="center",
            )
        for col, valor in enumerate(celdas):
            d.texto(
                (IZQUIERDA + (col + 0.5) * columna) * W,
                centro,
                valor,
                tam=tam,
                negrita=r == 0,
                va="center",
            )
    abajo = arriba - len(filas) * fila
    for r in range(len(filas) + 1):
        y = (arriba - r * fila) * H
        d.linea(IZQUIERDA * W, y, DERECHA * W, y, GRIS_REJILLA, 0.6)
    for col in range(n + 1):
        x = (IZQUIERDA + col * columna) * W
        d.linea(x, arriba * H, x, abajo * H, GRIS_REJILLA, 0.6)
    d.texto(0.5 * W, (abajo - 0.02) * H, grafico.etiqueta_x, tam=7, color=GRIS, va="top")
    if grafico.nota:
        d.texto(DERECHA * W, 0.01 * H, grafico.nota, tam=5.5, color=GRIS, ha="right", va="bottom")
    return d


def _promedio(grafico: Grafico) -> Dibujo:
    """One bar per series with its value over it and its name under it."""
    d = _lienzo(grafico)
    valores = [s.valores[0] for s in grafico.series]
    bajo, alto = limites(valores)
    n = len(valores)
    ejes = _Ejes(d, 0.12, 0.97, 0.13, 0.86, (-0.6, n - 0.4), (bajo, alto * 1.08))
    ejes.eje_porcentaje()
    for x, serie in enumerate(grafico.series):
        if serie.valores[0] is not None:
            ejes.barra(x, 0.5, serie.valores[0], serie.color)
    ejes.espinas()
    ejes.cero_si_hay_negativos(valores)
    for x, serie in enumerate(grafico.series):
        base = serie.valores[0] or 0.0
        y = base + (alto - bajo) * 0.02 if base >= 0 else base
        d.texto(
            ejes.x(x),
            ejes.y(y),
            porcentaje(serie.valores[0]),
            tam=9,
            negrita=True,
            va="bottom" if base >= 0 else "top",
        )
        d.linea(ejes.x(x), ejes.y0, ejes.x(x), ejes.y0 - 3.5, NEGRO, 0.8)
        d.texto(ejes.x(x), ejes.y0 - 7, serie.nombre, tam=8, va="top")
    ejes.titulo(grafico.titulo)
    return d


def _conteo(grafico: Grafico) -> Dibujo:
    """One bar per category with its count over it; names slanted under the axis."""
    d = _lienzo(grafico)
    conteos = [int(v or 0) for v in grafico.series[0].valores]
    color = grafico.series[0].color
    n = len(grafico.categorias)
    ejes = _Ejes(d, 0.09, 0.99, 0.3, 0.95, (-0.6, n - 0.4), (0, max([18, *conteos]) * 1.15))
    valores = marcas(*ejes.ylim, 10, PASOS_ENTEROS, entero=True)
    ejes.rejilla(valores)
    for i, cuenta in enumerate(conteos):
        ejes.barra(i, 0.7, cuenta, color)
        d.texto(ejes.x(i), ejes.y(cuenta + 0.3), str(cuenta), tam=6.5, va="bottom")
    ejes.espinas(izquierda=NEGRO, abajo=NEGRO)
    ejes.marcas_y(valores, lambda v: f"{v:.0f}")
    for i, nombre in enumerate(grafico.categorias):
        d.texto(ejes.x(i) + 2, ejes.y0 - 3.5, nombre, tam=6.5, ha="right", va="top", rotacion=60)
    ancho_marcas = max((ancho_texto(f"{v:.0f}", 7) for v in valores), default=0)
    d.texto(
        ejes.x0 - 9 - ancho_marcas,
        (ejes.y0 + ejes.y1) / 2,
        grafico.etiqueta_y,
        tam=7,
        color=GRIS,
        rotacion=90,
    )
    return d


_DIBUJANTES = {
    Tipo.barras_con_tabla: _barras_con_tabla,
    Tipo.promedio: _promedio,
    Tipo.conteo: _conteo,
}
