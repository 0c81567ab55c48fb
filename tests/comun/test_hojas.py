"""The one spreadsheet-safety rule (app/comun/hojas.py): the rule, its round trip, every export.

The end-to-end test stores formula-looking text in the fields each export prints, downloads
every workbook and CSV the app offers and checks that no cell could run as a formula and that
the stored text is there, behind the apostrophe. The last test keeps the rule in one place.
"""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.catalogo.models import Indicador, Region
from app.comun.hojas import INICIOS_FORMULA, parece_formula, restaurar, texto_seguro
from app.comun.roles import Rol
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.services import plantilla
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.models.planes import PlanMejora
from app.mejora_continua.models.programacion import Actividad, ProgramacionRegional

RAIZ = Path(__file__).resolve().parents[2]
HOJAS = RAIZ / "app" / "comun" / "hojas.py"

HOSTILES = [
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    '=HYPERLINK("http://malo.example","clic")',
    "-2+3+cmd|' /C calc'!A0",
    "- Desarrollar capacidades",
    "+51 999 888 777",
    "-22%",
    "'=1",  # the user's own apostrophe: still one more, or the round trip would eat it
]
INOFENSIVOS = ["Puno", "60.5", "", "Nota.- texto", "Lima Metropolitana", "-", "-22", "-0.5", "'x"]


@pytest.mark.parametrize("texto", HOSTILES)
def test_formula_like_text_gets_an_apostrophe(texto):
    assert texto_seguro(texto) == "'" + texto


@pytest.mark.parametrize("texto", INOFENSIVOS)
def test_harmless_text_is_written_as_is(texto):
    """A lone "-" (the plan's placeholder) and a negative number written as text included."""
    assert texto_seguro(texto) == texto


@pytest.mark.parametrize("valor", [None, 0, -22, -0.5, 60.5, True])
def test_values_that_are_not_text_stay_as_they_are(valor):
    assert texto_seguro(valor) is valor


@pytest.mark.parametrize("texto", HOSTILES + INOFENSIVOS + ["''=1", "'", "''", "'-", "'-22"])
def test_what_is_written_reads_back_identical(texto):
    assert restaurar(texto_seguro(texto)) == texto


def test_reading_back_removes_only_our_apostrophe():
    assert restaurar("'=1") == "=1"
    assert restaurar("'Puno") == "'Puno"  # the user's apostrophe before harmless text stays
    assert restaurar("'-22") == "'-22"
    assert restaurar("=1") == "=1"  # never written by us: read as it is


def test_every_formula_start_is_covered():
    assert set(INICIOS_FORMULA) == {"=", "+", "-", "@", "\t", "\r", "\n"}
    assert all(parece_formula(c + "x") for c in INICIOS_FORMULA)


# --- Anexo 4 template round trip -----------------------------------------------------------


def test_anexo4_template_reads_back_what_it_wrote(demo):
    reporte = demo.session.scalar(sa.select(Reporte).order_by(Reporte.id))
    textos = [t for t in HOSTILES + INOFENSIVOS if t]
    # Two free-text columns per line: comments, then reasons.
    casillas = [(linea, c) for c in ("comentario", "motivo_estado") for linea in reporte.lineas]
    assert len(casillas) >= len(textos)
    for (linea, columna), texto in zip(casillas, textos, strict=False):
        setattr(linea, columna, texto)
    demo.session.flush()
    datos = plantilla.leer_plantilla(reporte, plantilla.plantilla_xlsx(reporte))
    leidos = [datos[linea.id][columna] for linea, columna in casillas[: len(textos)]]
    # The .xlsx format itself stores a carriage return as a line feed, wherever it is.
    assert leidos == [t.replace("\r", "\n") for t in textos]


# --- Every export --------------------------------------------------------------------------

#: What the user (or the catalogue) typed, field by field.
FORMULA = '=HYPERLINK("http://malo.example","clic")'
REGION = "@SUMA(1)"  # unchanged by upper(): Cuadro 01 prints region names in capitals
COMENTARIO = FORMULA
MOTIVO = "+51 999 888 777"
RECOMENDACION = "-2+3+cmd|' /C calc'!A0"
ACTIVIDAD = "\t=1+1"
MOTIVO_RUN = "=2+2"
ALTERNATIVA = "-1+1"
GASTO = "=1+1"  # the budget's "Especificación del gasto" (30 characters at most)


@pytest.fixture
def hostil(demo):
    """The 2020 demo and the continuous-improvement data, formula-like text in every field."""
    from seed.comandos import _cargar_mejora_continua

    _cargar_mejora_continua()
    bd = demo
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    region = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    region.nombre = REGION
    reporte = bd.session.scalar(
        sa.select(Reporte)
        .join(Convenio)
        .where(Reporte.periodo_id == periodo.id, Convenio.region_id == region.id)
    )
    reporte.lineas[0].comentario = COMENTARIO
    reporte.lineas[1].motivo_estado = MOTIVO
    indicador = bd.session.scalar(sa.select(Indicador).filter_by(numero=3))
    evaluacion = bd.session.scalar(
        sa.select(Evaluacion).filter_by(periodo_id=periodo.id, indicador_id=indicador.id)
    )
    item = bd.session.scalar(
        sa.select(ItemEvaluacion).filter_by(
            evaluacion_id=evaluacion.id, tipo=TipoItem.recomendacion
        )
    )
    item.texto = RECOMENDACION
    actividad = bd.session.scalar(
        sa.select(Actividad).filter_by(indicador_id=indicador.id).order_by(Actividad.id)
    )
    actividad.nombre = ACTIVIDAD
    run = bd.session.scalar(
        sa.select(ProgramacionRegional).filter_by(actividad_id=actividad.id).limit(1)
    )
    run.motivo = MOTIVO_RUN
    plan = bd.session.scalar(sa.select(PlanMejora).order_by(PlanMejora.id))
    plan.problemas[0].alternativas[0].texto = ALTERNATIVA
    hoja = next(h for p in plan.lineas_principales for h in [p, *p.hijos] if not h.hijos)
    hoja.especificacion_gasto = GASTO
    bd.session.commit()
    return {"reporte": reporte, "anio": actividad.programa.anio, "plan": plan}


def _textos_xlsx(contenido: bytes) -> list[str]:
    """Every text cell of every sheet, after checking that none is a formula."""
    libro = load_workbook(io.BytesIO(contenido))
    celdas = [c for hoja in libro.worksheets for fila in hoja.iter_rows() for c in fila]
    assert [c.coordinate for c in celdas if c.data_type == "f"] == []
    return [c.value for c in celdas if isinstance(c.value, str)]


def _textos_csv(contenido: bytes) -> list[str]:
    return [campo for fila in csv.reader(io.StringIO(contenido.decode("utf-8"))) for campo in fila]


def _ejecutable(texto: str) -> bool:
    """Whether a spreadsheet could run the text as it is stored (no apostrophe in front)."""
    return not texto.startswith("'") and parece_formula(texto)


def test_every_export_neutralises_formula_like_text(hostil, client, sesion):
    sesion.entrar(Rol.odes)
    anio, plan = hostil["anio"], hostil["plan"]
    exportes = {
        f"/convenios/anexo4/{hostil['reporte'].id}/plantilla.xlsx": [COMENTARIO, MOTIVO],
        "/convenios/anexo4/exportar?periodo=2020-2&formato=csv": [REGION],
        "/convenios/anexo4/exportar?periodo=2020-2&formato=xlsx": [REGION],
        "/informes/2020-2/excel": [REGION, RECOMENDACION],
        f"/mejora-continua/matriz/excel?anio={anio}&periodo=2020-2": [REGION],
        f"/mejora-continua/programas/{anio}/excel": [REGION, ACTIVIDAD, MOTIVO_RUN],
        f"/mejora-continua/planes/{plan.id}/excel": [ALTERNATIVA, GASTO],
    }
    for url, escritos in exportes.items():
        respuesta = client.get(url)
        assert respuesta.status_code == 200, url
        leer = _textos_csv if "formato=csv" in url else _textos_xlsx
        textos = leer(respuesta.data)
        assert [t for t in textos if _ejecutable(t)] == [], url
        for escrito in escritos:
            assert any(t.startswith("'" + escrito) for t in textos), (url, escrito)


# --- The rule exists once ------------------------------------------------------------------


def _neutralizaciones(codigo: str) -> list[int]:
    """Lines that test text against formula characters: a rule of its own.

    Caught: a tuple, list or set literal holding two or more of = + - @ tab CR, a string holding
    = + and @ together (a regex or character class), and startswith("=") or ("@").
    """
    inicios = set(INICIOS_FORMULA)
    arbol = ast.parse(codigo)
    # Docstrings may describe the rule; only code can apply one.
    documentos = {
        id(n.value)
        for n in ast.walk(arbol)
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
    }
    lineas = []
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Tuple | ast.List | ast.Set):
            constantes = {
                e.value for e in nodo.elts if isinstance(e, ast.Constant) and e.value in inicios
            }
            if len(constantes) >= 2:
                lineas.append(nodo.lineno)
        elif isinstance(nodo, ast.Constant) and isinstance(nodo.value, str):
            if id(nodo) not in documentos and {"=", "+", "@"} <= set(nodo.value):
                lineas.append(nodo.lineno)
        elif (
            isinstance(nodo, ast.Call)
            and isinstance(nodo.func, ast.Attribute)
            and nodo.func.attr == "startswith"
            and any(isinstance(a, ast.Constant) and a.value in ("=", "@") for a in nodo.args)
        ):
            lineas.append(nodo.lineno)
    return lineas


@pytest.mark.parametrize(
    "codigo",
    [
        'PELIGROSOS = ("=", "+", "-", "@", "\\t", "\\r")',
        'def f(t):\n    return "\'" + t if t[:1] in ("=", "+", "-", "@") else t',
        'import re\nPATRON = re.compile(r"^[=+\\-@]")',
        'def f(t):\n    return t.startswith("=")',
    ],
)
def test_the_detector_finds_a_local_rule(codigo):
    assert _neutralizaciones(codigo)


def test_only_app_comun_hojas_neutralises_spreadsheet_text():
    reglas = {
        str(ruta.relative_to(RAIZ)): lineas
        for ruta in sorted((RAIZ / "app").rglob("*.py"))
        if ruta != HOJAS and (lineas := _neutralizaciones(ruta.read_text(encoding="utf-8")))
    }
    assert reglas == {}, "use app.comun.hojas.texto_seguro / restaurar"
    assert _neutralizaciones(HOJAS.read_text(encoding="utf-8"))  # the detector sees the rule
