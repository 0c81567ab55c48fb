"""What every benchmark section shares: the datasets it runs on and the shape of a result.

`python -m bench` (make bench) prepares the two datasets once, hands an `Entorno` to each
section's `medir(entorno) -> list[Resultado]`, prints the results and writes
docs/performance.md.
"""

from __future__ import annotations

import atexit
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entorno:
    """Where the benchmarks run: database URLs of both datasets and how often to repeat."""

    url_real: str  # demo data of the documents: 26 regions, 12 IdG, 2020–2021
    url_grande: str  # generated: 20 years × 2 semesters × 26 regions × 30 IdG
    repeticiones: int = 5
    carpeta: str = ""  # a scratch folder for files the sections write (reports, imports)


@dataclass
class Resultado:
    """One measured figure, its target and whether it was met."""

    nombre: str
    valor: float
    unidad: str  # "s", "ms", "×", "req/s", "MiB", "consultas", "dpi"
    objetivo: str  # the target as written in issue 7, e.g. "≤ 3 s"
    cumple: bool
    nota: str = ""
    muestras: list[float] = field(default_factory=list)


def mediana(funcion: Callable[[], object], repeticiones: int) -> tuple[float, list[float]]:
    """Run `funcion` `repeticiones` times; return the median and every sample, in seconds."""
    muestras = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        funcion()
        muestras.append(time.perf_counter() - inicio)
    return statistics.median(muestras), muestras


def percentil(muestras: list[float], p: float) -> float:
    """The p-th percentile (0–100) of the samples, by the inclusive method."""
    if len(muestras) == 1:
        return muestras[0]
    return statistics.quantiles(muestras, n=100, method="inclusive")[round(p) - 1]


def carpeta_temporal(prefijo: str) -> str:
    """A scratch folder removed when the process ends (benchmarks leave nothing in /tmp)."""
    carpeta = tempfile.mkdtemp(prefix=prefijo)
    atexit.register(shutil.rmtree, carpeta, ignore_errors=True)
    return carpeta


def aplicacion(url: str, carpeta: str | None = None, paginas_guardadas: bool = True):
    """A production-like app (no debug, no testing) bound to the database at `url`.

    `paginas_guardadas=False` turns the page store off (NullCache), to time the rendering.
    """
    from app import create_app
    from config import DevelopmentConfig

    class ConfigBench(DevelopmentConfig):
        DEBUG = False
        TESTING = False
        SQLALCHEMY_DATABASE_URI = url
        ARCHIVOS_DIR = carpeta or carpeta_temporal("bench-archivos-")
        CACHE_TYPE = "SimpleCache" if paginas_guardadas else "NullCache"

    # Flask-Caching warns that NullCache stores nothing: that is the point here.
    warnings.filterwarnings("ignore", message="Flask-Caching: CACHE_TYPE is set to NullCache")

    return create_app(ConfigBench)
