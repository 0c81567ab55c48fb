"""Stored files: write + read of a 1 MB and a 10 MB file on each backend ("disco", "bd").

Each file is random bytes (like a PDF or a photo: nothing to compress), stored through the app's
interface (app/comun/almacenamiento) and committed, then read back in a new session, as a
download does. Figures are medians of the repetitions, in milliseconds, and the memory a
download (`enviar`, body read to the end) allocates at its peak (tracemalloc, one more round).

    .venv/bin/python -m bench.almacenamiento [--repeticiones 7] [--pg URL] [--salida DOC.md]

Standalone it measures SQLite (a temporary file) and PostgreSQL (by default the database test_h3
on 127.0.0.1, inside a schema of its own created and dropped by the run, so whatever else lives
in that database is untouched); --salida writes the table into the "Almacenamiento de archivos"
section of that file. `make bench` runs `medir` on its own database (section "almacenamiento").
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.comun import Entorno, Resultado, aplicacion, carpeta_temporal

TAMANOS = {"1 MB": 1024 * 1024, "10 MB": 10 * 1024 * 1024}
CARPETA = "bench"
PG_POR_DEFECTO = "postgresql+psycopg://postgres@127.0.0.1:5432/test_h3"
#: Targets of write + read (an upload of that size, then its download), chosen here: a 10 MB
#: evidence file (the largest allowed) should cost the user well under a second of storage.
OBJETIVOS_MS = {"1 MB": 200, "10 MB": 1000}
MARCA_INICIO = "<!-- bench-almacenamiento:inicio (generado por bench/almacenamiento.py) -->"
MARCA_FIN = "<!-- bench-almacenamiento:fin -->"


def _medir_app(app, repeticiones: int) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(backend, size) → (median write ms, median read ms, MiB a download allocates at its
    peak) on one app; the memory is taken in one more, untimed, round."""
    from app.comun import almacenamiento
    from app.extensions import db

    cifras = {}
    for backend in almacenamiento.BACKENDS:
        app.config["ALMACENAMIENTO"] = backend
        for etiqueta, tamano in TAMANOS.items():
            escrituras, lecturas = [], []
            for _ in range(repeticiones + 1):  # the first round warms up, not counted
                contenido = os.urandom(tamano)
                with app.app_context():
                    inicio = time.perf_counter()
                    nombre = almacenamiento.guardar(CARPETA, "bin", contenido)
                    db.session.commit()
                    escrituras.append(time.perf_counter() - inicio)
                with app.app_context():
                    inicio = time.perf_counter()
                    leido = almacenamiento.leer(CARPETA, nombre)
                    lecturas.append(time.perf_counter() - inicio)
                    if leido != contenido:
                        raise RuntimeError(f"{backend}: el archivo leído no es el escrito")
                    almacenamiento.borrar_al_confirmar(CARPETA, nombre)
                    db.session.commit()
            with app.app_context():
                nombre = almacenamiento.guardar(CARPETA, "bin", os.urandom(tamano))
                db.session.commit()
            with app.test_request_context():
                tracemalloc.start()
                respuesta = almacenamiento.enviar(
                    CARPETA, nombre, mimetype="application/pdf", download_name="a.pdf"
                )
                enviados = sum(len(trozo) for trozo in respuesta.response)
                respuesta.close()
                pico = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
                tracemalloc.stop()
                if enviados != tamano:
                    raise RuntimeError(f"{backend}: se enviaron {enviados} bytes de {tamano}")
                almacenamiento.borrar_al_confirmar(CARPETA, nombre)
                db.session.commit()
            cifras[backend, etiqueta] = (
                statistics.median(escrituras[1:]) * 1000,
                statistics.median(lecturas[1:]) * 1000,
                pico,
            )
    return cifras


def medir(entorno: Entorno) -> list[Resultado]:
    """The `make bench` section: both backends on the real dataset's database."""
    carpeta = carpeta_temporal("bench-almacenamiento-")
    app = aplicacion(entorno.url_real, carpeta)
    cifras = _medir_app(app, entorno.repeticiones)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    resultados = []
    for (backend, etiqueta), (escribir, leer, pico) in cifras.items():
        total = escribir + leer
        objetivo = OBJETIVOS_MS[etiqueta]
        resultados.append(
            Resultado(
                f"archivo de {etiqueta}, ALMACENAMIENTO={backend}: escribir + leer",
                total,
                "ms",
                f"≤ {objetivo} ms",
                total <= objetivo,
                f"escribir {escribir:.0f} ms, leer {leer:.0f} ms; descargar ocupa {pico:.1f} MiB",
            )
        )
    return resultados


# --- Standalone: SQLite and PostgreSQL side by side ---------------------------------------------


def _app_sqlite(carpeta: str):
    """An app on a new SQLite file, migrated."""
    from flask_migrate import upgrade

    app = aplicacion(f"sqlite:///{carpeta}/almacenamiento.db", carpeta)
    with app.app_context():
        upgrade()
    return app, lambda: None


def _app_postgres(url: str, carpeta: str):
    """An app on a schema of its own in the PostgreSQL database at url, migrated; and the
    function that drops the schema."""
    from flask_migrate import upgrade

    esquema = f"bench_almacenamiento_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conexion:
        conexion.execute(sa.text(f'CREATE SCHEMA "{esquema}"'))
    propia = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={esquema}"})
    app = aplicacion(propia.render_as_string(hide_password=False), carpeta)
    with app.app_context():
        upgrade()

    def borrar():
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conexion:
            conexion.execute(sa.text(f'DROP SCHEMA IF EXISTS "{esquema}" CASCADE'))
        admin.dispose()

    return app, borrar


def _responde(url: str) -> bool:
    destino = sa.engine.make_url(url)
    try:
        with socket.create_connection((destino.host or "127.0.0.1", destino.port or 5432), 1):
            return True
    except OSError:
        return False


def _tabla(filas: list[tuple[str, str, str, float, float, float]], repeticiones: int) -> list[str]:
    lineas = [
        f"Escribir (guardar + commit) y leer (en otra sesión) un archivo de bytes aleatorios, "
        f"mediana de {repeticiones} repeticiones; `python -m bench.almacenamiento`, "
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} núcleos:",
        "",
        "| Base | Backend | Archivo | Escribir | Leer | Total | Memoria al descargar |",
        "|---|---|---|---|---|---|---|",
    ]
    for base, backend, etiqueta, escribir, leer, pico in filas:
        lineas.append(
            f"| {base} | `{backend}` | {etiqueta} | {escribir:.0f} ms | {leer:.0f} ms "
            f"| {escribir + leer:.0f} ms | {pico:.1f} MiB |"
        )
    return lineas


def _escribir_doc(salida: Path, lineas: list[str]) -> None:
    """Replace the generated block of the file (it must hold both markers)."""
    texto = salida.read_text(encoding="utf-8")
    if MARCA_INICIO not in texto or MARCA_FIN not in texto:
        raise SystemExit(f"{salida} no tiene las marcas {MARCA_INICIO} … {MARCA_FIN}")
    antes, resto = texto.split(MARCA_INICIO, 1)
    despues = resto.split(MARCA_FIN, 1)[1]
    bloque = "\n".join([MARCA_INICIO, *lineas, MARCA_FIN])
    salida.write_text(antes + bloque + despues, encoding="utf-8")


def main() -> int:
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--repeticiones", type=int, default=7)
    argumentos.add_argument("--pg", default=PG_POR_DEFECTO, help="base PostgreSQL ('' = ninguna)")
    argumentos.add_argument("--salida", type=Path, help="documento donde escribir la tabla")
    a = argumentos.parse_args()

    bases = [("SQLite", _app_sqlite, None)]
    if a.pg and _responde(a.pg):
        bases.append(("PostgreSQL", _app_postgres, a.pg))
    elif a.pg:
        print(f"PostgreSQL no responde en {a.pg}: solo SQLite.", file=sys.stderr)
    filas = []
    for nombre_base, crear, url in bases:
        carpeta = carpeta_temporal("bench-almacenamiento-")
        app, borrar = crear(url, carpeta) if url else crear(carpeta)
        try:
            version = _version(app)
            for (backend, etiqueta), cifras in _medir_app(app, a.repeticiones).items():
                escribir, leer, pico = cifras
                filas.append((f"{nombre_base} {version}", backend, etiqueta, *cifras))
                print(
                    f"{nombre_base} {backend:5} {etiqueta:5}: escribir {escribir:6.1f} ms, "
                    f"leer {leer:6.1f} ms",
                    flush=True,
                )
        finally:
            borrar()
    lineas = _tabla(filas, a.repeticiones)
    print("\n".join(lineas))
    if a.salida:
        _escribir_doc(a.salida, lineas)
        print(f"Escrito {a.salida}")
    return 0


def _version(app) -> str:
    """The database server's version, e.g. "16.4" or "3.45.1"."""
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            texto = db.session.scalar(sa.text("SHOW server_version"))
        else:
            texto = db.session.scalar(sa.text("SELECT sqlite_version()"))
        return re.split(r"\s", texto)[0]


if __name__ == "__main__":
    sys.exit(main())
