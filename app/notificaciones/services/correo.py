"""Sending the outbox: the queue job that sends one e-mail, and putting stuck ones back in line.

Each e-mail is a row of `envio_correo` (the outbox) and a queue job `enviar(envio_id)`:

* sent → the row is "enviado" (with its attempts); a second job for the same row does nothing
  (a lock and the row's state make every e-mail go out once, also when two workers race);
* a temporary failure (SMTP down, a 4xx answer, a timeout) → the attempt and its error are
  written to the row, which stays "pendiente", and the job raises so the queue retries it with
  backoff (10 s, 1 min, 5 min, 15 min, 1 h); `reenviar` (run by the scheduler every hour, or
  `flask notificaciones reenviar`) enqueues again what is still pending, one attempt each time,
  until MAX_INTENTOS attempts;
* a permanent refusal (a 5xx answer: unknown mailbox, rejected sender) or MAX_INTENTOS attempts →
  "fallido"; ODES sees it in the outbox page and can try again.

Nothing is lost: the notification and its outbox row are committed before any attempt. If the
server accepts the message but the database cannot record it, the next attempt sends it again
(at least once, never zero times).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import timedelta

from flask import current_app
from flask_mailman import EmailMultiAlternatives

from app.comun import tareas
from app.comun.base import ahora
from app.extensions import db, mail
from app.notificaciones import queries
from app.notificaciones.models import EnvioCorreo, EstadoEnvio
from app.notificaciones.services.avisos import encolar_envio, ruta

log = logging.getLogger(__name__)

#: Attempts before an e-mail that keeps failing temporarily is given up on ("fallido"): the
#: queue's six over about 80 minutes, then one per hour from the scheduler for about a day.
MAX_INTENTOS = 30
#: `reenviar` leaves alone what was tried less than this long ago (the queue may still retry it).
ESPERA_REENVIO = timedelta(minutes=30)


class ErrorEnvio(Exception):
    """A temporary failure: the queue tries again later."""


def enviar(envio_id: int) -> None:
    """Queue job: send one e-mail of the outbox once, recording the attempt (see module doc)."""
    with tareas.exclusivo(f"correo:{envio_id}", segundos=120):
        envio = db.session.get(EnvioCorreo, envio_id)
        if envio is None or envio.estado is not EstadoEnvio.pendiente:
            # Rolled back with its transaction, already sent, or given up on.
            return
        try:
            mensaje(envio).send()
        except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
            _fallo(envio, error)
            return
        envio.intentos += 1
        envio.ultimo_intento_en = envio.enviado_en = ahora()
        envio.estado = EstadoEnvio.enviado
        db.session.commit()


def _fallo(envio: EnvioCorreo, error: Exception) -> None:
    """Record a failed attempt; raise ErrorEnvio when it is worth trying again."""
    envio.intentos += 1
    envio.ultimo_intento_en = ahora()
    envio.ultimo_error = describir(error)[:2000]
    temporal = es_temporal(error)
    if not temporal or envio.intentos >= MAX_INTENTOS:
        envio.estado = EstadoEnvio.fallido
    db.session.commit()
    log.warning("No se pudo enviar el correo %s: %s", envio.id, envio.ultimo_error)
    if envio.estado is EstadoEnvio.pendiente:
        raise ErrorEnvio(envio.ultimo_error) from error


def es_temporal(error: Exception) -> bool:
    """Whether trying again may succeed: network trouble and 4xx answers, not 5xx refusals."""
    codigo = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codigos = [c for c, _m in error.recipients.values()]
        return bool(codigos) and all(400 <= c < 500 for c in codigos)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return True  # a configuration problem: fixing it must not lose the messages
    if isinstance(codigo, int):
        return not 500 <= codigo < 600
    return True


def describir(error: Exception) -> str:
    """One line saying what went wrong, as the outbox page shows it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        partes = [f"{d}: {c} {_texto(m)}" for d, (c, m) in error.recipients.items()]
        return "Destinatario rechazado — " + "; ".join(partes)
    codigo = getattr(error, "smtp_code", None)
    if isinstance(codigo, int):
        return f"SMTP {codigo}: {_texto(getattr(error, 'smtp_error', b''))}"
    return f"{error.__class__.__name__}: {error}".strip()


def _texto(valor) -> str:
    """An SMTP answer (bytes) as text."""
    return valor.decode("utf-8", "replace") if isinstance(valor, bytes) else str(valor)


def mensaje(envio: EnvioCorreo) -> EmailMultiAlternatives:
    """The e-mail of an outbox row: plain text and HTML, with the absolute link to act on."""
    notificacion = envio.notificacion
    base = current_app.config["URL_PUBLICA"].rstrip("/")
    contexto = {
        "notificacion": notificacion,
        "nombre": notificacion.usuario.nombre,
        "enlace": base + notificacion.url,
        "preferencias": base + ruta("notificaciones.preferencias"),
        "lineas": notificacion.texto.splitlines() or [""],
    }
    # Rendered from the environment, not render_template: no request, so no context
    # processors (the menu) and no current_user.
    entorno = current_app.jinja_env
    texto = entorno.get_template("correo/notificacion.txt").render(**contexto)
    html = entorno.get_template("correo/notificacion.html").render(**contexto)
    correo = EmailMultiAlternatives(
        subject=envio.asunto,
        body=texto,
        to=[envio.destinatario],
        connection=mail.get_connection(),
        headers={"Auto-Submitted": "auto-generated"},
    )
    correo.attach_alternative(html, "text/html")
    return correo


def reenviar(minutos: int | None = None, *, fallidos: bool = False) -> int:
    """Enqueue again the e-mails still pending whose last attempt is older than `minutos`
    (and the failed ones with fallidos); one attempt each. Returns how many."""
    espera = ESPERA_REENVIO if minutos is None else timedelta(minutes=minutos)
    ids = queries.envios_por_reenviar(ahora() - espera, fallidos=fallidos)
    for envio_id in ids:
        envio = db.session.get(EnvioCorreo, envio_id)
        volver_a_intentar(envio, reintentos=0)
    db.session.commit()
    return len(ids)


def volver_a_intentar(envio: EnvioCorreo, *, reintentos: int = 0) -> None:
    """Put an e-mail back in line (a failed one becomes pending); sent when the caller commits."""
    if envio.estado is EstadoEnvio.enviado:
        return
    envio.estado = EstadoEnvio.pendiente
    envio.tarea_id = uuid.uuid4().hex
    encolar_envio(envio, reintentos=reintentos)


def reenviar_pendientes() -> int:
    """Periodic job (TAREAS_PERIODICAS): `reenviar` with its defaults."""
    return reenviar()
