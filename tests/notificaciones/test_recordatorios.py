"""Reminders with a frozen date: 7 days and 1 day before each Anexo 4 / Anexo 5 deadline to
those who have not sent, the Monday digest of what is overdue (to them and to ODES), the
activities of the month to each region; every run twice notifies once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoReporte, Periodo
from app.convenios.services import anexo4 as services_anexo4
from app.convenios.services.periodos import conceder_prorroga
from app.extensions import db
from app.notificaciones import queries
from app.notificaciones.models import Notificacion, TipoNotificacion
from app.notificaciones.services import notificar, recordatorios
from seed.programacion import cargar_programa_demo
from tests.conftest import EMAILS_DEMO
from tests.notificaciones.conftest import cuenta

LORETO = EMAILS_DEMO[Rol.drtpe]
PUNO = "drtpe.puno@demo.trabajo.gob.pe"
ODES = EMAILS_DEMO[Rol.odes]
DNCCL = EMAILS_DEMO[Rol.direccion]
#: Deadlines of the demo's open I-2021: Anexo 4 on 31/07/2021, Anexo 5 on 31/08/2021.
T7, T1 = date(2021, 7, 24), date(2021, 7, 30)
LUNES, MARTES, LUNES_SIGUIENTE = date(2021, 8, 2), date(2021, 8, 3), date(2021, 8, 9)


def _periodo() -> Periodo:
    return db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))


def _region_id(codigo: str) -> int:
    return db.session.scalar(sa.select(Region.id).filter_by(codigo=codigo))


@pytest.fixture
def semestre(demo):
    """I-2021 open; Loreto already sent its Anexo 4, Puno (and the others) have not."""
    convenio = db.session.scalar(
        sa.select(Convenio).where(Convenio.region_id == _region_id("loreto"))
    )
    reporte = services_anexo4.obtener_o_crear_reporte(convenio, _periodo(), usuario_id=None)
    reporte.estado = EstadoReporte.enviado
    reporte.enviado_en = datetime(2021, 7, 20, 15, tzinfo=UTC)
    db.session.commit()
    return _periodo()


def _correr(hoy: date) -> int:
    return recordatorios.enviar_recordatorios(hoy)


def test_seven_days_and_one_day_before_to_the_regions_that_have_not_sent(correo, semestre):
    assert _correr(T7) == 1
    assert correo.direcciones() == {PUNO}
    (mensaje,) = correo.para(PUNO)
    assert mensaje.asunto == "Recordatorio: el Anexo 4 del I Semestre 2021 vence el 31/07/2021"
    assert "Faltan 7 días para el plazo (31/07/2021)." in mensaje.texto
    assert "El Anexo 4 del I Semestre 2021 de Puno aún no se ha enviado." in mensaje.texto
    assert "http://localhost/convenios/anexo4?periodo=2021-1" in mensaje.texto
    # Twice the same day, and again later in the same window: nothing more.
    assert _correr(T7) == 0
    assert _correr(date(2021, 7, 27)) == 0
    assert len(correo.recibidos) == 1
    # The day before: the second reminder, once.
    assert _correr(T1) == 1
    assert _correr(T1) == 0
    assert [m.asunto for m in correo.para(PUNO)][1:] == [
        "Recordatorio: el Anexo 4 del I Semestre 2021 vence el 31/07/2021"
    ]
    assert "Falta 1 día para el plazo (31/07/2021)." in correo.para(PUNO)[1].texto
    assert correo.direcciones() == {PUNO}  # Loreto sent: never reminded


def test_the_monday_digest_goes_to_the_late_regions_and_to_odes(correo, semestre):
    cuenta("odes2@prueba.gob.pe", Rol.odes)
    _correr(LUNES)
    anexo4 = [m for m in correo.recibidos if "Anexo 4" in m.asunto]
    assert {d for m in anexo4 for d in m.destinatarios} == {PUNO, ODES, "odes2@prueba.gob.pe"}
    (puno,) = [m for m in correo.para(PUNO)]
    assert puno.asunto == "Anexo 4 del I Semestre 2021 vencido: Puno"
    assert "El plazo venció el 31/07/2021 (hace 2 días)." in puno.texto
    (odes,) = [m for m in correo.para(ODES) if "Anexo 4" in m.asunto]
    assert odes.asunto.endswith("regiones sin enviar tras el plazo")
    assert "- Puno: El plazo venció el 31/07/2021 (hace 2 días)." in odes.texto
    assert "- Loreto" not in odes.texto  # Loreto sent on time
    assert "http://localhost/convenios/anexo4/completitud?periodo=2021-1" in odes.texto
    antes = len(correo.recibidos)
    # Not Monday: no digest; the next Monday: another one (a new week).
    assert _correr(MARTES) == 0
    assert len(correo.recibidos) == antes
    _correr(LUNES_SIGUIENTE)
    assert [m.asunto for m in correo.para(PUNO)] == [
        "Anexo 4 del I Semestre 2021 vencido: Puno"
    ] * 2
    assert "(hace 9 días)" in correo.para(PUNO)[1].texto


def test_an_extension_moves_the_regions_reminders(correo, semestre):
    conceder_prorroga(
        semestre, _region_id("puno"), date(2021, 8, 15), "Emergencia sanitaria", usuario_id=None
    )
    db.session.commit()
    correo.vaciar()
    _correr(LUNES)
    assert correo.para(PUNO) == []  # its own deadline is 13 days away
    (odes,) = [m for m in correo.para(ODES) if "Anexo 4" in m.asunto]
    assert "Puno" not in odes.texto
    _correr(date(2021, 8, 8))
    (mensaje,) = correo.para(PUNO)
    assert mensaje.asunto == "Recordatorio: el Anexo 4 del I Semestre 2021 vence el 15/08/2021"


def test_anexo5_due_reminded_and_overdue(correo, demo):
    _correr(date(2021, 8, 24))
    asuntos = sorted(m.asunto for m in correo.para(DNCCL))
    assert asuntos == [
        "Anexo 5 por presentar: I Semestre 2021",
        "Recordatorio: el Anexo 5 del I Semestre 2021 vence el 31/08/2021",
    ]
    recordatorio = next(m for m in correo.para(DNCCL) if m.asunto.startswith("Recordatorio"))
    assert "Faltan 7 días para el plazo (31/08/2021)." in recordatorio.texto
    assert "Aún no ha enviado el Anexo 5 de: IdG 3." in recordatorio.texto
    assert "http://localhost/mejora-continua/anexo5?periodo=2021-1" in recordatorio.texto
    # The regions and ODES get nothing about the Anexo 5 before it is overdue.
    assert all("Anexo 5" not in m.asunto for m in correo.recibidos if DNCCL not in m.destinatarios)
    assert _correr(date(2021, 8, 24)) == 0
    correo.vaciar()
    _correr(date(2021, 9, 6))  # a Monday after the deadline
    (unidad,) = [m for m in correo.para(DNCCL) if "Anexo 5" in m.asunto]
    assert unidad.asunto == "Anexo 5 del I Semestre 2021 vencido: IdG 3"
    (odes,) = [m for m in correo.para(ODES) if "Anexo 5" in m.asunto]
    assert "- DNCCL: IdG 3" in odes.texto
    assert not [m for m in correo.para(LORETO) if "Anexo 5" in m.asunto]


def test_activities_of_the_month_reach_each_region_once(correo, demo):
    cargar_programa_demo()
    db.session.commit()
    creadas = _correr(date(2021, 4, 5))
    assert creadas >= 1
    (loreto,) = correo.para(LORETO)
    assert loreto.asunto.startswith("Abril 2021: ") and loreto.asunto.endswith("en Loreto")
    assert "Elaboración o actualización de las políticas y planes regionales" in loreto.texto
    assert "http://localhost/mejora-continua/agenda/loreto?anio=2021" in loreto.texto
    for mensaje in correo.para(PUNO):
        assert "Loreto" not in mensaje.texto and "agenda/loreto" not in mensaje.texto
    assert _correr(date(2021, 4, 20)) == 0
    assert len(correo.para(LORETO)) == 1


def test_the_command_runs_the_reminders_for_a_given_date(correo, semestre, runner):
    resultado = runner.invoke(args=["notificaciones", "recordatorios", "--hoy", "2021-07-24"])
    assert resultado.exit_code == 0, resultado.output
    assert "Recordatorios creados: 1." in resultado.output
    assert correo.direcciones() == {PUNO}
    resultado = runner.invoke(args=["notificaciones", "recordatorios", "--hoy", "2021-07-24"])
    assert "Recordatorios creados: 0." in resultado.output


def test_a_racing_insert_of_the_same_key_is_skipped_not_sent_twice(correo, semestre, monkeypatch):
    """Two workers past the "already notified?" check at once: the unique key decides."""
    puno = db.session.scalar(sa.select(Usuario).filter_by(email=PUNO))
    otra = cuenta("puno2@prueba.gob.pe", Rol.drtpe, region="puno")
    db.session.add(
        Notificacion(
            usuario_id=puno.id,
            tipo=TipoNotificacion.recordatorio_plazo,
            titulo="Recordatorio",
            texto="Ya enviado por el otro trabajador.",
            url="/",
            clave="anexo4:2021-1:2021-07-31:T-7",
        )
    )
    db.session.commit()
    monkeypatch.setattr(queries, "existentes", lambda *_a, **_k: set())
    creadas = notificar(
        TipoNotificacion.recordatorio_plazo,
        [puno, otra],
        titulo="Recordatorio",
        texto="Texto",
        url="/convenios/anexo4",
        clave="anexo4:2021-1:2021-07-31:T-7",
    )
    db.session.commit()
    assert [n.usuario_id for n in creadas] == [otra.id]
    assert correo.direcciones() == {"puno2@prueba.gob.pe"}
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notificacion)
            .filter_by(usuario_id=puno.id, clave="anexo4:2021-1:2021-07-31:T-7")
        )
        == 1
    )


def test_a_failing_producer_does_not_stop_the_others(correo, semestre, monkeypatch):
    def roto(_hoy):
        raise RuntimeError("datos inconsistentes")

    monkeypatch.setattr(recordatorios, "PRODUCTORES", [roto, *recordatorios.PRODUCTORES])
    with pytest.raises(RuntimeError, match="Fallaron los recordatorios"):
        _correr(T7)
    assert correo.direcciones() == {PUNO}
