"""`flask anexo4 …` commands: bulk import (with a dry run) and export of the Anexo 4."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.catalogo import queries as catalogo_queries
from app.comun.base import ahora
from app.convenios.queries import exportacion
from app.convenios.queries import periodos as periodos_queries
from app.convenios.queries.importacion import EXTENSIONES
from app.convenios.services import importacion
from app.convenios.services.anexo4 import ErrorAnexo4
from app.extensions import db

anexo4_cli = AppGroup("anexo4", help="Importación y exportación masiva del Anexo 4.")


def imprimir_vista_previa(analisis: importacion.Analisis) -> None:
    """Print what an error-free file would write."""
    click.echo(
        f"{analisis.total_celdas} celdas en {len(analisis.grupos)} Anexos 4 "
        f"(con {len(analisis.advertencias)} valores fuera del rango habitual):"
    )
    for grupo in analisis.grupos:
        click.echo(
            f"  {grupo.region} · {grupo.periodo_nombre}: {grupo.celdas} celdas; {grupo.situacion}."
        )
    if analisis.periodos_nuevos:
        click.echo(
            "Se crearán, cerrados y sin fechas límite, los semestres: "
            + ", ".join(analisis.periodos_nuevos_nombres)
            + "."
        )


@anexo4_cli.command("importar")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Solo revisa el archivo y muestra lo que se importaría; no guarda nada.",
)
def importar(archivo: Path, dry_run: bool):
    """Import a CSV/XLSX file of Anexo 4 cells: all rows or none; exit code 1 on errors."""
    try:
        filas = importacion.leer_archivo(archivo.name, archivo.read_bytes())
    except importacion.ErrorImportacion as error:
        raise click.ClickException(error.mensaje) from error
    analisis = importacion.analizar(filas)
    if analisis.errores:
        for error in analisis.errores:
            click.echo(str(error), err=True)
        click.echo(
            f"El archivo tiene {len(analisis.errores)} errores; no se importó nada.", err=True
        )
        db.session.rollback()
        raise click.exceptions.Exit(1)
    imprimir_vista_previa(analisis)
    if dry_run:
        db.session.rollback()
        click.echo("Simulación (--dry-run): no se guardó ningún cambio.")
        return
    try:
        resumen = importacion.aplicar(
            analisis, usuario_id=None, ahora=ahora(), archivo=archivo.name
        )
    except (importacion.ErrorImportacion, ErrorAnexo4) as error:
        db.session.rollback()
        raise click.ClickException(error.mensaje) from error
    db.session.commit()
    click.echo(
        f"Importación completada: {resumen.celdas} celdas en {resumen.reportes} Anexos 4 "
        f"aprobados ({resumen.sin_cambios} sin cambios, que quedaron como estaban)."
    )


@anexo4_cli.command("exportar")
@click.option("--periodo", default=None, help="Semestre, p. ej. 2020-2 (por omisión, todos).")
@click.option("--region", default=None, help="Solo una región: nombre, código o alias.")
@click.option(
    "--salida",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archivo de salida .csv o .xlsx.",
)
def exportar(periodo: str | None, region: str | None, salida: Path):
    """Export Anexo 4 cells in the bulk format (re-importable unchanged)."""
    periodo_obj = None
    if periodo:
        periodo_obj = periodos_queries.periodo_exacto(periodo)
        if periodo_obj is None:
            raise click.BadParameter(
                f"No existe el semestre «{periodo}» (escríbalo como 2020-2).",
                param_hint="--periodo",
            )
    region_obj = catalogo_queries.region_por_nombre(region) if region else None
    if region and region_obj is None:
        raise click.BadParameter(f"No se reconoce la región «{region}».", param_hint="--region")
    extension = salida.suffix.lower()
    if extension not in EXTENSIONES:
        raise click.BadParameter("El archivo debe terminar en .csv o .xlsx.", param_hint="--salida")
    filas = exportacion.exportar_filas(periodo_obj, region_obj.id if region_obj else None)
    contenido = exportacion.a_csv(filas) if extension == ".csv" else exportacion.a_xlsx(filas)
    salida.write_bytes(contenido)
    click.echo(f"{len(filas)} filas exportadas a {salida}.")
