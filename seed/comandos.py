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


@seed_cli.command("demo")
def seed_demo():
    """Load everything the demo needs: catalogue, convenios and one account per role."""
    carga.cargar_catalogo()
    carga.cargar_convenios()
    usuarios = carga.cargar_usuarios_demo()
    db.session.commit()
    click.echo(f"Datos de demostración cargados. Cuentas (clave: {carga.CLAVE_DEMO}):")
    for email, rol, ambito in usuarios:
        click.echo(f"  {rol:<10} {email}" + (f"  ({ambito})" if ambito else ""))
