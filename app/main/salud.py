"""Readiness checks (`/salud/lista`): can this process serve requests right now?

Each check reaches one service the app is configured to use — the database, Redis when
REDIS_URL is set, the files folder — within a short time limit, and reports only "ok" or a
fixed description of the failure: never the exception's text, which may carry a host name, a
user or a connection string. The cause goes to the log. `/salud` (the liveness probe) touches
none of this.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from app.comun.almacenamiento import carpeta_archivos
from app.extensions import db

log = logging.getLogger(__name__)

#: Seconds a check may wait for its service (connection and answer, each).
TIEMPO_LIMITE = 2
#: Seconds Redis may take to connect and to answer PING.
TIEMPO_LIMITE_REDIS = 1
#: app.extensions key of the small engine the database check uses.
MOTOR = "salud.motor"


@dataclass(frozen=True)
class Resultado:
    """Outcome of one check: its name, and None when it passed or the failure's description."""

    nombre: str
    falla: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the check passed."""
        return self.falla is None


def _motor(app: Flask) -> sa.Engine:
    """The database check's own engine: the app's URL with bounded connect and query times.

    A small pool of its own, so a probe never waits behind busy requests for one of the app's
    connections, and pre-ping, so one dead connection after a server restart is replaced
    instead of failing the probe.
    """
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        # A local file (or an in-memory database, which exists only on the app's own
        # connection): nothing to wait for over a network.
        return db.engine
    motor = app.extensions.get(MOTOR)
    if motor is None:
        argumentos = {}
        if url.get_backend_name() == "postgresql":
            argumentos = {
                "connect_timeout": TIEMPO_LIMITE,
                "options": f"-c statement_timeout={TIEMPO_LIMITE * 1000}",
            }
        nuevo = sa.create_engine(
            url,
            pool_size=1,
            max_overflow=2,
            pool_timeout=TIEMPO_LIMITE,
            pool_pre_ping=True,
            connect_args=argumentos,
        )
        # Two first probes at once in different threads: one engine is kept.
        motor = app.extensions.setdefault(MOTOR, nuevo)
        if motor is not nuevo:
            nuevo.dispose()
    return motor


def comprobar_base(app: Flask) -> str | None:
    """`SELECT 1` on the database; None when it answers."""
    try:
        with _motor(app).connect() as conexion:
            conexion.execute(sa.text("SELECT 1")).scalar_one()
    except Exception as error:  # any driver or pool error means "not ready"
        log.warning("Salud: la base de datos no responde (%s)", type(error).__name__)
        return "no responde"
    return None


def comprobar_redis(app: Flask) -> str | None:
    """PING to REDIS_URL with a one-second limit and no retries; None when it answers."""
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ImportError:
        log.warning("Salud: REDIS_URL está configurado pero el cliente redis no está instalado")
        return "cliente no instalado"
    cliente = None
    try:
        cliente = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_timeout=TIEMPO_LIMITE_REDIS,
            socket_connect_timeout=TIEMPO_LIMITE_REDIS,
            retry=Retry(NoBackoff(), 0),
        )
        if not cliente.ping():
            return "no responde"
    except Exception as error:  # connection, authentication, protocol or a malformed URL
        log.warning("Salud: Redis no responde (%s)", type(error).__name__)
        return "no responde"
    finally:
        if cliente is not None:
            cliente.close()
    return None


def comprobar_archivos(app: Flask) -> str | None:
    """Write and remove a small file in the files folder; None when that works."""
    try:
        carpeta = carpeta_archivos(app)
        carpeta.mkdir(parents=True, exist_ok=True)
        descriptor, ruta = tempfile.mkstemp(prefix=".salud-", dir=carpeta)
        try:
            os.write(descriptor, b"ok")
        finally:
            os.close(descriptor)
            os.unlink(ruta)
    except OSError as error:
        log.warning("Salud: la carpeta de archivos no admite escritura (%s)", type(error).__name__)
        return "sin permiso de escritura"
    return None


def comprobaciones(app: Flask) -> list[Resultado]:
    """Run every check that applies to app's configuration, in a fixed order."""
    pendientes: list[tuple[str, Callable[[Flask], str | None]]] = [
        ("base_de_datos", comprobar_base)
    ]
    if app.config.get("REDIS_URL"):
        pendientes.append(("redis", comprobar_redis))
    pendientes.append(("archivos", comprobar_archivos))
    return [Resultado(nombre, funcion(app)) for nombre, funcion in pendientes]
