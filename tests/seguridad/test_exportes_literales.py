"""Hostile text reaches every export literally: HTML escaped, Excel cells as typed, PDF built.

The same text (script tag, ampersand, ReportLab markup, right-to-left marks, emoji and 2 000
characters) is stored in every free-text field that an export prints; then the pages, the
Excel files (read back with openpyxl) and the PDFs (text extracted with pypdf) are checked.
"""

from __future__ import annotations

import io
import unicodedata

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.catalogo.models import Indicador
from app.comun.roles import Rol
from app.convenios.models import Periodo
from app.informes import pdf
from app.informes.informe import datos_ficha, datos_informe
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.models.planes import PlanMejora
from app.mejora_continua.models.programacion import Actividad, ProgramacionRegional
from tests.seguridad.hostiles import HOSTIL_EXPORTE

H = HOSTIL_EXPORTE
#: What the page must show instead (Jinja escapes; the quotes stay as typed here)
H_HTML = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;font color=red&gt;x&lt;/font&gt; &lt;para&gt;"
)
FORMULA = '=HYPERLINK("http://x","clic")'


def _visible(texto: str) -> str:
    """Text without whitespace (PDF extraction wraps lines), invisible format marks and emoji.

    The report's embedded font has no emoji glyphs, so they don't come back from the PDF.
    """
    return "".join(
        c for c in texto if not c.isspace() and unicodedata.category(c) not in ("Cf", "So")
    )


def _celdas(contenido: bytes) -> list:
    libro = load_workbook(io.BytesIO(contenido))
    return [c for hoja in libro.worksheets for fila in hoja.iter_rows() for c in fila]


def _textos(contenido: bytes) -> list[str]:
    return [c.value for c in _celdas(contenido) if isinstance(c.value, str)]


def _pdf_texto(contenido: bytes) -> str:
    return "".join(pagina.extract_text() or "" for pagina in PdfReader(io.BytesIO(contenido)).pages)


def _assert_html(pagina: str) -> None:
    assert H_HTML in pagina
    assert "<script>alert(1)" not in pagina and "<font color=red>" not in pagina
    assert "😀" in pagina and "\u202e" in pagina


def _assert_xlsx(contenido: bytes, *, literal: str = H) -> None:
    celdas = _celdas(contenido)
    assert all(c.data_type != "f" for c in celdas), "una celda quedó como fórmula"
    assert any(literal in v for v in _textos(contenido)), "el texto no está tal cual en el Excel"


def _assert_pdf(contenido: bytes, literal: str = H) -> None:
    assert contenido.startswith(b"%PDF")
    assert _visible(literal) in _visible(_pdf_texto(contenido))


@pytest.fixture
def hostil(reiniciar):
    """Hostile text in every free-text field that an export prints (II-2020, IdG 3)."""
    bd = reiniciar()
    indicador = bd.session.scalar(sa.select(Indicador).filter_by(numero=3))
    indicador.nombre = H[:1000]  # the longest name the catalogue form accepts
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    evaluacion = bd.session.scalar(
        sa.select(Evaluacion).filter_by(periodo_id=periodo.id, indicador_id=indicador.id)
    )
    evaluacion.veredicto = H[:500]  # the form's limit
    items = bd.session.scalars(sa.select(ItemEvaluacion).filter_by(evaluacion_id=evaluacion.id))
    for item in items:
        item.texto = H if item.tipo is TipoItem.conclusion else FORMULA + " " + H
    actividad = bd.session.scalar(
        sa.select(Actividad).filter_by(indicador_id=indicador.id).order_by(Actividad.id)
    )
    actividad.nombre = H
    run = bd.session.scalar(
        sa.select(ProgramacionRegional).filter_by(actividad_id=actividad.id).limit(1)
    )
    run.motivo = H
    plan = bd.session.scalar(sa.select(PlanMejora).order_by(PlanMejora.id))
    plan.titulo = H
    plan.problemas[0].texto = H
    plan.problemas[0].causas[0].texto = FORMULA
    plan.problemas[0].alternativas[0].texto = FORMULA
    plan.acciones[0].objetivo = H
    plan.lineas_principales[0].actividad = H
    bd.session.commit()
    return {
        "bd": bd,
        "indicador": indicador,
        "evaluacion": evaluacion,
        "actividad": actividad,
        "plan": plan,
        "periodo": periodo,
    }


def test_pages_show_hostile_text_escaped(hostil, client, sesion):
    sesion.entrar(Rol.odes)
    for url in (
        f"/catalogo/indicadores/{hostil['indicador'].id}",
        f"/mejora-continua/anexo5/{hostil['evaluacion'].id}",
        f"/mejora-continua/actividades/{hostil['actividad'].id}",
        f"/mejora-continua/planes/{hostil['plan'].id}",
    ):
        respuesta = client.get(url)
        assert respuesta.status_code == 200, url
        _assert_html(respuesta.text)


def test_excel_exports_hold_the_text_as_typed_and_neutralise_formulas(hostil, client, sesion):
    sesion.entrar(Rol.odes)
    plan_id, anio = hostil["plan"].id, hostil["actividad"].programa.anio
    for url in (
        "/informes/2020-2/excel",
        f"/mejora-continua/programas/{anio}/excel",
        f"/mejora-continua/matriz/excel?anio={anio}&periodo=2020-2",
        f"/mejora-continua/planes/{plan_id}/excel",
    ):
        respuesta = client.get(url)
        assert respuesta.status_code == 200, url
        _assert_xlsx(respuesta.data)
    # A text that starts like a formula is kept with a leading apostrophe, never as a formula.
    plan = client.get(f"/mejora-continua/planes/{plan_id}/excel").data
    assert "'" + FORMULA in _textos(plan)


def test_anexo4_template_holds_hostile_comments(reiniciar, client, sesion):
    from tests.seguridad.test_formularios_hostiles import _reporte_2021

    bd = reiniciar()
    reporte = _reporte_2021(bd)
    reporte.lineas[0].comentario = H
    reporte.lineas[1].comentario = FORMULA
    bd.session.commit()
    sesion.entrar(Rol.drtpe)
    respuesta = client.get(f"/convenios/anexo4/{reporte.id}/plantilla.xlsx")
    assert respuesta.status_code == 200
    _assert_xlsx(respuesta.data)
    assert "'" + FORMULA in _textos(respuesta.data)


def test_report_pdf_builds_and_prints_hostile_text_literally(hostil):
    """The situational report: narrative, motto, verdict, items, IdG name and the annex."""
    # The narrative's own syntax: unknown placeholders and a footnote with markup inside.
    especial = "Texto {desconocido} {0} %s %(x)s fin[^nota <b>x</b> & <para>y</para>]"
    narrativa = {"antecedentes": H, "base_legal": H, "objetivo_2": especial}
    lema = H[:190]
    datos = datos_informe(hostil["periodo"], narrativa=narrativa, lema=lema)
    contenido = pdf.informe_pdf(datos)
    _assert_pdf(contenido)
    texto = _visible(_pdf_texto(contenido))
    assert _visible(lema) in texto
    assert _visible(FORMULA) in texto
    assert _visible("Texto {desconocido} {0} %s %(x)s fin") in texto
    assert _visible("nota <b>x</b> & <para>y</para>") in texto


def test_region_ficha_pdf_builds_with_hostile_text(hostil):
    datos = datos_ficha("Loreto", hostil["periodo"], lema=H[:190])
    contenido = pdf.ficha_region_pdf(datos)
    _assert_pdf(contenido, H[:190])
