"""The page side of every report PDF: A4 portrait and landscape templates, the header lines
(decade and motto), the page number, the footnotes reserved by `ReservaNotas` printed at the
foot of their page, the table-of-contents hooks and the BORRADOR watermark."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from app.informes.narrativa import DECENIO
from app.informes.pdf.base import (
    FUENTE,
    FUENTE_CURSIVA,
    FUENTE_NEGRITA,
    GRIS,
    LINEA,
    ReservaNotas,
    texto,
)


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
        #: With a table of contents the first pass only measures pages: charts are not drawn.
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
        """Note whether this is the measuring pass; pass ReportLab's progress on."""
        if tipo == "PASS":
            # multiBuild needs at least two passes when the story has a table of contents.
            self.pasada_de_prueba = self.varias_pasadas and valor == 1
        if self._progreso is not None:
            self._progreso(tipo, valor)

    def beforeDocument(self):
        """Start each layout pass with no footnotes pending."""
        self.notas_pagina = []

    def afterFlowable(self, flowable):
        """Turn a heading into a bookmark, an outline entry and a table-of-contents line."""
        toc = getattr(flowable, "toc", None)
        if toc is None:
            return
        nivel, entrada, clave = toc
        self.canv.bookmarkPage(clave)
        self.canv.addOutlineEntry(entrada, clave, level=nivel, closed=nivel > 0)
        self.notify("TOCEntry", (nivel, texto(entrada), self.page, clave))

    def _al_empezar(self, canvas, doc):
        """Page start: restore the frame's full height and draw the header lines."""
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
        """Page end: print the page's footnotes, the page number and the watermark."""
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
