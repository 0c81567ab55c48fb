"""Pages whose cost depends on what they show (issue 18): completeness, results and the lists
computed in SQL give what the in-memory calculations gave, and long lists of names are cut to
a few with a link to the full, filtered list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.auth.permisos import TOTAL, Alcance
from app.catalogo.models import Region, TipoRegion, UnidadMTPE
from app.comun import calculos, listas
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoConvenio, Periodo, Prorroga, Reporte
from app.convenios.queries import anexo4 as queries
from app.convenios.queries import completitud as completitud_queries
from app.convenios.queries import periodos
from app.convenios.services import anexo4 as services
from tests.conftest import usuario_demo


def _convenio(bd, codigo: str) -> Convenio:
    return bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == codigo))


@pytest.fixture
def periodo(bd):
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2021, 7, 31))
    bd.session.add(periodo)
    bd.session.commit()
    return periodo


@pytest.fixture
def entregas(bd, periodo):
    """On time, late, on time only in Lima's calendar, within or past an extension, a draft."""
    envios = {
        "loreto": datetime(2021, 7, 20, 15, tzinfo=UTC),
        "puno": datetime(2021, 8, 3, 15, tzinfo=UTC),  # 3 days late
        "cusco": datetime(2021, 8, 1, 3, tzinfo=UTC),  # 31 July, 22:00 in Lima: on time
        "tacna": datetime(2021, 8, 5, 15, tzinfo=UTC),  # extended to 10 August
        "ica": datetime(2021, 8, 4, 15, tzinfo=UTC),  # extended to 2 August: 2 days late
        "lambayeque": None,  # a draft: not received
    }
    for codigo, enviado in envios.items():
        reporte = services.obtener_o_crear_reporte(_convenio(bd, codigo), periodo, usuario_id=None)
        reporte.enviado_en = enviado
    for codigo, fecha in (("tacna", date(2021, 8, 10)), ("ica", date(2021, 8, 2))):
        region = bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))
        bd.session.add(
            Prorroga(periodo=periodo, region=region, fecha_limite=fecha, motivo="Prueba")
        )
    bd.session.commit()
    return periodo


def _comparar(periodo: Periodo) -> calculos.Completitud:
    """Assert that the SQL completeness is calculos.completitud's; return the latter."""
    esperado = calculos.completitud(queries.entregas(periodo), periodo.fecha_limite_anexo4)
    resumen = completitud_queries.resumen(periodo, 1000)
    assert resumen.esperados == esperado.esperados
    assert resumen.recibidos == len(esperado.recibidos)
    assert resumen.porcentaje_recibidos == esperado.porcentaje_recibidos
    assert [r for r, _d in resumen.primeros["a_tiempo"]] == esperado.a_tiempo
    assert resumen.primeros["tardio"] == esperado.tardios
    assert [r for r, _d in resumen.primeros["faltante"]] == esperado.faltantes
    detalle = (
        [(r, "a_tiempo", 0) for r in esperado.a_tiempo]
        + [(r, "tardio", d) for r, d in esperado.tardios]
        + [(r, "faltante", None) for r in esperado.faltantes]
    )
    filas = completitud_queries.consulta_detalle(periodo)
    assert [tuple(f) for f in queries.db.session.execute(filas)] == sorted(detalle)
    return esperado


def test_completeness_in_sql_is_the_calculation_of_the_report(entregas):
    r = _comparar(entregas)
    assert r.a_tiempo == ["Cusco", "Loreto", "Tacna"]
    assert r.tardios == [("Ica", 2), ("Puno", 3)]
    assert len(r.faltantes) == 16 and "Lambayeque" in r.faltantes


def test_completeness_in_sql_of_the_demo_semesters(demo):
    for codigo in ("2020-1", "2020-2", "2021-1"):
        _comparar(periodos.periodo_exacto(codigo))


def test_completeness_detail_filters_by_situation_and_name_in_sql(entregas):
    filas = completitud_queries.consulta_detalle(entregas, situacion="tardio", texto="ICA")
    assert [tuple(f) for f in queries.db.session.execute(filas)] == [("Ica", "tardio", 2)]


def test_long_lists_of_names_are_cut_with_a_link(demo, client, sesion, monkeypatch):
    """21 regions have not sent the I-2021 Anexo 4: with room for 5 names, the dashboard and
    the completeness page name 5 and link to the 21; the Anexo 4 list links to its own."""
    monkeypatch.setattr(listas, "MUESTRA", 5)
    sesion.entrar(Rol.odes)
    pagina = client.get("/tablero").text
    assert "21 regiones sin enviar" in pagina
    enlace = "/convenios/anexo4/completitud?periodo=2021-1&amp;situacion=faltante#detalle"
    assert f'<a href="{enlace}">Ver las 21</a>' in pagina
    pagina = client.get("/convenios/anexo4/completitud?periodo=2021-1").text
    assert '<span class="cifra">21</span>' in pagina
    assert "Amazonas, Apurímac, Arequipa, Ayacucho, Cajamarca…" in pagina
    assert "Ver los 21 no remitidos" in pagina
    pagina = client.get("/convenios/anexo4/completitud?periodo=2021-1&situacion=faltante").text
    assert "21 resultados" in pagina and "<td>Tumbes</td>" in pagina
    pagina = client.get("/convenios/anexo4?periodo=2021-1").text
    assert pagina.count("<li>DRTPE ") + pagina.count("<li>GRTPE ") == 5
    assert "Ver los 21 sin iniciar" in pagina
    pagina = client.get("/convenios/anexo4?periodo=2021-1&estado=sin_iniciar").text
    assert "21 resultados" in pagina and "DRTPE Tumbes" in pagina
    assert "Ver los 21 sin iniciar" not in pagina
    pagina = client.get("/convenios/anexo4?periodo=2021-1&estado=sin_iniciar&q=tumbes").text
    assert "1 resultado" in pagina and "DRTPE Loreto" not in pagina


def test_a_region_sees_only_its_own_report_to_start(demo, client, sesion, monkeypatch):
    monkeypatch.setattr(listas, "MUESTRA", 5)
    sesion.entrar(Rol.drtpe)
    pagina = client.get("/convenios/anexo4?periodo=2021-1").text
    assert "DRTPE Loreto" in pagina and "Iniciar mi Anexo 4" in pagina
    assert "DRTPE Tumbes" not in pagina and "sin iniciar" not in pagina
    assert "sin_iniciar" not in pagina  # not a state a region can filter on


def test_reports_to_review_are_cut_with_links_per_semester(demo, client, sesion, monkeypatch):
    monkeypatch.setattr(listas, "MUESTRA", 2)
    periodo = periodos.periodo_exacto("2020-2")
    reportes = queries.db.session.scalars(
        sa.select(Reporte).where(Reporte.periodo_id == periodo.id).limit(3)
    ).all()
    for reporte in reportes:
        reporte.estado = EstadoReporte.enviado
    queries.db.session.commit()
    sesion.entrar(Rol.odes)
    pagina = client.get("/tablero").text
    assert "Anexos 4 por revisar (3)" in pagina
    seccion = pagina.split("Anexos 4 por revisar (3)")[1].split("</ul>")[0]
    assert seccion.count("<li>") == 2
    enlace = "/convenios/anexo4?periodo=2020-2&amp;estado=enviado"
    assert f'<a href="{enlace}">II Semestre 2020 (3)</a>' in pagina


@pytest.mark.parametrize("rol", ["total", "region", "unidad"])
def test_idg_averages_in_sql_are_the_calculation_over_every_cell(demo, rol):
    periodo = periodos.periodo_exacto("2020-2")
    alcance = {
        "total": TOTAL,
        "region": Alcance(
            region_id=queries.db.session.scalar(sa.select(Region.id).filter_by(codigo="loreto"))
        ),
        "unidad": Alcance(
            unidad_id=queries.db.session.scalar(sa.select(UnidadMTPE.id).filter_by(sigla="DNCCL"))
        ),
    }[rol]
    celdas = queries.celdas(periodo, alcance=alcance)
    assert celdas
    assert queries.promedios_por_idg(periodo, alcance) == calculos.promedios_por_idg(celdas)
    regiones = list(dict.fromkeys(c.region for c in celdas))
    consulta = queries.consulta_regiones_con_celdas(periodo, alcance)
    assert list(queries.db.session.scalars(consulta)) == regiones


def test_results_page_filters_regions_in_sql_and_keeps_the_matrix(demo, client, sesion):
    sesion.entrar(Rol.odes)
    pagina = client.get("/convenios/anexo4/resultados?periodo=2020-2&q=LORETO").text
    assert "1 resultado" in pagina and "<td>Loreto</td>" in pagina
    assert "<td>Callao</td>" not in pagina
    fila = pagina.split('<th scope="row">Loreto</th>')[1].split("</tr>")[0]
    assert fila.count("<td") == 12
    assert 'class="si" title="Programado ' in fila and "%%" not in fila
    assert " %, ejecutado " in fila


def test_report_list_search_ignores_accents(demo, bd):
    periodo = periodos.periodo_exacto("2020-2")
    odes = usuario_demo(Rol.odes)
    consulta = queries.consulta_reportes(periodo, odes, texto="SAN MARTIN")
    assert [r.region.nombre for r in bd.session.scalars(consulta)] == ["San Martín"]


@pytest.fixture
def municipalidad(bd):
    """A district municipality of Loreto with a signed 2020–2021 convenio."""
    loreto = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    distrito = Region(
        codigo="md-belen",
        nombre="Municipalidad Distrital de Belén",
        tipo=TipoRegion.municipalidad_distrital,
        ubigeo="160112",
        padre=loreto,
        orden=1001,
    )
    convenio = _convenio(bd, "loreto")
    bd.session.add(distrito)
    bd.session.add(
        Convenio(
            region=distrito,
            anio_inicio=convenio.anio_inicio,
            anio_fin=convenio.anio_fin,
            estado=EstadoConvenio.suscrito,
            fecha_suscripcion=convenio.fecha_suscripcion,
            conjunto_id=convenio.conjunto_id,
        )
    )
    bd.session.commit()
    return distrito


def test_convenio_list_offers_regional_governments_and_finds_municipalities(
    client, sesion, municipalidad
):
    sesion.entrar(Rol.odes)
    pagina = client.get("/convenios/").text
    select = pagina.split('id="filtro-region"')[1].split("</select>")[0]
    assert select.count("<option") == 27  # "Todas" and the 26 of the regional level
    assert "Belén" not in select
    assert 'id="filtro-nivel"' in pagina
    pagina = client.get("/convenios/?q=belen").text
    assert "1 resultado" in pagina and "Municipalidad Distrital de Belén" in pagina
    pagina = client.get("/convenios/?nivel=municipalidad_distrital").text
    assert "1 resultado" in pagina
    pagina = client.get(f"/convenios/?region={municipalidad.id}").text
    assert f'<option value="{municipalidad.id}" selected>' in pagina and "1 resultado" in pagina
    # The coverage counts regional governments only, as before.
    assert "de 25" in pagina


def test_convenio_list_without_municipalities_has_no_level_filter(client, sesion):
    sesion.entrar(Rol.odes)
    pagina = client.get("/convenios/").text
    assert 'id="filtro-nivel"' not in pagina
    select = pagina.split('id="filtro-region"')[1].split("</select>")[0]
    assert select.count("<option") == 27
