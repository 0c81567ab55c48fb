"""Sessions and requests: CSRF, cookies, security headers, login throttling, audit."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth import services
from app.auth.models import Usuario
from app.comun.auditoria import Evento
from app.comun.base import ahora
from app.comun.roles import Rol
from app.extensions import db, limiter
from config import ProductionConfig, TestingConfig
from tests.conftest import CLAVE

ODES = "odes@demo.trabajo.gob.pe"
#: Client addresses (documentation ranges, RFC 5737).
ORIGEN_A = "203.0.113.7"
ORIGEN_B = "198.51.100.20"


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
        services.autenticar(ODES, "mala", origen=ORIGEN_A)
    bd.session.commit()
    with pytest.raises(services.CuentaBloqueada):
        services.autenticar(ODES, CLAVE, origen=ORIGEN_A)
    despues = ahora() + services.VENTANA_BLOQUEO + timedelta(seconds=1)
    assert services.autenticar(ODES, CLAVE, origen=ORIGEN_A, ahora=despues) is not None


def test_logins_and_failures_are_audited(client, bd):
    client.post("/login", data={"email": ODES, "clave": "mala"})
    client.post("/login", data={"email": ODES, "clave": CLAVE})
    acciones = [e.accion for e in bd.session.scalars(sa.select(Evento).order_by(Evento.id))]
    assert acciones == ["login_fallido", "login"]


# --- Lockout per account and origin, attempts per address, no account enumeration ----------


def test_lockout_counts_per_account_and_origin(app, client, bd):
    """Failures from one address lock that account from that address only."""
    desde_a = {"REMOTE_ADDR": ORIGEN_A}
    for _ in range(services.INTENTOS_MAXIMOS):
        respuesta = client.post(
            "/login", data={"email": ODES, "clave": "mala"}, environ_base=desde_a
        )
        assert "Correo o contraseña incorrectos." in respuesta.text
    bloqueada = client.post("/login", data={"email": ODES, "clave": CLAVE}, environ_base=desde_a)
    assert bloqueada.status_code == 429 and "bloqueado temporalmente" in bloqueada.text
    # The real user, elsewhere, still gets in: the attacker can't lock them out.
    real = app.test_client().post(
        "/login", data={"email": ODES, "clave": CLAVE}, environ_base={"REMOTE_ADDR": ORIGEN_B}
    )
    assert real.status_code == 302
    fallidos = bd.session.scalars(sa.select(Evento).filter_by(accion="login_fallido")).all()
    assert [e.despues for e in fallidos] == [{"email": ODES, "ip": ORIGEN_A}] * len(fallidos)
    bloqueo = bd.session.scalar(sa.select(Evento).filter_by(accion="login_bloqueado"))
    assert bloqueo.despues == {"email": ODES, "ip": ORIGEN_A}


def test_unknown_or_inactive_account_costs_a_password_check(bd, monkeypatch):
    """No shortcut for accounts that don't exist: a dummy hash made like the real ones."""
    comprobados = []
    original = services.check_password_hash

    def espia(hash_guardado, clave):
        comprobados.append(hash_guardado)
        return original(hash_guardado, clave)

    monkeypatch.setattr(services, "check_password_hash", espia)
    assert services.autenticar("nadie@demo.trabajo.gob.pe", "mala", origen=ORIGEN_A) is None
    assert len(comprobados) == 1
    real = bd.session.scalar(sa.select(Usuario).filter_by(email=ODES))
    metodo = real.password_hash.split("$", 1)[0]
    assert comprobados[0].split("$", 1)[0] == metodo  # the same method and cost
    real.activo = False
    bd.session.commit()
    assert services.autenticar(ODES, CLAVE, origen=ORIGEN_A) is None
    assert len(comprobados) == 2
    assert comprobados[1] == comprobados[0]  # computed once, then reused


@pytest.fixture
def app_limitada(tmp_path):
    """An app of its own with the per-address limiter on, over an empty SQLite file."""

    class ConfigLimitada(TestingConfig):
        RATELIMIT_ENABLED = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limite.db'}"

    limitada = create_app(ConfigLimitada)
    with limitada.app_context():
        db.create_all()
        limiter.reset()
    yield limitada
    with limitada.app_context():
        db.session.remove()
        db.engine.dispose()


def test_attempts_per_address_are_limited_across_accounts(app_limitada):
    """11th failed login from one address within a minute: 429 on the login page."""
    cliente = app_limitada.test_client()
    desde_a = {"REMOTE_ADDR": ORIGEN_A}
    for i in range(10):
        respuesta = cliente.post(
            "/login", data={"email": f"cuenta{i}@demo.pe", "clave": "mala"}, environ_base=desde_a
        )
        assert respuesta.status_code == 200, i
    limitada = cliente.post(
        "/login", data={"email": "otra@demo.pe", "clave": "mala"}, environ_base=desde_a
    )
    assert limitada.status_code == 429
    assert "Demasiados intentos de inicio de sesión desde su conexión" in limitada.text
    assert 'name="email"' in limitada.text and 'name="clave"' in limitada.text  # the form
    assert "Content-Security-Policy" in limitada.headers
    # Another address is not affected; the login page itself is still shown to everyone.
    otra = app_limitada.test_client()
    desde_b = {"REMOTE_ADDR": ORIGEN_B}
    respuesta = otra.post("/login", data={"email": ODES, "clave": "mala"}, environ_base=desde_b)
    assert respuesta.status_code == 200
    assert cliente.get("/login", environ_base=desde_a).status_code == 200


def test_successful_logins_do_not_use_up_the_address_limit(app_limitada):
    """An office behind one address can log in all at once: only failures count."""
    with app_limitada.app_context():
        services.crear_usuario(
            {"email": "revisora@demo.pe", "nombre": "Revisora", "rol": Rol.revisor},
            CLAVE,
            usuario_id=None,
        )
        db.session.commit()
    for _ in range(15):
        cliente = app_limitada.test_client()
        respuesta = cliente.post(
            "/login",
            data={"email": "revisora@demo.pe", "clave": CLAVE},
            environ_base={"REMOTE_ADDR": ORIGEN_A},
        )
        assert respuesta.status_code == 302


def test_limiter_counts_in_redis_when_redis_url_is_set(tmp_path):
    class ConfigRedis(TestingConfig):
        RATELIMIT_ENABLED = True
        REDIS_URL = "redis://127.0.0.1:6399/0"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'redis.db'}"

    con_redis = create_app(ConfigRedis)
    assert con_redis.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/0"
    assert type(limiter.storage).__name__ == "RedisStorage"
    assert create_app(TestingConfig).config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_proxy_hops_give_the_clients_address(app, tmp_path):
    """PROXY_SALTOS=1: the address forwarded by the proxy is the one counted and audited."""

    class ConfigProxy(TestingConfig):
        PROXY_SALTOS = 1
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'proxy.db'}"

    detras = create_app(ConfigProxy)
    with detras.app_context():
        db.create_all()
    reenviado = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"192.0.2.1, {ORIGEN_A}"}
    detras.test_client().post(
        "/login", data={"email": ODES, "clave": "mala"}, environ_base=reenviado
    )
    with detras.app_context():
        evento = db.session.scalar(sa.select(Evento).filter_by(accion="login_fallido"))
        assert evento.despues["ip"] == ORIGEN_A  # the last hop's client, not the proxy
        db.session.remove()
        db.engine.dispose()
    # Without trusted proxies (the default) a forwarded address is ignored.
    app.test_client().post("/login", data={"email": ODES, "clave": "mala"}, environ_base=reenviado)
    evento = db.session.scalar(sa.select(Evento).filter_by(accion="login_fallido"))
    assert evento.despues["ip"] == "10.0.0.2"
