"""The trend chart: lines over the semesters, the cycles marked, for the web and the ficha.

`definir(tendencia)` turns what the trend shows (`app.convenios.queries.tendencias`, whose
`series` say which lines) into a plain `GraficoTendencia`; `dibujar` lays it out with the
engine's shapes (`dibujo.Dibujo`: the same fonts, greys, grid and % axis as the report's
charts), so `png.pintar` puts it on pixels for the web and `app.informes.pdf.graficos.Figura`
on the ficha's canvas as vector graphics, one layout for both.

A line joins two semesters only when both have a value and belong to the same cycle: an IdG
number of one cycle may be another indicator in the next, and a missing semester is a gap,
never a slope. A lone value is still drawn as its marker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.informes.graficos.definicion import AZUL, NARANJA, numero, porcentaje
from app.informes.graficos.dibujo import (
    GRIS,
    GRIS_REJILLA,
    NEGRO,
    PULGADA,
    Dibujo,
    ancho_texto,
    limites,
    marcas,
)

if TYPE_CHECKING:  # only read: the chart formats the trend, never queries it
    from app.convenios.queries.tendencias import Tendencia

#: The colour of each kind of line; the IdG lines take PALETA by their number.
COLORES = {"programado": AZUL, "ejecutado": NARANJA, "nacional": GRIS}
PALETA = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
    "#393B79",
    "#AD494A",
    "#637939",
    "#843C39",
    "#5254A3",
)
#: Width of the chart (inches); its height grows with the legend's rows.
ANCHO = 6.4
ALTO_EJES = 2.6
#: What an empty chart says.
SIN_CIFRAS = "Sin cifras aprobadas que mostrar"
#: Above this many semesters the labels under the axis are slanted.
RECTAS_HASTA = 8


@dataclass(frozen=True)
class SerieTendencia:
    """A line: a name, one value per semester (None: no point) and a colour."""

    nombre: str
    valores: tuple[float | None, ...]
    color: str


@dataclass(frozen=True)
class GraficoTendencia:
    """One trend chart: everything it shows, nothing about where it goes on the page."""

    titulo: str
    #: The semesters' labels, oldest first
    semestres: tuple[str, ...]
    #: The cycle group of each semester (0, 0, 1, 1…) and each group's label
    ciclos: tuple[int, ...]
    etiquetas_ciclo: tuple[str, ...]
    series: tuple[SerieTendencia, ...]

    @property
    def huella(self) -> str:
        """sha256 (hex) of everything drawn: same chart, same name in the disk cache."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()


def color_de(clase: str, numero_idg: int | None) -> str:
    """The colour of a line of this kind (an IdG's by its number)."""
    if clase == "idg" and numero_idg is not None:
        return PALETA[(numero_idg - 1) % len(PALETA)]
    return COLORES.get(clase, GRIS)


def definir(tendencia: Tendencia) -> GraficoTendencia:
    """The chart of a trend: the lines its `series` name, over its semesters."""
    grupos = tendencia.grupos
    ciclos = tuple(k for k, (_ciclo, lista) in enumerate(grupos) for _s in lista)
    return GraficoTendencia(
        tendencia.titulo_grafico,
        tuple(s.corto for s in tendencia.semestres),
        ciclos,
        tuple(ciclo.etiqueta for ciclo, _lista in grupos),
        tuple(
            SerieTendencia(
                s.nombre, tuple(numero(v) for v in s.valores), color_de(s.clase, s.numero)
            )
            for s in tendencia.series
        ),
    )


# --------------------------------------------------------------------------- layout


def _leyenda(series, ancho_util: float, tam: float) -> list[list[tuple[SerieTendencia, float]]]:
    """The legend's items in rows that fit the width: (series, item width)."""
    filas: list[list[tuple[SerieTendencia, float]]] = [[]]
    usado = 0.0
    for serie in series:
        ancho = 22 + ancho_texto(serie.nombre, tam) + 12
        if filas[-1] and usado + ancho > ancho_util:
            filas.append([])
            usado = 0.0
        filas[-1].append((serie, ancho))
        usado += ancho
    return [f for f in filas if f]


def dibujar(g: GraficoTendencia) -> Dibujo:
    """Lay the trend chart out: % axis and grid, the cycles above, lines with their markers,
    the semesters under the axis and the legend at the foot."""
    W = ANCHO * PULGADA
    n = max(len(g.semestres), 1)
    inclinadas = n > RECTAS_HASTA
    tam_leyenda = 7.0
    izq, der = 0.09 * W, 0.985 * W
    filas_leyenda = _leyenda(g.series, der - izq, tam_leyenda)
    alto_leyenda = 13.0 * len(filas_leyenda) + 6
    alto_etiquetas = 46.0 if inclinadas else 18.0
    arriba_ejes = 38.0  # title and the cycles' labels
    H = ALTO_EJES * PULGADA + alto_leyenda + alto_etiquetas - 18
    d = Dibujo(W, H, g.titulo)
    y0 = alto_leyenda + alto_etiquetas
    y1 = H - arriba_ejes
    todos = [v for s in g.series for v in s.valores]
    bajo, alto = limites(todos)

    def x(i: float) -> float:
        return izq + (i + 0.5) / n * (der - izq)

    def y(v: float) -> float:
        return y0 + (v - bajo) / (alto - bajo) * (y1 - y0)

    # Grid and % ticks (at most one per 14 points of height), as the report's charts.
    for v in marcas(bajo, alto, min(9, max(1, int((y1 - y0) // 14)))):
        d.linea(izq, y(v), der, y(v), GRIS_REJILLA, 0.6)
        d.linea(izq - 2, y(v), izq, y(v), GRIS, 0.8)
        d.texto(izq - 5.5, y(v), f"{v:.0f}%", tam=7, color=GRIS, ha="right", va="center")
    if any(v is not None and v < 0 for v in todos):
        d.linea(izq, y(0), der, y(0), GRIS, 0.6)

    # The cycles: a label over each group, a vertical line between groups.
    inicio = 0
    for k, etiqueta in enumerate(g.etiquetas_ciclo):
        fin = inicio
        while fin < len(g.ciclos) and g.ciclos[fin] == k:
            fin += 1
        if k:
            borde = (x(inicio - 1) + x(inicio)) / 2
            _discontinua(d, borde, y0, y1 + 14)
        centro = (x(inicio) + x(fin - 1)) / 2 if fin > inicio else x(inicio)
        d.texto(centro, y1 + 5, etiqueta, tam=7, color=GRIS, negrita=True, va="bottom")
        inicio = fin

    # The lines, then their markers on top.
    for serie in g.series:
        for i in range(1, len(serie.valores)):
            a, b = serie.valores[i - 1], serie.valores[i]
            if a is not None and b is not None and g.ciclos[i - 1] == g.ciclos[i]:
                d.linea(x(i - 1), y(a), x(i), y(b), serie.color, 1.6)
    lado = 3.6
    for serie in g.series:
        for i, v in enumerate(serie.valores):
            if v is not None:
                d.rectangulo(x(i) - lado / 2, y(v) - lado / 2, lado, lado, serie.color)
    if not any(v is not None for v in todos):
        d.texto((izq + der) / 2, (y0 + y1) / 2, SIN_CIFRAS, tam=9, color=GRIS)
    # With a single line its values are printed over its markers.
    if len(g.series) == 1:
        for i, v in enumerate(g.series[0].valores):
            if v is not None:
                d.texto(x(i), y(v) + 4, porcentaje(v), tam=6.5, va="bottom")

    # Axes, the semesters under them and the title.
    d.linea(izq, y0, izq, y1, GRIS_REJILLA, 0.8)
    d.linea(izq, y0, der, y0, GRIS, 0.8)
    for i, nombre in enumerate(g.semestres):
        d.linea(x(i), y0, x(i), y0 - 3, NEGRO, 0.8)
        if inclinadas:
            d.texto(x(i) + 2, y0 - 5, nombre, tam=6.5, ha="right", va="top", rotacion=45)
        else:
            d.texto(x(i), y0 - 5, nombre, tam=7, va="top")
    d.texto((izq + der) / 2, H - 12, g.titulo, tam=9, negrita=True)

    # The legend: a short line with its marker, then the name.
    for r, fila in enumerate(filas_leyenda):
        total = sum(ancho for _s, ancho in fila)
        cursor = (izq + der) / 2 - total / 2
        centro = alto_leyenda - 9 - 13 * r
        for serie, ancho in fila:
            d.linea(cursor, centro, cursor + 16, centro, serie.color, 1.6)
            d.rectangulo(cursor + 8 - lado / 2, centro - lado / 2, lado, lado, serie.color)
            d.texto(cursor + 20, centro, serie.nombre, tam=tam_leyenda, ha="left", va="center")
            cursor += ancho
    return d


def _discontinua(d: Dibujo, xv: float, abajo: float, arriba: float) -> None:
    """A dashed vertical line (the engine draws solid lines only)."""
    paso, trazo = 5.0, 3.0
    yv = abajo
    while yv < arriba:
        d.linea(xv, yv, xv, min(yv + trazo, arriba), GRIS, 0.9)
        yv += paso


def png(g: GraficoTendencia) -> bytes:
    """The chart as PNG bytes (the web's image)."""
    from app.informes.graficos.png import pintar

    return pintar(dibujar(g))
