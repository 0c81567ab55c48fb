"""Excel bulk import of the Anexo 4: 10,000 rows into the large dataset, ≤ 5 s, bounded memory.

Every run imports the same generated workbook into a fresh copy of the large database
(PostgreSQL: a database made from it as template; SQLite: a copy of the file), in a child
process, so its peak RSS is the import's own. Timed: reading the workbook, analysing every row,
applying the changes and committing.

    python -m bench.importacion URL ARCHIVO   (child mode: prints "segundos rss_inicial rss_pico")
"""

from __future__ import annotations

import io
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.comun import Entorno, Resultado, aplicacion

FILAS = 10_000
OBJETIVO_S = 5.0
#: Memory the import may add to the process (workbook, analysis and session included).
OBJETIVO_MIB = 256
COPIA = "bench_importacion"


def generar_libro(
    url: str, destino: Path, filas: int = FILAS, *, periodo: str | None = None
) -> Path:
    """Write a valid .xlsx of `filas` rows: every region × IdG of the oldest semesters (or of
    one semester, "2021-2")."""
    from openpyxl import Workbook

    solo = ""
    if periodo:
        anio, semestre = (int(x) for x in periodo.split("-"))
        solo = f"AND p.anio = {anio} AND p.semestre = {semestre} "
    motor = sa.create_engine(url)
    with motor.connect() as conexion:
        claves = conexion.execute(
            sa.text(
                "SELECT r.nombre, i.numero, p.anio, p.semestre, i.tipo_valor "
                "FROM convenio c JOIN region r ON r.id = c.region_id "
                "JOIN periodo p ON p.anio BETWEEN c.anio_inicio AND c.anio_fin "
                "JOIN indicador i ON i.conjunto_id = c.conjunto_id "
                f"WHERE c.estado <> 'pendiente' {solo}"
                "ORDER BY p.anio, p.semestre, r.orden, i.numero"
            )
        ).all()[:filas]
    motor.dispose()
    if len(claves) < filas:
        raise RuntimeError(f"El conjunto grande solo admite {len(claves)} filas.")
    azar = random.Random(7)
    # A normal workbook, as Excel and the app's own export write it (sheet <dimension> included).
    libro = Workbook()
    hoja = libro.active
    hoja.title = "Anexo 4"
    hoja.append(["region", "idg", "anio", "semestre", "estado", "programado", "ejecutado"])
    for region, idg, anio, semestre, tipo in claves:
        if azar.random() < 0.05:
            hoja.append([region, idg, anio, semestre, "no_aplica", None, None])
            continue
        programado = azar.randrange(2000, 10000) / 100
        if tipo == "porcentaje":
            ejecutado = round(programado * azar.randrange(50, 110) / 100, 2)
        else:
            ejecutado = azar.randrange(-300, 2000) / 100
        hoja.append([region, idg, anio, semestre, "valor", programado, ejecutado])
    libro.save(destino)
    return destino


def _rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB.

    /proc's VmHWM, which starts afresh with the program: getrusage's ru_maxrss survives exec,
    so a child started by a large benchmark process would report its parent's peak.
    """
    try:
        for linea in Path("/proc/self/status").read_text().splitlines():
            if linea.startswith("VmHWM:"):
                return int(linea.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_actual_mib() -> float:
    try:
        for linea in Path("/proc/self/status").read_text().splitlines():
            if linea.startswith("VmRSS:"):
                return int(linea.split()[1]) / 1024
    except OSError:
        pass
    return _rss_mib()


def importar(url: str, archivo: Path) -> tuple[float, float, float]:
    """Import the workbook into `url`; return (seconds, RSS before, peak RSS) in MiB."""
    from app.comun.base import ahora
    from app.convenios.services import importacion
    from app.extensions import db

    app = aplicacion(url)
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        contenido = archivo.read_bytes()
        antes = _rss_actual_mib()
        inicio = time.perf_counter()
        filas = importacion.leer_archivo(archivo.name, io.BytesIO(contenido).getvalue())
        analisis = importacion.analizar(filas)
        if analisis.errores:
            raise RuntimeError(f"La importación tiene errores: {analisis.errores[:3]}")
        importacion.aplicar(analisis, usuario_id=None, ahora=ahora(), archivo=archivo.name)
        db.session.commit()
        segundos = time.perf_counter() - inicio
        db.session.remove()
        db.engine.dispose()
    return segundos, antes, _rss_mib()


def _copia(url: str, carpeta: Path, n: int) -> tuple[str, callable]:
    """A fresh copy of the large database and a function that drops it."""
    origen = sa.engine.make_url(url)
    if origen.get_backend_name() == "postgresql":
        admin = sa.create_engine(origen.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conexion:
            conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{COPIA}" WITH (FORCE)'))
            # A template must have no other session: close what earlier sections left open
            # (the database is this run's own).
            conexion.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :base AND pid <> pg_backend_pid()"
                ),
                {"base": origen.database},
            )
            conexion.execute(sa.text(f'CREATE DATABASE "{COPIA}" TEMPLATE "{origen.database}"'))

        def borrar():
            with admin.connect() as conexion:
                conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{COPIA}" WITH (FORCE)'))
            admin.dispose()

        return origen.set(database=COPIA).render_as_string(hide_password=False), borrar
    destino = carpeta / f"importacion_{n}.db"
    shutil.copyfile(origen.database, destino)
    return f"sqlite:///{destino}", lambda: destino.unlink(missing_ok=True)


def importar_en_copias(
    url: str, archivo: Path, carpeta: Path, veces: int
) -> tuple[list[float], list[float], list[float]]:
    """Import `archivo` `veces` times, each into a fresh copy of `url` and in a child process:
    (seconds, MiB added, peak RSS in MiB) of each import."""
    tiempos, extras, picos = [], [], []
    for n in range(veces):
        copia, borrar = _copia(url, carpeta, n)
        try:
            salida = subprocess.run(
                [sys.executable, "-m", "bench.importacion", copia, str(archivo)],
                cwd=Path(__file__).resolve().parent.parent,
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
        finally:
            borrar()
        segundos, antes, pico = (float(x) for x in salida.stdout.split()[-3:])
        tiempos.append(segundos)
        extras.append(pico - antes)
        picos.append(pico)
    return tiempos, extras, picos


def medir(entorno: Entorno) -> list[Resultado]:
    """Median time and peak memory of importing 10,000 Excel rows into the large dataset."""
    carpeta = Path(entorno.carpeta)
    archivo = generar_libro(entorno.url_grande, carpeta / "importacion_10000.xlsx")
    tiempos, extras, picos = importar_en_copias(
        entorno.url_grande, archivo, carpeta, max(1, min(entorno.repeticiones, 3))
    )
    tiempos_ordenados = sorted(tiempos)
    mediana_s = tiempos_ordenados[len(tiempos) // 2]
    extra = max(extras)
    return [
        Resultado(
            nombre=f"Importación Excel de {FILAS:,} filas (lectura + análisis + escritura)",
            valor=round(mediana_s, 2),
            unidad="s",
            objetivo=f"≤ {OBJETIVO_S:.0f} s",
            cumple=mediana_s <= OBJETIVO_S,
            nota=f"{len(tiempos)} importaciones, cada una en una copia nueva del conjunto grande",
            muestras=[round(t, 3) for t in tiempos],
        ),
        Resultado(
            nombre="Importación: memoria añadida al proceso (pico de RSS − RSS inicial)",
            valor=round(extra, 1),
            unidad="MiB",
            objetivo=f"≤ {OBJETIVO_MIB} MiB",
            cumple=extra <= OBJETIVO_MIB,
            nota=f"pico de RSS del proceso {max(picos):.0f} MiB; libro leído en modo read_only",
            muestras=[round(e, 1) for e in extras],
        ),
    ]


if __name__ == "__main__":
    segundos, antes, pico = importar(sys.argv[1], Path(sys.argv[2]))
    print(f"{segundos:.4f} {antes:.1f} {pico:.1f}")
