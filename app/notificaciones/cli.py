"""`flask notificaciones …`: run the reminders now and put stuck e-mails back in line."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from app.notificaciones.services import correo, recordatorios

notificaciones_cli = AppGroup("notificaciones", help="Avisos por correo y recordatorios de plazos.")


@notificaciones_cli.command("recordatorios")
@click.option(
    "--hoy",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Fecha (AAAA-MM-DD) para la que se calculan los plazos; por defecto, hoy en Lima.",
)
def recordatorios_cmd(hoy) -> None:
    """Send the reminders due today (idempotent: a second run the same day sends nothing)."""
    dia: date | None = hoy.date() if hoy else None
    creadas = recordatorios.enviar_recordatorios(dia)
    click.echo(f"Recordatorios creados: {creadas}.")


@notificaciones_cli.command("reenviar")
@click.option(
    "--minutos",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Solo los correos cuyo último intento tiene al menos estos minutos.",
)
@click.option("--fallidos", is_flag=True, help="Incluir también los correos fallidos.")
def reenviar_cmd(minutos: int, fallidos: bool) -> None:
    """Enqueue again the e-mails still pending (and, with --fallidos, the failed ones)."""
    cuantos = correo.reenviar(minutos, fallidos=fallidos)
    click.echo(f"Correos puestos de nuevo en la cola: {cuantos}.")
