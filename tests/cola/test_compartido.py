"""With REDIS_URL set, what several processes and hosts must agree on lives in Redis: the stored
pages (Flask-Caching's RedisCache) and the login limits (Flask-Limiter) — not in each process."""

from __future__ import annotations

import uuid

from app import create_app
from app.comun import tareas
from app.comun.roles import Rol
from app.extensions import cache
from config import TestingConfig
from tests.conftest import Sesion


def _app(entorno, prefijo: str):
    class ConfigCompartida(TestingConfig):
        SQLALCHEMY_DATABASE_URI = entorno["DATABASE_URL"]
        REDIS_URL = entorno["REDIS_URL"]
        TAREAS_MODO = "redis"
        COLA_PREFIJO = prefijo

    return create_app(ConfigCompartida)


def test_two_apps_share_the_stored_pages_and_the_limits(app_cola, entorno):
    prefijo = f"prueba-{uuid.uuid4().hex[:10]}"
    uno, otro = _app(entorno, prefijo), _app(entorno, prefijo)
    assert uno.config["CACHE_TYPE"] == otro.config["CACHE_TYPE"] == "RedisCache"
    assert uno.config["RATELIMIT_STORAGE_URI"] == entorno["REDIS_URL"]
    with uno.app_context():
        cache.set("prueba-compartida", "guardado por el primero")
    with otro.app_context():
        assert cache.get("prueba-compartida") == "guardado por el primero"

    # A real page stored by the first app is a key in Redis under the deployment's prefix.
    cliente = uno.test_client()
    with uno.app_context():
        Sesion(cliente).entrar(Rol.odes)
    assert cliente.get("/convenios/anexo4?periodo=2020-2").status_code == 200
    with uno.app_context():
        redis = tareas.conexion()
        claves = list(redis.scan_iter(f"{prefijo}:pagina:*"))
        assert claves
        for clave in redis.scan_iter(f"{prefijo}:*"):
            redis.delete(clave)
