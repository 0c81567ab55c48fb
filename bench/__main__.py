"""`python -m bench` (make bench): prepare both datasets, run every section, write the figures.

PostgreSQL is used when 127.0.0.1:5432 answers (private databases `bench_real` and
`bench_grande`, dropped and created on every run); otherwise SQLite files in a temporary folder.
The results are printed and written to docs/performance.md between its generated-section
markers; the rest of that file (what each change gained) is kept as written.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import socket
import sys
import time
import traceback
from pathlib import Path

import sqlalchemy as sa

from bench.comun import Entorno, Resultado, carpeta_temporal

RAIZ = Path(__file__).resolve().parent.parent
DOC = RAIZ / "docs" / "performance.md"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BASES = ("bench_real", "bench_grande")
#: Sections in running order; `informe` belongs to the report-speed work and may be missing.
#: `tiempo_login` (issue 14) comes last: its failed logins write audit rows. `almacenamiento`
#: (issue 17) writes and removes its own files only. `municipal` (issue 18) prepares and uses
#: its own two databases (26 and 1,800 governments).
SECCIONES = (
    "paginas",
    "informe",
    "importacion",
    "servidor",
    "municipal",
    "almacenamiento",
    "tiempo_login",
)
INICIO = "<!-- bench:inicio (generado por `make bench`; no editar a mano) -->"
FIN = "<!-- bench:fin -->"


def _hay_postgres() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _bases(carpeta: str) -> tuple[str, str, str]:
    """URLs of the two empty databases and a description of the engine used."""
    if _hay_postgres():
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conexion:
                for nombre in BASES:
                    conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
                    conexion.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
                version = conexion.execute(sa.text("SHOW server_version")).scalar_one()
        finally:
            admin.dispose()
        real, grande = (PG_ADMIN.rsplit("/", 1)[0] + f"/{n}" for n in BASES)
        return real, grande, f"PostgreSQL {version} (local, 127.0.0.1)"
    import sqlite3

    return (
        f"sqlite:///{carpeta}/bench_real.db",
        f"sqlite:///{carpeta}/bench_grande.db",
        f"SQLite {sqlite3.sqlite_version} (archivos temporales: no respondió PostgreSQL)",
    )


def _maquina(motor: str) -> list[str]:
    """The machine's description: CPU, cores, RAM, Python, database, libraries, date."""
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    try:
        for linea in Path("/proc/cpuinfo").read_text().splitlines():
            if linea.startswith("model name"):
                cpu = linea.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for linea in Path("/proc/meminfo").read_text().splitlines():
            if linea.startswith("MemTotal"):
                ram = f"{int(linea.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [
        f"- CPU: {cpu}; núcleos disponibles: {os.cpu_count()}; RAM: {ram}",
        f"- Sistema: {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, Flask {version('flask')}, "
        f"SQLAlchemy {version('sqlalchemy')}, gunicorn {version('gunicorn')}",
        f"- Base de datos: {motor}",
        f"- Fecha: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
    ]


def _referencia_cpu() -> float:
    """Seconds for 10 million additions in plain Python (median of 3): how fast this CPU is now.

    On a shared host it varies from one run to the next (1.0–1.6 s seen within minutes on
    2026-11-23): read every other figure against this one.
    """
    tiempos = []
    for _ in range(3):
        inicio = time.perf_counter()
        suma = 0
        for i in range(10_000_000):
            suma += i
        tiempos.append(time.perf_counter() - inicio)
    return sorted(tiempos)[1]


def _seccion(nombre: str, entorno: Entorno) -> tuple[list[Resultado], str]:
    """Run bench.<nombre>.medir; a missing or failing section gives a note, not a crash."""
    try:
        modulo = importlib.import_module(f"bench.{nombre}")
    except ImportError as error:
        return [], f"sección `{nombre}` omitida: no se pudo importar ({error})"
    try:
        return list(modulo.medir(entorno)), ""
    except Exception as error:  # noqa: BLE001 - one broken section must not hide the others
        traceback.print_exc()
        primera = (str(error).splitlines() or [""])[0]
        return [], f"sección `{nombre}` falló: {type(error).__name__}: {primera}"


def _formato(valor: float) -> str:
    return f"{valor:,.0f}" if abs(valor) >= 100 else f"{valor:.2f}".rstrip("0").rstrip(".")


def _tabla(resultados: list[tuple[str, Resultado]]) -> list[str]:
    lineas = [
        "| Sección | Medida | Valor | Objetivo | ¿Cumple? | Nota |",
        "|---|---|---|---|---|---|",
    ]
    for seccion, r in resultados:
        marca = "✔" if r.cumple else "✘"
        nota = r.nota.replace("|", "\\|")
        lineas.append(
            f"| {seccion} | {r.nombre} | {_formato(r.valor)} {r.unidad} | {r.objetivo} "
            f"| {marca} | {nota} |"
        )
    return lineas


def _escribir(bloque: list[str]) -> None:
    """Replace the generated block of docs/performance.md, keeping the hand-written rest."""
    texto = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    nuevo = "\n".join([INICIO, *bloque, FIN])
    if INICIO in texto and FIN in texto:
        antes, resto = texto.split(INICIO, 1)
        despues = resto.split(FIN, 1)[1]
        texto = antes + nuevo + despues
    else:
        texto = f"# Rendimiento\n\n{nuevo}\n" + (f"\n{texto}" if texto else "")
    DOC.write_text(texto, encoding="utf-8")


def main() -> int:
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--repeticiones", type=int, default=5)
    argumentos.add_argument("--solo", nargs="*", choices=SECCIONES, help="secciones a correr")
    argumentos.add_argument("--sin-doc", action="store_true", help="no escribir el documento")
    a = argumentos.parse_args()

    from bench import datos_grandes

    comienzo = time.perf_counter()
    carga_inicial = os.getloadavg()[0]
    cpu_inicial = _referencia_cpu()
    carpeta = carpeta_temporal("bench-")
    url_real, url_grande, motor = _bases(carpeta)
    print(f"Base de datos: {motor}", flush=True)
    inicio = time.perf_counter()
    datos_grandes.preparar_real(url_real)
    t_real = time.perf_counter() - inicio
    inicio = time.perf_counter()
    datos_grandes.poblar(url_grande)
    t_grande = time.perf_counter() - inicio
    print(f"Datos: real en {t_real:.1f} s, grande en {t_grande:.1f} s", flush=True)
    filas_real = datos_grandes.contar_filas(url_real)
    filas_grande = datos_grandes.contar_filas(url_grande)
    entorno = Entorno(url_real, url_grande, repeticiones=a.repeticiones, carpeta=carpeta)

    resultados: list[tuple[str, Resultado]] = []
    notas: list[str] = []
    for nombre in a.solo or SECCIONES:
        print(f"\n== {nombre} ==", flush=True)
        inicio = time.perf_counter()
        medidos, nota = _seccion(nombre, entorno)
        for r in medidos:
            marca = "✔" if r.cumple else "✘"
            print(f"  {marca} {r.nombre}: {_formato(r.valor)} {r.unidad} ({r.objetivo}) {r.nota}")
        if nota:
            print(f"  NOTA: {nota}")
            notas.append(nota)
        print(f"  ({time.perf_counter() - inicio:.0f} s)", flush=True)
        resultados.extend((nombre, r) for r in medidos)

    total = time.perf_counter() - comienzo
    cumplen = sum(r.cumple for _s, r in resultados)
    print(f"\n{cumplen} de {len(resultados)} cifras cumplen su objetivo; {total:.0f} s en total.")
    bloque = [
        "## Máquina",
        "",
        *_maquina(motor),
        f"- Carga media (1 min) al empezar y al terminar: {carga_inicial:.1f} y "
        f"{os.getloadavg()[0]:.1f} (con {os.cpu_count()} núcleos; más es máquina compartida)",
        f"- Velocidad de referencia (10 millones de sumas en Python, mediana de 3) al empezar y al "
        f"terminar: {cpu_inicial:.2f} s y {_referencia_cpu():.2f} s (menos es más rápido)",
        "",
        "## Datos",
        "",
        f"Preparados por `bench/datos_grandes.py` en {t_real:.1f} s (real) y {t_grande:.1f} s "
        "(grande: 20 años × 2 semestres × 26 regiones × 30 IdG, generado con semilla fija "
        "alrededor de los datos reales de 2020–2021).",
        "",
        "| Tabla | Real | Grande |",
        "|---|---|---|",
        *(f"| `{t}` | {filas_real[t]:,} | {filas_grande[t]:,} |" for t in filas_real),
        "",
        f"## Cifras ({a.repeticiones} repeticiones; medianas salvo que se indique)",
        "",
        *_tabla(resultados),
        "",
        f"{cumplen} de {len(resultados)} cifras cumplen su objetivo; `make bench` tardó "
        f"{total:.0f} s.",
        *(f"\n> {n}" for n in notas),
    ]
    if not a.sin_doc and not a.solo:
        _escribir(bloque)
        print(f"Escrito {DOC.relative_to(RAIZ)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
