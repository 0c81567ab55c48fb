"""Sending through a real SMTP server: a refused first attempt is delivered on the retry, an SMTP
server that is down leaves the e-mail pending until it comes back, a permanent refusal is
"fallido" until ODES retries it, a kind turned off sends no e-mail but keeps the in-app entry."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import Periodo
from app.convenios.services.periodos import conceder_prorroga
from app.extensions import db, mail
from app.notificaciones.models import EnvioCorreo, EstadoEnvio, Notificacion, TipoNotificacion
from app.notificaciones.services import correo as servicio_correo
from app.notificaciones.services import notificar
from tests.conftest import usuario_demo
from tests.notificaciones.conftest import _puerto_libre

PUNO = "drtpe.puno@demo.trabajo.gob.pe"


def _prorroga_a_puno(fecha=date(2021, 8, 20)) -> None:
    """An event with one recipient: ODES extends Puno's I-2021 deadline."""
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    puno = db.session.scalar(sa.select(Region.id).filter_by(codigo="puno"))
    conceder_prorroga(periodo, puno, fecha, "Emergencia sanitaria", usuario_id=None)
    db.session.commit()


def _envio() -> EnvioCorreo:
    db.session.expire_all()
    return db.session.scalar(sa.select(EnvioCorreo).order_by(EnvioCorreo.id.desc()).limit(1))


def test_a_server_that_refuses_the_first_attempt_gets_the_message_on_the_retry(correo, demo):
    correo.rechazos = 1
    _prorroga_a_puno()
    assert correo.rechazados == 1
    assert len(correo.para(PUNO)) == 1
    envio = _envio()
    assert (envio.estado, envio.intentos) == (EstadoEnvio.enviado, 2)
    assert "451" in envio.ultimo_error  # the refused attempt stays recorded
    assert envio.enviado_en is not None


def test_smtp_down_keeps_the_email_pending_and_it_goes_out_when_it_is_back(
    app, correo, demo, runner
):
    puerto = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _puerto_libre()
    mail.init_app(app)
    try:
        _prorroga_a_puno()
    finally:
        app.config["MAIL_PORT"] = puerto
        mail.init_app(app)
    envio = _envio()
    # The queue tried six times (in the test config its retries run at once) and kept it.
    assert (envio.estado, envio.intentos) == (EstadoEnvio.pendiente, 6)
    assert "Connection" in envio.ultimo_error
    assert correo.recibidos == []
    # The in-app entry is there regardless.
    assert db.session.scalar(
        sa.select(Notificacion).filter_by(tipo=TipoNotificacion.prorroga_otorgada)
    )
    # Too recent for the hourly sweep; with --minutos 0 it is put back in line and sent.
    resultado = runner.invoke(args=["notificaciones", "reenviar"])
    assert "Correos puestos de nuevo en la cola: 0." in resultado.output
    resultado = runner.invoke(args=["notificaciones", "reenviar", "--minutos", "0"])
    assert "Correos puestos de nuevo en la cola: 1." in resultado.output, resultado.output
    envio = _envio()
    assert (envio.estado, envio.intentos) == (EstadoEnvio.enviado, 7)
    assert len(correo.para(PUNO)) == 1


def test_a_permanent_refusal_fails_at_once_and_odes_retries_it(correo, demo, client, sesion):
    correo.rechazos = 1
    correo.respuesta_rechazo = "550 5.1.1 Buzón inexistente"
    _prorroga_a_puno()
    envio = _envio()
    assert (envio.estado, envio.intentos) == (EstadoEnvio.fallido, 1)  # no pointless retries
    assert envio.ultimo_error.startswith("SMTP 550")
    sesion.entrar(Rol.odes)
    pagina = client.get("/notificaciones/envios?estado=fallido").text
    assert PUNO in pagina and "Fallido" in pagina and "SMTP 550" in pagina
    assert f'action="/notificaciones/envios/{envio.id}/reintentar"' in pagina
    respuesta = client.post(f"/notificaciones/envios/{envio.id}/reintentar")
    assert respuesta.status_code == 302
    envio = _envio()
    assert (envio.estado, envio.intentos) == (EstadoEnvio.enviado, 2)
    assert len(correo.para(PUNO)) == 1
    evento = db.session.scalar(sa.select(Evento).filter_by(accion="reintentar_correo"))
    assert evento.objeto_id == envio.id and evento.usuario_id == usuario_demo(Rol.odes).id
    # A sent e-mail is not retried again.
    client.post(f"/notificaciones/envios/{envio.id}/reintentar")
    assert _envio().intentos == 2 and len(correo.para(PUNO)) == 1


def test_a_second_job_for_the_same_email_sends_nothing(correo, demo):
    _prorroga_a_puno()
    envio = _envio()
    servicio_correo.enviar(envio.id)
    servicio_correo.enviar(123456)  # a row rolled back with its transaction: nothing to do
    assert len(correo.para(PUNO)) == 1
    assert _envio().intentos == 1


def test_turning_a_kind_off_stops_its_email_but_not_the_entry(correo, demo, client, sesion):
    sesion.entrar(Rol.drtpe, PUNO)
    pagina = client.get("/notificaciones/preferencias").text
    assert "Prórroga otorgada" in pagina and "Anexo 4 enviado" not in pagina  # its kinds only
    datos = {
        f"correo_{t.value}": "y"
        for t in TipoNotificacion
        if Rol.drtpe in t.roles and t is not TipoNotificacion.prorroga_otorgada
    }
    respuesta = client.post("/notificaciones/preferencias", data=datos, follow_redirects=True)
    assert "Preferencias de correo guardadas." in respuesta.text
    evento = db.session.scalar(sa.select(Evento).filter_by(accion="preferencias_correo"))
    assert evento.despues == {"prorroga_otorgada": False}
    _prorroga_a_puno()
    assert correo.recibidos == []
    entrada = db.session.scalar(
        sa.select(Notificacion).filter_by(tipo=TipoNotificacion.prorroga_otorgada)
    )
    assert entrada.usuario.email == PUNO
    assert "20/08/2021" in client.get("/notificaciones").text
    # The other kinds still come by e-mail; turned back on, this one too.
    client.post("/notificaciones/preferencias", data={**datos, "correo_prorroga_otorgada": "y"})
    _prorroga_a_puno(date(2021, 8, 25))
    assert len(correo.para(PUNO)) == 1


def test_make_run_prints_the_emails_on_the_console(app, demo, capsys):
    antes = app.config["MAIL_BACKEND"]
    app.config["MAIL_BACKEND"] = "console"
    mail.init_app(app)
    try:
        _prorroga_a_puno()
    finally:
        app.config["MAIL_BACKEND"] = antes
        mail.init_app(app)
    salida = capsys.readouterr().out
    assert f"To: {PUNO}" in salida
    assert "Content-Type: text/html" in salida and "Content-Type: text/plain" in salida
    assert _envio().estado is EstadoEnvio.enviado


def test_a_savepoint_released_in_the_transaction_does_not_send_early(correo, demo):
    usuario = db.session.scalar(sa.select(Usuario).filter_by(email=PUNO))

    def aviso(titulo: str) -> None:
        notificar(TipoNotificacion.anexo4_aprobado, [usuario], titulo=titulo, texto="T", url="/")
        with db.session.begin_nested():  # another service's savepoint, later in the step
            db.session.execute(sa.text("SELECT 1"))

    aviso("Confirmado")
    db.session.commit()  # sent once, at the commit
    aviso("Revertido")
    db.session.rollback()  # the step failed: nobody must be told
    assert [m.asunto for m in correo.recibidos] == ["Confirmado"]
