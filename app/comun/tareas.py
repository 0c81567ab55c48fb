"""Background jobs: one interface over RQ (a job queue on Redis), with a fallback without Redis.

Slow or scheduled work (report and ficha builds, e-mails, reminders) is a *job*: a dotted path to
a function and its arguments. Where it runs depends on TAREAS_MODO:

* ``"redis"`` (production and CI; the default when REDIS_URL is set): the job goes to an RQ queue
  and a separate process runs it (``flask cola trabajador``, any number of them, on any host).
  Its state and progress live in Redis, so every app server sees them. While it runs the job
  writes a heartbeat key every second (expiring after PLAZO_LATIDO): a job whose worker died
  (``kill -9``, a lost host) is seen as failed within seconds.
* ``"hilo"`` (``make run`` on a bare machine, no Redis): the job runs in a thread of the web
  process; its state lives in that process's memory.
* ``"sincrono"`` (the test suite): the job runs at once, in the caller's thread, in its own app
  context (its own database session), exactly as a worker would run it.

A job always runs in an app context with its own session, so it sees only committed rows: a
service that enqueues work about rows it just wrote uses ``al_confirmar`` (enqueued when the
transaction commits, dropped if it rolls back).
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

#: Seconds a running job's heartbeat lasts; it is renewed every LATIDO seconds.
PLAZO_LATIDO = 5
LATIDO = 1.0
#: Waits between the attempts of a job that asked for retries (then the last one repeats).
ESPERAS_REINTENTO = [10, 60, 300, 900, 3600]
#: Longest a job may run before RQ stops it.
DURACION_MAXIMA = 1800

# Session.info key holding the jobs to enqueue when the transaction commits.
_AL_CONFIRMAR = "tareas_al_confirmar"


class ColaNoDisponible(RuntimeError):
    """The queue (Redis) could not be reached: nothing was enqueued."""


@contextmanager
def _redis_o_error() -> Iterator[None]:
    """Turn Redis's connection errors into ColaNoDisponible (callers need not know Redis)."""
    from redis.exceptions import ConnectionError as ErrorConexion
    from redis.exceptions import TimeoutError as ErrorEspera

    try:
        yield
    except (ErrorConexion, ErrorEspera) as error:
        raise ColaNoDisponible(str(error)) from error


@dataclass(frozen=True)
class EstadoTarea:
    """What a job is doing, as the pages show it."""

    id: str
    #: "en_cola", "en_curso", "terminada" or "fallida"
    estado: str
    fraccion: float = 0.0
    mensaje: str | None = None
    error: str | None = None
    #: The function the job runs (its dotted path) and, once finished, what it returned
    funcion: str | None = None
    resultado: object = None

    @property
    def activa(self) -> bool:
        """True while the job is waiting or running."""
        return self.estado in ("en_cola", "en_curso")


# --- Configuration -----------------------------------------------------------------------------


def modo(app: Flask | None = None) -> str:
    """Where jobs run: "redis", "hilo" or "sincrono" (TAREAS_MODO, else by REDIS_URL)."""
    app = app or current_app
    elegido = app.config.get("TAREAS_MODO")
    if elegido:
        return elegido
    return "redis" if app.config.get("REDIS_URL") else "hilo"


def conexion(app: Flask | None = None):
    """The Redis connection of the queue (one per app, created on first use)."""
    from redis import Redis

    app = app or current_app
    redis = app.extensions.get("tareas_redis")
    if redis is None:
        redis = Redis.from_url(app.config["REDIS_URL"])
        app.extensions["tareas_redis"] = redis
    return redis


def nombre_cola(cola: str = "default", app: Flask | None = None) -> str:
    """The RQ queue name: COLA_PREFIJO and the queue's own name (tests use their own prefix)."""
    app = app or current_app
    return f"{app.config.get('COLA_PREFIJO', 'convenios')}-{cola}"


def _cola(cola: str = "default"):
    from rq import Queue

    return Queue(nombre_cola(cola), connection=conexion())


def _clave_latido(id_tarea: str) -> str:
    return f"{current_app.config.get('COLA_PREFIJO', 'convenios')}:latido:{id_tarea}"


# --- Enqueueing --------------------------------------------------------------------------------


def encolar(
    funcion: str,
    *args,
    id_tarea: str | None = None,
    reintentos: int = 0,
    cola: str = "default",
) -> str:
    """Run funcion(*args) as a job (where, by the mode); returns the job's id."""
    id_tarea = id_tarea or uuid.uuid4().hex
    app = current_app._get_current_object()
    elegido = modo(app)
    if elegido == "redis":
        from rq import Retry

        reintento = None
        if reintentos:
            reintento = Retry(max=reintentos, interval=_esperas(app)[:reintentos])
        with _redis_o_error():
            _cola(cola).enqueue(
                ejecutar,
                funcion,
                list(args),
                job_id=id_tarea,
                retry=reintento,
                job_timeout=DURACION_MAXIMA,
                result_ttl=24 * 3600,
                failure_ttl=7 * 24 * 3600,
                description=funcion,
            )
    elif elegido == "sincrono":
        _correr_local(app, id_tarea, funcion, args, reintentos, esperar=False)
    else:
        _LOCALES[id_tarea] = EstadoTarea(id_tarea, "en_cola")
        threading.Thread(
            target=_correr_local,
            args=(app, id_tarea, funcion, args, reintentos, True),
            name=f"tarea-{id_tarea[:8]}",
            daemon=True,
        ).start()
    return id_tarea


def _esperas(app: Flask) -> list[int]:
    """Seconds between attempts (TAREAS_ESPERAS_REINTENTO, else ESPERAS_REINTENTO)."""
    return list(app.config.get("TAREAS_ESPERAS_REINTENTO") or ESPERAS_REINTENTO)


def al_confirmar(funcion: str, *args, **opciones) -> None:
    """Enqueue the job once the current transaction commits (nothing if it rolls back)."""
    db.session.info.setdefault(_AL_CONFIRMAR, []).append((funcion, args, opciones))


@sa.event.listens_for(Session, "after_commit")
def _encolar_confirmadas(sesion: Session) -> None:
    """Committed: enqueue the jobs the transaction asked for (never failing the commit)."""
    # SQLAlchemy also calls this when a savepoint is released: only the real commit counts.
    if sesion.in_nested_transaction():
        return
    pendientes = sesion.info.pop(_AL_CONFIRMAR, [])
    for funcion, args, opciones in pendientes:
        try:
            encolar(funcion, *args, **opciones)
        except Exception:  # noqa: BLE001 - the data is committed; the job is logged as lost
            log.exception("No se pudo encolar la tarea %s", funcion)


@sa.event.listens_for(Session, "after_rollback")
def _descartar(sesion: Session) -> None:
    """Rolled back: the jobs asked for by the transaction are not enqueued."""
    if sesion.in_nested_transaction():
        return  # a savepoint rolled back; the transaction (and its jobs) goes on
    sesion.info.pop(_AL_CONFIRMAR, None)


# --- Running -----------------------------------------------------------------------------------

#: The app a worker process runs its jobs in (set by `flask cola trabajador`).
_APP: Flask | None = None
#: Jobs run in this process ("hilo" and "sincrono" modes), by id.
_LOCALES: dict[str, EstadoTarea] = {}
_ACTUAL = threading.local()


def usar_app(app: Flask) -> None:
    """Tell this (worker) process which app its jobs run in."""
    global _APP
    _APP = app


def _funcion(ruta: str):
    modulo, _, nombre = ruta.rpartition(".")
    return getattr(importlib.import_module(modulo), nombre)


def ejecutar(funcion: str, args: list) -> object:
    """The entry point of every queued job: run funcion(*args) in an app context, beating."""
    from rq import get_current_job

    app = _APP
    if app is None:
        # The app comes from `flask cola trabajador` (RQ's own `rq worker` has none to give).
        raise RuntimeError("Las tareas se ejecutan con «flask cola trabajador».")
    trabajo = get_current_job()
    with app.app_context():
        # A forked work horse must not share its parent's database connections.
        db.engine.dispose(close=False)
        parar = _latir(app, trabajo.id) if trabajo is not None else None
        try:
            return _funcion(funcion)(*args)
        finally:
            if parar is not None:
                parar()
            db.session.remove()


def _latir(app: Flask, id_tarea: str):
    """Keep the job's heartbeat key alive from a thread until the returned stop() is called."""
    redis, clave = conexion(app), _clave_latido(id_tarea)
    redis.set(clave, "1", ex=PLAZO_LATIDO)
    fin = threading.Event()

    def latir():
        while not fin.wait(LATIDO):
            try:
                redis.set(clave, "1", ex=PLAZO_LATIDO)
            except Exception:  # noqa: BLE001 - a missed beat only risks an early "failed"
                log.warning("No se pudo renovar el latido de la tarea %s", id_tarea)

    threading.Thread(target=latir, name=f"latido-{id_tarea[:8]}", daemon=True).start()

    def parar():
        fin.set()
        redis.delete(clave)

    return parar


def _correr_local(
    app: Flask, id_tarea: str, funcion: str, args, reintentos: int, esperar: bool
) -> None:
    """Run a job in this process (thread or caller), recording its state; retry if asked."""
    intentos = reintentos + 1
    for intento in range(intentos):
        _LOCALES[id_tarea] = EstadoTarea(id_tarea, "en_curso", funcion=funcion)
        _ACTUAL.id = id_tarea
        try:
            with app.app_context():
                try:
                    resultado = _funcion(funcion)(*args)
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - recorded on the job, as RQ would
            log.exception("Falló la tarea %s (%s)", id_tarea, funcion)
            if intento + 1 < intentos and esperar:
                esperas = _esperas(app)
                time.sleep(esperas[min(intento, len(esperas) - 1)])
                continue
            if intento + 1 < intentos:
                continue  # synchronous mode: retry at once
            _LOCALES[id_tarea] = EstadoTarea(
                id_tarea,
                "fallida",
                error=(str(error) or error.__class__.__name__)[:1000],
                funcion=funcion,
            )
        else:
            anterior = _LOCALES.get(id_tarea)
            _LOCALES[id_tarea] = EstadoTarea(
                id_tarea,
                "terminada",
                1.0,
                anterior.mensaje if anterior else None,
                funcion=funcion,
                resultado=resultado,
            )
        finally:
            _ACTUAL.id = None
        return


def progreso(fraccion: float, mensaje: str | None = None) -> None:
    """Record how far the running job is (read by the pages through estado())."""
    fraccion = round(min(max(float(fraccion), 0.0), 1.0), 4)
    mensaje = str(mensaje)[:200] if mensaje else None
    id_local = getattr(_ACTUAL, "id", None)
    if id_local is not None:
        anterior = _LOCALES.get(id_local)
        _LOCALES[id_local] = EstadoTarea(
            id_local,
            "en_curso",
            fraccion,
            mensaje or (anterior.mensaje if anterior else None),
            funcion=anterior.funcion if anterior else None,
        )
        return
    from rq import get_current_job

    trabajo = get_current_job()
    if trabajo is None:
        return
    trabajo.meta["fraccion"] = fraccion
    if mensaje:
        trabajo.meta["mensaje"] = mensaje
    trabajo.save_meta()


# --- Reading a job's state ---------------------------------------------------------------------


def estado(id_tarea: str | None) -> EstadoTarea | None:
    """The job's state, from the queue (or this process); None when nothing is known of it."""
    if not id_tarea:
        return None
    if modo() != "redis" or id_tarea in _LOCALES:
        return _LOCALES.get(id_tarea)
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        trabajo = Job.fetch(id_tarea, connection=conexion())
    except NoSuchJobError:
        return None
    estado_rq = trabajo.get_status(refresh=True)
    meta = trabajo.get_meta(refresh=True) if estado_rq == JobStatus.STARTED else trabajo.meta
    fraccion, mensaje = float(meta.get("fraccion", 0.0)), meta.get("mensaje")
    funcion = trabajo.args[0] if trabajo.args else None
    if estado_rq == JobStatus.FINISHED:
        return EstadoTarea(
            id_tarea, "terminada", 1.0, mensaje, funcion=funcion, resultado=trabajo.return_value()
        )
    if estado_rq == JobStatus.STARTED:
        if _sin_latido(trabajo):
            return EstadoTarea(id_tarea, "fallida", fraccion, mensaje, MENSAJE_DETENIDA, funcion)
        return EstadoTarea(id_tarea, "en_curso", fraccion, mensaje, funcion=funcion)
    if estado_rq in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return EstadoTarea(id_tarea, "fallida", fraccion, mensaje, _ultimo_error(trabajo), funcion)
    return EstadoTarea(id_tarea, "en_cola", fraccion, mensaje, funcion=funcion)


MENSAJE_DETENIDA = "El proceso que ejecutaba la tarea se detuvo."


def _sin_latido(trabajo) -> bool:
    """A started job whose heartbeat expired (its worker died), past its first beat."""
    if conexion().exists(_clave_latido(trabajo.id)):
        return False
    inicio = trabajo.started_at
    if inicio is None:
        return False
    if inicio.tzinfo is None:
        inicio = inicio.replace(tzinfo=UTC)
    return (datetime.now(UTC) - inicio).total_seconds() > PLAZO_LATIDO


def _ultimo_error(trabajo) -> str:
    """The last line of a failed job's traceback (the exception), for the page."""
    resultado = trabajo.latest_result()
    texto = (getattr(resultado, "exc_string", None) or "").strip()
    if not texto:
        return "La tarea falló."
    ultima = texto.splitlines()[-1]
    # "app.modulo.ErrorX: mensaje" → the message the user is meant to read.
    clase, separador, mensaje = ultima.partition(": ")
    if separador and re.fullmatch(r"[\w.]+", clase):
        ultima = mensaje
    return ultima[:1000]


# --- A lock every process shares ---------------------------------------------------------------

_CANDADOS: dict[str, threading.Lock] = {}
_CANDADO_CANDADOS = threading.Lock()


@contextmanager
def exclusivo(clave: str, segundos: int = 60) -> Iterator[None]:
    """Hold a lock named clave: in Redis (every process and host) or in this process."""
    if modo() == "redis":
        with _redis_o_error():
            yield from _exclusivo_redis(clave, segundos)
        return
    with _CANDADO_CANDADOS:
        candado = _CANDADOS.setdefault(clave, threading.Lock())
    with candado:
        yield


def _exclusivo_redis(clave: str, segundos: int) -> Iterator[None]:
    """The Redis lock behind exclusivo()."""
    candado = conexion().lock(
        f"{current_app.config.get('COLA_PREFIJO', 'convenios')}:candado:{clave}",
        timeout=segundos,
        blocking_timeout=segundos,
    )
    if not candado.acquire():
        raise TimeoutError(clave)
    try:
        yield
    finally:
        try:
            candado.release()
        except Exception:  # noqa: BLE001 - expired meanwhile: nothing left to release
            log.warning("El candado %s expiró antes de liberarse", clave)
