"""In the app: every role's list with the unread count in the header, marking read, opening a
notification, nobody reading another's, and the outbox for ODES only."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.auth.models import Usuario
from app.comun.roles import Rol
from app.extensions import db
from app.notificaciones.models import Notificacion, TipoNotificacion
from app.notificaciones.services import notificar
from tests.conftest import usuario_demo

PUNO = "drtpe.puno@demo.trabajo.gob.pe"


def _avisar(usuario: Usuario, titulo: str, url: str = "/convenios/anexo4") -> Notificacion:
    (notificacion,) = notificar(
        TipoNotificacion.anexo4_aprobado, [usuario], titulo=titulo, texto="Texto.", url=url
    )
    db.session.commit()
    return notificacion


def _contador(html: str) -> int | None:
    """The unread count shown in the header's link (None: no badge)."""
    m = re.search(
        r'class="enlace-notificaciones"[^>]*>Notificaciones(?: <span class="etiqueta[^"]*">(\d+))?',
        html,
    )
    assert m, "sin enlace a las notificaciones en la cabecera"
    return int(m.group(1)) if m.group(1) else None


@pytest.mark.parametrize("rol", list(Rol), ids=lambda r: r.value)
def test_every_role_has_the_list_and_the_unread_count_in_the_header(client, sesion, rol):
    usuario = sesion.entrar(rol)
    assert _contador(client.get("/tablero").text) is None
    _avisar(usuario, "Primera")
    _avisar(usuario, "Segunda")
    assert _contador(client.get("/tablero").text) == 2
    pagina = client.get("/notificaciones").text
    assert "Primera" in pagina and "Segunda" in pagina
    assert "Tiene 2 notificaciones sin leer." in pagina
    client.post("/notificaciones/leer-todas")
    assert _contador(client.get("/tablero").text) is None


def test_marking_one_read_and_opening_one(client, sesion):
    usuario = sesion.entrar(Rol.drtpe)
    primera = _avisar(usuario, "Primera", url="/convenios/anexo4?periodo=2020-2")
    segunda = _avisar(usuario, "Segunda")
    respuesta = client.post("/notificaciones/leer", data={"notificacion_id": segunda.id})
    assert respuesta.status_code == 302
    assert _contador(client.get("/tablero").text) == 1
    respuesta = client.post("/notificaciones/leer", data={"notificacion_id": primera.id, "ir": "1"})
    assert respuesta.status_code == 302
    assert respuesta.location.endswith("/convenios/anexo4?periodo=2020-2")
    db.session.expire_all()
    assert db.session.get(Notificacion, primera.id).leida
    html = client.get("/notificaciones?estado=leidas").text
    assert "Primera" in html and "leída el" in html


def test_nobody_reads_or_marks_another_users_notifications(client, sesion):
    ajena = _avisar(db.session.scalar(sa.select(Usuario).filter_by(email=PUNO)), "Solo Puno")
    sesion.entrar(Rol.drtpe)  # Loreto
    assert "Solo Puno" not in client.get("/notificaciones").text
    respuesta = client.post(
        "/notificaciones/leer", data={"notificacion_id": ajena.id}, follow_redirects=True
    )
    assert "La notificación no existe o no es suya." in respuesta.text
    client.post("/notificaciones/leer-todas")
    db.session.expire_all()
    assert not db.session.get(Notificacion, ajena.id).leida


def test_the_outbox_is_for_odes_only(client, sesion):
    _avisar(usuario_demo(Rol.drtpe), "Aviso a Loreto")
    for rol in (Rol.drtpe, Rol.direccion, Rol.revisor):
        sesion.entrar(rol)
        assert client.get("/notificaciones/envios").status_code == 403
        assert client.post("/notificaciones/envios/1/reintentar").status_code == 403
        sesion.salir()
    sesion.entrar(Rol.odes)
    pagina = client.get("/notificaciones/envios").text
    assert "Aviso a Loreto" in pagina and "drtpe.loreto@demo.trabajo.gob.pe" in pagina
    assert "Correos enviados" in pagina


def test_a_visitor_has_no_notifications(client):
    assert client.get("/notificaciones").status_code == 302
    assert 'class="enlace-notificaciones"' not in client.get("/login").text
