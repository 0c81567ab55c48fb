"""Open data of a published semester: datasets (CSV, JSON, XLSX), dictionary, public dashboard
and charts, and nothing at all for a semester whose report is not published."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.catalogo.models import Indicador
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoReporte, LineaReporte, Periodo, Reporte
from app.informes import pdf
from app.informes.exportacion.datos_abiertos import NOMBRES
from app.informes.models import ArchivoInforme
from tests.conftest import publicar_informe
from tests.publicados import (
    CUADRO_04_II_2020,
    LORETO_EJEC,
    LORETO_PROG,
    PROMEDIOS_IDG_II_2020,
)

PERIODO = "2020-2"
BASE = f"/publicaciones/{PERIODO}"
DATOS = [f"{BASE}/datos/resultados.{formato}" for formato in ("csv", "json", "xlsx")]
GRAFICOS = [
    f"{BASE}/graficos/region/loreto.png",
    f"{BASE}/graficos/idg/1.png",
    f"{BASE}/graficos/comparacion/loreto.png",
]


def _filas_csv(client) -> tuple[list[str], list[dict]]:
    respuesta = client.get(DATOS[0])
    assert respuesta.status_code == 200 and respuesta.mimetype == "text/csv"
    lector = csv.DictReader(io.StringIO(respuesta.data.decode("utf-8")))
    return list(lector.fieldnames), list(lector)


def _celdas_aprobadas(bd) -> int:
    """Anexo 4 cells of II-2020's approved reports, counted straight from the tables."""
    return bd.session.scalar(
        sa.select(sa.func.count(LineaReporte.id))
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Periodo, Reporte.periodo_id == Periodo.id)
        .where(Periodo.anio == 2020, Periodo.semestre == 2)
        .where(Reporte.estado == EstadoReporte.aprobado)
    )


@pytest.fixture
def publicado(demo):
    """II-2020's report marked published (its figures become everyone's)."""
    publicar_informe(2020, 2)
    return demo


def test_csv_has_one_row_per_region_and_idg_with_the_published_figures(publicado, client):
    cabecera, filas = _filas_csv(client)
    assert cabecera == list(NOMBRES)
    assert len(filas) == _celdas_aprobadas(publicado) > 0
    assert {f["region"] for f in filas} == set(CUADRO_04_II_2020)
    assert len(filas) == len({(f["region"], f["idg"]) for f in filas})  # one row per cell
    assert {f["periodo"] for f in filas} == {PERIODO}

    loreto = sorted((f for f in filas if f["region"] == "Loreto"), key=lambda f: int(f["idg"]))
    assert [int(f["idg"]) for f in loreto] == list(range(1, 13))
    assert [float(f["programado"]) for f in loreto] == LORETO_PROG
    assert [float(f["ejecutado"]) for f in loreto] == LORETO_EJEC
    assert {f["ubigeo"] for f in loreto} == {"160000"}
    assert {f["region_codigo"] for f in loreto} == {"loreto"}
    assert {f["estado"] for f in loreto} == {"valor"}
    assert {f["estado_etiqueta"] for f in loreto} == {"Con valor"}
    # Met when executed ≥ programmed: IdG 1 (60/60) yes, IdG 2 (60/45) no, IdG 6 (50/58) yes.
    assert [loreto[i]["cumplio"] for i in (0, 1, 5)] == ["sí", "no", "sí"]

    for region in ("Loreto", "Callao", "Puno", "Madre de Dios"):
        promedios = {
            (f["region_programado_promedio"], f["region_ejecutado_promedio"])
            for f in filas
            if f["region"] == region
        }
        esperado = tuple(str(v) for v in CUADRO_04_II_2020[region])
        assert promedios == {esperado}, region
    # A cell without value leaves programado, ejecutado and cumplio empty.
    sin_valor = [f for f in filas if f["estado"] != "valor"]
    assert sin_valor, "the demo data has cells without value"
    assert all(f["programado"] == f["ejecutado"] == f["cumplio"] == "" for f in sin_valor)


def test_json_and_xlsx_hold_the_same_rows_as_the_csv(publicado, client):
    cabecera, filas = _filas_csv(client)

    documento = client.get(DATOS[1]).get_json()
    assert documento["periodo"] == PERIODO
    assert documento["publicado_en"]
    assert documento["diccionario"].endswith("/publicaciones/datos/diccionario")
    assert documento["columnas"] == cabecera

    def texto(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "sí" if v else "no"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    assert [{c: texto(f[c]) for c in cabecera} for f in documento["filas"]] == filas
    loreto = [f for f in documento["filas"] if f["region"] == "Loreto"]
    assert [f["programado"] for f in loreto] == LORETO_PROG
    assert loreto[1]["cumplio"] is False and loreto[0]["cumplio"] is True

    respuesta = client.get(DATOS[2])
    assert respuesta.status_code == 200
    libro = load_workbook(io.BytesIO(respuesta.data))
    assert libro.sheetnames == ["Datos", "Diccionario"]
    hoja = list(libro["Datos"].iter_rows(values_only=True))
    assert list(hoja[0]) == cabecera
    assert [
        {c: texto(v) for c, v in zip(cabecera, fila, strict=True)} for fila in hoja[1:]
    ] == filas
    diccionario = {fila[0] for fila in libro["Diccionario"].iter_rows(values_only=True) if fila[0]}
    assert set(cabecera) <= diccionario
    assert {"valor", "no_aplica", "sin_meta", "no_remitido"} <= diccionario


def test_the_dictionary_lists_every_column_of_the_csv(publicado, client):
    cabecera, _filas = _filas_csv(client)
    pagina = client.get("/publicaciones/datos/diccionario")
    assert pagina.status_code == 200
    tabla = pagina.text.split('id="columnas"')[1].split("</table>")[0]
    assert re.findall(r"<code>([a-z_]+)</code>", tabla) == cabecera
    for texto in ("Con valor", "No aplica", "Sin meta en el semestre", "Meta no remitida"):
        assert texto in pagina.text
    assert "entre el número de sumandos (n)" in pagina.text


def test_formula_like_text_is_neutralised(publicado, client):
    idg = publicado.session.scalar(sa.select(Indicador).filter_by(numero=3))
    idg.nombre = '=HYPERLINK("http://malo.example","clic")'
    publicado.session.commit()

    _cabecera, filas = _filas_csv(client)
    nombres = {f["idg_nombre"] for f in filas if f["idg"] == "3"}
    assert nombres == {"'" + idg.nombre}
    libro = load_workbook(io.BytesIO(client.get(DATOS[2]).data))
    columna = list(NOMBRES).index("idg_nombre")
    celdas = {fila[columna].value for fila in libro["Datos"].iter_rows(min_row=2)}
    assert "'" + idg.nombre in celdas
    assert all(
        c.data_type == "s"
        for fila in libro["Datos"].iter_rows(min_row=2)
        for c in fila
        if isinstance(c.value, str)
    )
    # JSON is no spreadsheet: the text is given as it is.
    documento = client.get(DATOS[1]).get_json()
    assert {f["idg_nombre"] for f in documento["filas"] if f["idg"] == 3} == {idg.nombre}


def test_public_page_shows_the_dashboard_and_links_every_dataset(publicado, client):
    pagina = client.get(BASE)
    assert pagina.status_code == 200
    html = pagina.text
    assert "II Semestre 2020" in html
    for url in DATOS + ["/publicaciones/datos/diccionario"]:
        assert f'href="{url}"' in html
    for region in CUADRO_04_II_2020:
        assert region in html
    # Cuadro Nº 04 and the IdG table as the report prints them.
    assert "Cuadro Nº 04" in html and "Matriz región × indicador" in html
    programado, ejecutado = PROMEDIOS_IDG_II_2020[11]
    assert f"{ejecutado} %" in html or f"{ejecutado}%" in html
    imagenes = re.findall(r'<img src="([^"]+)"', html)
    assert imagenes and all(src.startswith(f"{BASE}/graficos/") for src in imagenes)
    for url in GRAFICOS[:2]:
        respuesta = client.get(url)
        assert respuesta.status_code == 200 and respuesta.mimetype == "image/png", url
    # The list of published reports links to the semester's page.
    assert f'href="{BASE}"' in client.get("/publicaciones").text


@pytest.mark.parametrize("url", [BASE, *DATOS, *GRAFICOS])
def test_an_unpublished_semester_answers_404_to_everyone(demo, client, sesion, url):
    assert client.get(url).status_code == 404
    # Not even ODES, who sees the figures on the dashboard: these URLs are the public ones.
    sesion.entrar(Rol.odes)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "codigo", ["2021-1", "2030-1", "2020-3", "no-es-un-semestre", "99999999999999999999-1"]
)
def test_other_semester_codes_answer_404(publicado, client, codigo):
    for url in (f"/publicaciones/{codigo}", f"/publicaciones/{codigo}/datos/resultados.csv"):
        assert client.get(url).status_code == 404, url


# --- Publication and withdrawal through the app ----------------------------------------------


@pytest.fixture
def constructor(app, monkeypatch):
    """Build the PDF synchronously with a tiny stand-in (the real one is tested elsewhere)."""
    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")

    def falso(datos, *, borrador=False, progreso=None, version=None, nota_version=None):
        return b"%PDF-1.4\n% prueba " + datos.periodo_codigo.encode() + b"\n%%EOF\n"

    monkeypatch.setattr(pdf, "informe_pdf", falso)


def test_withdrawing_the_publication_takes_the_open_data_down(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    client.post(f"/informes/{PERIODO}/generar", data={"tipo": "final"})
    (final,) = demo.session.scalars(sa.select(ArchivoInforme)).all()
    client.post(f"/informes/{PERIODO}/publicar", data={"archivo_id": final.id})
    sesion.salir()

    pagina = client.get(BASE).text
    assert f'href="/publicaciones/{final.id}.pdf"' in pagina and "vigente" in pagina
    for url in DATOS + GRAFICOS[:2]:  # the comparison needs I-2020 published too (below)
        assert client.get(url).status_code == 200, url

    sesion.entrar(Rol.odes)
    client.post(f"/informes/{PERIODO}/despublicar", data={"motivo": "Error en el Cuadro 04."})
    sesion.salir()
    for url in [BASE, *DATOS, *GRAFICOS]:
        assert client.get(url).status_code == 404, url
    # The PDF once published stays readable, but the list no longer links to the figures.
    assert client.get(f"/publicaciones/{final.id}.pdf").status_code == 200
    lista = client.get("/publicaciones").text
    assert "en corrección" in lista and f'href="{BASE}"' not in lista


def test_only_expected_convenios_count(publicado):
    """The row count above is the approved cells: every approved report is an expected one."""
    regiones = publicado.session.scalars(
        sa.select(Convenio.region_id)
        .join(Reporte, Reporte.convenio_id == Convenio.id)
        .join(Periodo, Reporte.periodo_id == Periodo.id)
        .where(Periodo.anio == 2020, Periodo.semestre == 2)
        .where(Reporte.estado == EstadoReporte.aprobado)
    ).all()
    assert len(set(regiones)) == len(CUADRO_04_II_2020)


def test_the_comparison_is_public_only_with_the_previous_semester_published(publicado, client):
    """Cuadro Nº 05 reads I-2020's live figures: the public page and its charts show it only
    once I-2020's own report is published (review of issue 20)."""
    comparacion = f"{BASE}/graficos/comparacion/loreto.png"
    assert "graficos/comparacion/" not in client.get(BASE).text
    assert client.get(comparacion).status_code == 404
    publicar_informe(2020, 1)
    assert "graficos/comparacion/" in client.get(BASE).text
    respuesta = client.get(comparacion)
    assert respuesta.status_code == 200 and respuesta.mimetype == "image/png"
