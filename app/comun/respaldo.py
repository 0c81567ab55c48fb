"""Backup and restore of the whole database and the stored files (`flask respaldo …`).

PostgreSQL uses pg_dump / pg_restore (custom format); SQLite uses the sqlite3 online-backup
API, which copies a consistent snapshot even while the app is running. Stored files
(app/comun/almacenamiento): with ALMACENAMIENTO=bd they are rows of the database and go with it;
with "disco" they go into a tar beside the backup (`<backup>.archivos.tar`), written after the
database so that every file a backed-up row names is in it.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.comun import almacenamiento
from app.comun.almacenamiento import disco
from app.extensions import db

respaldo_cli = AppGroup(
    "respaldo", help="Respaldo y restauración de la base de datos y de los archivos guardados."
)

#: What is appended to a backup's name to name the tar of its files (backend "disco").
SUFIJO_ARCHIVOS = ".archivos.tar"
#: The only entries a files backup may hold: <carpeta>/<nombre> as the storage names them.
_ENTRADA = re.compile(
    almacenamiento.PATRON_CARPETA.pattern[:-1] + "/" + almacenamiento.PATRON_NOMBRE.pattern[1:]
)


def _url_libpq(url: sa.engine.URL) -> str:
    """The URL as libpq tools expect it (no "+psycopg" driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def crear_respaldo(url: sa.engine.URL, destino: Path, conexion_sqlite=None) -> Path:
    """Write a backup of the database at url into destino."""
    if url.get_backend_name() == "postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(destino), _url_libpq(url)],
            check=True,
        )
        return destino
    origen = conexion_sqlite or sqlite3.connect(url.database)
    with sqlite3.connect(destino) as copia:
        origen.backup(copia)
    return destino


def restaurar_respaldo(archivo: Path, url: sa.engine.URL) -> None:
    """Load a backup into the (new, empty) database at url."""
    if url.get_backend_name() == "postgresql":
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                _url_libpq(url),
                str(archivo),
            ],
            check=True,
        )
        return
    destino = Path(url.database)
    if destino.exists() and destino.stat().st_size:
        raise click.ClickException(f"{destino} ya existe: restaure en una base nueva.")
    shutil.copyfile(archivo, destino)


def ruta_archivos(respaldo: Path) -> Path:
    """The tar of the stored files that goes with a backup (backend "disco")."""
    return respaldo.with_name(respaldo.name + SUFIJO_ARCHIVOS)


def respaldar_archivos(destino: Path) -> int:
    """Write every file of the disk backend into the tar destino as <carpeta>/<nombre>; return
    how many."""
    cuenta = 0
    with tarfile.open(destino, "w") as tar:
        for carpeta, nombre in disco.listar():
            tar.add(disco.ruta(carpeta, nombre), arcname=f"{carpeta}/{nombre}", recursive=False)
            cuenta += 1
    return cuenta


def restaurar_archivos(archivo: Path, carpeta: Path) -> int:
    """Extract a files backup into carpeta (new or empty; it becomes ARCHIVOS_DIR); only plain
    files named as the storage names them are taken. Return how many."""
    if carpeta.exists() and any(carpeta.iterdir()):
        raise click.ClickException(f"{carpeta} no está vacía: restaure en una carpeta nueva.")
    carpeta.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archivo) as tar:
        miembros = [m for m in tar.getmembers() if m.isfile() and _ENTRADA.match(m.name)]
        tar.extractall(carpeta, members=miembros, filter="data")
    return len(miembros)


@respaldo_cli.command("crear")
@click.argument("destino", type=click.Path(dir_okay=False, path_type=Path))
def crear(destino: Path):
    """Back up the configured database into DESTINO."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise click.ClickException("No se puede respaldar una base SQLite en memoria.")
    crear_respaldo(url, destino)
    click.echo(f"Respaldo escrito en {destino}.")
    if almacenamiento.configurado() == "bd":
        click.echo("Los archivos guardados están en la base (ALMACENAMIENTO=bd): van en él.")
        return
    tar = ruta_archivos(destino)
    click.echo(f"Archivos guardados ({respaldar_archivos(tar)}) escritos en {tar}.")


@respaldo_cli.command("restaurar")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--destino", required=True, help="URL de una base NUEVA y vacía donde restaurar.")
@click.option(
    "--archivos",
    type=click.Path(file_okay=False, path_type=Path),
    help="Carpeta NUEVA donde restaurar los archivos guardados (ALMACENAMIENTO=disco), "
    "desde ARCHIVO.archivos.tar; será la ARCHIVOS_DIR de la base restaurada.",
)
def restaurar(archivo: Path, destino: str, archivos: Path | None):
    """Restore ARCHIVO into the empty database given by --destino (and its files)."""
    tar = ruta_archivos(archivo)
    if archivos is not None and not tar.is_file():
        raise click.ClickException(f"No existe {tar}: ese respaldo no trae archivos aparte.")
    if archivos is not None and archivos.exists() and any(archivos.iterdir()):
        raise click.ClickException(f"{archivos} no está vacía: restaure en una carpeta nueva.")
    restaurar_respaldo(archivo, sa.engine.make_url(destino))
    click.echo(f"Respaldo restaurado en {destino}.")
    if archivos is not None:
        click.echo(f"Archivos ({restaurar_archivos(tar, archivos)}) restaurados en {archivos}.")
