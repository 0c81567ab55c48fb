"""Each event delivers the right e-mail (subject, Spanish text, link) to the right people and to
nobody else, through a real SMTP server; the in-app entry mirrors it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region
from app.comun.roles import Rol
from app.convenios.models import (
    CategoriaReprogramacion,
    Convenio,
    EstadoCelda,
    EstadoReporte,
    Periodo,
    Reporte,
)
from app.convenios.queries import metas as metas_queries
from app.convenios.services import anexo4 as services_anexo4
from app.convenios.services import convenios as services_convenios
from app.convenios.services import metas as services_metas
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.notificaciones.models import EnvioCorreo, EstadoEnvio, Notificacion, TipoNotificacion
from tests.conftest import EMAILS_DEMO, usuario_demo
from tests.notificaciones.conftest import cuenta

LORETO = EMAILS_DEMO[Rol.drtpe]
PUNO = "drtpe.puno@demo.trabajo.gob.pe"
ODES = EMAILS_DEMO[Rol.odes]
DNCCL = EMAILS_DEMO[Rol.direccion]
REVISOR = EMAILS_DEMO[Rol.revisor]
PROG = [60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50]
EJEC = [60, 45, 30, 10, 89, 58, 7, 25, 66, 1, 33, 27]


@pytest.fixture
def cuentas(bd):
    """Beyond the demo accounts: a second Loreto user, a DISEL user (proposes IdG 6), a DGT user
    (proposes no IdG), a second ODES user and an inactive ODES user."""
    return {
        "loreto2": cuenta("loreto2@prueba.gob.pe", Rol.drtpe, region="loreto").email,
        "disel": cuenta("disel@prueba.gob.pe", Rol.direccion, unidad="DISEL").email,
        "dgt": cuenta("dgt@prueba.gob.pe", Rol.direccion, unidad="DGT").email,
        "odes2": cuenta("odes2@prueba.gob.pe", Rol.odes).email,
        "inactiva": cuenta("inactiva@prueba.gob.pe", Rol.odes, activo=False).email,
    }


def _convenio(codigo: str) -> Convenio:
    return db.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == codigo))


@pytest.fixture
def reporte(bd):
    """Loreto's complete draft Anexo 4 of an open I-2021 (due 31/07/2021)."""
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2021, 7, 31))
    db.session.add(periodo)
    reporte = services_anexo4.obtener_o_crear_reporte(_convenio("loreto"), periodo, usuario_id=None)
    for linea, p, e in zip(reporte.lineas, PROG, EJEC, strict=True):
        linea.estado, linea.programado, linea.ejecutado = EstadoCelda.valor, Decimal(p), Decimal(e)
    db.session.commit()
    return reporte


def _enlace(ruta: str) -> str:
    return f"http://localhost{ruta}"


# --- Anexo 4 ---------------------------------------------------------------------------------


def test_anexo4_sent_reaches_odes_and_the_proponent_directorates_only(
    correo, cuentas, reporte, client, sesion
):
    sesion.entrar(Rol.drtpe)  # Loreto
    respuesta = client.post(f"/convenios/anexo4/{reporte.id}/enviar")
    assert respuesta.status_code == 302
    assert db.session.get(Reporte, reporte.id).estado is EstadoReporte.enviado
    esperadas = {ODES, cuentas["odes2"], DNCCL, cuentas["disel"]}
    assert correo.direcciones() == esperadas  # not DGT, not the inactive account, no region
    assert all(len(correo.para(d)) == 1 for d in esperadas)
    (mensaje,) = correo.para(DNCCL)
    assert mensaje.asunto == "Anexo 4 enviado: Loreto, I Semestre 2021"
    assert "envió a revisión su Anexo 4 del I Semestre 2021" in mensaje.texto
    assert _enlace(f"/convenios/anexo4/{reporte.id}") in mensaje.texto
    assert f'href="{_enlace(f"/convenios/anexo4/{reporte.id}")}"' in mensaje.html
    assert "Estimado/a" in mensaje.texto and "preferencias" in mensaje.texto
    assert mensaje.mensaje["From"] == "Convenios de Gestión <no-responder@trabajo.gob.pe>"
    # The in-app entries mirror the e-mails (the inactive account gets nothing at all).
    filas = db.session.scalars(
        sa.select(Notificacion).filter_by(tipo=TipoNotificacion.anexo4_enviado)
    ).all()
    assert {n.usuario.email for n in filas} == esperadas
    envios = db.session.scalars(sa.select(EnvioCorreo)).all()
    assert {(e.estado, e.intentos) for e in envios} == {(EstadoEnvio.enviado, 1)}


def test_a_return_reaches_only_the_region_with_its_reason(correo, cuentas, reporte, client, sesion):
    services_anexo4.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=_ahora())
    db.session.commit()
    correo.vaciar()
    sesion.entrar(Rol.direccion)  # DNCCL proposes IdG 3 of the report
    client.post(
        f"/convenios/anexo4/{reporte.id}/observar",
        data={"motivo": "El IdG 3 no tiene sustento.\nAdjunte el acta."},
    )
    assert db.session.get(Reporte, reporte.id).estado is EstadoReporte.observado
    assert correo.direcciones() == {LORETO, cuentas["loreto2"]}
    assert PUNO not in correo.direcciones()
    (mensaje,) = correo.para(LORETO)
    assert mensaje.asunto == "Anexo 4 observado: Loreto, I Semestre 2021"
    assert "La DNCCL observó el Anexo 4 del I Semestre 2021 de Loreto." in mensaje.texto
    assert "Motivo: El IdG 3 no tiene sustento." in mensaje.texto
    assert "Adjunte el acta." in mensaje.texto
    assert "<p>Adjunte el acta.</p>" in mensaje.html
    assert _enlace(f"/convenios/anexo4/{reporte.id}") in mensaje.texto


def test_approval_and_reopening_reach_the_region(correo, cuentas, reporte, client, sesion):
    services_anexo4.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=_ahora())
    db.session.commit()
    correo.vaciar()
    sesion.entrar(Rol.odes)
    client.post(f"/convenios/anexo4/{reporte.id}/aprobar")
    assert correo.direcciones() == {LORETO, cuentas["loreto2"]}
    assert correo.para(LORETO)[0].asunto == "Anexo 4 aprobado: Loreto, I Semestre 2021"
    correo.vaciar()
    client.post(f"/convenios/anexo4/{reporte.id}/reabrir", data={"motivo": "Cifra del IdG 5"})
    assert correo.direcciones() == {LORETO, cuentas["loreto2"]}
    (mensaje,) = correo.para(LORETO)
    assert mensaje.asunto == "Anexo 4 reabierto: Loreto, I Semestre 2021"
    assert "Motivo: Cifra del IdG 5" in mensaje.texto


def test_a_step_refused_notifies_nobody(correo, reporte, client, sesion):
    sesion.entrar(Rol.odes)
    client.post(f"/convenios/anexo4/{reporte.id}/aprobar")  # a draft cannot be approved
    assert correo.recibidos == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notificacion)) == 0


def _ahora():
    from app.comun.base import ahora

    return ahora()


# --- Goals, reprogramming, extensions --------------------------------------------------------


def _ciclo_2022() -> ConjuntoIndicadores:
    base = db.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
    for codigo in ("loreto", "puno"):
        services_convenios.crear_convenio(
            {
                "region_id": db.session.scalar(sa.select(Region.id).filter_by(codigo=codigo)),
                "conjunto_id": ciclo.id,
                "estado": services_convenios.EstadoConvenio.suscrito,
                "fecha_suscripcion": date(2021, 12, 20),
                "documento": None,
                "notas": None,
            },
            usuario_id=None,
            hoy=date(2022, 1, 10),
        )
    db.session.commit()
    return ciclo


def test_opening_the_programming_tells_each_region_its_own(correo, cuentas, client, sesion):
    ciclo = _ciclo_2022()
    sesion.entrar(Rol.odes)
    client.post("/convenios/programacion/abrir", data={"ciclo": ciclo.id, "anio": 2022})
    assert correo.direcciones() == {LORETO, cuentas["loreto2"], PUNO}
    (loreto,) = correo.para(LORETO)
    (puno,) = correo.para(PUNO)
    assert loreto.asunto == "Programación de metas 2022 abierta: Loreto"
    assert puno.asunto == "Programación de metas 2022 abierta: Puno"
    assert "Puno" not in loreto.texto and "Loreto" not in puno.texto
    convenio = db.session.scalar(
        sa.select(Convenio)
        .join(Region)
        .filter(Region.codigo == "loreto", Convenio.conjunto_id == ciclo.id)
    )
    assert _enlace(f"/convenios/{convenio.id}/programacion/2022") in loreto.texto


def test_reprogramming_requested_goes_to_odes_and_its_decision_to_the_region(
    correo, cuentas, client, sesion
):
    ciclo = _ciclo_2022()
    services_metas.abrir_programacion(ciclo, 2022, usuario_id=None)
    convenio = _convenio_de(ciclo, "loreto")
    programacion = metas_queries.programacion(convenio.id, 2022)
    for meta in metas_queries.metas(convenio.id, 2022).values():
        meta.valor = meta.valor_original = Decimal(50)
    programacion.estado = EstadoReporte.aprobado
    db.session.commit()
    correo.vaciar()
    meta = min(metas_queries.metas(convenio.id, 2022).values(), key=lambda m: m.id)
    solicitud = services_metas.solicitar_reprogramacion(
        meta,
        Decimal("40.5"),
        "Recorte presupuestal",
        CategoriaReprogramacion.contexto,
        usuario=usuario_demo(Rol.drtpe),
    )
    db.session.commit()
    assert correo.direcciones() == {ODES, cuentas["odes2"]}
    (mensaje,) = correo.para(ODES)
    assert mensaje.asunto.startswith("Reprogramación solicitada: Loreto, IdG 1")
    assert "de 50 a 40.5" in mensaje.texto and "Recorte presupuestal" in mensaje.texto
    assert _enlace("/convenios/reprogramaciones?estado=pendiente") in mensaje.texto
    correo.vaciar()
    sesion.entrar(Rol.odes)
    client.post(
        "/convenios/reprogramaciones/rechazar",
        data={"solicitud_id": solicitud.id, "motivo": "Sin adenda que lo respalde"},
    )
    assert correo.direcciones() == {LORETO, cuentas["loreto2"]}
    (mensaje,) = correo.para(LORETO)
    assert mensaje.asunto.startswith("Reprogramación rechazada: Loreto, IdG 1")
    assert "Motivo: Sin adenda que lo respalde" in mensaje.texto


def _convenio_de(ciclo, codigo) -> Convenio:
    return db.session.scalar(
        sa.select(Convenio)
        .join(Region)
        .filter(Region.codigo == codigo, Convenio.conjunto_id == ciclo.id)
    )


def test_an_extension_reaches_only_its_region(correo, cuentas, client, sesion, demo):
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    sesion.entrar(Rol.odes)
    puno = db.session.scalar(sa.select(Region.id).filter_by(codigo="puno"))
    respuesta = client.post(
        f"/convenios/periodos/{periodo.id}/prorrogas",
        data={"region_id": puno, "fecha_limite": "2021-08-20", "motivo": "Emergencia sanitaria"},
    )
    assert respuesta.status_code == 302, respuesta.text
    assert correo.direcciones() == {PUNO}
    (mensaje,) = correo.para(PUNO)
    assert mensaje.asunto == "Prórroga del Anexo 4 del I Semestre 2021: hasta el 20/08/2021"
    assert "Motivo: Emergencia sanitaria" in mensaje.texto
    assert _enlace("/convenios/anexo4?periodo=2021-1") in mensaje.texto


# --- Anexo 5 ---------------------------------------------------------------------------------


@pytest.fixture
def anexo5(demo):
    """The 12 approved II-2020 evaluations, the semester reopened."""
    from seed.anexo5 import cargar_anexo5_demo

    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    periodo.abierto = True
    cargar_anexo5_demo()
    db.session.commit()
    return periodo


def _evaluacion(sigla: str) -> Evaluacion:
    from app.catalogo.models import UnidadMTPE

    return db.session.scalar(
        sa.select(Evaluacion).join(UnidadMTPE).where(UnidadMTPE.sigla == sigla).limit(1)
    )


def test_anexo5_return_and_approval_reach_its_directorate(correo, cuentas, anexo5, client, sesion):
    evaluacion = _evaluacion("DNCCL")
    evaluacion.estado = EstadoReporte.enviado
    db.session.commit()
    sesion.entrar(Rol.odes)
    client.post(
        f"/mejora-continua/anexo5/{evaluacion.id}/observar", data={"motivo": "Falta Ucayali"}
    )
    assert correo.direcciones() == {DNCCL}
    (mensaje,) = correo.para(DNCCL)
    assert mensaje.asunto == "Anexo 5 observado: IdG 3, II Semestre 2020"
    assert "Motivo: Falta Ucayali" in mensaje.texto
    assert _enlace(f"/mejora-continua/anexo5/{evaluacion.id}") in mensaje.texto
    correo.vaciar()
    db.session.get(Evaluacion, evaluacion.id).estado = EstadoReporte.enviado
    db.session.commit()
    client.post(f"/mejora-continua/anexo5/{evaluacion.id}/aprobar")
    assert correo.direcciones() == {DNCCL}
    assert correo.para(DNCCL)[0].asunto == "Anexo 5 aprobado: IdG 3, II Semestre 2020"


def test_odes_is_told_when_the_last_anexo5_arrives(correo, cuentas, anexo5, client, sesion):
    evaluacion = _evaluacion("DNCCL")
    evaluacion.estado = EstadoReporte.borrador
    db.session.commit()
    sesion.entrar(Rol.direccion)
    respuesta = client.post(f"/mejora-continua/anexo5/{evaluacion.id}/enviar")
    assert respuesta.status_code == 302
    assert db.session.get(Evaluacion, evaluacion.id).estado is EstadoReporte.enviado
    assert correo.direcciones() == {ODES, cuentas["odes2"]}
    (mensaje,) = correo.para(ODES)
    assert mensaje.asunto == "Anexo 5 completos: II Semestre 2020"
    assert "Todas las direcciones enviaron el Anexo 5 del II Semestre 2020 (12 IdG)" in (
        mensaje.texto
    )
    assert _enlace("/mejora-continua/anexo5?periodo=2020-2") in mensaje.texto


def test_an_anexo5_sent_while_others_are_missing_tells_nobody(correo, anexo5, client, sesion):
    for sigla in ("DNCCL", "DISEL"):
        _evaluacion(sigla).estado = EstadoReporte.borrador
    db.session.commit()
    sesion.entrar(Rol.direccion)
    client.post(f"/mejora-continua/anexo5/{_evaluacion('DNCCL').id}/enviar")
    assert _evaluacion("DNCCL").estado is EstadoReporte.enviado
    assert correo.recibidos == []
