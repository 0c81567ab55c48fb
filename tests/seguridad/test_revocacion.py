"""Sessions end on the server: a session cookie copied before the event stops working.

The cookie is signed but kept by the browser; before issue 14 a copy taken before POST /logout
still worked for 8 hours. Every test copies the cookie onto another "device" while it works,
visits a stored page with it (app/comun/cache_paginas.py), ends the session in one of the four ways
(logout, password change, deactivation, ODES's button) and checks that the copy is sent to
the login page.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.comun.auditoria import Evento
from app.comun.roles import Rol
from tests import conftest
from tests.conftest import CLAVE, usuario_demo

NUEVA_CLAVE = "Otra-clave-2026"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Equipo(conftest.Equipo):
    """A device that logs in and whose cookie can be copied to another."""

    def entrar(self, rol: Rol, clave: str = CLAVE, **datos) -> Equipo:
        datos = {"email": usuario_demo(rol).email, "clave": clave, **datos}
        respuesta = self.post("/login", data=datos)
        assert respuesta.status_code == 302, respuesta.status_code
        return self

    def copia(self) -> Equipo:
        """Another device carrying the same session cookie (a copied or stolen cookie)."""
        otro = Equipo(self.app)
        otro.cliente.set_cookie("session", self.cliente.get_cookie("session").value)
        return otro


def _dentro(equipo: Equipo) -> bool:
    """Whether the device still has a session: the dashboard, or a redirect to the login."""
    respuesta = equipo.get("/tablero")
    if respuesta.status_code == 302:
        assert "/login" in respuesta.headers["Location"]
        return False
    assert respuesta.status_code == 200, respuesta.status_code
    return True


@pytest.fixture
def drtpe(app):
    """The Loreto user logged in, and a copy of the cookie that works, with a stored page."""
    equipo = Equipo(app).entrar(Rol.drtpe)
    assert _dentro(equipo) and _dentro(equipo)  # the welcome message, then the page is stored
    copia = equipo.copia()
    assert _dentro(copia)  # served from the stored pages
    return equipo, copia


@pytest.fixture
def odes(app):
    return Equipo(app).entrar(Rol.odes)


def _datos_cuenta(usuario, **cambios) -> dict:
    """The user form as sent by the edit page, with some fields changed."""
    datos = {
        "email": usuario.email,
        "nombre": usuario.nombre,
        "rol": usuario.rol.value,
        "region_id": usuario.region_id or 0,
        "unidad_id": usuario.unidad_id or 0,
        "activo": "y" if usuario.activo else "",
        **cambios,
    }
    return {k: v for k, v in datos.items() if v != ""}


def test_logout_ends_a_copy_of_the_session_cookie(drtpe):
    equipo, copia = drtpe
    assert equipo.post("/logout").status_code == 302
    assert not _dentro(copia)
    assert not _dentro(equipo)


def test_logout_ends_the_accounts_sessions_on_every_device(app, drtpe):
    _equipo, copia = drtpe
    otro_equipo = Equipo(app).entrar(Rol.drtpe)
    assert otro_equipo.post("/logout").status_code == 302
    assert not _dentro(copia)  # documented: logging out ends the account's sessions everywhere


def test_password_change_ends_the_sessions(app, drtpe, odes, bd):
    equipo, copia = drtpe
    usuario = usuario_demo(Rol.drtpe)
    datos = _datos_cuenta(usuario, clave=NUEVA_CLAVE)
    assert odes.post(f"/usuarios/{usuario.id}", data=datos).status_code == 302
    assert not _dentro(copia) and not _dentro(equipo)
    assert _dentro(Equipo(app).entrar(Rol.drtpe, NUEVA_CLAVE))
    editado = bd.session.scalar(sa.select(Evento).filter_by(accion="editar", objeto_id=usuario.id))
    assert editado.despues == {"clave": "(cambiada)", "sesiones": "(cerradas)"}


def test_an_edit_without_password_keeps_the_sessions(drtpe, odes):
    _equipo, copia = drtpe
    usuario = usuario_demo(Rol.drtpe)
    datos = _datos_cuenta(usuario, nombre="Otro nombre")
    assert odes.post(f"/usuarios/{usuario.id}", data=datos).status_code == 302
    assert _dentro(copia)


def test_deactivation_ends_the_sessions_for_good(drtpe, odes, bd):
    """Reactivating the account does not bring the old sessions back."""
    _equipo, copia = drtpe
    usuario = usuario_demo(Rol.drtpe)
    url = f"/usuarios/{usuario.id}"
    assert odes.post(url, data=_datos_cuenta(usuario, activo="")).status_code == 302
    assert not _dentro(copia)
    bd.session.expire_all()
    usuario = usuario_demo(Rol.drtpe)
    assert not usuario.activo
    assert odes.post(url, data=_datos_cuenta(usuario, activo="y")).status_code == 302
    bd.session.expire_all()
    assert usuario_demo(Rol.drtpe).activo
    assert not _dentro(copia)


def test_odes_ends_a_users_sessions_from_the_users_page(app, drtpe, bd, monkeypatch):
    equipo, copia = drtpe
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    odes = Equipo(app)
    odes.entrar(Rol.odes, csrf_token=TOKEN.search(odes.get("/login").text).group(1))
    usuario = usuario_demo(Rol.drtpe)
    url = f"/usuarios/{usuario.id}/cerrar-sesiones"
    pagina = odes.get(f"/usuarios/{usuario.id}").text
    assert f'action="{url}"' in pagina and "Cerrar sus sesiones" in pagina
    assert odes.post(url).status_code == 400  # CSRF: the token is required
    assert _dentro(copia)
    respuesta = odes.post(url, data={"csrf_token": TOKEN.search(pagina).group(1)})
    assert respuesta.status_code == 302
    assert "Se cerraron todas las sesiones de" in odes.get(respuesta.headers["Location"]).text
    assert not _dentro(copia) and not _dentro(equipo)
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="cerrar_sesiones"))
    assert (evento.objeto_id, evento.usuario_id) == (usuario.id, usuario_demo(Rol.odes).id)
    assert _dentro(odes)  # ODES's own session goes on


def test_odes_changing_their_own_password_stays_logged_in_here_only(odes):
    copia = odes.copia()
    assert _dentro(copia)
    usuario = usuario_demo(Rol.odes)
    datos = _datos_cuenta(usuario, clave=NUEVA_CLAVE)
    assert odes.post(f"/usuarios/{usuario.id}", data=datos).status_code == 302
    assert _dentro(odes)
    assert not _dentro(copia)


def test_a_session_from_before_generations_is_refused(app):
    """A cookie holding the bare user id (opened before the upgrade) must log in again."""
    equipo = Equipo(app).entrar(Rol.revisor)
    usuario = usuario_demo(Rol.revisor)
    assert _dentro(equipo)
    with equipo.cliente.session_transaction() as datos:
        assert datos["_user_id"] == f"{usuario.id}:{usuario.generacion_sesion}"
        datos["_user_id"] = str(usuario.id)
    assert not _dentro(equipo)
    for malo in ("x:y", f"{usuario.id}:", f"{usuario.id}:-1", ":0", "9" * 30 + ":0"):
        with equipo.cliente.session_transaction() as datos:
            datos["_user_id"] = malo
        assert not _dentro(equipo), malo
