"""Speed of the situational report: built from scratch, against its floor, again, with history.

Every build goes through the path a user takes: ODES signs in, POSTs "generar informe final"
(TAREAS_MODO="sincrono", so the build runs inside the request: data, PDF, stored file) and GETs the
stored file. Figures (issue 7; the floor's ratio from issue 18):

- from scratch (no stored file): II Semestre 2020 of the real data, median ≤ 3 s;
- ≤ 1.2 × the floor measured in the same run (`bench/piso_informe.py`: the same pages drawn
  from a plain dict in one layout pass, no app, no database);
- again with unchanged data (served from the stored file): ≤ 0.5 s;
- charts sharp in print: vector (no raster image in the PDF), or raster ≥ 150 dpi;
- with 20 years of history ≤ 1.1 × with one year: the same semester (II-2020) in a database
  generated with 20 years and in one generated with only 2020–2021 (same generator, which
  draws each semester's figures on their own: both give the same report data, checked by its
  version hash), measured alternately.

Both ratios are the median of n (≥ 11) paired ratios, each pair measured back to back and
either side first in turn, so that on a shared machine both sides of a pair see the same load
and a drift favours neither (the note gives the plain medians).

    python -m bench.informe --url sqlite:///real.db [--grande sqlite:///grande.db] [-n 5]
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from bench.comun import Entorno, Resultado, aplicacion, carpeta_temporal

PERIODO = "2020-2"
CUENTA, CLAVE = "odes@demo.trabajo.gob.pe", "demo-convenios-2020"
BASE_UN_ANIO = "bench_informe_un_anio"


class Sesion:
    """An app on one database with ODES signed in, building the report through its routes."""

    def __init__(self, url: str, carpeta: str):
        self.app = aplicacion(url, carpeta)
        self.app.config.update(WTF_CSRF_ENABLED=False, TAREAS_MODO="sincrono")
        self.cliente = self.app.test_client()
        respuesta = self.cliente.post("/login", data={"email": CUENTA, "clave": CLAVE})
        if respuesta.status_code != 302:
            raise RuntimeError(f"No se pudo entrar como ODES: {respuesta.status_code}")

    def olvidar(self) -> None:
        """Delete the semester's stored files and jobs, so the next build starts from scratch."""
        from app.comun import almacenamiento
        from app.convenios.models import Periodo
        from app.extensions import db
        from app.informes import services
        from app.informes.models import ArchivoInforme, GeneracionInforme, Informe

        with self.app.app_context():
            anio, semestre = PERIODO.split("-")
            informe = db.session.scalar(
                sa.select(Informe)
                .join(Periodo, Informe.periodo_id == Periodo.id)
                .where(Periodo.anio == int(anio), Periodo.semestre == int(semestre))
            )
            if informe is None:
                return
            for archivo in informe.archivos:
                almacenamiento.borrar_al_confirmar(services.CARPETA_ARCHIVOS, archivo.ruta)
            db.session.execute(sa.delete(GeneracionInforme).filter_by(informe_id=informe.id))
            db.session.execute(sa.delete(ArchivoInforme).filter_by(informe_id=informe.id))
            db.session.commit()
            db.session.remove()

    def pedir(self) -> bytes:
        """POST generar (final) and download the stored file: what the user's clicks cost."""
        from app.extensions import db
        from app.informes.models import ArchivoInforme

        respuesta = self.cliente.post(f"/informes/{PERIODO}/generar", data={"tipo": "final"})
        if respuesta.status_code != 302:
            raise RuntimeError(f"generar respondió {respuesta.status_code}")
        with self.app.app_context():
            archivo_id = db.session.scalar(
                sa.select(ArchivoInforme.id)
                .where(ArchivoInforme.borrador.is_(False))
                .order_by(ArchivoInforme.id.desc())
                .limit(1)
            )
            db.session.remove()
        if archivo_id is None:
            raise RuntimeError("generar no dejó ningún archivo")
        descarga = self.cliente.get(f"/informes/archivos/{archivo_id}")
        if descarga.status_code != 200 or not descarga.data.startswith(b"%PDF"):
            raise RuntimeError(f"la descarga respondió {descarga.status_code}")
        return descarga.data

    def cerrar(self) -> None:
        """Close the app's database connections (a later section may copy this database)."""
        from app.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def desde_cero(self) -> bytes:
        self.olvidar()
        return self.pedir()

    def datos_piso(self) -> dict:
        """The semester's data as the floor's plain dict (not timed)."""
        from app.informes import informe
        from bench.piso_informe import volcar

        with self.app.app_context():
            return volcar(informe.datos_informe(PERIODO))

    def estructura(self) -> tuple[int, int, int, str]:
        """(regions evaluated, IdG, charts, version hash of its data) of the semester's report."""
        from app.informes import informe

        with self.app.app_context():
            d = informe.datos_informe(PERIODO)
            filas = len(d.comparacion.filas) if d.comparacion else 0
            graficos = 1 + len(d.resultados_regiones) + len(d.resultados_idg) + filas
            return len(d.resultados_regiones), len(d.indicadores), graficos, informe.huella(d)


def imagenes_rasterizadas(contenido: bytes) -> int:
    """How many raster images the PDF's pages place (0: every chart is vector graphics)."""
    from pypdf import PdfReader

    return sum(len(pagina.images) for pagina in PdfReader(io.BytesIO(contenido)).pages)


def _proporcion(a: list[float], b: list[float]) -> float:
    """Median of the ratios of paired samples (a[i] and b[i] were taken one after the other,
    so they share the machine's load of that moment)."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def _cronometrar(funcion) -> float:
    """Seconds `funcion` takes, starting from a collected heap: otherwise whichever side
    happens to trigger the process's periodic full garbage collection pays ~0.1 s for both."""
    gc.collect()
    inicio = time.perf_counter()
    funcion()
    return time.perf_counter() - inicio


def _url_un_anio(url_grande: str, carpeta: str) -> str:
    """An empty database next to the large one (same engine) for the one-year history."""
    if not url_grande.startswith("postgresql"):
        return f"sqlite:///{carpeta}/{BASE_UN_ANIO}.db"
    admin_url = url_grande.rsplit("/", 1)[0] + "/postgres"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conexion:
            conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{BASE_UN_ANIO}" WITH (FORCE)'))
            conexion.execute(sa.text(f'CREATE DATABASE "{BASE_UN_ANIO}"'))
    finally:
        admin.dispose()
    return url_grande.rsplit("/", 1)[0] + f"/{BASE_UN_ANIO}"


def medir(entorno: Entorno) -> list[Resultado]:
    """The report figures of issues 7 and 18 (see the module docstring)."""
    sesiones: list[Sesion] = []
    try:
        return _medir(entorno, sesiones)
    finally:
        for sesion in sesiones:
            sesion.cerrar()


def _medir(entorno: Entorno, sesiones: list[Sesion]) -> list[Resultado]:
    from bench import piso_informe

    n = max(entorno.repeticiones, 3)
    # The ratios need more samples than a median: each pair is two single builds on a shared
    # machine, and one busy second can move one side of a pair by 20 %.
    pares = max(entorno.repeticiones, 11)
    carpeta = entorno.carpeta or carpeta_temporal("bench-informe-")
    resultados: list[Resultado] = []

    real = Sesion(entorno.url_real, str(Path(carpeta) / "archivos-real"))
    sesiones.append(real)
    regiones, idg, n_graficos, _huella = real.estructura()
    datos = real.datos_piso()
    contenido = real.desde_cero()  # warm-up: imports, fonts, first-request setup
    piso_informe.construir(datos)
    muestras, muestras_piso = [], []
    for i in range(pares):  # alternated, so a busy moment of the machine hits both alike
        real.olvidar()  # not timed: the stored file and its row go, the build starts over
        # Either side first in turn (A B, B A, …), so a drift of the machine favours neither.
        lados = [
            (muestras, real.pedir),
            (muestras_piso, lambda: piso_informe.construir(datos)),
        ]
        for lista, funcion in lados if i % 2 == 0 else lados[::-1]:
            lista.append(_cronometrar(funcion))
    cero, piso = statistics.median(muestras), statistics.median(muestras_piso)
    resultados.append(
        Resultado(
            f"Informe {PERIODO} desde cero (generar + descargar)",
            cero,
            "s",
            "≤ 3 s",
            cero <= 3.0,
            f"{regiones} G/DRTPE, {idg} IdG, {n_graficos} gráficos; "
            f"{len(contenido) // 1024} KB; sin archivo guardado",
            muestras,
        )
    )

    resultados.append(
        Resultado(
            "Piso: las mismas páginas desde un dict (bench/piso_informe.py)",
            piso,
            "s",
            "referencia",
            True,
            "sin app, sin base de datos, sin ORM; una sola pasada de maquetación",
            muestras_piso,
        )
    )
    proporcion = _proporcion(muestras, muestras_piso)
    resultados.append(
        Resultado(
            "Informe desde cero / piso",
            proporcion,
            "×",
            "≤ 1.2 ×",
            proporcion <= 1.2,
            f"mediana de {pares} pares alternados; medianas {cero:.2f} s / {piso:.2f} s",
        )
    )

    real.pedir()
    muestras = [_cronometrar(real.pedir) for _ in range(n)]
    otra_vez = statistics.median(muestras)
    resultados.append(
        Resultado(
            "El mismo informe otra vez, datos sin cambios",
            otra_vez,
            "s",
            "≤ 0.5 s",
            otra_vez <= 0.5,
            "archivo guardado por versión de datos (generar + descargar)",
            muestras,
        )
    )

    raster = imagenes_rasterizadas(contenido)
    resultados.append(
        Resultado(
            "Gráficos del PDF: imágenes rasterizadas",
            raster,
            "imágenes",
            "vectorial, o ≥ 150 dpi",
            not raster,
            "vectorial: gráficos dibujados con trazos y texto de ReportLab"
            if not raster
            else "hay imágenes rasterizadas",
        )
    )

    from bench import datos_grandes

    inicio = time.perf_counter()
    url_un_anio = _url_un_anio(entorno.url_grande, carpeta)
    datos_grandes.poblar(url_un_anio, anios=2)
    preparar = time.perf_counter() - inicio
    uno = Sesion(url_un_anio, str(Path(carpeta) / "archivos-un-anio"))
    grande = Sesion(entorno.url_grande, str(Path(carpeta) / "archivos-grande"))
    sesiones += [uno, grande]
    forma_uno, forma_grande = uno.estructura(), grande.estructura()
    uno.desde_cero()
    grande.desde_cero()
    t_uno, t_grande = [], []
    for i in range(pares):  # alternated, either side first in turn, as above
        lados = [(uno, t_uno), (grande, t_grande)]
        for sesion, muestras in lados if i % 2 == 0 else lados[::-1]:
            sesion.olvidar()
            muestras.append(_cronometrar(sesion.pedir))
    m_uno, m_grande = statistics.median(t_uno), statistics.median(t_grande)
    proporcion = _proporcion(t_grande, t_uno)
    resultados.append(
        Resultado(
            f"Informe {PERIODO} con 20 años de historia / con 1 año",
            proporcion,
            "×",
            "≤ 1.1 ×",
            proporcion <= 1.1 and forma_uno == forma_grande,
            f"mediana de {pares} pares alternados; medianas {m_grande:.2f} s / {m_uno:.2f} s; "
            "mismo semestre, "
            f"{forma_grande[0]} G/DRTPE, "
            f"{forma_grande[1]} IdG, {forma_grande[2]} gráficos en ambas bases "
            + (
                "(los mismos datos: huella igual); "
                if forma_uno == forma_grande
                else f"(distintos: 1 año {forma_uno[:3]}, huella {forma_uno[3][:8]} frente a "
                f"{forma_grande[3][:8]}); "
            )
            + f"base de 1 año (2020–2021) generada en {preparar:.0f} s",
            t_grande,
        )
    )
    return resultados


def main() -> None:
    """Measure against the given databases (already prepared) and print the results."""
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--url", required=True, help="base con los datos reales (demo)")
    argumentos.add_argument("--grande", help="base con 20 años de historia (por omisión --url)")
    argumentos.add_argument("-n", "--repeticiones", type=int, default=5)
    a = argumentos.parse_args()
    carpeta = carpeta_temporal("bench-informe-")
    entorno = Entorno(a.url, a.grande or a.url, repeticiones=a.repeticiones, carpeta=carpeta)
    for r in medir(entorno):
        marca = "✔" if r.cumple else "✘"
        print(f"{marca} {r.nombre}: {r.valor:.3g} {r.unidad} ({r.objetivo}) {r.nota}")


if __name__ == "__main__":
    main()
