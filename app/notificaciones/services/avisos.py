"""Creating notifications: the in-app entry of each recipient and, for those who did not turn
that kind off, its e-mail in the outbox, sent by a queue job once the transaction commits.

Feature modules call `notificar` from their services, in the caller's transaction: a step that
rolls back notifies nobody. The link is a path relative to the app's root, built with `ruta`
(the same in a request, a queue job or a command: no request or SERVER_NAME needed); the
e-mail prefixes it with URL_PUBLICA, the pages with the request's script root.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from flask import current_app

from app.auth.models import Usuario
from app.comun import tareas
from app.comun.insercion import insertar_una_vez
from app.extensions import db
from app.notificaciones import queries
from app.notificaciones.models import EnvioCorreo, Notificacion, TipoNotificacion

log = logging.getLogger(__name__)

#: The job that sends one e-mail of the outbox (app/notificaciones/services/correo.py).
TAREA_ENVIO = "app.notificaciones.services.correo.enviar"
#: Attempts the queue makes by itself (then `flask notificaciones reenviar` takes over).
REINTENTOS = 5
#: The queue e-mails go to (a worker serves it with the others: `flask cola trabajador`).
COLA = "correo"


def ruta(endpoint: str, **valores) -> str:
    """Path of a page relative to the app's root, e.g. "/convenios/anexo4/3".

    Built from the URL map without a request, so a service, a queue job and a command build
    the same link; the query string carries the values the rule does not take.
    """
    return current_app.url_map.bind("localhost").build(endpoint, valores)


def _una_linea(texto: str, largo: int) -> str:
    """Collapse whitespace (an e-mail subject is one line) and cut to the column's length."""
    limpio = " ".join((texto or "").split())
    return limpio if len(limpio) <= largo else limpio[: largo - 1] + "…"


def notificar(
    tipo: TipoNotificacion,
    usuarios: Iterable[Usuario],
    *,
    titulo: str,
    texto: str,
    url: str,
    clave: str | None = None,
    excepto: int | None = None,
) -> list[Notificacion]:
    """Notify each active user once: the in-app entry and, unless they turned this kind's
    e-mail off, its e-mail (sent after commit). Returns the notifications created.

    With a clave, a user who already has (tipo, clave) gets nothing: a reminder of one deadline
    arrives once even if the scheduler runs twice or two workers race (the unique key decides:
    a conflicting insert does nothing). excepto leaves out the user who took the step.
    """
    destinatarios: dict[int, Usuario] = {}
    for usuario in usuarios:
        if usuario.activo and usuario.id != excepto:
            destinatarios.setdefault(usuario.id, usuario)
    if not destinatarios:
        return []
    if clave is not None:
        for usuario_id in queries.existentes(tipo, clave, destinatarios):
            destinatarios.pop(usuario_id)
    sin_correo = queries.correo_apagado(destinatarios, tipo)
    titulo = _una_linea(titulo, 200)
    creadas = []
    for usuario in destinatarios.values():
        notificacion = Notificacion(
            usuario_id=usuario.id, tipo=tipo, titulo=titulo, texto=texto, url=url, clave=clave
        )
        if clave is None:
            db.session.add(notificacion)
            db.session.flush()
        else:
            notificacion = _insertar_una_vez(notificacion)
            if notificacion is None:
                continue
        creadas.append(notificacion)
        if usuario.id not in sin_correo and usuario.email:
            _poner_en_bandeja(notificacion, usuario.email)
    return creadas


def _insertar_una_vez(notificacion: Notificacion) -> Notificacion | None:
    """Insert unless another transaction already holds the same (usuario, tipo, clave): None
    then (`comun.insercion`: a racing insert waits for the other transaction, then does
    nothing)."""
    columnas = ("usuario_id", "tipo", "titulo", "texto", "url", "clave")
    nuevo = insertar_una_vez(
        Notificacion,
        {c: getattr(notificacion, c) for c in columnas},
        ["usuario_id", "tipo", "clave"],
    )
    if nuevo is None:
        log.info("Notificación ya creada: %s %s", notificacion.tipo.value, notificacion.clave)
        return None
    return db.session.get(Notificacion, nuevo)


def _poner_en_bandeja(notificacion: Notificacion, direccion: str) -> EnvioCorreo:
    """Queue the notification's e-mail: an outbox row and its job, enqueued after commit."""
    envio = EnvioCorreo(
        notificacion=notificacion,
        destinatario=direccion,
        asunto=notificacion.titulo,
        tarea_id=uuid.uuid4().hex,
    )
    db.session.add(envio)
    db.session.flush()
    encolar_envio(envio)
    return envio


def encolar_envio(envio: EnvioCorreo, *, reintentos: int = REINTENTOS) -> None:
    """Ask the queue to send the e-mail once the current transaction commits."""
    tareas.al_confirmar(
        TAREA_ENVIO, envio.id, id_tarea=envio.tarea_id, reintentos=reintentos, cola=COLA
    )
