"""The report's charts in the PDF: the engine's layout put on the canvas as vector graphics.

`figura(grafico, ancho=...)` lays a chart definition out (`app.informes.graficos.dibujo`, the
same layout the web's PNG shows) and wraps it in a flowable that draws its shapes at the
width it is placed at. Nothing is rasterised, so the charts are sharp at any zoom or print
size and their text can be read back from the PDF.
"""

from __future__ import annotations

import functools

from reportlab.lib.colors import Color, HexColor
from reportlab.platypus import Flowable

from app.informes.graficos.definicion import Grafico
from app.informes.graficos.dibujo import Dibujo, Linea, Rectangulo, Texto, dibujar
from app.informes.pdf.base import ESTILOS, FUENTE, FUENTE_NEGRITA, Parrafo, texto


class Figura(Flowable):
    """A laid-out chart, drawn in its own size in points and scaled to `ancho`.

    The chart's note ("— : sin valor …"), which the layout puts in small print at its foot,
    is printed under it instead at the size of the report's other notes (`nota_grafico`):
    scaled with the chart it came out at 5.2 pt.
    """

    def __init__(self, dibujo: Dibujo, ancho: float, nota: str = ""):
        super().__init__()
        self.dibujo = dibujo
        self.ancho = ancho
        self.alto_dibujo = ancho * dibujo.alto / dibujo.ancho
        self.nota = nota
        self._nota = Parrafo(texto(nota), ESTILOS["nota_grafico"]) if nota else None
        self.alto_nota = self._nota.wrap(ancho, 10_000)[1] if self._nota else 0.0
        self.alto = self.alto_dibujo + self.alto_nota
        self.hAlign = "CENTER"

    def wrap(self, aW, aH):
        return self.ancho, self.alto

    def draw(self):
        c = self.canv
        c.saveState()
        c.translate(0, self.alto_nota)
        c.scale(self.ancho / self.dibujo.ancho, self.alto_dibujo / self.dibujo.alto)
        pintar(c, self.dibujo, sin=self.nota)
        c.restoreState()
        if self._nota is not None:
            self._nota.wrapOn(c, self.ancho, self.alto_nota)
            self._nota.drawOn(c, 0, 0)

    def __repr__(self):
        return f"Figura({self.dibujo.titulo!r})"


def figura(grafico: Grafico, *, ancho: float) -> Figura:
    """A chart definition as a PDF flowable `ancho` points wide (its note under it)."""
    return Figura(dibujar(grafico), ancho, grafico.nota)


@functools.cache
def _color(hexadecimal: str) -> Color:
    return HexColor(hexadecimal)


def pintar(c, dibujo: Dibujo, sin: str = "") -> None:
    """Put a laid-out chart's shapes on a ReportLab canvas, in points (but a text `sin`)."""
    # The canvas writes every state change it is told; setting only what changed keeps the
    # page's content stream (and the file) small.
    estado = _Estado(c)
    for forma in dibujo.formas:
        if isinstance(forma, Rectangulo):
            estado.relleno(forma.color)
            c.rect(forma.x, forma.y, forma.ancho, forma.alto, stroke=0, fill=1)
        elif isinstance(forma, Linea):
            estado.trazo(forma.color, forma.grosor)
            c.line(forma.x0, forma.y0, forma.x1, forma.y1)
        elif sin and forma.cadena == sin:
            continue  # the note: printed under the chart at the report's note size
        elif forma.rotacion:
            c.saveState()
            c.translate(forma.x, forma.y)
            c.rotate(forma.rotacion)
            _texto(c, _Estado(c), forma, 0, forma.dy)
            c.restoreState()  # back to the colours and font set before it
        else:
            _texto(c, estado, forma, forma.x, forma.y + forma.dy)


def _texto(c, estado: _Estado, t: Texto, x: float, y: float) -> None:
    estado.relleno(t.color)
    estado.fuente(FUENTE_NEGRITA if t.negrita else FUENTE, t.tam)
    if t.ha == "center":
        c.drawCentredString(x, y, t.cadena)
    elif t.ha == "right":
        c.drawRightString(x, y, t.cadena)
    else:
        c.drawString(x, y, t.cadena)


class _Estado:
    """The canvas's fill, stroke and font, set only when they change."""

    def __init__(self, c):
        self.c = c
        self.actual: dict[str, tuple] = {}

    def _cambia(self, clave: str, valor: tuple) -> bool:
        if self.actual.get(clave) == valor:
            return False
        self.actual[clave] = valor
        return True

    def relleno(self, color: str) -> None:
        if self._cambia("relleno", (color,)):
            self.c.setFillColor(_color(color))

    def trazo(self, color: str, grosor: float) -> None:
        if self._cambia("grosor", (grosor,)):
            self.c.setLineWidth(grosor)
        if self._cambia("trazo", (color,)):
            self.c.setStrokeColor(_color(color))

    def fuente(self, nombre: str, tam: float) -> None:
        if self._cambia("fuente", (nombre, tam)):
            self.c.setFont(nombre, tam)
