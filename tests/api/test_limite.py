"""The API's rate limit counts per token (issue 20): one token over its limit gets a JSON 429,
another token from the same address is not affected."""

from __future__ import annotations

import pytest

from app import create_app
from app.auth.models import Usuario
from app.auth.services import crear_token
from app.comun.roles import Rol
from app.extensions import db, limiter
from config import TestingConfig


@pytest.fixture
def app_limitada(tmp_path):
    """An app of its own with the limiter on and 3 API calls a minute per token."""

    class ConfigLimitada(TestingConfig):
        RATELIMIT_ENABLED = True
        API_LIMITE = "3 per minute"
        API_LIMITE_DIRECCION = "8 per minute"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limite.db'}"

    limitada = create_app(ConfigLimitada)
    with limitada.app_context():
        db.create_all()
        limiter.reset()
        usuario = Usuario(email="a@demo.pe", nombre="A", rol=Rol.odes, password_hash="x")
        db.session.add(usuario)
        db.session.flush()
        limitada.config["TOKENS"] = [
            crear_token(usuario, nombre=n, solo_lectura=True, dias=1, creado_por=usuario)[1]
            for n in ("uno", "dos")
        ]
        db.session.commit()
    yield limitada
    with limitada.app_context():
        db.session.remove()
        db.engine.dispose()


def test_each_token_has_its_own_limit(app_limitada):
    """The 4th call of a token in a minute: 429 in Spanish; the other token still answers."""
    uno, dos = app_limitada.config["TOKENS"]
    cliente = app_limitada.test_client()
    for _ in range(3):
        r = cliente.get("/api/v1/unidades", headers={"Authorization": f"Bearer {uno}"})
        assert r.status_code == 200
    r = cliente.get("/api/v1/unidades", headers={"Authorization": f"Bearer {uno}"})
    assert r.status_code == 429
    assert r.get_json()["codigo"] == "demasiadas_solicitudes"
    assert "espere" in r.get_json()["mensaje"]
    r = cliente.get("/api/v1/unidades", headers={"Authorization": f"Bearer {dos}"})
    assert r.status_code == 200


def test_a_known_prefix_does_not_spend_the_token(app_limitada):
    """Calls with a token's public prefix and a wrong secret count apart from the token."""
    uno, _dos = app_limitada.config["TOKENS"]
    prefijo = uno[: len("cg_12345678_")]
    cliente = app_limitada.test_client()
    for i in range(3):
        falso = prefijo + f"{i}" * 43
        r = cliente.get("/api/v1/unidades", headers={"Authorization": f"Bearer {falso}"})
        assert r.status_code == 401
    r = cliente.get("/api/v1/unidades", headers={"Authorization": f"Bearer {uno}"})
    assert r.status_code == 200


def test_one_address_is_capped_over_all_tokens(app_limitada):
    """Made-up tokens from one address: past the per-address cap, 429; another address is not
    affected."""
    cliente = app_limitada.test_client()
    estados = [
        cliente.get(
            "/api/v1/unidades",
            headers={"Authorization": f"Bearer cg_0000000{i % 10}_" + "x" * 43},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        ).status_code
        for i in range(9)
    ]
    assert estados[:8] == [401] * 8 and estados[8] == 429
    r = cliente.get("/api/v1/unidades", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 401
