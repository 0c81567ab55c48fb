"""The page side of every report PDF: A4 portrait and landscape templates, the header lines
(decade and motto, or the lines a document gives), the page number, the footnotes reserved
by `ReservaNotas` printed at the foot of their page, the table of contents (`Contenido`)
and the BORRADOR watermark.

The document is laid out once. The contents' entries are the story's headings, known before
the build; each entry's dot leader and page number is a form XObject that its line draws by
name and that `Documento.build` defines at the end, once every heading has found its page
(as "page X of Y" is done in PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.tableofcontents import defaultTableStyle

from app.informes.narrativa import DECENIO
from app.informes.pdf.base import (
    FUENTE,
    FUENTE_CURSIVA,
    FUENTE_NEGRITA,
    GRIS,
    LINEA,
    Parrafo,
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
    footnotes at the foot of the page and an optional BORRADOR watermark on every page.

    The header prints the decade's motto and the year's (`lema`), each in quotes, unless
    `encabezado` gives the header's lines (printed as given, e.g. a plan's scope).
    """

    def __init__(
        self,
        destino,
        *,
        lema: str = "",
        borrador: bool,
        progreso: Callable[[float, int], None] | None = None,
        encabezado: Sequence[str] | None = None,
        **kw,
    ):
        super().__init__(destino, pagesize=A4, invariant=1, lang="es-PE", **kw)
        self.lema = lema
        #: The header's lines, top down
        self.encabezado = (
            tuple(encabezado) if encabezado is not None else (f"“{DECENIO}”", f"“{lema}”")
        )
        self.borrador = borrador
        #: Told (fraction of the story laid out, page number) as each page starts.
        self._progreso = progreso
        self._flowables = 1
        self._hecho = 0.0
        self.notas_pagina: list[tuple[Paragraph, float]] = []
        #: Page of each heading (by its key), noted as it is laid out.
        self.paginas_titulo: dict[str, int] = {}
        #: Room (points) each page left unused at its foot, above its footnotes: how well the
        #: layout fills the pages (read by the tests).
        self.libre_al_pie: list[float] = []
        #: Forms drawn by name before they can be defined: (name, key, bbox, drawing).
        self._formas: list[tuple[str, str, tuple, Callable]] = []
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
        """Tell `progreso` the fraction of the story laid out as each page starts."""
        if tipo == "SIZE_EST":
            self._flowables = max(valor, 1)
        elif tipo == "PROGRESS":
            # Splitting puts pieces back in the story, so the count can step back: keep the max.
            self._hecho = max(self._hecho, min(valor / self._flowables, 1.0))
        elif tipo == "PAGE" and self._progreso is not None:
            self._progreso(self._hecho, valor)

    def build(self, flowables, **kw):
        """Lay the story out once; then define the contents' page-number forms and save."""
        todos = list(_todos(flowables))
        # The headings, in story order, are the contents' entries (as (level, text, key)).
        entradas = [f.toc for f in todos if getattr(f, "toc", None) is not None]
        for f in todos:
            if isinstance(f, Contenido):
                f.entradas = entradas
        self.paginas_titulo = {}
        self._formas = []
        self._hecho = 0.0
        self._doSave = 0  # as multiBuild does: save only after the forms are defined
        super().build(flowables, **kw)
        canvas = self.canv
        for nombre, clave, caja, dibujar in self._formas:
            if clave not in self.paginas_titulo:
                raise ValueError(f"El título {clave!r} del contenido no llegó a la página.")
            canvas.beginForm(nombre, *caja)
            dibujar(canvas, self.paginas_titulo[clave])
            canvas.endForm()
        canvas.save()

    def multiBuild(self, story, maxPasses=10, **kw):
        """One pass is enough here (see `build`): multiBuild's extra layouts are not needed."""
        self.build(story, **kw)
        return 1

    def diferir(self, nombre: str, clave: str, caja: tuple, dibujar: Callable) -> None:
        """Draw form `nombre` here; `build` defines it as dibujar(canvas, page of `clave`)."""
        self.canv.doForm(nombre)
        self._formas.append((nombre, clave, caja, dibujar))

    def beforeDocument(self):
        """Start the layout with no footnotes pending."""
        self.notas_pagina = []
        self.libre_al_pie = []

    def afterFlowable(self, flowable):
        """Turn a heading into a bookmark and an outline entry; note its page."""
        toc = getattr(flowable, "toc", None)
        if toc is None:
            return
        nivel, entrada, clave = toc
        self.canv.bookmarkPage(clave)
        self.canv.addOutlineEntry(entrada, clave, level=nivel, closed=nivel > 0)
        self.paginas_titulo.setdefault(clave, self.page)

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
        for i, linea in enumerate(self.encabezado):
            canvas.drawCentredString(ancho / 2, arriba - 9 * i, linea)
        canvas.setStrokeColor(LINEA)
        canvas.setLineWidth(0.5)
        canvas.line(1.5 * cm, arriba - 14, ancho - 1.5 * cm, arriba - 14)
        canvas.restoreState()

    def _al_terminar(self, canvas, doc):
        """Page end: print the page's footnotes, the page number and the watermark."""
        ancho, _alto = canvas._pagesize
        marco = doc.pageTemplate.frames[0]
        self.libre_al_pie.append(max(marco._y - marco._y1p, 0.0))
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


# --------------------------------------------------------------------------- contents


def _todos(flowables: Iterable) -> Iterable:
    """Every flowable of the story, those inside a KeepTogether (or similar group) too."""
    for f in flowables:
        yield f
        contenido = getattr(f, "_content", None)
        if isinstance(contenido, list | tuple):
            yield from _todos(contenido)


class Contenido(Flowable):
    """The table of contents, laid out in the same pass as the rest of the document.

    It looks like ReportLab's TableOfContents (one paragraph per heading in the level's style,
    a dot leader and the page number right-aligned), but its entries are the story's headings,
    which `Documento.build` hands it before the layout; the leader and number of each line
    are a form drawn by name, defined when the heading's page is known. The whole line links
    to the heading.
    """

    PUNTOS = " . "

    def __init__(self, estilos: list[ParagraphStyle]):
        super().__init__()
        self.estilos = estilos
        self.entradas: list[tuple[int, str, str]] = []
        self._tabla: Table | None = None
        self._hecha_para: tuple | None = None

    def _estilo(self, nivel: int) -> ParagraphStyle:
        """The style of a level (the last one for deeper levels)."""
        return self.estilos[min(nivel, len(self.estilos) - 1)]

    def wrap(self, availWidth, availHeight):
        """A one-column table of the entries, each ending in a callback for its number."""
        ancho = availWidth
        self.canv.setNamedCB("numero_contenido", lambda c, _k, i: self._numero(c, ancho, int(i)))
        # Made once per width and entries: the frame may ask the size more than once.
        if self._hecha_para != (ancho, self.entradas):
            filas = []
            for i, (nivel, entrada, clave) in enumerate(self.entradas):
                estilo = self._estilo(nivel)
                if estilo.spaceBefore:
                    filas.append([Spacer(1, estilo.spaceBefore)])
                marcado = (
                    f'<a href="#{clave}">{texto(entrada)}</a>'
                    f'<onDraw name="numero_contenido" label="{i}"/>'
                )
                filas.append([Parrafo(marcado, estilo)])
            self._tabla = Table(filas or [[""]], colWidths=(ancho,), style=defaultTableStyle)
            self._hecha_para = (ancho, list(self.entradas))
        self.width, self.height = self._tabla.wrapOn(self.canv, ancho, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """A contents longer than the page continues on the next one, as table parts."""
        return self._tabla.splitOn(self.canv, availWidth, availHeight)

    def drawOn(self, canvas, x, y, _sW=0):
        """Draw the table (the entries' callbacks place their numbers' forms)."""
        self._tabla.drawOn(canvas, x, y, _sW)

    def _numero(self, canvas, ancho: float, i: int) -> None:
        """At the end of entry i's text: its leader and page number (a form), and a link."""
        nivel, _entrada, clave = self.entradas[i]
        estilo = self._estilo(nivel)
        x, y = canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"]
        caja = (min(x, 0) - 10, y - 2 * estilo.leading, ancho + 10, y + 2 * estilo.leading)

        def dibujar(c, pagina: int) -> None:
            """The dot leader and the page number, as TableOfContents draws them."""
            numero = str(pagina)
            tam = estilo.fontSize
            ancho_numero = stringWidth(numero, estilo.fontName, tam)
            while ancho_numero > ancho - x and tam >= 1.0:  # a number that does not fit shrinks
                tam *= 0.9
                ancho_numero = stringWidth(numero, estilo.fontName, tam)
            ancho_punto = stringWidth(self.PUNTOS, estilo.fontName, tam)
            puntos = int((ancho - x - ancho_numero) / ancho_punto)
            linea = c.beginText(ancho - puntos * ancho_punto - ancho_numero, y)
            linea.setFont(estilo.fontName, tam)
            linea.setFillColor(estilo.textColor)
            linea.textLine(puntos * self.PUNTOS + numero)
            c.drawText(linea)

        canvas._doctemplate.diferir(f"contenido-{clave}", clave, caja, dibujar)
        canvas.linkRect("", clave, (x, y, ancho, y + estilo.leading), relative=1)
