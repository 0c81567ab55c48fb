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
