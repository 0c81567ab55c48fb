"""The semester an overview opens on (issue 19, item 3): never the empty open semester when
there is data, say which semester and why, and keep the open one a click away.

The demo: I-2020 and II-2020 closed with every region's Anexo 4 approved, I-2021 open with no
report. Nothing is published until a test publishes it.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.queries import periodo_inicial
from tests.conftest import publicar_informe, usuario_demo

#: Overviews that open on a chosen semester, and whether they weigh pending work.
OVERVIEWS = [
    ("/convenios/anexo4", True),
    ("/convenios/anexo4/resultados", False),
    ("/convenios/anexo4/completitud", False),
    ("/mejora-continua/anexo5", True),
    ("/informes/tablero", False),
]


def _elegido(rol, codigo=None, **kw):
    return periodo_inicial.elegir(codigo, usuario_demo(rol), **kw)


def test_odes_opens_on_the_newest_semester_with_approved_data(demo):
    eleccion = _elegido(Rol.odes)
    assert (eleccion.periodo.codigo, eleccion.motivo) == ("2020-2", periodo_inicial.DATOS)
    # The open semester is offered: it is another one.
    assert eleccion.abierto.codigo == "2021-1"


def test_a_region_with_a_report_to_start_opens_on_it_on_the_work_lists(demo):
    # Loreto has to start its I-2021 Anexo 4: the work list opens there …
    eleccion = _elegido(Rol.drtpe, con_pendientes=True)
    assert (eleccion.periodo.codigo, eleccion.motivo) == ("2021-1", periodo_inicial.PENDIENTE)
    assert eleccion.abierto is None  # it is the open semester already
    # … the result pages on its newest approved figures.
    eleccion = _elegido(Rol.drtpe)
    assert (eleccion.periodo.codigo, eleccion.motivo) == ("2020-2", periodo_inicial.DATOS)


def test_a_region_sees_only_its_own_approved_semesters(demo):
    loreto = usuario_demo(Rol.drtpe)
    # Loreto's II-2020 report goes back to draft: its newest approved is I-2020, while ODES
    # still sees II-2020 (other regions' reports are approved).
    reporte = demo.session.scalar(
        sa.select(Reporte)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Periodo, Reporte.periodo_id == Periodo.id)
        .where(Convenio.region_id == loreto.region_id, Periodo.anio == 2020, Periodo.semestre == 2)
    )
    reporte.estado = EstadoReporte.borrador
    demo.session.commit()
    assert periodo_inicial.con_datos(loreto).codigo == "2020-1"
    assert periodo_inicial.con_datos(usuario_demo(Rol.odes)).codigo == "2020-2"


def test_a_reviewer_opens_on_the_newest_published_semester(demo):
    # Nothing published: the newest semester, saying there is no approved data yet.
    eleccion = _elegido(Rol.revisor)
    assert (eleccion.periodo.codigo, eleccion.motivo) == ("2021-1", periodo_inicial.ULTIMO)
    publicar_informe(2020, 1)
    eleccion = _elegido(Rol.revisor)
    # II-2020 is approved but not published: the reviewer does not see it.
    assert (eleccion.periodo.codigo, eleccion.motivo) == ("2020-1", periodo_inicial.DATOS)


def test_without_any_data_the_newest_semester_is_shown(bd):
    demo_periodos = bd.session.scalars(sa.select(Periodo)).all()
    eleccion = _elegido(Rol.odes)
    if demo_periodos:
        newest = max(demo_periodos, key=lambda p: (p.anio, p.semestre))
        assert (eleccion.periodo.id, eleccion.motivo) == (newest.id, periodo_inicial.ULTIMO)
    else:
        assert eleccion.periodo is None


def test_the_address_wins(demo):
    eleccion = _elegido(Rol.odes, "2020-1")
    assert (eleccion.periodo.codigo, eleccion.motivo, eleccion.por_defecto) == (
        "2020-1",
        periodo_inicial.ELEGIDO,
        False,
    )


@pytest.mark.parametrize(("url", "_pendientes"), OVERVIEWS)
def test_every_overview_says_which_semester_it_shows(demo, client, sesion, url, _pendientes):
    sesion.entrar(Rol.odes)
    html = client.get(url).text
    nota = re.search(r'<p class="periodo-mostrado"[^>]*>(.*?)</p>', html, re.S)
    assert nota, url
    texto = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", nota.group(1)))
    assert "II Semestre 2020" in texto, (url, texto)
    assert "más reciente con datos aprobados" in texto, (url, texto)
    # The open semester one click away, on the same page.
    enlace = re.search(r'href="([^"]+)"', nota.group(1)).group(1).replace("&amp;", "&")
    assert enlace.startswith(url + "?") and "periodo=2021-1" in enlace, (url, enlace)
    assert client.get(enlace).status_code == 200
    # Once the address names the semester, no note: the user chose it.
    assert 'class="periodo-mostrado"' not in client.get(f"{url}?periodo=2020-2").text


@pytest.mark.parametrize(("url", "_pendientes"), OVERVIEWS)
@pytest.mark.parametrize("codigo", ["1999-1", "2020-9", "abc", "2020-1x"])
def test_a_semester_that_does_not_exist_is_a_404(demo, client, sesion, url, _pendientes, codigo):
    sesion.entrar(Rol.odes)
    assert client.get(f"{url}?periodo={codigo}").status_code == 404


def test_the_home_page_counts_the_semester_it_names(demo, client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get("/tablero").text
    # A deadline long gone reads in years, not "hace 1954 días"; the cards name the semester shown.
    assert not re.search(r"hace \d{3,} días", html) and re.search(r"hace \d+ años", html)
    assert "II Semestre 2020" in html
