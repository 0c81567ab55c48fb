"""Every main page issues a bounded number of SQL statements that does not grow with the data.

Each page is requested on the demo data and again after adding regions, IdG and years with the
benchmark's generator (bench/datos_grandes.py, small numbers); the count must not grow.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.auth.models import Usuario
from app.catalogo.models import Indicador, Region
from app.comun.roles import Rol
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.queries.convenios import convenio_vigente
from app.convenios.services import anexo4 as anexo4_services
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.models.planes import PlanMejora
from app.mejora_continua.models.programacion import Actividad, ProgramacionRegional
from bench.datos_grandes import generar
from seed.comandos import _cargar_mejora_continua
from tests.conftest import publicar_informe

LORETO = "drtpe.loreto@demo.trabajo.gob.pe"


def _ids() -> dict[str, int | str]:
    """Ids of the objects the pages show: Loreto's convenio and reports, IdG 3, the plan…"""
    loreto = db.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    convenio = db.session.scalar(
        sa.select(Convenio).filter_by(region_id=loreto.id, anio_inicio=2020)
    )

    def reporte(anio: int, semestre: int) -> int:
        return db.session.scalar(
            sa.select(Reporte.id)
            .join(Periodo, Reporte.periodo_id == Periodo.id)
            .where(Reporte.convenio_id == convenio.id, Periodo.anio == anio)
            .where(Periodo.semestre == semestre)
        )

    idg3 = db.session.scalar(sa.select(Indicador).filter_by(numero=3))
    return {
        "convenio": convenio.id,
        "reporte": reporte(2020, 2),
        "borrador": reporte(2021, 1),
        "indicador": idg3.id,
        "evaluacion": db.session.scalar(
            sa.select(Evaluacion.id)
            .join(Periodo, Evaluacion.periodo_id == Periodo.id)
            .where(Evaluacion.indicador_id == idg3.id, Periodo.anio == 2020)
            .where(Periodo.semestre == 2)
        ),
        "plan": db.session.scalar(sa.select(PlanMejora.id).order_by(PlanMejora.id)),
        "actividad": db.session.scalar(
            sa.select(Actividad.id).where(Actividad.indicador_id == idg3.id).order_by(Actividad.id)
        ),
        "programacion": db.session.scalar(
            sa.select(ProgramacionRegional.id)
            .where(ProgramacionRegional.region_id == loreto.id)
            .order_by(ProgramacionRegional.id)
        ),
        "usuario_loreto": db.session.scalar(sa.select(Usuario.id).filter_by(email=LORETO)),
    }


#: (page, role, URL given the ids); the semester is always 2020-2 unless the page has none.
PAGINAS: list[tuple[str, Rol, Callable[[dict], str]]] = [
    *((f"tablero {r.value}", r, lambda i: "/tablero") for r in Rol),
    ("convenios", Rol.odes, lambda i: "/convenios/"),
    ("convenio", Rol.odes, lambda i: f"/convenios/{i['convenio']}"),
    ("metas", Rol.odes, lambda i: f"/convenios/{i['convenio']}/programacion/2020"),
    ("notificaciones", Rol.drtpe, lambda i: "/notificaciones"),
    ("periodos", Rol.odes, lambda i: "/convenios/periodos"),
    ("anexo 4 lista", Rol.odes, lambda i: "/convenios/anexo4?periodo=2020-2"),
    ("anexo 4 lista drtpe", Rol.drtpe, lambda i: "/convenios/anexo4?periodo=2020-2"),
    ("anexo 4 ver", Rol.odes, lambda i: f"/convenios/anexo4/{i['reporte']}"),
    ("anexo 4 ver drtpe", Rol.drtpe, lambda i: f"/convenios/anexo4/{i['reporte']}"),
    ("anexo 4 editar", Rol.drtpe, lambda i: f"/convenios/anexo4/{i['borrador']}/editar"),
    ("resultados", Rol.odes, lambda i: "/convenios/anexo4/resultados?periodo=2020-2"),
    ("tendencias", Rol.odes, lambda i: "/convenios/anexo4/tendencias"),
    ("tendencias region", Rol.odes, lambda i: "/convenios/anexo4/tendencias?region=loreto"),
    ("tendencias idg", Rol.odes, lambda i: f"/convenios/anexo4/tendencias?idg={i['indicador']}"),
    ("tendencias excel", Rol.odes, lambda i: "/convenios/anexo4/tendencias/excel?region=loreto"),
    ("tendencias drtpe", Rol.drtpe, lambda i: "/convenios/anexo4/tendencias"),
    ("completitud", Rol.odes, lambda i: "/convenios/anexo4/completitud?periodo=2020-2"),
    ("anexo 5 lista", Rol.odes, lambda i: "/mejora-continua/anexo5?periodo=2020-2"),
    ("anexo 5 lista direccion", Rol.direccion, lambda i: "/mejora-continua/anexo5?periodo=2020-2"),
    ("anexo 5 ver", Rol.odes, lambda i: f"/mejora-continua/anexo5/{i['evaluacion']}"),
    ("matriz", Rol.odes, lambda i: "/mejora-continua/matriz?anio=2021"),
    ("programas", Rol.odes, lambda i: "/mejora-continua/programas"),
    ("programa", Rol.odes, lambda i: "/mejora-continua/programas/2021"),
    ("calendario", Rol.odes, lambda i: "/mejora-continua/programas/2021/calendario"),
    ("avance", Rol.odes, lambda i: "/mejora-continua/programas/2021/avance"),
    ("agenda", Rol.drtpe, lambda i: "/mejora-continua/agenda/loreto"),
    ("actividad", Rol.odes, lambda i: f"/mejora-continua/actividades/{i['actividad']}"),
    ("programacion", Rol.odes, lambda i: f"/mejora-continua/programacion/{i['programacion']}"),
    ("planes", Rol.odes, lambda i: "/mejora-continua/planes"),
    ("plan", Rol.odes, lambda i: f"/mejora-continua/planes/{i['plan']}"),
    ("informes", Rol.odes, lambda i: "/informes/"),
    ("informe tablero", Rol.odes, lambda i: "/informes/tablero?periodo=2020-2"),
    # Open data: II-2020 is published by the fixture (the open-data pages answer 404 otherwise).
    ("publicacion", Rol.revisor, lambda i: "/publicaciones/2020-2"),
    ("datos abiertos csv", Rol.revisor, lambda i: "/publicaciones/2020-2/datos/resultados.csv"),
    ("datos abiertos json", Rol.revisor, lambda i: "/publicaciones/2020-2/datos/resultados.json"),
    ("datos abiertos xlsx", Rol.revisor, lambda i: "/publicaciones/2020-2/datos/resultados.xlsx"),
    ("diccionario de datos", Rol.revisor, lambda i: "/publicaciones/datos/diccionario"),
    ("catalogo", Rol.odes, lambda i: "/catalogo/"),
    ("regiones", Rol.odes, lambda i: "/catalogo/regiones"),
    ("region", Rol.odes, lambda i: "/catalogo/regiones/loreto"),
    ("indicadores", Rol.odes, lambda i: "/catalogo/indicadores"),
    ("indicador", Rol.odes, lambda i: f"/catalogo/indicadores/{i['indicador']}"),
    ("unidades", Rol.odes, lambda i: "/catalogo/unidades"),
    ("funciones", Rol.odes, lambda i: "/catalogo/funciones"),
    ("objetivos y servicios", Rol.odes, lambda i: "/catalogo/objetivos-y-servicios"),
    ("usuarios", Rol.odes, lambda i: "/usuarios"),
    ("tokens usuario", Rol.odes, lambda i: f"/usuarios/{i['usuario_loreto']}/tokens"),
    ("tokens", Rol.drtpe, lambda i: "/cuenta/tokens"),
]


def _contar(app, client, sesion) -> dict[str, int]:
    """SQL statements of one GET of every page, logged in as the page's role.

    Each request runs in its own application context, like in production: nothing is cached
    in the session or in `g` from one request to the next.
    """
    ids = _ids()
    contador = [0]

    def contar(*_args, **_kwargs):
        contador[0] += 1

    cuentas = {}
    actual = None
    for nombre, rol, url in PAGINAS:
        if rol is not actual:
            sesion.salir()
            sesion.entrar(rol, LORETO if rol is Rol.drtpe else None)
            actual = rol
        ruta = url(ids)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", contar)
            contador[0] = 0
            try:
                respuesta = client.get(ruta)
            finally:
                event.remove(db.engine, "before_cursor_execute", contar)
        assert respuesta.status_code == 200, f"{nombre}: {ruta} → {respuesta.status_code}"
        cuentas[nombre] = contador[0]
    return cuentas


@pytest.fixture
def datos(demo):
    """Demo data, Anexo 5 and programme, Loreto's draft Anexo 4 of the open I-2021, and
    II-2020's report published."""
    _cargar_mejora_continua()
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    loreto = db.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    convenio = convenio_vigente(loreto.id, 2021)
    anexo4_services.obtener_o_crear_reporte(convenio, periodo, usuario_id=None)
    db.session.commit()
    publicar_informe(2020, 2)  # the open-data pages show published semesters only
    return db


def test_consultas_no_crecen_con_los_datos(app, datos, client, sesion):
    """More regions, IdG and years do not add SQL statements to any page."""
    pequeno = _contar(app, client, sesion)
    generar(anios=3, regiones=80, indicadores=18)
    db.session.commit()
    grande = _contar(app, client, sesion)
    print("\n".join(f"{n:28s} {pequeno[n]:4d} {grande[n]:4d}" for n in pequeno))
    crecen = {
        nombre: (pequeno[nombre], grande[nombre])
        for nombre in pequeno
        if grande[nombre] > pequeno[nombre]
    }
    assert not crecen, f"consultas por página (demo → grande) que crecen: {crecen}"
