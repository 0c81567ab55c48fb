"""A real SMTP server for the notification tests: aiosmtpd in a thread on 127.0.0.1.

The `correo` fixture points the app's e-mail at it (MAIL_BACKEND "smtp", its port) for one
test and puts the test settings back afterwards. Jobs run synchronously in the test config, so
an e-mail has reached the server (or failed) when the request that caused it returns.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.auth.models import Usuario
from app.catalogo.models import Region, UnidadMTPE
from app.comun.roles import Rol
from app.extensions import db, mail


@dataclass
class Recibido:
    """One message as the server received it."""

    remitente: str
    destinatarios: list[str]
    mensaje: EmailMessage

    @property
    def asunto(self) -> str:
        # A long non-ASCII subject is folded right after "Subject:" (Flask-Mailman encodes it
        # as one RFC 2047 word); the fold's whitespace is not part of the text.
        return str(self.mensaje["Subject"]).strip()

    @property
    def texto(self) -> str:
        return self.mensaje.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.mensaje.get_body(("html",)).get_content()


class Buzon:
    """aiosmtpd handler: keeps every message; refuses the next `rechazos` ones with a 451."""

    def __init__(self):
        self.recibidos: list[Recibido] = []
        self.rechazos = 0
        self.rechazados = 0
        #: The answer to the refused ones: temporary (4xx) by default, or permanent (5xx)
        self.respuesta_rechazo = "451 4.3.0 Servidor ocupado, intente luego"
        self._candado = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self._candado:
            if self.rechazos:
                self.rechazos -= 1
                self.rechazados += 1
                return self.respuesta_rechazo
            self.recibidos.append(
                Recibido(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message_from_bytes(envelope.original_content, policy=policy.default),
                )
            )
        return "250 OK"

    def vaciar(self) -> None:
        with self._candado:
            self.recibidos.clear()
            self.rechazos = self.rechazados = 0
            self.respuesta_rechazo = "451 4.3.0 Servidor ocupado, intente luego"

    def para(self, direccion: str) -> list[Recibido]:
        """The messages addressed to one address."""
        return [r for r in self.recibidos if direccion in r.destinatarios]

    def direcciones(self) -> set[str]:
        """Every address that received something."""
        return {d for r in self.recibidos for d in r.destinatarios}


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def servidor_smtp():
    """The SMTP server of the whole run (its messages are emptied by each test)."""
    buzon = Buzon()
    controlador = Controller(buzon, hostname="127.0.0.1", port=_puerto_libre())
    controlador.start()
    yield controlador, buzon
    controlador.stop()


@pytest.fixture
def correo(app, servidor_smtp):
    """Send this test's e-mails to the real SMTP server; the test settings come back after."""
    controlador, buzon = servidor_smtp
    buzon.vaciar()
    claves = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")
    antes = {c: app.config.get(c) for c in claves}
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER=controlador.hostname, MAIL_PORT=controlador.port
    )
    mail.init_app(app)  # Flask-Mailman reads its settings when bound
    yield buzon
    app.config.update(antes)
    mail.init_app(app)


# --- Accounts beyond the demo ones ------------------------------------------------------------


def cuenta(
    email: str, rol: Rol, *, region: str | None = None, unidad: str | None = None, activo=True
):
    """Create an account (committed) bound to a region code or a unit acronym."""
    usuario = Usuario(
        email=email,
        nombre=email.split("@")[0],
        rol=rol,
        activo=activo,
        region_id=db.session.scalar(sa.select(Region.id).filter_by(codigo=region))
        if region
        else None,
        unidad_id=db.session.scalar(sa.select(UnidadMTPE.id).filter_by(sigla=unidad))
        if unidad
        else None,
    )
    usuario.set_password("x")
    db.session.add(usuario)
    db.session.commit()
    return usuario
