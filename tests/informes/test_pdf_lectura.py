"""The II Semestre 2020 report read as a reader reads it (issue 19, item 9): pages filled
before a long table or the charts, the annex's rows always under their IdG, words kept whole
in narrow columns, the charts' "sin valor" note at the size of the report's notes.

The PDF is read back with pypdf (text, and the size each text is drawn at); the page fill is
what the layout left unused at the foot of each page (`Documento.libre_al_pie`).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from app.extensions import db
from app.informes import informe, pdf
from app.informes.graficos import definicion
from app.informes.pdf.base import ESTILOS, registrar_fuentes
from app.informes.pdf.documento import VERTICAL, Documento, _todos
from app.informes.pdf.situacional import Informe
from tests.conftest import restaurar
from tests.informes.test_pdf import _cargar_2020

#: A body page may leave at most this share of its frame empty (a chart or a table's
#: caption with its first rows that does not fit in less moves to the next page).
VACIO_MAXIMO = 0.35


@dataclass
class Leido:
    datos: informe.DatosInforme
    lector: PdfReader
    paginas: list[str]
    #: Points each page left unused at its foot (above its footnotes).
    libre: list[float]

    def normal(self, indice: int) -> str:
        """A page's text, whitespace collapsed."""
        return " ".join(self.paginas[indice].split())

    @property
    def anexo(self) -> list[int]:
        """Indexes of the annex's (landscape) pages."""
        return [
            i
            for i, p in enumerate(self.lector.pages)
            if float(p.mediabox.width) > float(p.mediabox.height)
        ]


@pytest.fixture(scope="module")
def leido(app, _foto_semilla) -> Leido:
    """The II Semestre 2020 report (demo Anexos 4 and 5), built once; its Documento kept
    to read how much of each page the layout used."""
    documentos: list[Documento] = []
    original = Documento.build

    def construir(self, *args, **kw):
        documentos.append(self)
        return original(self, *args, **kw)

    with app.app_context():
        restaurar(_foto_semilla)
        _cargar_2020()
        datos = informe.datos_informe("2020-2")
        with pytest.MonkeyPatch.context() as parche:
            parche.setattr(Documento, "build", construir)
            contenido = pdf.informe_pdf(datos)
        db.session.remove()
    (documento,) = documentos
    lector = PdfReader(io.BytesIO(contenido))
    return Leido(datos, lector, [p.extract_text() for p in lector.pages], documento.libre_al_pie)


# --- (c) pages are filled ----------------------------------------------------------------------


def test_no_page_before_the_annex_is_left_a_third_empty(leido):
    """A long table starts where its caption and first rows fit, and the region charts follow
    the table that announces them: the old layout moved Cuadro Nº 04 whole to the next page
    and broke the page before the charts, leaving pages 10 and 11 (43%) half empty."""
    alto = A4[1] - VERTICAL.arriba - VERTICAL.abajo
    assert len(leido.libre) == len(leido.paginas)
    vacias = [
        (i + 1, f"{leido.libre[i] / alto:.0%}")
        for i in range(2, leido.anexo[0])  # after the cover and the contents
        if leido.libre[i] > VACIO_MAXIMO * alto
    ]
    assert vacias == []


def test_a_table_too_long_for_the_page_starts_there_and_goes_on_with_its_header(leido):
    """Cuadro Nº 04 starts under the sentence that announces it, with its first rows; the
    next page repeats its header, ends it, and the first region chart follows it there."""
    (inicio,) = [i for i in range(len(leido.paginas)) if "CUADRO Nº 04" in leido.normal(i)]
    pagina = leido.normal(inicio)
    assert "En el siguiente cuadro se puede visualizar el desempeño" in pagina
    assert re.search(r"Programación Promedio Ejecución Promedio .*1 Amazonas 43% 23% 11", pagina)
    siguiente = leido.normal(inicio + 1)
    assert "Nº Gobierno Regional II Semestre Número de sumandos" in siguiente
    assert "18 Ucayali 62% 41% 12 Fuente: Información elaborada" in siguiente
    assert "GRÁFICO Nº 02 DRTPE AMAZONAS" in siguiente
    # Each region appears once: nothing was lost or printed twice at the break.
    tabla = pagina[pagina.index("CUADRO Nº 04") :] + " " + siguiente[: siguiente.index("Fuente:")]
    filas = re.findall(r"(\d{1,2}) [^\d%]+? -?\d+% -?\d+% \d+", tabla)
    assert [int(n) for n in filas] == list(range(1, 19))


# --- (a) the annex names the IdG of its rows on every page ----------------------------------


def test_every_annex_page_starts_with_the_idg_its_rows_belong_to(leido):
    """Under the repeated header, each annex page's first row prints its sector, IdG number
    and denomination; "(cont.)" when the IdG's rows began on an earlier page (they were
    blank there, so a reader could not tell which indicator the rows were of)."""
    filas = {f.numero: f for f in leido.datos.matriz}
    anteriores = 0  # the last IdG number seen on the pages before
    continuaciones = 0
    for i in leido.anexo:
        texto = leido.normal(i)
        for cabecera in ("SECTOR", "RESPONSABLE DE LA IMPLEMENTACIÓN", "DETALLE"):
            assert cabecera in texto, (i + 1, cabecera)
        # The header's last cell is the month row's "DIC"; the first row follows it.
        primera = texto[texto.index(" DIC ") + len(" DIC ") :]
        marca = re.match(r"(.*?)N° (\d+)( \(cont\.\))? “", primera)
        assert marca, (i + 1, primera[:80])
        fila = filas[int(marca.group(2))]
        assert marca.group(1).strip() == " ".join(fila.sector.split()), i + 1
        assert primera[marca.end() - 1 :].startswith(f"“{' '.join(fila.denominacion.split())}”")
        if marca.group(3):
            continuaciones += 1
            assert fila.numero == anteriores, (i + 1, fila.numero)  # begun on the page before
        else:
            assert fila.numero > anteriores, (i + 1, fila.numero)
        numeros = [int(n) for n in re.findall(r"N° (\d+)(?: \(cont\.\))? “", texto)]
        assert numeros == sorted(numeros), i + 1
        anteriores = numeros[-1]
    assert continuaciones >= 1  # the demo's long IdG 6, 9 and 12 go on on a second page


# --- (b) words stay whole in narrow columns ----------------------------------------------------


def test_responsible_units_break_after_the_slash_not_inside_a_word(leido):
    """ "DRTPE/MTPE-DGNFECCL" is wider than the RESPONSABLE column: it breaks as "DRTPE/"
    and "MTPE-DGNFECCL", not "DRTPE/MTPE-DGNFE" and "CCL"."""
    anexo = "\n".join(leido.paginas[i] for i in leido.anexo)
    assert "DGNFE\nCCL" not in anexo and "DGNFE CCL" not in " ".join(anexo.split())
    assert re.search(r"DRTPE/\s*\n\s*MTPE-DGNFECCL", anexo)
    assert "MTPE/DGNFECCL" in anexo  # the one that fits stays on one line
    assert re.search(r"DRTPE/\s*\n\s*MTPE-DGDFSST-\s*\n\s*CONSSAT", anexo)


def _palabras(parrafo: Paragraph) -> list[str]:
    """The words a cell prints, the line breaks it was given counted as spaces."""
    marcado = re.sub(r"<br\s*/?>", " ", parrafo.text)
    plano = re.sub(r"<[^>]*>", "", marcado)
    for entidad, caracter in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")):
        plano = plano.replace(entidad, caracter)
    return plano.split()


def _anchos_de_celda(tabla: Table) -> dict[tuple[int, int], float]:
    """Each shown cell's (column, row) width: a spanned cell has its columns' width, the
    cells under it none."""
    columnas, filas = len(tabla._argW), len(tabla._cellvalues)
    anchos = {(c, r): tabla._argW[c] for r in range(filas) for c in range(columnas)}
    for _orden, (c0, r0), (c1, r1) in tabla._spanCmds:
        c0, c1 = c0 % columnas, c1 % columnas
        r0, r1 = r0 % filas, r1 % filas
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                anchos.pop((c, r), None)
        anchos[c0, r0] = sum(tabla._argW[c0 : c1 + 1])
    return anchos


def test_no_word_of_a_table_cell_is_wider_than_its_column(leido):
    """ReportLab cuts a word wider than its column between two letters: in every table of
    the report, each word a cell prints (after its breaks at "/" or "-") fits its column."""
    registrar_fuentes()
    demasiado_anchas = []
    tablas = [f for f in _todos(Informe(leido.datos).story()) if isinstance(f, Table)]
    assert len(tablas) >= 7
    for tabla in tablas:
        anchos = _anchos_de_celda(tabla)
        for r, fila in enumerate(tabla._cellvalues):
            for c, celda in enumerate(fila):
                if not isinstance(celda, Paragraph) or (c, r) not in anchos:
                    continue
                estilo_celda = tabla._cellStyles[r][c]
                ancho = anchos[c, r] - estilo_celda.leftPadding - estilo_celda.rightPadding
                celda.wrap(ancho, 10_000)
                estilo = celda.style
                for palabra in _palabras(celda):
                    if stringWidth(palabra, estilo.fontName, estilo.fontSize) > ancho + 0.01:
                        demasiado_anchas.append((palabra, round(ancho)))
    assert demasiado_anchas == []


# --- (d) the charts' note is printed at the report's note size -------------------------------


def _tamanos(pagina, buscado: str) -> list[float]:
    """The size (points on the page) each text containing `buscado` is drawn at."""
    tamanos = []

    def visitar(texto, cm, tm, _fuente, tam):
        if buscado in texto:
            # The text matrix's vertical unit through the current transformation (a chart
            # is drawn scaled): the height of the font on the page.
            alto_x = tm[2] * cm[0] + tm[3] * cm[2]
            alto_y = tm[2] * cm[1] + tm[3] * cm[3]
            tamanos.append(round(tam * math.hypot(alto_x, alto_y), 2))

    pagina.extract_text(visitor_text=visitar)
    return tamanos


def test_the_charts_sin_valor_note_is_as_large_as_the_source_lines(leido):
    """The "— : sin valor" note was drawn in the chart's small print (5.2 pt once scaled);
    it now has the size of the "Fuente:" lines, the report's note size."""
    d = leido.datos
    graficos = [definicion.grafico_region(d, r.region, r.organo_sigla, r)
                for r in d.resultados_regiones]  # fmt: skip
    graficos += [definicion.grafico_idg(d, r) for r in d.resultados_idg]
    graficos += [definicion.grafico_comparacion(d, f.region, f.organo_sigla)
                 for f in d.comparacion.filas]  # fmt: skip
    nota = definicion.NOTA_SIN_VALOR[:14]
    vistas = 0
    for i, pagina in enumerate(leido.lector.pages):
        tamanos = _tamanos(pagina, nota)
        if not tamanos:
            continue
        vistas += len(tamanos)
        fuentes = set(_tamanos(pagina, "Fuente:"))
        assert set(tamanos) == fuentes == {ESTILOS["fuente"].fontSize}, (i + 1, tamanos)
    assert vistas == sum(1 for g in graficos if g.nota) >= 10  # each chart with a "—"
    assert ESTILOS["fuente"].fontSize >= ESTILOS["nota"].fontSize  # not below the footnotes
