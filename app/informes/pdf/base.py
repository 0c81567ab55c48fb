"""Shared PDF machinery: fonts, styles, the page template (header, page number, footnotes,
watermark) and the story writer used by the report and the ficha."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)

from app.informes.narrativa import DECENIO

Progreso = Callable[[float, str], None]

# --------------------------------------------------------------------------- fonts

FUENTE = "DejaVuSans"
FUENTE_NEGRITA = "DejaVuSans-Bold"
FUENTE_CURSIVA = "DejaVuSans-Oblique"
_ARCHIVOS_FUENTE = {
    FUENTE: "DejaVuSans.ttf",
    FUENTE_NEGRITA: "DejaVuSans-Bold.ttf",
    FUENTE_CURSIVA: "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
_fuentes_listas = False
_candado = threading.Lock()


def registrar_fuentes() -> None:
    """Register DejaVu Sans (shipped inside matplotlib, so no system font is needed) once."""
    global _fuentes_listas
    with _candado:
        if _fuentes_listas:
            return
        # Binary (not ASCII85) streams: smaller files, and the pure-Python encoder was the
        # slowest step of a build.
        rl_config.useA85 = 0
        carpeta = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for nombre, archivo in _ARCHIVOS_FUENTE.items():
            pdfmetrics.registerFont(TTFont(nombre, str(carpeta / archivo)))
        pdfmetrics.registerFontFamily(
            FUENTE,
            normal=FUENTE,
            bold=FUENTE_NEGRITA,
            italic=FUENTE_CURSIVA,
            boldItalic="DejaVuSans-BoldOblique",
        )
        _fuentes_listas = True


# --------------------------------------------------------------------------- styles

AZUL_OSCURO = colors.HexColor("#1F3864")
FONDO_CABECERA = colors.HexColor("#D9E2F3")
FONDO_SUAVE = colors.HexColor("#F2F2F2")
GRIS = colors.HexColor("#595959")
LINEA = colors.HexColor("#8EA9DB")


def _estilo(nombre: str, **kw) -> ParagraphStyle:
    base = {"fontName": FUENTE, "bulletFontName": FUENTE, "fontSize": 9.5, "leading": 13.5}
    base.update(kw)
    return ParagraphStyle(nombre, **base)


ESTILOS = {
    "cuerpo": _estilo("cuerpo", alignment=TA_JUSTIFY, spaceAfter=7),
    "vineta": _estilo("vineta", alignment=TA_JUSTIFY, spaceAfter=5, leftIndent=16, bulletIndent=4),
    "vineta2": _estilo(
        "vineta2", alignment=TA_JUSTIFY, spaceAfter=4, leftIndent=30, bulletIndent=18
    ),
    "titulo": _estilo(
        "titulo",
        fontName=FUENTE_NEGRITA,
        fontSize=15,
        leading=21,
        alignment=TA_CENTER,
        textColor=AZUL_OSCURO,
        spaceAfter=10,
    ),
    "institucion": _estilo(
        "institucion",
        fontName=FUENTE_NEGRITA,
        fontSize=11,
        leading=15,
        alignment=TA_CENTER,
        textColor=AZUL_OSCURO,
        spaceBefore=20,
    ),
    "subtitulo": _estilo(
        "subtitulo", fontName=FUENTE_CURSIVA, fontSize=9, alignment=TA_CENTER, textColor=GRIS
    ),
    "h1": _estilo(
        "h1",
        fontName=FUENTE_NEGRITA,
        fontSize=11.5,
        leading=15,
        spaceBefore=12,
        spaceAfter=8,
        textColor=AZUL_OSCURO,
        keepWithNext=1,
    ),
    "h2": _estilo(
        "h2", fontName=FUENTE_NEGRITA, fontSize=10, spaceBefore=10, spaceAfter=2, keepWithNext=1
    ),
    "etiqueta": _estilo(
        "etiqueta", fontName=FUENTE_NEGRITA, spaceBefore=4, spaceAfter=3, keepWithNext=1
    ),
    "cita": _estilo(
        "cita", fontName=FUENTE_NEGRITA, alignment=TA_LEFT, spaceAfter=6, keepWithNext=1
    ),
    "leyenda": _estilo(
        "leyenda",
        fontName=FUENTE_NEGRITA,
        fontSize=9,
        leading=11.5,
        alignment=TA_CENTER,
        keepWithNext=1,
    ),
    "fuente": _estilo(
        "fuente", fontSize=7.5, leading=9.5, textColor=GRIS, spaceBefore=3, spaceAfter=10
    ),
    "dato": _estilo("dato", fontSize=8, leading=10, alignment=TA_CENTER, textColor=GRIS),
    "celda": _estilo("celda", fontSize=8, leading=10),
    "celda_centro": _estilo("celda_centro", fontSize=8, leading=10, alignment=TA_CENTER),
    "cabecera": _estilo(
        "cabecera", fontName=FUENTE_NEGRITA, fontSize=8, leading=10, alignment=TA_CENTER
    ),
    "celda_mini": _estilo("celda_mini", fontSize=6.3, leading=7.8),
    "cabecera_mini": _estilo(
        "cabecera_mini", fontName=FUENTE_NEGRITA, fontSize=6.3, leading=7.8, alignment=TA_CENTER
    ),
    "mes": _estilo("mes", fontName=FUENTE_NEGRITA, fontSize=4.6, leading=6, alignment=TA_CENTER),
    "nota": _estilo("nota", fontSize=7.3, leading=9, leftIndent=9, firstLineIndent=-9),
    "toc0": _estilo("toc0", fontSize=9.5, leading=15, leftIndent=14, firstLineIndent=-14),
    "toc1": _estilo("toc1", fontSize=9, leading=13, leftIndent=28, firstLineIndent=-14),
}


def texto(valor: object) -> str:
    """User or database text made safe for Paragraph markup (& < > print literally)."""
    return escape("" if valor is None else str(valor))


def pct(valor: int | None) -> str:
    """A whole percentage as the report prints it ("48%"); "—" when there is no value."""
    return "—" if valor is None else f"{valor}%"


# --------------------------------------------------------------------------- flowables


class ReservaNotas(Flowable):
    """Footnotes referenced by the paragraph just before it.

    It takes no room where it stands: when the frame reaches it, it raises the frame's
    bottom by the notes' height, and the page-end callback prints them there. Placed with
    its paragraph in a KeepTogether (its wrap() returns the notes' height), so a paragraph
    whose notes would not fit moves to the next page with them.
    """

    SEPARADOR = 10

    def __init__(self, notas: list[tuple[int, str]]):
        super().__init__()
        self.notas = notas

    def _parrafos(self, ancho: float) -> list[tuple[Paragraph, float]]:
        resultado = []
        for numero, marcado in self.notas:
            p = Paragraph(f"<super>{numero}</super> {marcado}", ESTILOS["nota"])
            resultado.append((p, p.wrap(ancho, 10_000)[1] + 1.5))
        return resultado

    def wrap(self, aW, aH):
        return aW, sum(h for _p, h in self._parrafos(aW)) + self.SEPARADOR

    def frameAction(self, frame):
        doc = self.canv._doctemplate
        ancho = frame._getAvailableWidth()
        parrafos = self._parrafos(ancho)
        alto = sum(h for _p, h in parrafos)
        if not doc.notas_pagina:
            alto += self.SEPARADOR
        frame._y1p += alto
        doc.notas_pagina.extend(parrafos)


class Titulo(Paragraph):
    """A heading that becomes a table-of-contents entry and a PDF bookmark."""

    def __init__(self, marcado: str, estilo: ParagraphStyle, nivel: int, entrada: str, clave):
        super().__init__(marcado, estilo)
        self.toc = (nivel, entrada, clave)


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class Margenes:
    izquierda: float
    derecha: float
    arriba: float
    abajo: float


VERTICAL = Margenes(2.3 * cm, 2.0 * cm, 2.6 * cm, 2.0 * cm)
APAISADO = Margenes(1.5 * cm, 1.5 * cm, 2.2 * cm, 1.6 * cm)


class Documento(BaseDocTemplate):
    """A4 document with a portrait and a landscape template; header lines, page numbers,
    footnotes at the foot of the page and an optional BORRADOR watermark on every page."""

    def __init__(
        self,
        destino,
        *,
        lema: str,
        borrador: bool,
        progreso=None,
        varias_pasadas: bool = False,
        **kw,
    ):
        super().__init__(destino, pagesize=A4, invariant=1, lang="es-PE", **kw)
        self.lema = lema
        self.borrador = borrador
        #: With a table of contents the first pass only measures pages: images are skipped.
        self.varias_pasadas = varias_pasadas
        self.pasada_de_prueba = False
        self._progreso = progreso
        self.notas_pagina: list[tuple[Paragraph, float]] = []
        plantillas = []
        for nombre, tamano, m in (
            ("vertical", A4, VERTICAL),
            ("apaisado", landscape(A4), APAISADO),
        ):
            marco = Frame(
                m.izquierda,
                m.abajo,
                tamano[0] - m.izquierda - m.derecha,
                tamano[1] - m.arriba - m.abajo,
                id=nombre,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            plantillas.append(
                PageTemplate(
                    id=nombre,
                    frames=[marco],
                    onPage=self._al_empezar,
                    onPageEnd=self._al_terminar,
                    pagesize=tamano,
                )
            )
        self.addPageTemplates(plantillas)
        self.setProgressCallBack(self._al_avanzar)

    def _al_avanzar(self, tipo, valor):
        if tipo == "PASS":
            # multiBuild needs at least two passes when the story has a table of contents.
            self.pasada_de_prueba = self.varias_pasadas and valor == 1
        if self._progreso is not None:
            self._progreso(tipo, valor)

    def beforeDocument(self):
        self.notas_pagina = []

    def afterFlowable(self, flowable):
        toc = getattr(flowable, "toc", None)
        if toc is None:
            return
        nivel, entrada, clave = toc
        self.canv.bookmarkPage(clave)
        self.canv.addOutlineEntry(entrada, clave, level=nivel, closed=nivel > 0)
        self.notify("TOCEntry", (nivel, texto(entrada), self.page, clave))

    def _al_empezar(self, canvas, doc):
        for marco in doc.pageTemplate.frames:
            marco._geom()  # undo the room footnotes took on the previous page
        self.notas_pagina = []
        ancho, alto = canvas._pagesize
        canvas.saveState()
        canvas.setFillColor(GRIS)
        canvas.setFont(FUENTE_CURSIVA, 7)
        arriba = alto - 1.0 * cm
        canvas.drawCentredString(ancho / 2, arriba, f"“{DECENIO}”")
        canvas.drawCentredString(ancho / 2, arriba - 9, f"“{self.lema}”")
        canvas.setStrokeColor(LINEA)
        canvas.setLineWidth(0.5)
        canvas.line(1.5 * cm, arriba - 14, ancho - 1.5 * cm, arriba - 14)
        canvas.restoreState()

    def _al_terminar(self, canvas, doc):
        ancho, _alto = canvas._pagesize
        marco = doc.pageTemplate.frames[0]
        if self.notas_pagina:
            total = sum(h for _p, h in self.notas_pagina) + ReservaNotas.SEPARADOR
            y = marco._y1 + total
            canvas.saveState()
            canvas.setStrokeColor(GRIS)
            canvas.setLineWidth(0.5)
            canvas.line(marco._x1, y - 3, marco._x1 + 4 * cm, y - 3)
            canvas.restoreState()
            y -= ReservaNotas.SEPARADOR
            for parrafo, h in self.notas_pagina:
                y -= h
                parrafo.wrapOn(canvas, marco._width, h)
                parrafo.drawOn(canvas, marco._x1, y)
            self.notas_pagina = []
        canvas.saveState()
        canvas.setFont(FUENTE, 8)
        canvas.setFillColor(GRIS)
        canvas.drawCentredString(ancho / 2, 0.9 * cm, f"Página {doc.page}")
        canvas.restoreState()
        if self.borrador:
            self._marca_de_agua(canvas)

    @staticmethod
    def _marca_de_agua(canvas) -> None:
        """A large translucent diagonal "BORRADOR" over everything (charts are opaque)."""
        ancho, alto = canvas._pagesize
        vertical = ancho < alto
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.55, 0.55, 0.55))
        canvas.setFillAlpha(0.22)
        canvas.setFont(FUENTE_NEGRITA, 96 if vertical else 110)
        canvas.translate(ancho / 2, alto / 2)
        canvas.rotate(50 if vertical else 30)
        canvas.drawCentredString(0, -34, "BORRADOR")
        canvas.restoreState()


# --------------------------------------------------------------------------- story writer

_NOTA = re.compile(r"\[\^(.+?)\]", re.S)


class Redactor:
    """Builds the story: paragraphs with footnotes, bullets, captions numbered in order."""

    def __init__(self):
        self.story: list = []
        self.cuadros = 0
        self.graficos = 0
        self.notas = 0
        self.titulos = 0
        self._pendientes: list[tuple[int, str]] = []

    # footnotes ---------------------------------------------------------------
    def nota(self, marcado: str) -> str:
        """Register a footnote (already escaped markup); return its superscript marker."""
        self.notas += 1
        self._pendientes.append((self.notas, marcado))
        return f"<super>{self.notas}</super>"

    def marcado(self, texto_usuario: str) -> str:
        """Escape user text, turning each [^note] into a numbered footnote."""
        partes, inicio = [], 0
        for m in _NOTA.finditer(texto_usuario):
            partes.append(texto(texto_usuario[inicio : m.start()]))
            partes.append(self.nota(texto(m.group(1).strip())))
            inicio = m.end()
        partes.append(texto(texto_usuario[inicio:]))
        return "".join(partes)

    def _con_notas(self, flowable) -> None:
        if self._pendientes:
            notas, self._pendientes = self._pendientes, []
            self.story.append(KeepTogether([flowable, ReservaNotas(notas)]))
        else:
            self.story.append(flowable)

    # text ------------------------------------------------------------------------
    def parrafo(self, marcado: str, estilo: str = "cuerpo", **kw) -> None:
        """Add a paragraph of markup (escape user text first, or use `bloque`)."""
        self._con_notas(Paragraph(marcado, ESTILOS[estilo], **kw))

    def vineta(self, marcado: str, estilo: str = "vineta") -> None:
        self._con_notas(Paragraph(marcado, ESTILOS[estilo], bulletText="•"))

    def bloque(self, texto_usuario: str, *, lista: bool = False) -> None:
        """Add a narrative text: blank-line paragraphs, "• " bullets, [^notes]."""
        for parrafo in re.split(r"\n\s*\n", texto_usuario.strip()):
            lineas = [linea.strip() for linea in parrafo.splitlines() if linea.strip()]
            if lista:
                for linea in lineas:
                    self.vineta(self.marcado(linea.lstrip("•").strip()))
                continue
            normal: list[str] = []
            for linea in lineas:
                if linea.startswith("•"):
                    if normal:
                        self.parrafo(self.marcado(" ".join(normal)))
                        normal = []
                    self.vineta(self.marcado(linea.lstrip("•").strip()))
                else:
                    normal.append(linea)
            if normal:
                self.parrafo(self.marcado(" ".join(normal)))

    def titulo(self, entrada: str, *, nivel: int = 0, estilo: str = "h1") -> None:
        """A heading listed in the table of contents."""
        self.titulos += 1
        self.story.append(
            Titulo(texto(entrada), ESTILOS[estilo], nivel, entrada, f"sec{self.titulos}")
        )

    def espacio(self, alto: float) -> None:
        self.story.append(Spacer(1, alto))

    # captions ------------------------------------------------------------------
    def siguiente_cuadro(self) -> int:
        return self.cuadros + 1

    def cuadro(self, lineas: Iterable[str], tabla, fuente: str, *, juntos=True) -> None:
        """CUADRO Nº nn + title lines (markup) + table + "Fuente:" line."""
        self.cuadros += 1
        bloque = [Paragraph(f"CUADRO Nº {self.cuadros:02d}", ESTILOS["leyenda"])]
        bloque += [Paragraph(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque.append(Spacer(1, 5))
        pie = Paragraph(f"Fuente: {fuente}", ESTILOS["fuente"])
        if self._pendientes:
            notas, self._pendientes = self._pendientes, []
            bloque.append(ReservaNotas(notas))
        if juntos:
            self.story.append(KeepTogether([*bloque, tabla, pie]))
        else:
            self.story.append(KeepTogether(bloque))
            self.story += [tabla, pie]

    def grafico(
        self,
        lineas: Iterable[str],
        figura: Flowable,
        fuente: str,
        *,
        despues: Iterable = (),
    ) -> int:
        """GRÁFICO Nº nn + title lines (markup) + chart + "Fuente:" line, kept together."""
        self.graficos += 1
        bloque = [Paragraph(f"GRÁFICO Nº {self.graficos:02d}", ESTILOS["leyenda"])]
        bloque += [Paragraph(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque += [Spacer(1, 4), figura, *despues]
        bloque.append(Paragraph(f"Fuente: {fuente}", ESTILOS["fuente"]))
        self.story.append(KeepTogether(bloque))
        return self.graficos


def avisar(progreso: Progreso | None, fraccion: float, mensaje: str) -> None:
    if progreso is not None:
        progreso(min(max(fraccion, 0.0), 1.0), mensaje)
