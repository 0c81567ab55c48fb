"""Municipal scale (issue 18): 1,800 governments next to 26, measured side by side.

Two databases from the same generator (`bench/datos_grandes.poblar(anios=1, indicadores=12)`):
26 governments (the demo's) and 1,800 (the demo's plus provincial and district municipalities
under their regions). With the page store off (every request reads the data and renders):

- every page's p95 at N=1,800 (target ≤ 50 ms) and its ratio to the same page at N=26, the two
  measured alternately, request by request (target ≤ 1.5 ×; a single-region user's ≤ 1.2 ×);
- the import of one whole semester at N=1,800 (21,540 rows) in a child process on a fresh copy
  of the database: seconds (≤ 5 s) and memory added (≤ 150 MiB);
- real pages under gunicorn at N=1,800 as a share of the trivial route's throughput (≥ 30 %);
- the national report of that semester at N=1,800, built in a child process: seconds (≤ 5 s),
  peak memory (≤ 200 MB) and pages.

    python -m bench.municipal informe URL PERIODO   (child: prints "segundos rss_pico paginas")
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.comun import Entorno, Resultado, aplicacion, percentil

ENTIDADES = 1_800
PERIODO = "2021-2"
FILAS_IMPORTACION = 21_540
OBJETIVO_MS = 50.0
OBJETIVO_PROPORCION = 1.5
OBJETIVO_PROPIA = 1.2
OBJETIVO_IMPORTACION_S = 5.0
OBJETIVO_IMPORTACION_MIB = 150
OBJETIVO_INFORME_S = 5.0
OBJETIVO_INFORME_MB = 200
OBJETIVO_GUNICORN = 0.3
REPETICIONES = 30
CLAVE = "demo-convenios-2020"
CUENTAS = {
    "odes": "odes@demo.trabajo.gob.pe",
    "drtpe": "drtpe.loreto@demo.trabajo.gob.pe",
    "direccion": "dnccl@demo.trabajo.gob.pe",
    "revisor": "revisor@demo.pcm.gob.pe",
}
#: (page, role, address): the pages whose size grows with the number of governments.
PAGINAS = [
    *((f"Tablero ({rol})", rol, "/tablero") for rol in CUENTAS),
    ("Anexo 4: lista del semestre (odes)", "odes", f"/convenios/anexo4?periodo={PERIODO}"),
    ("Anexo 4: lista del semestre (drtpe)", "drtpe", f"/convenios/anexo4?periodo={PERIODO}"),
    ("Resultados (odes)", "odes", f"/convenios/anexo4/resultados?periodo={PERIODO}"),
    ("Resultados (drtpe)", "drtpe", f"/convenios/anexo4/resultados?periodo={PERIODO}"),
    ("Completitud (odes)", "odes", f"/convenios/anexo4/completitud?periodo={PERIODO}"),
    ("Tablero del informe (odes)", "odes", f"/informes/tablero?periodo={PERIODO}"),
    ("Tablero del informe (drtpe)", "drtpe", f"/informes/tablero?periodo={PERIODO}"),
    ("Convenios (odes)", "odes", "/convenios/"),
    ("Convenios (drtpe)", "drtpe", "/convenios/"),
    ("Catálogo de regiones (odes)", "odes", "/catalogo/regiones"),
]


def preparar(carpeta: str, url_base: str | None) -> tuple[str, str]:
    """The two databases (PostgreSQL when url_base names a server, else SQLite files)."""
    from bench import datos_grandes

    urls = []
    for n in (26, ENTIDADES):
        if url_base:
            nombre = f"bench_municipal_{n}"
            admin = sa.create_engine(f"{url_base}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as conexion:
                conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
                conexion.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
            admin.dispose()
            url = f"{url_base}/{nombre}"
        else:
            url = f"sqlite:///{carpeta}/municipal_{n}.db"
        datos_grandes.poblar(url, anios=1, regiones=n, indicadores=12)
        urls.append(url)
    return urls[0], urls[1]


def _clientes(app) -> dict:
    clientes = {}
    for rol, email in CUENTAS.items():
        cliente = app.test_client()
        if cliente.post("/login", data={"email": email, "clave": CLAVE}).status_code != 302:
            raise RuntimeError(f"No se pudo entrar como {rol}")
        clientes[rol] = cliente
    return clientes


def medir_paginas(url_26: str, url_n: str, repeticiones: int = REPETICIONES):
    """Per page: samples (s) at N=26 and at N=1,800, taken alternately, and the 1,800 SQL count."""
    from sqlalchemy import event

    apps = [aplicacion(url, paginas_guardadas=False) for url in (url_26, url_n)]
    for app in apps:
        app.config["WTF_CSRF_ENABLED"] = False
    clientes = [_clientes(app) for app in apps]
    cuenta = [0]

    def contar(*_a, **_k):
        cuenta[0] += 1

    salida = []
    for nombre, rol, ruta in PAGINAS:
        for lado in clientes:
            for _ in range(3):
                respuesta = lado[rol].get(ruta)
                if respuesta.status_code != 200:
                    raise RuntimeError(f"{ruta} como {rol}: {respuesta.status_code}")
        event.listen(sa.engine.Engine, "before_cursor_execute", contar)
        cuenta[0] = 0
        clientes[1][rol].get(ruta)
        consultas = cuenta[0]
        event.remove(sa.engine.Engine, "before_cursor_execute", contar)
        muestras: list[list[float]] = [[], []]
        for i in range(2 * repeticiones):
            lado = i % 2 if (i // 2) % 2 == 0 else 1 - i % 2  # A B, B A, …
            inicio = time.perf_counter()
            clientes[lado][rol].get(ruta)
            muestras[lado].append(time.perf_counter() - inicio)
        salida.append((nombre, rol, ruta, muestras[0], muestras[1], consultas))
    for app in apps:
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    return salida


def medir_importacion(url_n: str, carpeta: Path) -> tuple[list[float], list[float], float]:
    """Import one semester's 21,540 rows into fresh copies: seconds, MiB added, peak RSS."""
    from bench import importacion

    archivo = carpeta / "municipal_semestre.xlsx"
    importacion.generar_libro(url_n, archivo, FILAS_IMPORTACION, periodo=PERIODO)
    tiempos, extras, picos = importacion.importar_en_copias(url_n, archivo, carpeta, 3)
    return tiempos, extras, max(picos)


def informe(url: str, periodo: str) -> tuple[float, float, int]:
    """Build the semester's national report PDF: (seconds, peak RSS in MB, pages)."""
    import io

    from pypdf import PdfReader

    from app.extensions import db
    from app.informes import informe as datos_informe
    from app.informes import pdf

    app = aplicacion(url)
    with app.app_context(), app.test_request_context():
        db.session.execute(sa.text("SELECT 1"))
        inicio = time.perf_counter()
        contenido = pdf.informe_pdf(datos_informe.datos_informe(periodo))
        segundos = time.perf_counter() - inicio
        db.session.remove()
        db.engine.dispose()
    from bench.importacion import _rss_mib

    pico = _rss_mib() * 1024 * 1024 / 1e6  # MB, as the target is written
    return segundos, pico, len(PdfReader(io.BytesIO(contenido)).pages)


def medir_informe(url_n: str) -> tuple[list[float], float, int]:
    """The national report at N=1,800, three builds, each in its own process."""
    tiempos, pico_max, paginas = [], 0.0, 0
    for _ in range(3):
        salida = subprocess.run(
            [sys.executable, "-m", "bench.municipal", "informe", url_n, PERIODO],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        segundos, pico, paginas = salida.stdout.split()[-3:]
        tiempos.append(float(segundos))
        pico_max = max(pico_max, float(pico))
    return tiempos, pico_max, int(paginas)


#: A signed-in page that shows no data (the catalogue's index): the layout's own cost.
PISO = "Índice del catálogo (solo el diseño)"


def _servidor(url_n: str) -> list[Resultado]:
    """gunicorn at N=1,800 with the page store off: real pages against the trivial route."""
    from bench import servidor

    otras = {
        "Tablero": "/tablero",
        "Resultados": f"/convenios/anexo4/resultados?periodo={PERIODO}",
        PISO: "/catalogo/",
    }
    cifras = servidor.medir_servidor(url_n, guardadas=False, otras=otras)
    trivial, _e = cifras.pop("trivial (/salud)")
    piso, errores_piso = cifras.pop(PISO)
    # Not a target: what any signed-in page costs before it shows any data.
    salida = [
        Resultado(
            f"gunicorn sin páginas guardadas: {PISO} (drtpe) / trivial",
            round(100 * piso / trivial, 1) if trivial else 0.0,
            "%",
            "referencia",
            errores_piso == 0,
            f"{piso:,.0f} frente a {trivial:,.0f} solicitudes/s; el piso de toda página con "
            "sesión (el diseño: menú, avisos, usuario), sin datos",
        )
    ]
    for nombre, (por_segundo, errores) in cifras.items():
        proporcion = por_segundo / trivial if trivial else 0.0
        salida.append(
            Resultado(
                f"gunicorn sin páginas guardadas, N={ENTIDADES:,}: {nombre} (drtpe) / trivial",
                round(100 * proporcion, 1),
                "%",
                f"≥ {OBJETIVO_GUNICORN:.0%}".replace("%", " %"),
                proporcion >= OBJETIVO_GUNICORN and errores == 0,
                f"{por_segundo:,.0f} frente a {trivial:,.0f} solicitudes/s; {errores} errores; "
                f"{servidor.TRABAJADORES} procesos, {servidor.CLIENTES} clientes",
            )
        )
    return salida


def medir(entorno: Entorno) -> list[Resultado]:
    """Pages at 1,800 against 26, the semester's import and the national report at 1,800."""
    carpeta = Path(entorno.carpeta)
    base = entorno.url_real.rsplit("/", 1)[0] if entorno.url_real.startswith("postgres") else None
    inicio = time.perf_counter()
    url_26, url_n = preparar(str(carpeta), base)
    preparados = time.perf_counter() - inicio
    resultados = []
    for nombre, rol, ruta, pocas, muchas, consultas in medir_paginas(url_26, url_n):
        p95_26, p95_n = percentil(pocas, 95) * 1000, percentil(muchas, 95) * 1000
        proporcion = p95_n / p95_26 if p95_26 else 0.0
        limite = OBJETIVO_PROPIA if rol == "drtpe" else OBJETIVO_PROPORCION
        resultados.append(
            Resultado(
                f"N={ENTIDADES:,}: p95 {nombre}",
                round(p95_n, 1),
                "ms",
                f"≤ {OBJETIVO_MS:.0f} ms",
                p95_n <= OBJETIVO_MS,
                f"{ruta}; {consultas} consultas SQL; páginas guardadas desactivadas",
                [round(m * 1000, 2) for m in muchas],
            )
        )
        resultados.append(
            Resultado(
                f"N={ENTIDADES:,} / N=26: {nombre}",
                round(proporcion, 2),
                "×",
                f"≤ {limite} ×",
                proporcion <= limite,
                f"p95 {p95_n:.1f} ms frente a {p95_26:.1f} ms, medidas alternadas",
            )
        )
    resultados += _servidor(url_n)
    tiempos, extras, pico = medir_importacion(url_n, carpeta)
    mediana = sorted(tiempos)[len(tiempos) // 2]
    resultados += [
        Resultado(
            f"Importación de un semestre a N={ENTIDADES:,} ({FILAS_IMPORTACION:,} filas)",
            round(mediana, 2),
            "s",
            f"≤ {OBJETIVO_IMPORTACION_S:.0f} s",
            mediana <= OBJETIVO_IMPORTACION_S,
            f"mediana de {len(tiempos)}, cada una en una copia nueva; crea los "
            f"{FILAS_IMPORTACION // 12:,} Anexos 4 del semestre y los aprueba",
            [round(t, 3) for t in tiempos],
        ),
        Resultado(
            "Importación municipal: memoria añadida (pico de RSS − RSS inicial)",
            round(max(extras), 1),
            "MiB",
            f"≤ {OBJETIVO_IMPORTACION_MIB} MiB",
            max(extras) <= OBJETIVO_IMPORTACION_MIB,
            f"pico de RSS del proceso {pico:.0f} MiB",
        ),
    ]
    tiempos, pico, paginas = medir_informe(url_n)
    mediana = sorted(tiempos)[len(tiempos) // 2]
    resultados += [
        Resultado(
            f"Informe nacional {PERIODO} a N={ENTIDADES:,} (datos + PDF)",
            round(mediana, 2),
            "s",
            f"≤ {OBJETIVO_INFORME_S:.0f} s",
            mediana <= OBJETIVO_INFORME_S,
            f"{paginas} páginas; mediana de {len(tiempos)} procesos",
            [round(t, 3) for t in tiempos],
        ),
        Resultado(
            f"Informe nacional a N={ENTIDADES:,}: pico de memoria del proceso",
            round(pico),
            "MB",
            f"≤ {OBJETIVO_INFORME_MB} MB",
            pico <= OBJETIVO_INFORME_MB,
            f"datos de N={ENTIDADES:,} preparados en {preparados:.0f} s (con los de N=26)",
        ),
    ]
    return resultados


if __name__ == "__main__":
    if sys.argv[1] == "informe":
        segundos, pico, paginas = informe(sys.argv[2], sys.argv[3])
        print(f"{segundos:.4f} {pico:.1f} {paginas}")
