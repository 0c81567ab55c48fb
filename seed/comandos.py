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


@seed_cli.command("demo")
def seed_demo():
    """Load everything the demo needs: catalogue, convenios, 2020 Anexo 4 and the accounts."""
    carga.cargar_catalogo()
    carga.cargar_convenios()
    carga.cargar_periodos_demo()
    carga.cargar_anexo4_demo()
    usuarios = carga.cargar_usuarios_demo()
    db.session.commit()
    click.echo(f"Datos de demostración cargados. Cuentas (clave: {carga.CLAVE_DEMO}):")
    for email, rol, ambito in usuarios:
        click.echo(f"  {rol:<10} {email}" + (f"  ({ambito})" if ambito else ""))
