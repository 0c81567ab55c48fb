"""Many entities (issue 18): distributions, rankings and roll-ups instead of a chart each.

The threshold is lowered so a small generated dataset (the demo plus municipalities under the
regions, bench/datos_grandes.py) crosses it; every figure is checked against values worked
out here from the entities' own results.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo.models import Region, TipoRegion
from app.comun import calculos
from app.comun.roles import Rol
from app.extensions import db
from app.informes import informe as datos_informe
from app.informes.informe import queries as informe_queries
from bench.datos_grandes import generar

PERIODO = "2021-2"


def test_roll_up_is_the_mean_of_the_entities_averages():
    """Each entity weighs once; entities without a value are not summands."""
    p = calculos.Promedio
    rollup = calculos.promedio_de_promedios(
        [p(Decimal(50), Decimal(40), 12), p(Decimal(30), Decimal(10), 1), p(None, None, 0)]
    )
    assert (rollup.programado, rollup.ejecutado, rollup.n) == (40, 25, 2)
    assert calculos.promedio_de_promedios([p(None, None, 0)]) == p(None, None, 0)


def test_bands_count_every_value_once():
    """[0,25) [25,50) [50,75) [75,100) [100,∞) and, last, no value; negatives in the first."""
    assert calculos.tramos([0, 24, 25, 49, 50, 99, 100, 180, -3, None]) == [3, 2, 1, 1, 2, 1]


@pytest.fixture
def municipios(demo):
    """The demo plus 90 governments more (provincial and district municipalities)."""
    generar(anios=1, regiones=116, indicadores=12)
    db.session.commit()
    return db


def test_generated_municipalities_nest_under_their_region(municipios):
    """Ubigeos nest (district ddppxx under province ddpp00 under department dd0000)."""
    distrito = db.session.scalar(
        sa.select(Region).where(Region.tipo == TipoRegion.municipalidad_distrital).limit(1)
    )
    provincia = db.session.get(Region, distrito.padre_id)
    region = db.session.get(Region, provincia.padre_id)
    assert provincia.tipo is TipoRegion.municipalidad_provincial
    assert region.tipo is TipoRegion.gobierno_regional and region.padre_id is None
    assert distrito.ubigeo[:4] == provincia.ubigeo[:4] and provincia.ubigeo[4:] == "00"
    assert provincia.ubigeo[:2] == region.ubigeo[:2] and region.ubigeo[2:] == "0000"


def test_scale_figures_match_the_entities_results(municipios, monkeypatch):
    """Bands, best/worst, roll-ups by region and by level, worked out from each entity."""
    monkeypatch.setattr(informe_queries, "ENTIDADES_CON_GRAFICO", 5)
    datos = datos_informe.datos_informe(PERIODO)
    resultados = datos.resultados_regiones
    assert len(resultados) > 5
    e = datos.escala
    assert e is not None
    assert sum(t.entidades for t in e.tramos) == len(resultados)
    en_50_74 = [r for r in resultados if r.ejecutado_pct is not None and 50 <= r.ejecutado_pct < 75]
    assert next(t for t in e.tramos if t.etiqueta == "50–74 %").entidades == len(en_50_74)
    con_valor = [r for r in resultados if r.ejecutado is not None]
    maximo, minimo = max(r.ejecutado for r in con_valor), min(r.ejecutado for r in con_valor)
    assert e.mejores[0].ejecutado == maximo and e.peores[0].ejecutado == minimo
    assert [r.ejecutado for r in e.mejores] == sorted(
        (r.ejecutado for r in e.mejores), reverse=True
    )

    regiones = {r.nombre: r for r in db.session.scalars(sa.select(Region))}
    por_id = {r.id: r for r in regiones.values()}

    def raiz(region):
        while region.padre_id is not None:
            region = por_id[region.padre_id]
        return region.nombre

    for agregado in e.por_region:
        grupo = [r for r in resultados if raiz(regiones[r.region]) == agregado.nombre]
        valores = [r.ejecutado for r in grupo if r.ejecutado is not None]
        assert agregado.entidades == len(grupo)
        assert agregado.ejecutado == sum(valores, Decimal(0)) / len(valores)
    assert sum(a.entidades for a in e.por_region) == len(resultados)
    assert sum(a.entidades for a in e.por_nivel) == len(resultados)
    distritales = [r for r in resultados if regiones[r.region].tipo.name.endswith("distrital")]
    nivel = next(a for a in e.por_nivel if a.nombre == "Municipalidad distrital")
    assert nivel.entidades == len(distritales)


def test_the_dashboard_pages_the_entities_instead_of_a_chart_each(
    municipios, monkeypatch, client, sesion
):
    """Rankings and roll-ups, 25 entities a page, no per-entity chart; fichas still there."""
    monkeypatch.setattr(informe_queries, "ENTIDADES_CON_GRAFICO", 5)
    sesion.entrar(Rol.odes)
    total = len(datos_informe.datos_informe(PERIODO).resultados_regiones)
    pagina = client.get(f"/informes/tablero?periodo={PERIODO}").text
    assert "Por región, con sus municipalidades" in pagina
    assert "Por nivel de gobierno" in pagina and "Municipalidad distrital" in pagina
    assert "/graficos/region/" not in pagina and "/graficos/comparacion/" not in pagina
    assert f"{total} entidades; página 1 de {-(-total // 25)}." in pagina
    fichas = re.findall(r'href="(/informes/ficha/[^"]+)"', pagina)
    municipal = next(f for f in fichas if "/md-" in f or "/mp-" in f)
    respuesta = client.get(municipal.replace("&amp;", "&"))
    assert respuesta.status_code == 200 and respuesta.data.startswith(b"%PDF")
    buscada = client.get(f"/informes/tablero?periodo={PERIODO}&q=Provincial").text
    assert (
        "Municipalidad Distrital Sintética"
        not in buscada.split('id="entidades"')[1].split("</table>")[0]
    )


def test_the_national_report_shows_groups_and_rankings_not_a_chart_per_entity(
    municipios, monkeypatch
):
    """The PDF: tables by level and by region, the distribution chart, the best and the worst,
    the comparison by region; no chart, row or caption per entity beyond the rankings."""
    import io

    from pypdf import PdfReader

    from app.informes import pdf

    monkeypatch.setattr(informe_queries, "ENTIDADES_CON_GRAFICO", 5)
    datos = datos_informe.datos_informe(PERIODO)
    e = datos.escala
    texto = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(pdf.informe_pdf(datos))).pages
    )
    for titulo in (
        "POR NIVEL DE GOBIERNO",
        "POR REGIÓN, CON SUS MUNICIPALIDADES",
        f"LAS {len(e.mejores)} ENTIDADES CON MAYOR EJECUCIÓN PROMEDIO",
        "Entidades según su ejecución promedio",
        "Convenios de Gestión por nivel de gobierno",
        "Porcentaje promedio por región, con sus municipalidades",
    ):
        assert titulo in texto, titulo
    # Chart numbers: 01 functions, 02 the distribution, then one per IdG as the dashboard says.
    ultima_idg = datos.indicadores[-1].numero
    assert f"GRÁFICO Nº {datos.grafico_idg(ultima_idg):02d}" in texto
    assert datos.grafico_idg(ultima_idg) == 2 + len(datos.resultados_idg)
    assert f"GRÁFICO Nº {datos.grafico_idg(ultima_idg) + 1:02d}" not in texto
    # (the regional governments' names head their region's roll-up rows)
    fuera = [
        r.region
        for r in datos.resultados_regiones
        if r not in (*e.mejores, *e.peores) and r.region.startswith("Municipalidad")
    ]
    assert not [nombre for nombre in fuera if f" {nombre} " in texto]
    distritales = next(a for a in e.por_nivel if a.nombre == "Municipalidad distrital")
    fila = f"Municipalidad distrital {distritales.entidades} {distritales.programado_pct}%"
    assert fila in texto
