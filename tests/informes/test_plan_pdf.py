"""The PDF of an AMC plan (the Puno 2015 plan of seed 002), read back with pypdf: its outline in
order, the document's figures in its tables, the layout machinery (fonts, page numbers,
contents), the download route and its scope, and the plan's Excel's new sheets."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.catalogo.models import Indicador, Region
from app.comun.roles import Rol
from app.informes import pdf
from app.informes.informe.plan import DatosPlan, datos_plan
from app.informes.narrativa import DECENIO
from app.informes.pdf.documento import Documento
from app.mejora_continua.exportacion.planes import libro_plan
from app.mejora_continua.models.planes import PlanMejora
from app.mejora_continua.models.planes_diseno import FaseRol
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from seed.planes import cargar_plan_puno
from tests.conftest import restaurar
from tests.plan_puno import ESQUEMA

DOCUMENTO = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_5d9082fd9ca67189.txt"
con_documento = pytest.mark.skipif(not DOCUMENTO.exists(), reason="seed 002 not available")
LORETO = "drtpe.loreto@demo.trabajo.gob.pe"
PUNO = "drtpe.puno@demo.trabajo.gob.pe"

#: 11.2 as printed in seed 002: indicator, then its baseline and goals.
ALINEAMIENTO = [
    ("Porcentaje de trabajo asalariado", ["42,7%", "45%", "60%"]),
    ("Porcentaje de empleo adecuado", ["51,6% (2009)", "69%", "75%"]),
    ("Tasa de informalidad del empleo", ["68.6%", "64.5%", "60%"]),
]
#: Section 12: rows per phase in the document.
ROLES_POR_FASE = {
    FaseRol.politica: 8,
    FaseRol.planeamiento: 2,
    FaseRol.financiamiento: 1,
    FaseRol.ejecucion: 30,
    FaseRol.monitoreo: 1,
}


def _normal(texto: str) -> str:
    """Whitespace collapsed (the document's typographic spaces and the PDF's line breaks)."""
    return " ".join(texto.split())


def _paginas(contenido: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    return [_normal(p.extract_text() or "") for p in PdfReader(io.BytesIO(contenido)).pages]


def _en_orden(texto: str, buscados: list[str]) -> list[str]:
    """The texts not found in order (each searched after the previous one's match)."""
    faltan, desde = [], 0
    for buscado in buscados:
        i = texto.find(_normal(buscado), desde)
        if i < 0:
            faltan.append(buscado)
        else:
            desde = i + len(_normal(buscado))
    return faltan


def _tramo(texto: str, desde: str, hasta: str) -> str:
    """The text of the body between two headings (after the contents pages)."""
    cuerpo = texto[texto.index("INTRODUCCIÓN La Secretaría") :]
    inicio = cuerpo.index(desde)
    return cuerpo[inicio : cuerpo.index(hasta, inicio)]


@dataclass
class Generado:
    """The plan's data, its PDF and each page's text."""

    datos: DatosPlan
    contenido: bytes
    paginas: list[str]

    @property
    def texto(self) -> str:
        """The whole text, pages joined."""
        return " ".join(self.paginas)


@pytest.fixture(scope="module")
def generado(app, _foto_semilla) -> Generado:
    """The Puno plan's PDF, built once for the module."""
    with app.app_context():
        restaurar(_foto_semilla)
        cargar_plan_puno()
        from app.extensions import db

        db.session.commit()
        plan = db.session.scalar(sa.select(PlanMejora))
        datos = datos_plan(plan)
        contenido = pdf.plan_pdf(datos)
        db.session.remove()
    return Generado(datos, contenido, _paginas(contenido))


@pytest.fixture
def plan(bd) -> PlanMejora:
    """The Puno 2015 plan of document 002, seeded (approved: a signed document)."""
    cargado = cargar_plan_puno()
    bd.session.commit()
    return bd.session.get(PlanMejora, cargado.id)


def _entradas(lector: PdfReader, entradas=None) -> list:
    """The PDF's outline entries (bookmarks), depth first."""
    resultado = []
    for entrada in lector.outline if entradas is None else entradas:
        if isinstance(entrada, list):
            resultado += _entradas(lector, entrada)
        else:
            resultado.append(entrada)
    return resultado


def _contenido_del_documento() -> list[str]:
    """The headings of seed 002's contents list (lines after "## CONTENIDO"), as printed,
    without page numbers, dot leaders, the a)–f) items and the "Objetivo específico" line."""
    lineas = DOCUMENTO.read_text(encoding="utf-8").split("\n")
    inicio = lineas.index("## CONTENIDO") + 1
    fin = next(i for i in range(inicio, len(lineas)) if lineas[i].startswith("## **"))
    titulos = []
    for linea in lineas[inicio:fin]:
        entrada = re.sub(r"</?b>", "", linea).split("\t")[0]
        entrada = _normal(re.sub(r"\s*\.{3,}\s*$", "", entrada.strip()))
        if not entrada or re.match(r"^[a-f]\)", entrada) or entrada.startswith("Objetivo "):
            continue
        titulos.append(entrada)
    return titulos


# --- The outline --------------------------------------------------------------------------


def test_the_seeded_outline_is_the_documents(plan):
    """The seeded outline is the transcribed one: 41 headings."""
    assert [(s.clave, s.titulo) for s in plan.secciones] == ESQUEMA
    assert len(ESQUEMA) == 41


def test_every_heading_is_printed_in_order(generado):
    """Every heading in the body, the contents and the bookmarks, in order."""
    cuerpo = generado.texto[generado.texto.index("INTRODUCCIÓN La Secretaría") :]
    assert _en_orden(cuerpo, [t for _c, t in ESQUEMA]) == []
    # The contents page lists them all, in order, before the body.
    contenido = " ".join(generado.paginas[1:3])
    assert _en_orden(contenido, [t for _c, t in ESQUEMA]) == []
    # And so does the PDF's outline (bookmarks), nested by depth.
    lector = PdfReader(io.BytesIO(generado.contenido))
    assert [e.title for e in _entradas(lector)] == [t for _c, t in ESQUEMA]
    assert [t.title for t in lector.outline if not isinstance(t, list)] == [
        "INTRODUCCIÓN",
        "A. ANTECEDENTES DE LA PROPUESTA",
        ESQUEMA[14][1],
    ]


@con_documento
def test_the_documents_contents_list_is_printed_in_order(generado):
    """Seed 002's own contents list, parsed, against the PDF."""
    esperados = _contenido_del_documento()
    assert esperados[0] == "INTRODUCCIÓN" and esperados[-1] == "18. CRONOGRAMA"
    assert esperados == [t for c, t in ESQUEMA if c != "B.13.3"]
    cuerpo = generado.texto[generado.texto.index("INTRODUCCIÓN La Secretaría") :]
    assert _en_orden(cuerpo, esperados) == []


def test_prose_lists_and_markup_are_printed_literally(plan, bd):
    """User text is escaped (& < > print as typed); "- " lines become bullets."""
    seccion = next(s for s in plan.secciones if s.clave == "A.V")
    seccion.texto = "Costos < 5 & metas > 2 <b>sin negrita</b>\n\n- Primer ítem\n- Segundo ítem"
    bd.session.commit()
    texto = " ".join(_paginas(pdf.plan_pdf(datos_plan(plan))))
    assert "Costos < 5 & metas > 2 <b>sin negrita</b>" in texto
    assert "• Primer ítem • Segundo ítem" in texto


# --- The document's figures ---------------------------------------------------------------


def test_budget_totals_per_level_and_overall(generado):
    """GN 119,700.00, GR 20,000.00 and 139,700.00 in all: the document's lines added up."""
    texto = generado.texto
    assert "Total Gobierno Nacional 119,700.00" in texto
    assert "Total Gobierno Regional 20,000.00" in texto
    assert "Total general 139,700.00" in texto
    presupuesto = _tramo(texto, "13.3 PRESUPUESTO", "14. ASISTENCIA")
    assert "No se ha determinado" in presupuesto
    # Cost lines: unit × quantity (Curso Capacitación 11,500.00 × 3 = 34,500.00).
    assert "11,500.00 3 34,500.00 2.3.2.7.11.99" in presupuesto
    assert "41,700.00" in presupuesto and "Montos en PEN" in presupuesto


def test_alignment_figures_as_printed(generado):
    """11.2's figures and year headings as seed 002 prints them."""
    tramo = _tramo(generado.texto, "11.2 A los Objetivos", "12. IDENTIFICACIÓN")
    assert _en_orden(tramo, [x for nombre, cifras in ALINEAMIENTO for x in (nombre, *cifras)]) == []
    for encabezado in ("Línea de base", "Tendencia al 2021", "Meta 2021", "Meta 2016"):
        assert encabezado in tramo
    assert "Fórmula del indicador" in tramo  # the first table has formulas, the second none
    assert "Objetivo específico 5: Incremento de los empleos adecuados" in tramo


def test_logic_matrices_and_value_chain_figures(generado):
    """The document's matrices print objectives, indicators and means of verification (no
    baseline or goal: their columns are left out); the goals are in section 13's table."""
    nacional = _tramo(generado.texto, "13.1 MATRIZ LÓGICA", "13.2 MATRIZ LÓGICA")
    regional = _tramo(generado.texto, "13.2 MATRIZ LÓGICA", "13.3 PRESUPUESTO")
    assert (
        _en_orden(
            nacional,
            [
                "RESULTADO FINAL",
                "Personas que acceden a empleos formales",
                "RESULTADO INTERMEDIO",
                "PRODUCTO",
                "ACTIVIDADES",
                "Documento de Análisis Prospectivo aprobado "
                "RM aprueba documento análisis prospectivo",
                "Recursos disponibles Reporte SIAF",
                "Lista de Asistencia",
                "Plataforma virtual con modulo asincrónico",
            ],
        )
        == []
    )
    assert "Reglamento de la Comisión Intergubernamental" in regional
    assert "Nº de curso de capacitación Monitoreo y Evaluación" in regional
    assert "LÍNEA DE BASE" not in nacional + regional
    cadena = _tramo(generado.texto, "13 IDENTIFICACIÓN", "13.1 MATRIZ LÓGICA")
    assert (
        _en_orden(
            cadena,
            ["3", "44 Asistencia Técnica y Capacitaciones.", "08 Gobiernos Regionales"],
        )
        == []
    )
    assert "80% de ejecución." in cadena and "(cont.)" in cadena


def test_matrix_prints_baseline_and_goal_when_rows_have_them(plan, bd):
    """The baseline and goal columns appear in a matrix once a row fills them."""
    fila = next(f for f in plan.acciones if f.nivel.value == "nacional")
    fila.linea_base, fila.meta = "0 (2014)", "3 directivas"
    bd.session.commit()
    texto = " ".join(_paginas(pdf.plan_pdf(datos_plan(plan))))
    nacional = _tramo(texto, "13.1 MATRIZ LÓGICA", "13.2 MATRIZ LÓGICA")
    assert "LÍNEA DE BASE" in nacional and "META" in nacional
    assert "0 (2014)" in nacional and "3 directivas" in nacional
    assert "LÍNEA DE BASE" not in _tramo(texto, "13.2 MATRIZ LÓGICA", "13.3 PRESUPUESTO")


def test_roles_by_phase(generado):
    """Section 12: 42 rows (8/2/1/30/1 by phase), each phase labelled once per page."""
    roles = generado.datos.roles
    assert len(roles) == 42
    assert Counter(r.fase for r in roles) == {f.etiqueta: n for f, n in ROLES_POR_FASE.items()}
    tramo = _tramo(generado.texto, "12. IDENTIFICACIÓN", "13 IDENTIFICACIÓN")
    assert (
        _en_orden(
            tramo,
            [
                "POLÍTICA",
                "PLANEAMIENTO",
                "FINANCIAMIENTO",
                "EJECUCIÓN",
                "Brindar información sobre las necesidades de capacitación.",
                "MONITOREO Y EVALUACIÓN",
                "Estrategias para el monitoreo y evaluación del cumplimiento de las metas",
            ],
        )
        == []
    )
    # Each phase's label is printed once, and again on the pages its rows go on to.
    assert tramo.count("POLÍTICA") == 1
    assert "EJECUCIÓN (cont.)" in tramo


def test_diagnosis_tables(generado):
    """Sections 7–9: a causal table and the alternatives per problem."""
    tramo = _tramo(generado.texto, "6. IDENTIFICACIÓN", "III. PLAN DE IMPLEMENTACIÓN")
    assert "Análisis causal del problema 4" in tramo
    assert "Alternativas de solución del problema 1" in tramo
    assert "Alternativas priorizadas a corto plazo del problema 3" in tramo
    # Prioritised in its own wording, with the literal of the cause it answers.
    assert "d.1 Coordinar la ampliación de la asignación presupuestal." in tramo
    assert "Corto plazo — Año 2015" in tramo


# --- Layout: cover, contents, fonts, page numbers, determinism ------------------------------


def test_cover_contents_fonts_and_page_numbers(generado):
    """Cover fields, contents with the right pages, header, page numbers, fonts."""
    paginas = generado.paginas
    portada = paginas[0]
    assert "DETERMINACIÓN E IMPLEMENTACIÓN DE ACCIONES DE MEJORA CONTINUA" in portada
    for dato in ("Ámbito: Puno", "Sector: Ministerio de Trabajo", "Periodo evaluado: 2014"):
        assert dato in portada
    assert "Estado: Aprobado" in portada
    assert "BORRADOR" not in generado.texto  # approved: in force, no watermark
    assert paginas[1].count("CONTENIDO") == 1
    # The contents' page numbers (each after its dot leader) are the headings' pages.
    lector = PdfReader(io.BytesIO(generado.contenido))
    numeros = [int(n) for n in re.findall(r"(?:\. )+\.? ?(\d+)", " ".join(paginas[1:3]))]
    assert numeros == [lector.get_destination_page_number(e) + 1 for e in _entradas(lector)]
    assert numeros[0] == 4 and numeros[-1] == len(paginas)
    for numero, pagina in enumerate(paginas, start=1):
        assert f"Página {numero}" in pagina
        assert "Acciones de Mejora Continua – Puno" in pagina  # the page header
    assert DECENIO not in generado.texto
    assert b"/FontFile2" in generado.contenido  # the TrueType fonts are embedded
    assert lector.metadata.title.startswith("DETERMINACIÓN E IMPLEMENTACIÓN")
    # Wide tables on landscape pages.
    apaisadas = [
        i for i, p in enumerate(lector.pages) if float(p.mediabox.width) > p.mediabox.height
    ]
    assert any("Total general 139,700.00" in paginas[i] for i in apaisadas)
    assert any("CADENA DE VALOR" in paginas[i] for i in apaisadas)
    assert re.findall(r"CUADRO Nº (\d+)", generado.texto)[:3] == ["01", "02", "03"]


def test_the_pdf_is_deterministic(generado):
    """The same data gives the same bytes."""
    assert pdf.plan_pdf(generado.datos) == generado.contenido


def test_the_report_header_keeps_the_decade_motto():
    """Documento's default header is unchanged: the decade's motto and the year's."""
    doc = Documento(io.BytesIO(), lema="Año de prueba", borrador=False)
    assert doc.encabezado == (f"“{DECENIO}”", "“Año de prueba”")
    otro = Documento(io.BytesIO(), borrador=False, encabezado=("Una línea",))
    assert otro.encabezado == ("Una línea",)


# --- Training actions and the timeline ----------------------------------------------------


def _programar(bd, plan: PlanMejora) -> None:
    """The plan's first training action planned for April–June 2015 and scheduled in Puno
    (March, executed; September, pending); its second, planned for May only."""
    primera, segunda = plan.acciones_capacitacion[:2]
    primera.mes_inicio, primera.mes_fin = 4, 6
    segunda.mes_inicio = 5
    puno = bd.session.scalar(sa.select(Region).filter_by(codigo="puno"))
    indicador = bd.session.scalar(sa.select(Indicador).order_by(Indicador.id))
    programa = ProgramaCapacidades(anio=2015, nombre="Programa 2015 de prueba")
    actividad = Actividad(
        programa=programa,
        indicador=indicador,
        unidad_id=indicador.proponente_id,
        numero=1,
        nombre="Taller de la directiva",
        accion_plan=primera,
    )
    actividad.programaciones = [
        ProgramacionRegional(
            region=puno,
            mes=3,
            estado=EstadoProgramacion.ejecutada,
            fecha_ejecucion=date(2015, 3, 18),
        ),
        ProgramacionRegional(region=puno, mes=9),
    ]
    bd.session.add(programa)
    bd.session.commit()


def test_timeline_and_training_actions_with_runs(plan, bd):
    """Planned months and programme runs fill section 14's table and the timeline."""
    _programar(bd, plan)
    datos = datos_plan(plan)
    assert [(anio, [dict(f.meses) for f in filas]) for anio, filas in datos.cronograma] == [
        (2015, [{3: "E", 4: "P", 5: "P", 6: "P", 9: "X"}, {5: "P"}])
    ]
    texto = " ".join(_paginas(pdf.plan_pdf(datos)))
    asistencia = _tramo(texto, "14. ASISTENCIA", "15. ACCIONES")
    assert "2015 · IdG" in asistencia
    assert "Puno, Mar – Ejecutada (18.03.2015)" in asistencia
    assert "Puno, Set – Programada" in asistencia
    assert "Sin programar" in asistencia  # the other training actions
    cronograma = texto[texto.rindex("18. CRONOGRAMA") :]
    assert "Cronograma de las acciones – 2015" in cronograma
    assert "ENE FEB MAR ABR MAY JUN JUL AGO SET OCT NOV DIC" in cronograma
    assert "E P P P X" in cronograma
    assert "P: previsto en el plan" in cronograma
    assert "no tiene cronograma registrado" not in cronograma


def test_without_timeline_a_sentence_says_so(generado):
    """Seed 002 has no timeline: section 18 says so."""
    assert generado.datos.cronograma == ()
    cronograma = generado.texto[generado.texto.rindex("18. CRONOGRAMA") :]
    assert "El plan no tiene cronograma registrado" in cronograma
    assert "Cronograma de las acciones" not in cronograma


# --- The route ----------------------------------------------------------------------------


def test_odes_downloads_the_plans_pdf(plan, client, sesion):
    """ODES gets the PDF as an attachment named after the region and the plan."""
    sesion.entrar(Rol.odes)
    respuesta = client.get(f"/informes/planes/{plan.id}.pdf")
    assert respuesta.status_code == 200
    assert respuesta.mimetype == "application/pdf"
    disposicion = respuesta.headers["Content-Disposition"]
    assert "attachment" in disposicion and f"plan_mejora_puno_{plan.id}.pdf" in disposicion
    assert "13.3 PRESUPUESTO" in " ".join(_paginas(respuesta.data))


def test_a_region_reads_only_its_own_plans_pdf(app, plan, client, sesion):
    """Another region's G/DRTPE gets 404; Puno's reads it; anonymous goes to login."""
    from flask import url_for

    with app.test_request_context():
        url = url_for("informes.plan_pdf", plan_id=plan.id)
    assert url == f"/informes/planes/{plan.id}.pdf"
    assert client.get(url).status_code == 302  # login first
    sesion.entrar(Rol.drtpe, LORETO)
    assert client.get(url).status_code == 404
    assert client.get(f"/informes/planes/{plan.id + 1000}.pdf").status_code == 404
    sesion.salir()
    sesion.entrar(Rol.drtpe, PUNO)
    assert client.get(url).status_code == 200


def test_a_plan_without_outline_prints_one_heading_per_table(bd, client, sesion):
    """A new national plan (no outline, no data): a heading per table, each saying it is
    empty, on portrait pages; the file is named "nacional"."""
    nuevo = PlanMejora(titulo="Plan nuevo", servicio_evaluado="Servicio nuevo", sector="MTPE")
    bd.session.add(nuevo)
    bd.session.commit()
    sesion.entrar(Rol.odes)
    respuesta = client.get(f"/informes/planes/{nuevo.id}.pdf")
    assert f"plan_mejora_nacional_{nuevo.id}.pdf" in respuesta.headers["Content-Disposition"]
    paginas = _paginas(respuesta.data)
    texto = " ".join(paginas)
    assert "Ámbito: Nacional" in paginas[0]
    assert "Acciones de Mejora Continua – Nacional" in paginas[-1]
    assert _en_orden(texto, ["Órganos responsables", "Presupuesto", "Cronograma"]) == []
    assert "El plan no registra presupuesto." in texto
    assert "El plan no tiene cronograma registrado" in texto
    lector = PdfReader(io.BytesIO(respuesta.data))
    assert len(_entradas(lector)) == len(lector.outline) == 13  # all on the first level
    assert all(p.mediabox.width < p.mediabox.height for p in lector.pages)
    # A draft: the watermark on every page.
    assert all("BORRADOR" in p for p in paginas)


# --- The Excel's new sheets ---------------------------------------------------------------


def test_excel_alignment_roles_indicators_and_timeline(plan, bd):
    """The Excel's new sheets: alignment figures, 42 roles, indicators, timeline."""
    libro = load_workbook(io.BytesIO(libro_plan(plan)))
    assert libro.sheetnames[-4:] == ["Alineamiento", "Roles", "Indicadores (13)", "Cronograma"]
    filas = [
        [v for v in fila if v is not None]
        for fila in libro["Alineamiento"].iter_rows(values_only=True)
    ]
    for nombre, cifras in ALINEAMIENTO:
        fila = next(f for f in filas if nombre in f)
        assert fila[-3:] == cifras
    assert [
        "N°",
        "Indicador",
        "Fórmula del indicador",
        "Fuente",
        "Línea de base (2012)",
        "Meta 2016",
        "Meta 2021",
    ] in filas
    roles = list(libro["Roles"].iter_rows(values_only=True))
    assert roles[0] == ("FASES", "NACIONAL MTPE", "REGIONAL G/DRTPE", "LOCAL")
    assert len(roles) - 1 == 42
    assert Counter(f[0] for f in roles[1:]) == {f.etiqueta: n for f, n in ROLES_POR_FASE.items()}
    indicadores = list(libro["Indicadores (13)"].iter_rows(values_only=True))
    assert len(indicadores) - 1 == 5 and indicadores[3][3] == "08 Gobiernos Regionales"
    assert "no tiene cronograma registrado" in libro["Cronograma"]["A1"].value
    _programar(bd, plan)
    cronograma = load_workbook(io.BytesIO(libro_plan(plan)))["Cronograma"]
    filas = list(cronograma.iter_rows(min_row=2, max_row=3, values_only=True))
    assert filas[0][0] == 2015 and filas[0][3:15] == (
        None,
        None,
        "E",
        "P",
        "P",
        "P",
        None,
        None,
        "X",
        None,
        None,
        None,
    )
    assert filas[1][3:8] == (None, None, None, None, "P")
