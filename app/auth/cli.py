"""`flask usuarios …` commands."""

import click
from flask.cli import AppGroup

from app.auth import services
from app.catalogo import queries as catalogo_queries
from app.comun.roles import Rol
from app.extensions import db

usuarios_cli = AppGroup("usuarios", help="Gestión de cuentas de usuario.")


@usuarios_cli.command("crear")
@click.option("--email", required=True, help="Correo (usuario de acceso).")
@click.option("--nombre", required=True, help="Nombre completo.")
@click.option("--rol", required=True, type=click.Choice([r.value for r in Rol]))
@click.option("--region", default=None, help="Región (rol drtpe): nombre, código o alias.")
@click.option("--unidad", default=None, help="Sigla de la unidad del MTPE (rol direccion).")
@click.password_option("--clave", help="Contraseña (se pide si no se indica).")
def crear(email, nombre, rol, region, unidad, clave):
    """Create a user account from the command line."""
    region_obj = catalogo_queries.region_por_nombre(region) if region else None
    if region and region_obj is None:
        raise click.BadParameter(f"No se reconoce la región «{region}».", param_hint="--region")
    unidad_obj = catalogo_queries.unidad_por_sigla(unidad) if unidad else None
    if unidad and unidad_obj is None:
        raise click.BadParameter(f"No existe la unidad «{unidad}».", param_hint="--unidad")
    datos = {
        "email": email.strip().lower(),
        "nombre": nombre.strip(),
        "rol": Rol(rol),
        "region_id": region_obj.id if region_obj else None,
        "unidad_id": unidad_obj.id if unidad_obj else None,
        "activo": True,
    }
    try:
        usuario = services.crear_usuario(datos, clave, usuario_id=None)
    except services.ErrorUsuario as error:
        db.session.rollback()
        raise click.ClickException(error.mensaje) from error
    db.session.commit()
    click.echo(f"Cuenta creada: {usuario.email} ({usuario.rol.value}).")
