"""Backup and restore of the whole database (`flask respaldo …`).

PostgreSQL uses pg_dump / pg_restore (custom format); SQLite uses the sqlite3 online-backup
API, which copies a consistent snapshot even while the app is running.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db

respaldo_cli = AppGroup("respaldo", help="Respaldo y restauración de la base de datos.")


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


@respaldo_cli.command("crear")
@click.argument("destino", type=click.Path(dir_okay=False, path_type=Path))
def crear(destino: Path):
    """Back up the configured database into DESTINO."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise click.ClickException("No se puede respaldar una base SQLite en memoria.")
    crear_respaldo(url, destino)
    click.echo(f"Respaldo escrito en {destino}.")


@respaldo_cli.command("restaurar")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--destino", required=True, help="URL de una base NUEVA y vacía donde restaurar.")
def restaurar(archivo: Path, destino: str):
    """Restore ARCHIVO into the empty database given by --destino."""
    restaurar_respaldo(archivo, sa.engine.make_url(destino))
    click.echo(f"Respaldo restaurado en {destino}.")
