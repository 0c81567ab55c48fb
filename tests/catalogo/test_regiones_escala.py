"""The list of governments at scale (issue 18): filtered and paged in SQL, with each one's level,
ubigeo and parent; a government's page counts its municipalities and links to them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.catalogo import queries
from app.catalogo.models import Region, TipoRegion, normalizar
from app.comun.roles import Rol
from app.extensions import db


def _region(codigo: str) -> Region:
    return db.session.scalar(sa.select(Region).filter_by(codigo=codigo))


@pytest.fixture
def municipalidades(bd):
    """Maynas (province of Loreto) with two districts, one accented; Puno's province and one
    district: 31 governments in all, one more than a page."""
    loreto, puno = _region("loreto"), _region("puno")
    maynas = Region(
        codigo="mp-maynas",
        nombre="Municipalidad Provincial de Maynas",
        tipo=TipoRegion.municipalidad_provincial,
        ubigeo="160100",
        padre=loreto,
        orden=1001,
    )
    puno_provincia = Region(
        codigo="mp-puno",
        nombre="Municipalidad Provincial de Puno",
        tipo=TipoRegion.municipalidad_provincial,
        ubigeo="210100",
        padre=puno,
        orden=1004,
    )
    distritos = [
        Region(
            codigo="md-belen",
            nombre="Municipalidad Distrital de Belén",
            tipo=TipoRegion.municipalidad_distrital,
            ubigeo="160112",
            padre=maynas,
            orden=1002,
        ),
        Region(
            codigo="md-iquitos",
            nombre="Municipalidad Distrital de Iquitos",
            tipo=TipoRegion.municipalidad_distrital,
            ubigeo="160101",
            padre=maynas,
            orden=1003,
        ),
    ]
    chucuito = Region(
        codigo="md-chucuito",
        nombre="Municipalidad Distrital de Chucuito",
        tipo=TipoRegion.municipalidad_distrital,
        ubigeo="210102",
        padre=puno_provincia,
        orden=1005,
    )
    bd.session.add_all([maynas, puno_provincia, *distritos, chucuito])
    bd.session.commit()
    return maynas


def _nombres(pagina: str) -> list[str]:
    """The governments listed in the table, in order."""
    if "<tbody>" not in pagina:
        return []
    tabla = pagina.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(
        r'<td class="num">\d+</td>\s*<td><a href="/catalogo/regiones/[^"]+">([^<]+)</a>', tabla
    )


def test_list_shows_level_ubigeo_and_parent(client, sesion, municipalidades):
    sesion.entrar(Rol.revisor)
    pagina = client.get("/catalogo/regiones?nivel=municipalidad_distrital").text
    for columna in ("Nivel", "Ubigeo", "Pertenece a"):
        assert f"<th>{columna}</th>" in pagina
    assert _nombres(pagina) == [
        "Municipalidad Distrital de Belén",
        "Municipalidad Distrital de Iquitos",
        "Municipalidad Distrital de Chucuito",
    ]
    fila = pagina[pagina.index("Municipalidad Distrital de Belén") :].split("</tr>")[0]
    assert "Municipalidad distrital" in fila and "160112" in fila
    assert '<a href="/catalogo/regiones/mp-maynas">Municipalidad Provincial de Maynas</a>' in fila


def test_filter_by_parent_includes_the_districts_of_its_provinces(client, sesion, municipalidades):
    sesion.entrar(Rol.odes)
    pagina = client.get("/catalogo/regiones?padre=loreto").text
    assert _nombres(pagina) == [
        "Municipalidad Provincial de Maynas",
        "Municipalidad Distrital de Belén",
        "Municipalidad Distrital de Iquitos",
    ]
    # The filter offers the governments that have municipalities, not every government.
    select = pagina.split('id="filtro-padre"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "loreto", "puno"]
    # A province's own districts: the province becomes an option of the filter.
    pagina = client.get("/catalogo/regiones?padre=mp-maynas").text
    assert _nombres(pagina) == [
        "Municipalidad Distrital de Belén",
        "Municipalidad Distrital de Iquitos",
    ]
    assert '<option value="mp-maynas" selected>' in pagina


def test_without_municipalities_there_is_no_parent_filter(client, sesion):
    sesion.entrar(Rol.odes)
    pagina = client.get("/catalogo/regiones").text
    assert 'id="filtro-nivel"' in pagina and 'id="filtro-padre"' not in pagina
    assert len(_nombres(pagina)) == 26


def test_search_ignores_accents_and_case_and_finds_aliases_and_ubigeos(
    client, sesion, municipalidades
):
    sesion.entrar(Rol.odes)
    assert _nombres(client.get("/catalogo/regiones?q=BELEN").text) == [
        "Municipalidad Distrital de Belén"
    ]
    assert _nombres(client.get("/catalogo/regiones?q=apurimac").text) == ["Apurímac"]
    assert _nombres(client.get("/catalogo/regiones?q=Arequioa").text) == ["Arequipa"]
    assert _nombres(client.get("/catalogo/regiones?q=1601").text) == [
        "Municipalidad Provincial de Maynas",
        "Municipalidad Distrital de Belén",
        "Municipalidad Distrital de Iquitos",
    ]
    assert _nombres(client.get("/catalogo/regiones?q=100%25").text) == []


@pytest.mark.parametrize("texto", ["", "a", "lima", "SAN MARTIN", "huanuco", "ÁNCASH", "cuz", "_"])
def test_sql_search_gives_the_rows_of_the_former_in_memory_filter(bd, municipalidades, texto):
    """The former page filtered every region in Python: name or alias, accents ignored."""
    clave = normalizar(texto)
    antes = [
        r.nombre
        for r in queries.regiones_con_detalle()
        if clave in normalizar(r.nombre) or any(clave in a.clave for a in r.aliases)
    ]
    ahora = [r.nombre for r in db.session.scalars(queries.consulta_regiones(texto=texto))]
    assert ahora == antes


def test_long_list_is_paged(client, sesion, municipalidades):
    sesion.entrar(Rol.odes)
    pagina = client.get("/catalogo/regiones").text
    assert "31 resultados · página 1 de 2" in pagina
    assert len(_nombres(pagina)) == 30
    pagina = client.get("/catalogo/regiones?page=2").text
    assert _nombres(pagina) == ["Municipalidad Distrital de Chucuito"]
    assert "página 2 de 2" in pagina


def test_region_page_shows_level_parent_and_its_municipalities(client, sesion, municipalidades):
    sesion.entrar(Rol.drtpe)
    pagina = client.get("/catalogo/regiones/loreto").text
    assert "<dd>Gobierno regional</dd>" in pagina and "<dd>160000</dd>" in pagina
    assert '<a href="/catalogo/regiones?padre=loreto">3 municipalidades</a>' in pagina
    pagina = client.get("/catalogo/regiones/mp-maynas").text
    assert "<dd>Municipalidad provincial</dd>" in pagina
    assert '<a href="/catalogo/regiones/loreto">Loreto</a>' in pagina
    assert '<a href="/catalogo/regiones?padre=mp-maynas">2 municipalidades</a>' in pagina
    pagina = client.get("/catalogo/regiones/md-belen").text
    assert '<a href="/catalogo/regiones/mp-maynas">Municipalidad Provincial de Maynas</a>' in pagina
    assert "municipalidades</a>" not in pagina
    pagina = client.get("/catalogo/regiones/puno").text
    assert "2 municipalidades</a>" in pagina
    pagina = client.get("/catalogo/regiones/mp-puno").text
    assert "1 municipalidad</a>" in pagina
    pagina = client.get("/catalogo/regiones/lima-metropolitana").text
    assert "<dd>Municipalidad metropolitana</dd>" in pagina and "Ninguna registrada" in pagina
