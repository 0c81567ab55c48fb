"""`flask anexo4 …` commands: bulk import (with a dry run) and export of the Anexo 4; `flask
ciclo …` commands: a whole agreement cycle (IdG set, convenios, semesters, approved goals) from
files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth.models import Usuario
from app.catalogo import queries as catalogo_queries
from app.comun.base import ahora
from app.comun.roles import Rol
from app.convenios.queries import exportacion
from app.convenios.queries import periodos as periodos_queries
from app.convenios.queries.importacion import EXTENSIONES
from app.convenios.services import ciclo_importacion, importacion
from app.convenios.services.anexo4 import ErrorAnexo4
from app.extensions import db

anexo4_cli = AppGroup("anexo4", help="Importación y exportación masiva del Anexo 4.")
ciclo_cli = AppGroup(
    "ciclo",
    help="Carga de un ciclo completo desde archivos: indicadores (IdG), convenios, periodos y "
    "metas aprobadas (formato en docs/formato-ciclo.md).",
)


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


# --- flask ciclo … -------------------------------------------------------------------------

ARCHIVO = click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
DRY_RUN = click.option(
    "--dry-run",
    is_flag=True,
    help="Solo valida el archivo y muestra lo que se crearía o actualizaría; no guarda nada.",
)


def importar_ciclo(tipo: str, archivo: Path, dry_run: bool, usuario_id: int | None = None) -> None:
    """Check (and, without --dry-run, write) one cycle file; exit code 1 on any error."""
    try:
        resultado = ciclo_importacion.importar(
            tipo,
            archivo.name,
            archivo.read_bytes(),
            usuario_id=usuario_id,
            hoy=date.today(),
            simular=dry_run,
        )
    except ciclo_importacion.ErrorImportacion as error:
        db.session.rollback()
        raise click.ClickException(error.mensaje) from error
    if resultado.errores:
        db.session.rollback()
        for error in resultado.errores:
            click.echo(str(error), err=True)
        click.echo(resultado.resumen, err=True)
        raise click.exceptions.Exit(1)
    for cambio in resultado.cambios:
        columnas = f" ({', '.join(cambio.columnas)})" if cambio.columnas else ""
        click.echo(f"  fila {cambio.fila}: {cambio.etiqueta} · {cambio.objeto}{columnas}")
    if resultado.aplicado:
        db.session.commit()
    else:
        db.session.rollback()
    click.echo(resultado.resumen)


@ciclo_cli.command(
    "importar-indicadores",
    short_help="Los IdG de un ciclo, con su ficha técnica.",
    help="Importa el conjunto de IdG de un ciclo (crea el ciclo si no existe): "
    "ciclo,numero,nombre,unidad_proponente,oes,funcion,servicio,tipo,sentido,numerador,"
    "denominador,requiere_evidencia. Todo el archivo o nada.",
)
@ARCHIVO
@DRY_RUN
def importar_indicadores(archivo: Path, dry_run: bool):
    """Import a cycle's IdG set (CSV/XLSX)."""
    importar_ciclo("indicadores", archivo, dry_run)


@ciclo_cli.command(
    "importar-convenios",
    short_help="Los convenios de las regiones en un ciclo.",
    help="Registra o actualiza convenios: region,ciclo,fecha_suscripcion,estado,documento. "
    "Todo el archivo o nada.",
)
@ARCHIVO
@DRY_RUN
def importar_convenios(archivo: Path, dry_run: bool):
    """Import convenios (CSV/XLSX), one per region and cycle."""
    importar_ciclo("convenios", archivo, dry_run)


@ciclo_cli.command(
    "importar-periodos",
    short_help="Los semestres y sus fechas límite.",
    help="Crea o actualiza semestres con sus fechas límite: "
    "anio,semestre,vence_anexo4,vence_anexo5. Todo el archivo o nada.",
)
@ARCHIVO
@DRY_RUN
def importar_periodos(archivo: Path, dry_run: bool):
    """Import reporting semesters and their due dates (CSV/XLSX)."""
    importar_ciclo("periodos", archivo, dry_run)


def cuenta_odes(email: str | None) -> Usuario:
    """The active ODES account that approves imported goals: the one named, or the first."""
    consulta = sa.select(Usuario).filter_by(rol=Rol.odes, activo=True)
    if email:
        usuario = db.session.scalar(
            consulta.where(sa.func.lower(Usuario.email) == email.strip().lower())
        )
        if usuario is None:
            raise click.BadParameter(
                f"«{email}» no es una cuenta activa de la ODES.", param_hint="--usuario"
            )
        return usuario
    usuario = db.session.scalar(consulta.order_by(Usuario.id).limit(1))
    if usuario is None:
        raise click.ClickException(
            "No hay ninguna cuenta activa de la ODES que apruebe las metas: cree una o "
            "indique otra con --usuario."
        )
    return usuario


@ciclo_cli.command(
    "importar-metas",
    short_help="Las metas aprobadas de cada convenio y año.",
    help="Carga metas ya acordadas y las deja aprobadas: "
    "region,ciclo,idg,anio,semestre,estado,programado (semestre 0 = la meta anual). Cada "
    "convenio y año que nombra, con todas sus metas. Las guarda, envía y aprueba la cuenta de "
    "la ODES de --usuario (por omisión, la primera cuenta activa de la ODES). Todo el archivo "
    "o nada.",
)
@ARCHIVO
@DRY_RUN
@click.option(
    "--usuario",
    "email",
    default=None,
    metavar="EMAIL",
    help="Correo de la cuenta de la ODES que aprueba (por omisión, la primera activa).",
)
def importar_metas(archivo: Path, dry_run: bool, email: str | None):
    """Import the approved goals of convenio-years (CSV/XLSX) as an ODES account."""
    usuario = cuenta_odes(email)
    click.echo(f"Metas aprobadas como {usuario.nombre} <{usuario.email}> (ODES).")
    importar_ciclo("metas", archivo, dry_run, usuario_id=usuario.id)
