"""`flask seed …` commands."""

import click
from flask.cli import AppGroup

from app.extensions import db
from seed import carga

seed_cli = AppGroup("seed", help="Carga los datos de los documentos (idempotente).")


@seed_cli.command("catalogo")
def seed_catalogo():
    """Load regions, functions, MTPE units, objectives, services and indicators."""
    carga.cargar_catalogo()
    db.session.commit()
    click.echo("Catálogo cargado.")


@seed_cli.command("convenios")
def seed_convenios():
    """Load the convenios of Cuadro Nº 01 and the pending ones."""
    carga.cargar_convenios()
    db.session.commit()
    click.echo("Convenios cargados.")


@seed_cli.command("anexo4-demo")
def seed_anexo4_demo():
    """Load the demo semesters and the 2020 Anexo 4 cells (needs catalogue and convenios)."""
    carga.cargar_periodos_demo()
    try:
        resumen = carga.cargar_anexo4_demo()
    except RuntimeError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Anexo 4 2020 cargado: {resumen.celdas} celdas en {resumen.reportes} reportes "
        f"({resumen.sin_cambios} sin cambios)."
    )


@seed_cli.command("mejora-continua")
def seed_mejora_continua():
    """Load the II-2020 Anexo 5, the 2021 capacity programme and the Puno 2015 AMC plan."""
    _cargar_mejora_continua()
    db.session.commit()
    click.echo("Anexo 5, programación 2021 y plan de mejora de Puno cargados.")


def _cargar_mejora_continua() -> None:
    # Order matters: the programme links its activities to the approved Anexo 5 items.
    from seed.anexo5 import cargar_anexo5_demo
    from seed.planes import cargar_plan_puno
    from seed.programacion import cargar_programa_demo

    cargar_anexo5_demo()
    cargar_programa_demo()
    cargar_plan_puno()


@seed_cli.command("demo")
def seed_demo():
    """Load everything the demo needs: catalogue, convenios, 2020 data and the accounts."""
    carga.cargar_catalogo()
    carga.cargar_convenios()
    carga.cargar_periodos_demo()
    carga.cargar_anexo4_demo()
    usuarios = carga.cargar_usuarios_demo()
    _cargar_mejora_continua()
    db.session.commit()
    click.echo(f"Datos de demostración cargados. Cuentas (clave: {carga.CLAVE_DEMO}):")
    for email, rol, ambito in usuarios:
        click.echo(f"  {rol:<10} {email}" + (f"  ({ambito})" if ambito else ""))
