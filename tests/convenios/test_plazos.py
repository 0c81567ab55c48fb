"""Dates decide who is expected, extensions, timeliness, and the guard rails of sending
(issue 15, items 4, 5 and 7). Every expected figure is worked out by hand in the test."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.catalogo.models import Indicador, Region
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoConvenio,
    EstadoReporte,
    LineaReporte,
    Periodo,
    Reporte,
)
from app.convenios.queries import anexo4 as queries
from app.convenios.queries import convenios as convenios_queries
from app.convenios.services import anexo4 as services
from app.convenios.services import convenios as convenios_services
from app.convenios.services import periodos as periodos_services
from app.informes import informe
from tests.conftest import usuario_demo

LIMA = ZoneInfo("America/Lima")
HOY = date(2021, 7, 15)
AHORA = datetime(2021, 7, 15, 15, 0, tzinfo=UTC)


def _convenio(bd, codigo) -> Convenio:
    return bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == codigo))


def _region_id(bd, codigo) -> int:
    return bd.session.scalar(sa.select(Region.id).filter_by(codigo=codigo))


@pytest.fixture
def i_2021(bd) -> Periodo:
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    if periodo is None:
        periodo = Periodo(anio=2021, semestre=1, abierto=True)
        bd.session.add(periodo)
    periodo.fecha_limite_anexo4 = date(2021, 7, 31)
    periodo.fecha_cierre_anexo4 = None
    bd.session.commit()
    return periodo


def _firmar_la_libertad(bd) -> None:
    convenio = _convenio(bd, "la-libertad")
    convenios_services.editar_convenio(
        convenio,
        {
            "region_id": convenio.region_id,
            "conjunto_id": convenio.conjunto_id,
            "estado": EstadoConvenio.suscrito,
            "fecha_suscripcion": date(2021, 2, 10),
            "documento": None,
            "notas": None,
        },
        usuario_id=None,
        hoy=date(2021, 3, 1),
    )
    bd.session.commit()


# --- Who is expected, as of the semester -----------------------------------------------------


def test_a_later_signature_leaves_the_earlier_semester_unchanged(bd, demo):
    antes = informe.datos_informe("2020-2")
    _firmar_la_libertad(bd)
    despues = informe.datos_informe("2020-2")
    # As published: 21 of 25 (84 %), La Libertad pending, 3 omitted, 18 evaluated.
    assert despues.convenios_suscritos == 21 and despues.total_gores == 25
    assert despues.porcentaje_cobertura == 84
    assert "La Libertad" in despues.regiones_pendientes
    assert sorted(despues.regiones_omitidas) == ["Arequipa", "Ayacucho", "Tumbes"]
    assert despues.n_evaluadas == 18
    assert informe.huella(despues) == informe.huella(antes)
    # Today's coverage of the cycle does count it: 22 of 25.
    assert convenios_queries.cobertura(2020, 2021).suscritos == 22


def test_a_convenio_is_expected_from_the_semester_it_was_signed_in(bd, demo, i_2021):
    _firmar_la_libertad(bd)
    ii_2020 = bd.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    nombres_ii = {c.region.nombre for c in queries.convenios_esperados(ii_2020)}
    nombres_i = {c.region.nombre for c in queries.convenios_esperados(i_2021)}
    assert "La Libertad" not in nombres_ii and len(nombres_ii) == 21
    assert "La Libertad" in nombres_i and len(nombres_i) == 22
    # Its Anexo 4 of the semester before its signature cannot be started.
    with pytest.raises(services.ErrorAnexo4, match="después del II Semestre 2020"):
        services.obtener_o_crear_reporte(_convenio(bd, "la-libertad"), ii_2020, usuario_id=None)


def test_the_semester_s_own_first_signatures_count(bd, demo):
    """Arequipa and San Martín signed on 28/06/2020: expected for I-2020 (ends 30/06)."""
    i_2020 = bd.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=1))
    nombres = {c.region.nombre for c in queries.convenios_esperados(i_2020)}
    assert {"Arequipa", "San Martín"} <= nombres and len(nombres) == 21


# --- Extensions and timeliness ---------------------------------------------------------------


def _enviado(dia: date) -> datetime:
    return datetime.combine(dia, time(10, 0), LIMA).astimezone(UTC)


def _reporte_aprobado(bd, codigo: str, periodo: Periodo, enviado: date) -> Reporte:
    convenio = _convenio(bd, codigo)
    reporte = Reporte(
        convenio=convenio,
        periodo=periodo,
        estado=EstadoReporte.aprobado,
        enviado_en=_enviado(enviado),
        aprobado_en=_enviado(enviado),
    )
    indicadores = bd.session.scalars(
        sa.select(Indicador).filter_by(conjunto_id=convenio.conjunto_id).order_by(Indicador.numero)
    )
    reporte.lineas = [
        LineaReporte(
            indicador=i,
            indicador_numero=i.numero,
            estado=EstadoCelda.valor,
            programado=Decimal(50),
            ejecutado=Decimal(40),
        )
        for i in indicadores
    ]
    bd.session.add(reporte)
    return reporte


def test_extension_moves_one_region_s_deadline_and_is_audited(bd, i_2021):
    odes = usuario_demo(Rol.odes)
    for codigo, dias in (("puno", 15), ("piura", 5)):
        periodos_services.conceder_prorroga(
            i_2021,
            _region_id(bd, codigo),
            date(2021, 8, dias),
            "Corte de internet en la sede regional",
            usuario_id=odes.id,
        )
    _reporte_aprobado(bd, "loreto", i_2021, date(2021, 8, 10))  # 10 days after 31/07
    _reporte_aprobado(bd, "cusco", i_2021, date(2021, 7, 30))  # on time
    _reporte_aprobado(bd, "puno", i_2021, date(2021, 8, 12))  # within its extension (15/08)
    _reporte_aprobado(bd, "piura", i_2021, date(2021, 8, 9))  # 4 days after its extension
    bd.session.commit()

    resultado = queries.completitud(i_2021)
    assert resultado.esperados == 21
    assert sorted(resultado.a_tiempo) == ["Cusco", "Puno"]
    assert sorted(resultado.tardios) == [("Loreto", 10), ("Piura", 4)]
    assert len(resultado.faltantes) == 21 - 4

    d = informe.datos_informe("2021-1")
    assert sorted(d.regiones_evaluadas) == ["Cusco", "Loreto", "Piura", "Puno"]
    assert sorted(d.tardias) == [("Loreto", 10), ("Piura", 4)]
    assert dict(d.prorrogas) == {"Piura": date(2021, 8, 5), "Puno": date(2021, 8, 15)}
    # A late report is still averaged: every evaluated region's 12 cells (50 → 40).
    assert all(r.n == 12 and r.ejecutado == Decimal(40) for r in d.resultados_regiones)

    eventos = bd.session.scalars(
        sa.select(Evento).filter_by(accion="conceder_prorroga", objeto_id=i_2021.id)
    ).all()
    assert len(eventos) == 2 and all(e.usuario_id == odes.id for e in eventos)
    assert {e.motivo for e in eventos} == {"Corte de internet en la sede regional"}


@pytest.mark.parametrize(
    "fecha, motivo, mensaje",
    [
        (date(2021, 7, 31), "Corte de internet", "después de la fecha límite del semestre"),
        (date(2021, 7, 20), "Corte de internet", "después de la fecha límite del semestre"),
        (date(2021, 8, 20), "", "motivo"),
        (None, "Corte de internet", "nueva fecha límite"),
    ],
)
def test_bad_extensions_are_refused_and_write_nothing(bd, i_2021, fecha, motivo, mensaje):
    with pytest.raises(periodos_services.ErrorPeriodo, match=mensaje):
        periodos_services.conceder_prorroga(
            i_2021, _region_id(bd, "puno"), fecha, motivo, usuario_id=None
        )
    bd.session.rollback()
    assert queries.prorrogas(i_2021) == []


def test_an_extension_past_the_close_keeps_the_region_s_report_open(bd, i_2021):
    i_2021.fecha_cierre_anexo4 = date(2021, 8, 5)
    bd.session.commit()
    reporte = services.obtener_o_crear_reporte(_convenio(bd, "loreto"), i_2021, usuario_id=None)
    assert "venció" in services.motivo_bloqueo(reporte, date(2021, 8, 10))
    periodos_services.conceder_prorroga(
        i_2021, _region_id(bd, "loreto"), date(2021, 8, 20), "Paro regional", usuario_id=None
    )
    assert services.motivo_bloqueo(reporte, date(2021, 8, 10)) is None
    assert "venció" in services.motivo_bloqueo(reporte, date(2021, 8, 21))


def test_extension_page_refused_to_regions(client, sesion, i_2021):
    sesion.entrar(Rol.drtpe)
    assert client.get(f"/convenios/periodos/{i_2021.id}/prorrogas").status_code == 403


def test_extension_page_for_odes(client, sesion, bd, i_2021):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        f"/convenios/periodos/{i_2021.id}/prorrogas",
        data={
            "region_id": _region_id(bd, "tacna"),
            "fecha_limite": "2021-08-09",
            "motivo": "Cambio de gerente regional",
        },
        follow_redirects=True,
    )
    assert "Tacna puede enviar hasta el 09/08/2021" in respuesta.text
    assert "Cambio de gerente regional" in respuesta.text


def _formulario_periodo(periodo: Periodo, **cambios) -> dict[str, str]:
    """The semester's edit form as the page fills it, with `cambios` typed over it."""
    datos = {
        "fecha_limite_anexo4": periodo.fecha_limite_anexo4.isoformat(),
        "fecha_cierre_anexo4": "",
        "fecha_limite_anexo5": "",
        "abierto": "y",
    }
    return {clave: valor for clave, valor in (datos | cambios).items() if valor is not None}


def _eventos_periodo(bd, periodo: Periodo) -> list[Evento]:
    return bd.session.scalars(
        sa.select(Evento).filter_by(objeto_tipo="periodo", objeto_id=periodo.id)
    ).all()


def test_a_reason_typed_without_any_change_is_refused_not_dropped(client, sesion, bd, i_2021):
    """The reason is stored with the audit event of a change; with nothing changed the page
    used to say "actualizado" and lose it."""
    sesion.entrar(Rol.odes)
    antes = len(_eventos_periodo(bd, i_2021))
    url = f"/convenios/periodos/{i_2021.id}"

    respuesta = client.post(url, data=_formulario_periodo(i_2021, motivo="Pedido del gobierno"))

    assert respuesta.status_code == 200
    assert "No cambió ninguna fecha ni el estado" in respuesta.text
    assert len(_eventos_periodo(bd, i_2021)) == antes

    # Nothing typed and nothing changed: said so, nothing recorded.
    respuesta = client.post(url, data=_formulario_periodo(i_2021), follow_redirects=True)
    assert f"No hubo cambios en {i_2021.nombre}" in respuesta.text
    assert len(_eventos_periodo(bd, i_2021)) == antes

    # With a change, the reason is kept with it.
    client.post(
        url, data=_formulario_periodo(i_2021, fecha_limite_anexo4="2021-08-15", motivo="Feriado")
    )
    bd.session.expire_all()
    (evento,) = _eventos_periodo(bd, i_2021)[antes:]
    assert evento.motivo == "Feriado"
    assert evento.despues == {"fecha_limite_anexo4": "2021-08-15"}


# --- Guard rails of sending --------------------------------------------------------------------


@pytest.fixture
def borrador(bd, i_2021) -> Reporte:
    reporte = services.obtener_o_crear_reporte(_convenio(bd, "loreto"), i_2021, usuario_id=None)
    for linea in reporte.lineas:
        linea.estado = EstadoCelda.valor
        linea.programado = Decimal(50)
        linea.ejecutado = Decimal(50)
    bd.session.commit()
    return reporte


def _enviar(reporte):
    services.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)


def test_a_report_missing_a_line_of_its_cycle_cannot_be_sent(bd, borrador):
    ultima = borrador.lineas[-1]
    numero = ultima.indicador_numero
    borrador.lineas.remove(ultima)
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match=f"IdG {numero}: falta su línea"):
        _enviar(borrador)


def test_an_empty_report_cannot_be_sent(bd, borrador):
    borrador.lineas.clear()
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match="no tiene ninguna línea"):
        _enviar(borrador)


def test_evidence_required_by_the_idg_blocks_sending(bd, borrador):
    primera = borrador.lineas[0]
    primera.indicador.requiere_evidencia = True
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match=f"{primera.indicador.etiqueta}: adjunte"):
        _enviar(borrador)
    # Not required when the cell holds no value.
    primera.estado = EstadoCelda.sin_meta
    primera.programado = primera.ejecutado = None
    primera.motivo_estado = "Sin meta"
    bd.session.commit()
    _enviar(borrador)
    assert borrador.estado is EstadoReporte.enviado


def test_complete_report_is_sent(bd, borrador):
    _enviar(borrador)
    assert borrador.estado is EstadoReporte.enviado
