"""Goals committed before the semester (issue 15, item 2): programming, review, lock,
reprogramming with an adenda, and the Anexo 4 reading the goals in force."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region
from app.comun.auditoria import Evento
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import (
    ANUAL,
    CategoriaReprogramacion,
    EstadoCelda,
    EstadoConvenio,
    EstadoSolicitud,
    Periodo,
)
from app.convenios.queries import metas as queries
from app.convenios.services import anexo4 as anexo4_services
from app.convenios.services import convenios as convenios_services
from app.convenios.services import metas as services
from tests.conftest import usuario_demo

AHORA = datetime(2022, 1, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def ciclo(bd) -> ConjuntoIndicadores:
    base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
    bd.session.commit()
    return ciclo


def _convenio(bd, ciclo, codigo, firma):
    region = bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))
    convenio = convenios_services.crear_convenio(
        {
            "region_id": region.id,
            "conjunto_id": ciclo.id,
            "estado": EstadoConvenio.suscrito,
            "fecha_suscripcion": firma,
            "documento": None,
            "notas": None,
        },
        usuario_id=None,
        hoy=date(2022, 12, 1),
    )
    bd.session.commit()
    return convenio


@pytest.fixture
def loreto(bd, ciclo):
    return _convenio(bd, ciclo, "loreto", date(2021, 12, 20))


@pytest.fixture
def programacion(bd, ciclo, loreto):
    (programacion,) = services.abrir_programacion(ciclo, 2022, usuario_id=None)
    bd.session.commit()
    return programacion


def _todas(programacion, valor=Decimal(50), excepciones=None):
    """Every goal with `valor`; excepciones: {(idg number, semestre): (estado, valor)}."""
    datos = {}
    for (indicador_id, semestre), meta in queries.metas(
        programacion.convenio_id, programacion.anio
    ).items():
        estado, v = (excepciones or {}).get(
            (meta.indicador.numero, semestre), (EstadoCelda.valor, valor)
        )
        datos[(indicador_id, semestre)] = {"estado": estado, "valor": v}
    return datos


def _guardar(bd, programacion, datos, usuario=None):
    services.guardar_metas(
        programacion,
        datos,
        usuario=usuario or usuario_demo(Rol.drtpe),
        version=programacion.version,
    )
    bd.session.commit()


def test_opening_a_year_gives_each_signed_convenio_its_goals(bd, ciclo, loreto):
    _convenio(bd, ciclo, "cusco", date(2022, 9, 15))
    creadas = services.abrir_programacion(ciclo, 2022, usuario_id=None)
    assert {p.convenio.region.nombre for p in creadas} == {"Loreto", "Cusco"}
    # 12 IdG copied from 2020 × (annual, I, II) = 36 goals each, none written yet.
    metas = queries.metas(loreto.id, 2022)
    assert len(metas) == 36 and all(m.valor is None for m in metas.values())
    assert services.abrir_programacion(ciclo, 2022, usuario_id=None) == []  # idempotent
    with pytest.raises(services.ErrorMetas, match="no pertenece al ciclo 2022-2023"):
        services.abrir_programacion(ciclo, 2024, usuario_id=None)


def test_review_observe_approve_and_lock(bd, programacion):
    drtpe, odes = usuario_demo(Rol.drtpe), usuario_demo(Rol.odes)
    direccion = usuario_demo(Rol.direccion)
    datos = _todas(programacion, Decimal(50), {(2, ANUAL): (EstadoCelda.valor, None)})
    _guardar(bd, programacion, datos)
    with pytest.raises(services.ErrorMetas, match=r"IdG 2 \(anual\): escriba la meta"):
        services.enviar_programacion(programacion, usuario=drtpe, ahora=AHORA)
    datos = _todas(programacion, Decimal(50), {(2, 1): (EstadoCelda.no_aplica, None)})
    _guardar(bd, programacion, datos)
    services.enviar_programacion(programacion, usuario=drtpe, ahora=AHORA)
    assert programacion.estado is EstadoReporte.enviado

    propio = next(
        m.indicador
        for m in queries.metas(programacion.convenio_id, 2022).values()
        if m.indicador.proponente_id == direccion.unidad_id
    )
    with pytest.raises(services.ErrorMetas, match="Elija el IdG de su dirección"):
        services.observar_programacion(programacion, usuario=direccion, motivo="Muy baja")
    services.observar_programacion(
        programacion, usuario=direccion, motivo="Meta muy baja", indicador_id=propio.id
    )
    assert programacion.estado is EstadoReporte.observado
    assert programacion.motivo_observacion == f"{propio.etiqueta}: Meta muy baja"

    datos[(propio.id, ANUAL)] = {"estado": EstadoCelda.valor, "valor": Decimal(70)}
    _guardar(bd, programacion, datos)
    services.enviar_programacion(programacion, usuario=drtpe, ahora=AHORA)
    with pytest.raises(services.ErrorMetas, match="Solo la ODES aprueba"):
        services.aprobar_programacion(programacion, usuario=drtpe, ahora=AHORA)
    services.aprobar_programacion(programacion, usuario=odes, ahora=AHORA)
    bd.session.commit()
    anual = queries.metas(programacion.convenio_id, 2022)[(propio.id, ANUAL)]
    assert (anual.valor, anual.valor_original) == (Decimal(70), Decimal(70))
    # Locked: the 70 → 40 change of the issue is refused without a reprogramming.
    datos[(propio.id, ANUAL)] = {"estado": EstadoCelda.valor, "valor": Decimal(40)}
    with pytest.raises(services.ErrorMetas, match="aprobadas y bloqueadas"):
        _guardar(bd, programacion, datos)
    acciones = bd.session.scalars(
        sa.select(Evento.accion).filter_by(objeto_tipo="programacion_metas")
    ).all()
    assert acciones.count("enviar") == 2 and "observar" in acciones and "aprobar" in acciones


@pytest.fixture
def aprobada(bd, programacion):
    datos = _todas(programacion, Decimal(50), {(2, 1): (EstadoCelda.no_aplica, None)})
    _guardar(bd, programacion, datos)
    services.enviar_programacion(programacion, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)
    services.aprobar_programacion(programacion, usuario=usuario_demo(Rol.odes), ahora=AHORA)
    bd.session.commit()
    return programacion


@pytest.fixture
def i_2022(bd):
    periodo = Periodo(anio=2022, semestre=1, abierto=True, fecha_limite_anexo4=date(2022, 7, 31))
    bd.session.add(periodo)
    bd.session.commit()
    return periodo


def test_the_anexo_4_programs_the_approved_semester_goals(bd, aprobada, loreto, i_2022):
    reporte = anexo4_services.obtener_o_crear_reporte(loreto, i_2022, usuario_id=None)
    por_numero = {linea.indicador_numero: linea for linea in reporte.lineas}
    assert por_numero[1].programado == Decimal(50)
    assert por_numero[2].estado is EstadoCelda.no_aplica and por_numero[2].programado is None


def test_reprogramming_with_an_adenda_keeps_the_original(bd, aprobada, loreto, i_2022):
    drtpe, odes = usuario_demo(Rol.drtpe), usuario_demo(Rol.odes)
    reporte = anexo4_services.obtener_o_crear_reporte(loreto, i_2022, usuario_id=None)
    bd.session.commit()
    metas = queries.metas(loreto.id, 2022)
    idg1 = next(m for (i, s), m in metas.items() if m.indicador.numero == 1 and s == 1)
    with pytest.raises(services.ErrorMetas, match="Elija la adenda"):
        services.solicitar_reprogramacion(
            idg1, Decimal(40), "Recorte presupuestal", CategoriaReprogramacion.adenda, usuario=drtpe
        )
    adenda = convenios_services.agregar_adenda(
        loreto,
        {"fecha": date(2022, 3, 1), "descripcion": "Reajuste de metas 2022", "documento": None},
        usuario_id=odes.id,
        hoy=date(2022, 3, 2),
    )
    solicitud = services.solicitar_reprogramacion(
        idg1,
        Decimal(40),
        "Recorte presupuestal",
        CategoriaReprogramacion.adenda,
        usuario=drtpe,
        adenda=adenda,
    )
    with pytest.raises(services.ErrorMetas, match="ya tiene una solicitud"):
        services.solicitar_reprogramacion(
            idg1, Decimal(30), "Otra vez", CategoriaReprogramacion.otra, usuario=drtpe
        )
    assert idg1.valor == Decimal(50)  # nothing changes until ODES approves
    with pytest.raises(services.ErrorMetas, match="Solo la ODES"):
        services.resolver_reprogramacion(
            solicitud, aprobar=True, motivo=None, usuario=drtpe, ahora=AHORA
        )
    services.resolver_reprogramacion(
        solicitud, aprobar=True, motivo=None, usuario=odes, ahora=AHORA
    )
    bd.session.commit()
    assert (idg1.valor, idg1.valor_original, idg1.reprogramada) == (Decimal(40), Decimal(50), True)
    assert solicitud.estado is EstadoSolicitud.aprobada and solicitud.adenda_id == adenda.id
    linea = next(linea for linea in reporte.lineas if linea.indicador_numero == 1)
    assert linea.programado == Decimal(40)
    assert [m.id for m in queries.reprogramadas([loreto.id], 2022, 1)] == [idg1.id]

    otra = services.solicitar_reprogramacion(
        idg1, Decimal(20), "Nuevo recorte", CategoriaReprogramacion.contexto, usuario=drtpe
    )
    with pytest.raises(services.ErrorMetas, match="por qué se rechaza"):
        services.resolver_reprogramacion(otra, aprobar=False, motivo="", usuario=odes, ahora=AHORA)
    services.resolver_reprogramacion(
        otra, aprobar=False, motivo="Sin sustento", usuario=odes, ahora=AHORA
    )
    assert idg1.valor == Decimal(40) and otra.estado is EstadoSolicitud.rechazada
    eventos = bd.session.scalars(
        sa.select(Evento.accion).filter_by(objeto_tipo="reprogramacion")
    ).all()
    assert sorted(eventos) == [
        "aprobar_reprogramacion",
        "rechazar_reprogramacion",
        "solicitar_reprogramacion",
        "solicitar_reprogramacion",
    ]


def test_the_anexo_4_cannot_change_an_approved_goal(bd, aprobada, loreto, i_2022):
    from app.convenios.services import importacion

    reporte = anexo4_services.obtener_o_crear_reporte(loreto, i_2022, usuario_id=None)
    bd.session.commit()
    linea = next(x for x in reporte.lineas if x.indicador_numero == 1)
    datos = {
        linea.id: {
            "estado": EstadoCelda.valor,
            "programado": Decimal(55),
            "ejecutado": Decimal(40),
            "comentario": None,
            "motivo_estado": None,
        }
    }
    revisiones = anexo4_services.guardar_lineas(
        reporte, datos, usuario=usuario_demo(Rol.drtpe), hoy=date(2022, 7, 10), version=None
    )
    assert revisiones[linea.id].errores["programado"] == (
        "El programado del IdG 1 (55) no es la meta aprobada vigente (50.00): la meta no se "
        "cambia en el Anexo 4; solicite su reprogramación."
    )
    bd.session.rollback()
    assert linea.programado == Decimal(50)
    # The bulk import refuses the same row, naming both values.
    fila = {
        "region": "Loreto",
        "idg": "1",
        "anio": "2022",
        "semestre": "1",
        "estado": "valor",
        "programado": "55",
        "ejecutado": "40",
        "origen": "",
    }
    analisis = importacion.analizar([fila], hoy=date(2022, 8, 1))
    (error,) = [e for e in analisis.errores if e.columna == "programado"]
    assert "(55)" in error.mensaje and "(50.00)" in error.mensaje
    fila["programado"] = "50"
    assert not importacion.analizar([fila], hoy=date(2022, 8, 1)).errores


def test_the_anexo_4_pages_show_the_goal_in_force_and_keep_it_read_only(
    client, sesion, bd, aprobada, loreto
):
    """A goal reprogrammed before the report exists: the Anexo 4 shows original and goal in
    force, and its edit form offers the programmed value read-only, with the way to change it."""
    from datetime import timedelta

    periodo = Periodo(
        anio=2022,
        semestre=1,
        abierto=True,
        fecha_limite_anexo4=date.today() + timedelta(days=30),
    )
    bd.session.add(periodo)
    idg1 = next(
        m
        for (_i, s), m in queries.metas(loreto.id, 2022).items()
        if m.indicador.numero == 1 and s == 1
    )
    solicitud = services.solicitar_reprogramacion(
        idg1,
        Decimal(40),
        "Recorte",
        CategoriaReprogramacion.contexto,
        usuario=usuario_demo(Rol.drtpe),
    )
    services.resolver_reprogramacion(
        solicitud, aprobar=True, motivo=None, usuario=usuario_demo(Rol.odes), ahora=AHORA
    )
    reporte = anexo4_services.obtener_o_crear_reporte(loreto, periodo, usuario_id=None)
    bd.session.commit()
    linea = next(x for x in reporte.lineas if x.indicador_numero == 1)
    assert linea.programado_original is None  # nothing approved in the Anexo 4 yet

    sesion.entrar(Rol.drtpe)
    ver = client.get(f"/convenios/anexo4/{reporte.id}")
    assert ver.status_code == 200
    texto = " ".join(ver.text.replace("\xa0", " ").split())
    assert "original: 50 % · vigente" in texto
    assert f'href="/convenios/{loreto.id}/programacion/2022"' in ver.text

    editar = client.get(f"/convenios/anexo4/{reporte.id}/editar")
    assert editar.status_code == 200
    posicion = sorted(x.indicador_numero for x in reporte.lineas).index(1)
    campo = re.search(rf'<input[^>]*name="lineas-{posicion}-programado"[^>]*>', editar.text)
    assert campo and "readonly" in campo.group(0) and 'value="40' in campo.group(0)
    assert "Meta aprobada vigente; se cambia solo por reprogramación." in editar.text
