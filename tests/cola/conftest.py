"""The real back office: Redis on 127.0.0.1:6379, worker processes, a database they share.

These tests run the queue as production does: the app enqueues on Redis and a separate
`flask cola trabajador` process (started here, in its own process group) runs the jobs. The
database must be one both processes open: a SQLite file, or a PostgreSQL database of its own
(`<test database>_cola`) when the suite runs on PostgreSQL.

Without Redis they are skipped, unless EXIGIR_REDIS is set (CI), where they fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import TestingConfig
from seed import carga

RAIZ = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_PRUEBAS_URL", "redis://127.0.0.1:6379/9")


def _redis_o_saltar() -> None:
    from redis import Redis

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure to reach it
        if os.environ.get("EXIGIR_REDIS"):
            pytest.fail(f"Se exigió Redis y no responde en {REDIS_URL}: {error}")
        pytest.skip(f"Redis no responde en {REDIS_URL}")


@pytest.fixture(scope="module")
def url_compartida(tmp_path_factory) -> str:
    """A database both the test and the worker processes open (created empty)."""
    base = os.environ.get("TEST_DATABASE_URL") or ""
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp_path_factory.mktemp('cola') / 'compartida.db'}"
    url = make_url(base)
    nombre = f"{url.database}_cola"
    motor = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with motor.connect() as conexion:
        conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
        conexion.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
    motor.dispose()
    return url.set(database=nombre).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def entorno(url_compartida, tmp_path_factory) -> dict[str, str]:
    """Settings shared by this process's app and the worker and server processes."""
    _redis_o_saltar()
    return {
        "DATABASE_URL": url_compartida,
        "REDIS_URL": REDIS_URL,
        "TAREAS_MODO": "redis",
        "COLA_PREFIJO": f"prueba-{uuid.uuid4().hex[:10]}",
        "ARCHIVOS_DIR": str(tmp_path_factory.mktemp("archivos-cola")),
        "ALMACENAMIENTO": "bd",
        "TAREAS_ESPERAS_REINTENTO": "1,1,1,1,1",
    }


@pytest.fixture(scope="module")
def app_cola(entorno):
    """An app on the shared database, enqueueing on Redis, seeded with the demo data."""

    class ConfigCola(TestingConfig):
        SQLALCHEMY_DATABASE_URI = entorno["DATABASE_URL"]
        REDIS_URL = entorno["REDIS_URL"]
        TAREAS_MODO = "redis"
        COLA_PREFIJO = entorno["COLA_PREFIJO"]
        ARCHIVOS_DIR = entorno["ARCHIVOS_DIR"]
        ALMACENAMIENTO = entorno["ALMACENAMIENTO"]
        TAREAS_ESPERAS_REINTENTO = [1, 1, 1, 1, 1]

    app = create_app(ConfigCola)
    with app.app_context():
        db.drop_all()
        db.create_all()
        carga.cargar_catalogo()
        carga.cargar_convenios()
        carga.cargar_usuarios_demo()
        carga.cargar_periodos_demo()
        carga.cargar_anexo4_demo()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        _limpiar_redis(app)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _limpiar_redis(app) -> None:
    from app.comun import tareas

    redis = tareas.conexion(app)
    for clave in redis.scan_iter(f"*{app.config['COLA_PREFIJO']}*"):
        redis.delete(clave)


class Proceso:
    """A child process of the app (worker or server) in its own process group."""

    def __init__(self, argumentos: list[str], entorno: dict[str, str], registro: Path):
        self.registro = registro
        variables = {**os.environ, **entorno, "APP_ENV": "development", "PYTHONUNBUFFERED": "1"}
        variables.pop("TEST_DATABASE_URL", None)
        self.salida = registro.open("wb")
        self.proceso = subprocess.Popen(
            argumentos,
            cwd=RAIZ,
            env=variables,
            stdout=self.salida,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def texto(self) -> str:
        """What the process printed so far."""
        return self.registro.read_text(errors="replace")

    def descendientes(self) -> list[int]:
        """Pids of the processes it started (RQ runs each job in a forked "work horse" with a
        session of its own, outside this group)."""
        hijos: dict[int, list[int]] = {}
        for estado in Path("/proc").glob("[0-9]*/stat"):
            try:
                campos = estado.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            hijos.setdefault(int(campos[1]), []).append(int(estado.parent.name))
        encontrados, pendientes = [], [self.proceso.pid]
        while pendientes:
            for hijo in hijos.get(pendientes.pop(), []):
                encontrados.append(hijo)
                pendientes.append(hijo)
        return encontrados

    def matar(self, senal: int = signal.SIGKILL) -> None:
        """Send a signal to the process, its group and everything it started (a lost host).
        A process still alive 10 s after a gentle signal (RQ's warm shutdown waiting on its
        scheduler) is killed: stopping a test's processes never fails the test."""
        if self.proceso.poll() is None:
            descendientes = self.descendientes()
            self._senal(senal, descendientes if senal == signal.SIGKILL else [])
            try:
                self.proceso.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._senal(signal.SIGKILL, descendientes + self.descendientes())
                self.proceso.wait(timeout=30)
        self.salida.close()

    def _senal(self, senal: int, otros: list[int]) -> None:
        try:
            os.killpg(self.proceso.pid, senal)
        except ProcessLookupError:
            pass
        for pid in otros:
            try:
                os.kill(pid, senal)
            except ProcessLookupError:
                pass


def iniciar_trabajador(entorno: dict[str, str], carpeta: Path, nombre: str = "trabajador"):
    """Start `flask cola trabajador` and wait until it listens on its queues."""
    proceso = Proceso(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "cola", "trabajador"],
        entorno,
        carpeta / f"{nombre}.log",
    )
    limite = time.monotonic() + 60
    while "Listening on" not in proceso.texto() and "atendiendo" not in proceso.texto():
        if proceso.proceso.poll() is not None or time.monotonic() > limite:
            proceso.matar()
            raise AssertionError("El trabajador no arrancó:\n" + proceso.texto())
        time.sleep(0.2)
    return proceso


@pytest.fixture
def trabajador(entorno, tmp_path):
    """One worker process for the test, killed at its end."""
    proceso = iniciar_trabajador(entorno, tmp_path)
    yield proceso
    proceso.matar(signal.SIGTERM)


def esperar(condicion, segundos: float, paso: float = 0.25):
    """Poll condicion() until it returns something truthy (returned) or time runs out."""
    limite = time.monotonic() + segundos
    while True:
        valor = condicion()
        if valor:
            return valor
        if time.monotonic() > limite:
            return valor
        time.sleep(paso)
