"""`flask catalogo gobiernos ARCHIVO.csv`: municipalities from INEI's ubigeo list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from flask.cli import AppGroup

from app.catalogo.services.gobiernos import cargar_gobiernos
from app.extensions import db

catalogo_cli = AppGroup("catalogo", help="Catálogo: gobiernos subnacionales.")


@catalogo_cli.command("gobiernos")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gobiernos(archivo: Path):
    """Registra o actualiza municipalidades provinciales y distritales desde un CSV (UTF-8)
    con las columnas ubigeo, nombre y, opcionalmente, tipo (provincial o distrital). Cada una
    queda bajo su provincia o su región según el ubigeo. Con algún error no se guarda nada."""
    texto = archivo.read_bytes().decode("utf-8-sig", errors="replace")
    resumen = cargar_gobiernos(csv.DictReader(io.StringIO(texto)))
    if resumen.errores:
        for error in resumen.errores[:50]:
            click.echo(error, err=True)
        db.session.rollback()
        raise click.ClickException(f"{len(resumen.errores)} errores: no se guardó nada.")
    db.session.commit()
    click.echo(f"{resumen.nuevos} gobiernos nuevos, {resumen.actualizados} actualizados.")
