"""`flask informe pdf …`: build the situational report (or a region's ficha) from the shell."""

from __future__ import annotations

import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.convenios.models import Periodo, Semestre
from app.extensions import db
from app.informes import informe
from app.informes.pdf import ficha_region_pdf, informe_pdf

informe_cli = AppGroup("informe", help="Informe situacional del ejercicio de las funciones.")


@informe_cli.command("pdf")
@click.option("--anio", type=int, required=True, help="Año del semestre, p. ej. 2020.")
@click.option("--semestre", type=click.IntRange(1, 2), required=True, help="1 o 2.")
@click.option(
    "--salida",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="Archivo PDF a escribir.",
)
@click.option("--region", default=None, help="Genera la ficha de esta G/DRTPE (nombre o alias).")
@click.option("--borrador", is_flag=True, help="Marca de agua «BORRADOR» en cada página.")
@click.option(
    "--incluir-no-aprobados",
    is_flag=True,
    help="Vista previa: incluye Anexos 4 y 5 aún no aprobados.",
)
def pdf(anio, semestre, salida, region, borrador, incluir_no_aprobados):
    """Write the semester's report (or, with --region, that G/DRTPE's ficha) as PDF."""
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))
    if periodo is None:
        raise click.ClickException(
            f"No existe el {Semestre(semestre).romano} Semestre {anio}: créelo antes."
        )
    inicio = time.perf_counter()
    try:
        if region:
            contenido = ficha_region_pdf(informe.datos_ficha(region, periodo))
        else:
            datos = informe.datos_informe(periodo, incluir_no_aprobados=incluir_no_aprobados)
            contenido = informe_pdf(datos, borrador=borrador)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    salida.write_bytes(contenido)
    segundos = time.perf_counter() - inicio
    click.echo(f"{salida}: {len(contenido) / 1024:.0f} KB generados en {segundos:.1f} s.")
