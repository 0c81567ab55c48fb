# Over 400 lines: the flowables the report, the ficha and the plan share (paragraph, table cell,
# block, footnote reserve, heading) and the writer that places them; they measure one another.
"""Shared PDF machinery: fonts, colours, paragraph styles, and the story writer (`Redactor`,
with its footnote and table-of-contents flowables) used by the report and the ficha.

The page template that prints the footnotes, header and watermark is `pdf.documento`."""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.flowables import _listWrapOn

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


def carpeta_fuentes() -> Path:
    """The folder of matplotlib's DejaVu fonts, found without importing matplotlib: nothing
    else of it is used, and importing it (with numpy) added about 20 MB to every process."""
    paquete = importlib.util.find_spec("matplotlib")
    if paquete is None or not paquete.submodule_search_locations:
        raise RuntimeError("Falta matplotlib, que trae las fuentes DejaVu del informe.")
    return Path(paquete.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


def registrar_fuentes() -> None:
    """Register DejaVu Sans (shipped inside matplotlib, so no system font is needed) once."""
    global _fuentes_listas
    with _candado:
        if _fuentes_listas:
            return
        # Binary (not ASCII85) streams: smaller files, and the pure-Python encoder was the
        # slowest step of a build.
        rl_config.useA85 = 0
        carpeta = carpeta_fuentes()
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
    """A paragraph style in DejaVu Sans 9.5/13.5 unless kw says otherwise."""
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
    # A chart's own note ("— : sin valor …"): the size of the source lines, not the chart's
    # small print (5.2 pt once the chart is scaled to the page).
    "nota_grafico": _estilo(
        "nota_grafico", fontSize=7.5, leading=9.5, textColor=GRIS, alignment=TA_RIGHT
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


def meta_texto(valor) -> str:
    """A goal as the report prints it: "60,5%", "50%"; "—" when there is none."""
    return "—" if valor is None else f"{valor.normalize():f}".replace(".", ",") + "%"


def pct(valor: int | None) -> str:
    """A whole percentage as the report prints it ("48%"); "—" when there is no value."""
    return "—" if valor is None else f"{valor}%"


# --------------------------------------------------------------------------- flowables


class Parrafo(Paragraph):
    """A Paragraph that breaks its lines once per width.

    ReportLab wraps a paragraph again whenever it is asked its size: a KeepTogether measures
    its content and the frame measures each piece once more, a table wraps every cell to size
    its rows and again to draw it (and again in each part of a split). The lines depend only
    on the width, so a second wrap at the same width returns the first one's result.
    """

    _ancho_partido: float = -1.0

    def wrap(self, availWidth, availHeight):
        """The paragraph's size at this width, breaking its lines only if the width changed."""
        # A table draws a cell at its column's width worked out again (it differs from the
        # one it measured by ~1e-14); split() deletes blPara when it cannot split: wrap again.
        if abs(availWidth - self._ancho_partido) < 1e-6 and "blPara" in self.__dict__:
            return self.width, self.height
        resultado = super().wrap(availWidth, availHeight)
        self._ancho_partido = availWidth
        return resultado


_ETIQUETA = re.compile(r"(<[^>]*>)")
_ENTIDADES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}


def _visible(marcado: str) -> str:
    """Markup text as printed (tags removed, the escapes `texto` makes undone)."""
    plano = _ETIQUETA.sub("", marcado)
    for entidad, caracter in _ENTIDADES.items():
        plano = plano.replace(entidad, caracter)
    return plano


def _cortar(palabra: str, separador: str, ancho: float, medir: Callable[[str], float]) -> list:
    """A word cut into lines after its `separador`s, each line as long as fits in `ancho`."""
    lineas, actual = [], ""
    for parte in re.split(f"(?<={re.escape(separador)})", palabra):
        if actual and medir(_visible(actual + parte)) > ancho:
            lineas.append(actual)
            actual = parte
        else:
            actual += parte
    lineas.append(actual)
    return lineas


def _trozos(palabra: str, ancho: float, medir: Callable[[str], float]) -> list[str]:
    """A word wider than `ancho` as lines: cut after its "/", and a line still too wide (the
    "MTPE-DGDFSST-CONSSAT" of "DRTPE/MTPE-DGDFSST-CONSSAT") after its "-". A piece with
    neither stays whole (ReportLab then cuts it where it must)."""
    lineas = []
    for linea in _cortar(palabra, "/", ancho, medir):
        lineas += _cortar(linea, "-", ancho, medir) if medir(_visible(linea)) > ancho else [linea]
    return lineas


class Celda(Parrafo):
    """A table cell's paragraph whose too-wide words break where a reader expects.

    ReportLab cuts a word wider than its column between any two letters ("DRTPE/MTPE-DGNFE"
    and "CCL" on the next line). At the width it is laid out at, a Celda breaks such a word
    after its "/" (or, if still too wide, after a "-") instead: "DRTPE/" above
    "MTPE-DGNFECCL". Words that fit are left alone, so a wide column prints the text as is.
    """

    def __init__(self, text, style=None, *args, **kw):
        super().__init__(text, style, *args, **kw)
        # Only the cell as written: the pieces of a split cell come with their lines made.
        self._marcado = text if isinstance(text, str) else None
        self._analizado = self._marcado  # the markup its lines now come from
        self._partido_para: float | None = None

    def _con_texto(self, marcado: str) -> None:
        """Parse `marcado` again as this paragraph's text (its lines to be broken anew)."""
        Paragraph.__init__(
            self,
            marcado,
            self.style,
            bulletText=self.bulletText,
            caseSensitive=self.caseSensitive,
            encoding=self.encoding,
        )
        self.__dict__.pop("blPara", None)
        self._ancho_partido = -1.0
        self._analizado = marcado

    def _partido(self, ancho_total: float) -> str:
        """The text as written, with a line break inside each word wider than the cell."""
        estilo = self.style
        ancho = ancho_total - estilo.leftIndent - estilo.rightIndent
        ancho -= max(estilo.firstLineIndent, 0)

        def medir(cadena: str) -> float:
            return pdfmetrics.stringWidth(cadena, estilo.fontName, estilo.fontSize)

        partes = _ETIQUETA.split(self._marcado)
        for i in range(0, len(partes), 2):  # the text between the tags
            if "/" not in partes[i] and "-" not in partes[i]:
                continue
            palabras = re.split(r"(\s+)", partes[i])
            for k in range(0, len(palabras), 2):
                if palabras[k] and medir(_visible(palabras[k])) > ancho:
                    palabras[k] = "<br/>".join(_trozos(palabras[k], ancho, medir))
            partes[i] = "".join(palabras)
        return "".join(partes)

    def wrap(self, availWidth, availHeight):
        """The cell's size at this width, its too-wide words broken after "/" or "-"."""
        if self._marcado and (
            self._partido_para is None or abs(availWidth - self._partido_para) >= 1e-6
        ):
            partido = self._partido(availWidth)
            if partido != self._analizado:
                self._con_texto(partido)
            self._partido_para = availWidth
        return super().wrap(availWidth, availHeight)


class Bloque(KeepTogether):
    """A caption, its table and the lines under it (source, notes), laid out as a reader
    expects a long table: all on this page when it fits; otherwise, when the caption and at
    least `AL_EMPEZAR` rows fit, the table starts here and goes on on the next page with its
    header rows repeated, at least `AL_TERMINAR` rows going with the lines under it. Only
    when not even the caption and its first rows fit does the whole block move to the next
    page (as a KeepTogether does), so no page is left half empty before a long table.
    """

    AL_EMPEZAR = 2
    AL_TERMINAR = 2

    def __init__(self, cabeza: list, tabla: Table, pie: list):
        super().__init__([*cabeza, tabla, *pie])
        self.cabeza, self.tabla, self.pie = list(cabeza), tabla, list(pie)

    def _notas(self, aW: float) -> float:
        """The footnotes the caption reserves (they take room at the foot of the page)."""
        return sum(f.wrap(aW, 0)[1] for f in self.cabeza if isinstance(f, ReservaNotas))

    def split(self, aW, aH):
        """The block whole if it fits; else the table split here; else on the next page."""
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H + self._notas(aW) <= aH:
            return list(self._content)
        partes = self._partir(aW, aH)
        return partes if partes else super().split(aW, aH)

    def _partir(self, aW: float, aH: float) -> list:
        """[caption…, the rows that fit, Bloque(rest of the table, lines under it)] or []."""
        tabla = self.tabla
        if not isinstance(tabla.repeatRows, int):
            return []
        cabecera = tabla.repeatRows
        filas = len(tabla._cellvalues) - cabecera
        if filas < self.AL_EMPEZAR + self.AL_TERMINAR:
            return []
        arriba = _listWrapOn(self.cabeza, aW, self.canv)[1] if self.cabeza else 0
        disponible = aH - arriba - self._notas(aW) - 1  # 1 pt: rounding in the frame
        if disponible <= 0:
            return []
        tabla.wrapOn(self.canv, aW, disponible)
        alturas = list(tabla._rowHeights)
        # The most rows that fit, leaving AL_TERMINAR for the next page.
        cabe = cabecera
        usado = sum(alturas[:cabecera])
        while cabe < len(alturas) - self.AL_TERMINAR and usado + alturas[cabe] <= disponible:
            usado += alturas[cabe]
            cabe += 1
        if cabe - cabecera < self.AL_EMPEZAR:
            return []
        partes = tabla.splitOn(self.canv, aW, usado + 0.5)
        if len(partes) != 2:
            return []
        primera, resto = partes
        if len(primera._cellvalues) - cabecera < self.AL_EMPEZAR:
            return []  # a row span kept the split further up
        return [*self.cabeza, primera, Bloque([], resto, self.pie)]


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
        self._medidos: tuple[float, list[tuple[Paragraph, float]]] | None = None

    def _parrafos(self, ancho: float) -> list[tuple[Paragraph, float]]:
        """Each note as a paragraph with the height it takes at this width (made once)."""
        if self._medidos is not None and self._medidos[0] == ancho:
            return self._medidos[1]
        resultado = []
        for numero, marcado in self.notas:
            p = Parrafo(f"<super>{numero}</super> {marcado}", ESTILOS["nota"])
            resultado.append((p, p.wrap(ancho, 10_000)[1] + 1.5))
        self._medidos = (ancho, resultado)
        return resultado

    def wrap(self, aW, aH):
        """The notes' height: what must fit on the page together with their paragraph."""
        return aW, sum(h for _p, h in self._parrafos(aW)) + self.SEPARADOR

    def frameAction(self, frame):
        """Raise the frame's bottom by the notes' height and queue them for the page end."""
        doc = self.canv._doctemplate
        ancho = frame._getAvailableWidth()
        parrafos = self._parrafos(ancho)
        alto = sum(h for _p, h in parrafos)
        if not doc.notas_pagina:
            alto += self.SEPARADOR
        frame._y1p += alto
        doc.notas_pagina.extend(parrafos)


class Titulo(Parrafo):
    """A heading that becomes a table-of-contents entry and a PDF bookmark."""

    def __init__(self, marcado: str, estilo: ParagraphStyle, nivel: int, entrada: str, clave):
        super().__init__(marcado, estilo)
        self.toc = (nivel, entrada, clave)


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
        """Add a flowable, kept together with the footnotes its text registered."""
        if self._pendientes:
            notas, self._pendientes = self._pendientes, []
            self.story.append(KeepTogether([flowable, ReservaNotas(notas)]))
        else:
            self.story.append(flowable)

    # text ------------------------------------------------------------------------
    def parrafo(self, marcado: str, estilo: str = "cuerpo", **kw) -> None:
        """Add a paragraph of markup (escape user text first, or use `bloque`)."""
        self._con_notas(Parrafo(marcado, ESTILOS[estilo], **kw))

    def vineta(self, marcado: str, estilo: str = "vineta") -> None:
        """Add a bullet of markup."""
        self._con_notas(Parrafo(marcado, ESTILOS[estilo], bulletText="•"))

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
        """Add vertical space (points)."""
        self.story.append(Spacer(1, alto))

    # captions ------------------------------------------------------------------
    def siguiente_cuadro(self) -> int:
        """Number the next CUADRO will get (for text that refers to it first)."""
        return self.cuadros + 1

    def cuadro(self, lineas: Iterable[str], tabla, fuente: str) -> None:
        """CUADRO Nº nn + title lines (markup) + table + "Fuente:" line, as a `Bloque`: a
        table that does not fit in the rest of the page starts there (caption with its first
        rows) and goes on on the next with its header repeated."""
        self.cuadros += 1
        bloque = [Parrafo(f"CUADRO Nº {self.cuadros:02d}", ESTILOS["leyenda"])]
        bloque += [Parrafo(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque.append(Spacer(1, 5))
        pie = Parrafo(f"Fuente: {fuente}", ESTILOS["fuente"])
        if self._pendientes:
            notas, self._pendientes = self._pendientes, []
            bloque.append(ReservaNotas(notas))
        self.story.append(Bloque(bloque, tabla, [pie]))

    def grafico(
        self,
        lineas: Iterable[str],
        figura: Flowable,
        fuente: str,
        *,
        antes: Iterable = (),
        despues: Iterable = (),
    ) -> int:
        """GRÁFICO Nº nn + title lines (markup) + chart + "Fuente:" line, kept together (with
        `antes`, the sentence that introduces it, if any)."""
        self.graficos += 1
        bloque = [*antes, Parrafo(f"GRÁFICO Nº {self.graficos:02d}", ESTILOS["leyenda"])]
        bloque += [Parrafo(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque += [Spacer(1, 4), figura, *despues]
        bloque.append(Parrafo(f"Fuente: {fuente}", ESTILOS["fuente"]))
        self.story.append(KeepTogether(bloque))
        return self.graficos


def avisar(progreso: Progreso | None, fraccion: float, mensaje: str) -> None:
    """Tell progreso (if any) how far the build is, the fraction kept within 0 … 1."""
    if progreso is not None:
        progreso(min(max(fraccion, 0.0), 1.0), mensaje)
