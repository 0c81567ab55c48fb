"""The report's charts for the web: the engine's layout put on pixels, as PNG (Pillow).

`png(grafico)` lays a chart definition out (`dibujo`, the same layout the PDF draws as vector
graphics) at `DPI`, in the same DejaVu Sans the PDF embeds. The image is drawn at twice its
size and halved, so slanted text and the edges of bars and lines are smooth. No variable
metadata: the same chart always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics

from app.informes.graficos.definicion import Grafico
from app.informes.graficos.dibujo import PULGADA, Dibujo, Linea, Rectangulo, Texto, dibujar
from app.informes.pdf.base import FUENTE, FUENTE_NEGRITA, registrar_fuentes

DPI = 150
#: Drawn at this many times the final size, then reduced (antialiasing).
SOBREMUESTREO = 2
_ANCLAS = {"left": "ls", "center": "ms", "right": "rs"}


def png(grafico: Grafico) -> bytes:
    """A chart definition as PNG bytes at `DPI`."""
    return pintar(dibujar(grafico))


def pintar(dibujo: Dibujo) -> bytes:
    """A laid-out chart as PNG bytes at `DPI`."""
    escala = DPI / PULGADA * SOBREMUESTREO  # pixels per point
    ancho, alto = round(dibujo.ancho * escala), round(dibujo.alto * escala)
    imagen = Image.new("RGB", (ancho, alto), "white")
    lienzo = ImageDraw.Draw(imagen)

    def punto(x: float, y: float) -> tuple[float, float]:
        return x * escala, alto - y * escala  # the layout's y grows upwards

    for forma in dibujo.formas:
        if isinstance(forma, Rectangulo):
            (x0, y0) = punto(forma.x, forma.y)
            (x1, y1) = punto(forma.x + forma.ancho, forma.y + forma.alto)
            # Pixel edges: Pillow fills both end rows and columns; a bar of 0 fills none.
            caja = (
                round(min(x0, x1)),
                round(min(y0, y1)),
                round(max(x0, x1)) - 1,
                round(max(y0, y1)) - 1,
            )
            if caja[2] >= caja[0] and caja[3] >= caja[1]:
                lienzo.rectangle(caja, fill=forma.color)
        elif isinstance(forma, Linea):
            grosor = max(1, round(forma.grosor * escala))
            lienzo.line(
                (*punto(forma.x0, forma.y0), *punto(forma.x1, forma.y1)),
                fill=forma.color,
                width=grosor,
            )
        elif isinstance(forma, Texto):
            _texto(imagen, lienzo, forma, punto, escala)
    # 256 colours hold a chart's few colours and their smoothed edges: a third of the bytes.
    final = imagen.reduce(SOBREMUESTREO).quantize(256, method=Image.Quantize.FASTOCTREE)
    salida = io.BytesIO()
    final.save(salida, format="PNG", dpi=(DPI, DPI))
    return salida.getvalue()


@functools.cache
def _fuente(negrita: bool, pixeles: float) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at a size in pixels: the very file the PDF embeds."""
    registrar_fuentes()
    archivo = pdfmetrics.getFont(FUENTE_NEGRITA if negrita else FUENTE).face.filename
    return ImageFont.truetype(archivo, pixeles)


def _texto(imagen: Image.Image, lienzo: ImageDraw.ImageDraw, t: Texto, punto, escala) -> None:
    fuente = _fuente(t.negrita, t.tam * escala)
    ancla = _ANCLAS[t.ha]
    if not t.rotacion:
        lienzo.text(punto(t.x, t.y + t.dy), t.cadena, fill=t.color, font=fuente, anchor=ancla)
        return
    # Turned text: drawn level on a layer just its size, turned, and laid on so that its
    # pivot (x, y) lands where the layout put it.
    bajada = -t.dy * escala  # dy grows upwards, the image's y downwards
    izq, arriba, der, abajo = fuente.getbbox(t.cadena, anchor=ancla)
    pivote = (2 - izq, 2 - arriba - bajada)  # on the level layer
    capa = Image.new("RGBA", (der - izq + 4, abajo - arriba + 4), (0, 0, 0, 0))
    ImageDraw.Draw(capa).text(
        (pivote[0], pivote[1] + bajada), t.cadena, fill=t.color, font=fuente, anchor=ancla
    )
    girada = capa.rotate(t.rotacion, resample=Image.Resampling.BICUBIC, expand=True)
    # Where the pivot went: turned about the layer's centre, which stays the centre.
    angulo = math.radians(t.rotacion)
    dx, dy = pivote[0] - capa.width / 2, pivote[1] - capa.height / 2
    px = girada.width / 2 + dx * math.cos(angulo) + dy * math.sin(angulo)
    py = girada.height / 2 - dx * math.sin(angulo) + dy * math.cos(angulo)
    x, y = punto(t.x, t.y)
    imagen.paste(girada, (round(x - px), round(y - py)), girada)
