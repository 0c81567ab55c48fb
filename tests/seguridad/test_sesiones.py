"""Sessions and requests: CSRF, cookies, security headers, login throttling, audit."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import services
from app.models.auditoria import Evento
from app.models.base import ahora
from config import ProductionConfig
from tests.conftest import CLAVE

ODES = "odes@demo.trabajo.gob.pe"


@pytest.fixture
def client_csrf(app, monkeypatch):
    """A client of the app with CSRF protection on, as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app.test_client()


def test_post_without_csrf_token_is_refused(client_csrf):
    respuesta = client_csrf.post("/login", data={"email": ODES, "clave": CLAVE})
    assert respuesta.status_code == 400
    assert "Solicitud no válida" in respuesta.text


def test_post_with_csrf_token_is_accepted(client_csrf):
    import re

    pagina = client_csrf.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', pagina).group(1)
    respuesta = client_csrf.post(
        "/login", data={"email": ODES, "clave": CLAVE, "csrf_token": token}
    )
    assert respuesta.status_code == 302


def test_logged_in_state_changes_need_the_token(client_csrf):
    import re

    pagina = client_csrf.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', pagina).group(1)
    client_csrf.post("/login", data={"email": ODES, "clave": CLAVE, "csrf_token": token})
    assert client_csrf.post("/logout").status_code == 400
    assert client_csrf.post("/convenios/nuevo", data={"region_id": 1}).status_code == 400


def test_security_headers_on_every_page(client):
    for url in ("/login", "/no-existe"):
        cabeceras = client.get(url).headers
        politica = cabeceras["Content-Security-Policy"]
        assert "script-src 'self'" in politica and "frame-ancestors 'none'" in politica
        assert "unsafe-inline" not in politica
        assert cabeceras["X-Content-Type-Options"] == "nosniff"
        assert cabeceras["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(client, monkeypatch):
    respuesta = client.post("/login", data={"email": ODES, "clave": CLAVE})
    cookie = respuesta.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # permanent session with a lifetime
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_login_lockout_after_repeated_failures_with_message(client, bd):
    for _ in range(services.INTENTOS_MAXIMOS):
        respuesta = client.post("/login", data={"email": ODES, "clave": "mala"})
        assert "Correo o contraseña incorrectos." in respuesta.text
    respuesta = client.post("/login", data={"email": ODES, "clave": CLAVE})
    assert respuesta.status_code == 429
    assert "bloqueado temporalmente" in respuesta.text and "15 minutos" in respuesta.text
    assert bd.session.scalar(sa.select(Evento).filter_by(accion="login_bloqueado"))
    # Another account is not affected.
    otra = client.post("/login", data={"email": "revisor@demo.pcm.gob.pe", "clave": CLAVE})
    assert otra.status_code == 302


def test_lockout_expires_after_the_window(bd):
    for _ in range(services.INTENTOS_MAXIMOS):
        services.autenticar(ODES, "mala")
    bd.session.commit()
    with pytest.raises(services.CuentaBloqueada):
        services.autenticar(ODES, CLAVE)
    despues = ahora() + services.VENTANA_BLOQUEO + timedelta(seconds=1)
    assert services.autenticar(ODES, CLAVE, ahora=despues) is not None


def test_logins_and_failures_are_audited(client, bd):
    client.post("/login", data={"email": ODES, "clave": "mala"})
    client.post("/login", data={"email": ODES, "clave": CLAVE})
    acciones = [e.accion for e in bd.session.scalars(sa.select(Evento).order_by(Evento.id))]
    assert acciones == ["login_fallido", "login"]
