"""E-mails through the real back office: the app enqueues on Redis, a separate `flask cola
trabajador` process sends to the real SMTP server of the tests, and a refused first attempt is
retried by the queue with its backoff (1 s here).

The fixtures of the queue's own tests (tests/cola/conftest.py) give the shared database, Redis
and the worker; without Redis these tests are skipped, unless EXIGIR_REDIS is set (CI).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.catalogo.models import Region
from app.convenios.models import Periodo
from app.convenios.services.periodos import conceder_prorroga
from app.extensions import db
from app.notificaciones.models import EnvioCorreo, EstadoEnvio
from tests.cola import conftest as cola
from tests.cola.conftest import esperar, iniciar_trabajador

# The queue tests' fixtures: a database the worker shares, Redis settings, the seeded app.
url_compartida = cola.url_compartida
entorno = cola.entorno
app_cola = cola.app_cola

PUNO = "drtpe.puno@demo.trabajo.gob.pe"


def _prorroga_a_puno(aplicacion, fecha: date) -> int:
    """ODES extends Puno's I-2021 deadline (committed); returns the outbox row's id."""
    with aplicacion.app_context():
        periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
        puno = db.session.scalar(sa.select(Region.id).filter_by(codigo="puno"))
        conceder_prorroga(periodo, puno, fecha, "Emergencia sanitaria", usuario_id=None)
        db.session.commit()
        envio_id = db.session.scalar(sa.select(sa.func.max(EnvioCorreo.id)))
        db.session.remove()
        return envio_id


def _envio(aplicacion, envio_id: int) -> tuple[EstadoEnvio, int]:
    with aplicacion.app_context():
        envio = db.session.get(EnvioCorreo, envio_id)
        resultado = (envio.estado, envio.intentos)
        db.session.remove()
        return resultado


def test_a_worker_process_sends_the_email_and_retries_a_refused_one(
    app_cola, entorno, servidor_smtp, tmp_path
):
    controlador, buzon = servidor_smtp
    buzon.vaciar()
    variables = {
        **entorno,
        "MAIL_SERVER": controlador.hostname,
        "MAIL_PORT": str(controlador.port),
        "URL_PUBLICA": "https://convenios.trabajo.gob.pe",
    }
    trabajador = iniciar_trabajador(variables, tmp_path, "trabajador-correo")
    try:
        envio_id = _prorroga_a_puno(app_cola, date(2021, 8, 20))
        assert esperar(lambda: buzon.para(PUNO), 30), trabajador.texto()
        (mensaje,) = buzon.para(PUNO)
        assert mensaje.asunto == "Prórroga del Anexo 4 del I Semestre 2021: hasta el 20/08/2021"
        assert "https://convenios.trabajo.gob.pe/convenios/anexo4?periodo=2021-1" in mensaje.texto
        assert esperar(lambda: _envio(app_cola, envio_id) == (EstadoEnvio.enviado, 1), 10)
        # The server refuses the next attempt: the queue tries again and it arrives.
        buzon.rechazos = 1
        envio_id = _prorroga_a_puno(app_cola, date(2021, 8, 25))
        assert esperar(lambda: len(buzon.para(PUNO)) == 2, 30), trabajador.texto()
        assert buzon.rechazados == 1
        assert esperar(lambda: _envio(app_cola, envio_id) == (EstadoEnvio.enviado, 2), 10)
        assert buzon.direcciones() == {PUNO}
    finally:
        trabajador.matar()  # SIGKILL: its group and work horses, at once
