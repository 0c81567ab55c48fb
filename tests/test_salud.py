"""Probes: /salud (liveness, touches nothing) and /salud/lista (readiness, every service)."""

from __future__ import annotations

import pytest

from app import create_app
from app.main import salud
from config import TestingConfig

#: Credentials written into the URLs of unreachable services: they must never be shown.
CLAVE = "clave-secreta-123"
BASE_CAIDA = f"postgresql+psycopg://postgres:{CLAVE}@127.0.0.1:1/x"
REDIS_CAIDO = f"redis://:{CLAVE}@127.0.0.1:1/0"
REDIS_LOCAL = "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def _motor_propio(app):
    """Each test starts without the probe's engine and leaves none connected."""
    yield
    motor = app.extensions.pop(salud.MOTOR, None)
    if motor is not None:
        motor.dispose()


@pytest.fixture
def sin_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


@pytest.fixture
def app_sin_base(tmp_path):
    """An app whose PostgreSQL server does not answer (nothing listens on port 1)."""

    class ConfigSinBase(TestingConfig):
        SQLALCHEMY_DATABASE_URI = BASE_CAIDA
        REDIS_URL = ""
        ARCHIVOS_DIR = str(tmp_path / "archivos")

    caida = create_app(ConfigSinBase)
    yield caida
    motor = caida.extensions.pop(salud.MOTOR, None)
    if motor is not None:
        motor.dispose()


def _sin_secretos(texto: str) -> None:
    for secreto in (CLAVE, "127.0.0.1", "postgres", "redis://", ":1"):
        assert secreto not in texto


def test_liveness_answers_ok_even_without_the_database(app_sin_base):
    respuesta = app_sin_base.test_client().get("/salud")
    assert (respuesta.status_code, respuesta.text) == (200, "ok")
    assert respuesta.headers["Cache-Control"] == "no-store"


def test_readiness_with_every_service_up_answers_200(client, sin_redis):
    respuesta = client.get("/salud/lista")
    assert respuesta.status_code == 200
    assert respuesta.headers["Cache-Control"] == "no-store"
    assert respuesta.mimetype == "application/json"
    assert respuesta.json == {
        "estado": "ok",
        "comprobaciones": {"base_de_datos": "ok", "archivos": "ok"},
    }


def test_readiness_with_the_database_down_answers_503(app_sin_base):
    respuesta = app_sin_base.test_client().get("/salud/lista")
    assert respuesta.status_code == 503
    assert respuesta.headers["Cache-Control"] == "no-store"
    assert respuesta.json == {
        "estado": "falla",
        "comprobaciones": {"base_de_datos": "no responde", "archivos": "ok"},
    }
    _sin_secretos(respuesta.text)


def test_readiness_when_the_engine_fails_answers_503(app, client, sin_redis, monkeypatch):
    """However the database fails (here the engine itself raises), the probe says so."""

    def motor_roto(_app):
        raise RuntimeError(f"sin conexión con {BASE_CAIDA}")

    monkeypatch.setattr(salud, "_motor", motor_roto)
    respuesta = client.get("/salud/lista")
    assert respuesta.status_code == 503
    assert respuesta.json["comprobaciones"]["base_de_datos"] == "no responde"
    _sin_secretos(respuesta.text)


def test_readiness_with_redis_configured_but_unreachable_answers_503(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_CAIDO)
    respuesta = client.get("/salud/lista")
    assert respuesta.status_code == 503
    assert respuesta.json == {
        "estado": "falla",
        "comprobaciones": {"base_de_datos": "ok", "redis": "no responde", "archivos": "ok"},
    }
    _sin_secretos(respuesta.text)


def test_readiness_with_redis_configured_and_reachable_answers_200(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_LOCAL)
    if salud.comprobar_redis(app) is not None:
        pytest.skip("Ningún Redis responde en 127.0.0.1:6379 (CI lo inicia)")
    respuesta = client.get("/salud/lista")
    assert respuesta.status_code == 200
    assert respuesta.json["comprobaciones"] == {
        "base_de_datos": "ok",
        "redis": "ok",
        "archivos": "ok",
    }


def test_readiness_with_the_files_folder_not_writable_answers_503(
    app, client, sin_redis, monkeypatch, tmp_path
):
    # A folder "inside" a plain file can't be created, whoever runs the tests (root too).
    archivo = tmp_path / "no-es-carpeta"
    archivo.write_text("x")
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(archivo / "archivos"))
    respuesta = client.get("/salud/lista")
    assert respuesta.status_code == 503
    assert respuesta.json["comprobaciones"] == {
        "base_de_datos": "ok",
        "archivos": "sin permiso de escritura",
    }
    assert str(tmp_path) not in respuesta.text


def test_readiness_leaves_no_file_behind(app, client, sin_redis, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path / "archivos"))
    assert client.get("/salud/lista").status_code == 200
    assert list((tmp_path / "archivos").iterdir()) == []
