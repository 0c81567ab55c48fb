"""`flask archivos …`: move the stored files from one backend to the other.

Switching ALMACENAMIENTO from "disco" to "bd" (a second app server) leaves the files already
kept on disk where only this host sees them: `flask archivos copiar --hacia bd` copies them into
the database (run it on the host that has them, before or after switching; it skips what is
already there, so running it twice is harmless). `--hacia disco` is the way back.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.comun import almacenamiento
from app.extensions import db

archivos_cli = AppGroup("archivos", help="Archivos guardados (evidencias, informes, …).")


def copiar(origen: str, destino: str) -> tuple[int, int]:
    """Copy every file of backend origen missing in backend destino, committing each one;
    return (copied, already there)."""
    de, a = almacenamiento.backend(origen), almacenamiento.backend(destino)
    copiados = presentes = 0
    for carpeta, nombre in list(de.listar()):
        if a.existe(carpeta, nombre):
            presentes += 1
            continue
        contenido = de.leer(carpeta, nombre)
        if contenido is None:  # removed meanwhile
            continue
        a.escribir(carpeta, nombre, contenido)
        db.session.commit()
        copiados += 1
    return copiados, presentes


@archivos_cli.command("copiar")
@click.option(
    "--hacia",
    type=click.Choice(almacenamiento.BACKENDS),
    required=True,
    help="Backend de destino; el de origen es el otro.",
)
def copiar_comando(hacia: str):
    """Copy the stored files of the other backend into HACIA (skips those already there)."""
    desde = next(b for b in almacenamiento.BACKENDS if b != hacia)
    copiados, presentes = copiar(desde, hacia)
    click.echo(
        f"Copiados {copiados} archivos de «{desde}» a «{hacia}» ({presentes} ya estaban). "
        f"Use ALMACENAMIENTO={hacia} para servirlos desde allí."
    )
