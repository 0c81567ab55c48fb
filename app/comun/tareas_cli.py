"""`flask cola …`: the worker that runs queued jobs, the scheduler of periodic ones, a look."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.comun import tareas

cola_cli = AppGroup("cola", help="Cola de tareas (RQ sobre Redis): trabajador y planificador.")


def _exigir_redis() -> None:
    if tareas.modo() != "redis":
        raise click.ClickException(
            "La cola necesita Redis: defina REDIS_URL (p. ej. redis://127.0.0.1:6379/0). "
            "Sin Redis las tareas corren dentro del proceso web."
        )


@cola_cli.command("trabajador")
@click.option("--colas", default="default,correo", show_default=True, help="Colas, por comas.")
@click.option("--burst", is_flag=True, help="Terminar cuando las colas queden vacías.")
def trabajador(colas: str, burst: bool) -> None:
    """Run queued jobs (each in a forked process) until stopped; retries run on time too."""
    from rq import Queue, Worker

    _exigir_redis()
    app = current_app._get_current_object()
    tareas.usar_app(app)
    conexion = tareas.conexion(app)
    nombres = [tareas.nombre_cola(c.strip(), app) for c in colas.split(",") if c.strip()]
    worker = Worker([Queue(n, connection=conexion) for n in nombres], connection=conexion)
    click.echo(f"Trabajador {worker.name} atendiendo: {', '.join(nombres)}")
    worker.work(with_scheduler=True, burst=burst)


@cola_cli.command("planificador")
def planificador() -> None:
    """Enqueue the periodic jobs of TAREAS_PERIODICAS on their schedule (one per deployment)."""
    from rq.cron import CronScheduler

    _exigir_redis()
    app = current_app._get_current_object()
    tareas.usar_app(app)
    programador = CronScheduler(connection=tareas.conexion(app), name="convenios-planificador")
    for funcion, cron in app.config.get("TAREAS_PERIODICAS", ()):
        programador.register(
            tareas.ejecutar,
            tareas.nombre_cola("default", app),
            args=(funcion, []),
            cron=cron,
            name=funcion,
        )
        click.echo(f"{cron}  {funcion}")
    programador.start()


@cola_cli.command("estado")
@click.argument("id_tarea")
def estado(id_tarea: str) -> None:
    """Print a job's state (en_cola, en_curso, terminada, fallida) and its progress."""
    actual = tareas.estado(id_tarea)
    if actual is None:
        raise click.ClickException("No hay una tarea con ese identificador.")
    click.echo(f"{actual.estado} {actual.fraccion:.0%} {actual.mensaje or ''} {actual.error or ''}")
