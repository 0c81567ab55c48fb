"""The one place where averages, goal compliance and completeness are computed.

Pure functions over plain data (no database, no Flask), used by the web pages, the Excel files
and the PDF alike, so they can never disagree.

Rule of the report (footnotes 5 and 7): a region's *desempeño promedio* is the sum of its IdG
results divided by the number of summands; cells that are not applicable, have no goal this
semester or whose goal was not sent are not summands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

VALOR = "valor"


@dataclass(frozen=True)
class Celda:
    """One region × IdG × semester cell as the calculations see it."""

    region: Hashable
    idg: Hashable
    estado: str
    programado: Decimal | None = None
    ejecutado: Decimal | None = None

    @property
    def es_sumando(self) -> bool:
        """Only cells with a value enter the averages."""
        return self.estado == VALOR and self.programado is not None and self.ejecutado is not None


@dataclass(frozen=True)
class Promedio:
    """Mean programmed and executed % over n summands (None when n = 0)."""

    programado: Decimal | None
    ejecutado: Decimal | None
    n: int

    @property
    def programado_pct(self) -> int | None:
        """Programmed mean rounded as the report prints it."""
        return redondear(self.programado)

    @property
    def ejecutado_pct(self) -> int | None:
        """Executed mean rounded as the report prints it."""
        return redondear(self.ejecutado)


def _decimal(valor) -> Decimal:
    return valor if isinstance(valor, Decimal) else Decimal(str(valor))


def redondear(valor: Decimal | float | None) -> int | None:
    """Round to a whole percentage, halves away from zero (47.5 → 48)."""
    if valor is None:
        return None
    return int(_decimal(valor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def porcentaje(parte: int, total: int) -> Decimal:
    """parte as a share of total, in % and unrounded (0 when total is 0).

    Coverage of the convenios, reports received: each page rounds it as it prints it.
    """
    return Decimal(100 * parte) / total if total else Decimal(0)


def porcentaje_razon(numerador: Decimal | float, denominador: Decimal | float) -> Decimal:
    """The executed % of a ratio IdG: numerador / denominador × 100, to 2 decimals with halves
    away from zero (1/3 → 33.33, 2/3 → 66.67, 12/40 → 30.00).

    Raises ValueError when denominador is not positive (a ratio of nothing has no %).
    """
    numerador, denominador = _decimal(numerador), _decimal(denominador)
    if denominador <= 0:
        raise ValueError("denominador must be positive")
    return (Decimal(100) * numerador / denominador).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def promedio(celdas: Iterable[Celda]) -> Promedio:
    """Average the summand cells (programmed and executed separately)."""
    sumandos = [c for c in celdas if c.es_sumando]
    if not sumandos:
        return Promedio(None, None, 0)
    n = len(sumandos)
    return Promedio(
        programado=sum((_decimal(c.programado) for c in sumandos), Decimal(0)) / n,
        ejecutado=sum((_decimal(c.ejecutado) for c in sumandos), Decimal(0)) / n,
        n=n,
    )


def _agrupar(celdas: Iterable[Celda], clave) -> dict:
    grupos: dict = defaultdict(list)
    for celda in celdas:
        grupos[clave(celda)].append(celda)
    return grupos


def desempeno_por_region(celdas: Iterable[Celda]) -> dict[Hashable, Promedio]:
    """Each region's desempeño promedio (Cuadros 04 and 05)."""
    return {r: promedio(cs) for r, cs in _agrupar(celdas, lambda c: c.region).items()}


def promedios_por_idg(celdas: Iterable[Celda]) -> dict[Hashable, Promedio]:
    """Each IdG's average across the regions with a value (Gráficos 20–31)."""
    return {i: promedio(cs) for i, cs in _agrupar(celdas, lambda c: c.idg).items()}


def promedio_de_promedios(promedios: Iterable[Promedio]) -> Promedio:
    """Roll-up of several entities (a region with its municipalities, a level of government):
    the mean of their desempeño promedio, each entity weighing once whatever its number of IdG;
    n counts the entities with a value."""
    con_valor = [p for p in promedios if p.n]
    if not con_valor:
        return Promedio(None, None, 0)
    n = len(con_valor)
    return Promedio(
        programado=sum((_decimal(p.programado) for p in con_valor), Decimal(0)) / n,
        ejecutado=sum((_decimal(p.ejecutado) for p in con_valor), Decimal(0)) / n,
        n=n,
    )


#: Lower bounds (whole %) of the bands of a distribution; the last band is open-ended.
CORTES_TRAMOS = (0, 25, 50, 75, 100)


def tramos(valores: Iterable[int | None], cortes: tuple[int, ...] = CORTES_TRAMOS) -> list[int]:
    """How many values fall in each band [corte, siguiente corte) — the last one open, values
    below the first cut counted in the first — followed by how many have no value."""
    cuentas = [0] * (len(cortes) + 1)
    for valor in valores:
        if valor is None:
            cuentas[-1] += 1
            continue
        banda = 0
        for i, corte in enumerate(cortes):
            if valor >= corte:
                banda = i
        cuentas[banda] += 1
    return cuentas


def cumplio(celda: Celda) -> bool | None:
    """Whether the region met the goal (executed ≥ programmed); None when there is no goal."""
    if not celda.es_sumando:
        return None
    return _decimal(celda.ejecutado) >= _decimal(celda.programado)


UMBRAL_LIGERAMENTE = 2


def veredicto(prom: Promedio) -> str | None:
    """Compare executed with programmed averages as printed (whole %).

    Returns "mayor", "ligeramente_mayor", "igual", "ligeramente_menor" or "menor"; a gap of
    at most UMBRAL_LIGERAMENTE points is "ligeramente" (IdG 10: 9 % vs 10 %).
    """
    if prom.n == 0:
        return None
    diferencia = prom.ejecutado_pct - prom.programado_pct
    if diferencia == 0:
        return "igual"
    sentido = "mayor" if diferencia > 0 else "menor"
    return f"ligeramente_{sentido}" if abs(diferencia) <= UMBRAL_LIGERAMENTE else sentido


@dataclass(frozen=True)
class Entrega:
    """A report expected from a region: when (if ever) it was received."""

    region: Hashable
    recibido: date | None
    #: The region's own due date (an extension), when it differs from the semester's
    limite: date | None = None


@dataclass(frozen=True)
class Completitud:
    """Expected, received, on-time, late and missing reports of one semester."""

    esperados: int
    recibidos: list[Hashable]
    a_tiempo: list[Hashable]
    tardios: list[tuple[Hashable, int]]
    faltantes: list[Hashable]

    @property
    def porcentaje_recibidos(self) -> Decimal:
        """Received as a % of expected."""
        return porcentaje(len(self.recibidos), self.esperados)


def completitud(entregas: Iterable[Entrega], fecha_limite: date | None) -> Completitud:
    """Classify expected reports as on time, late (with days) or missing, keeping their order.

    A report is on time up to its own due date (an extension) or else ``fecha_limite``.
    """
    entregas = list(entregas)
    recibidas = [e for e in entregas if e.recibido is not None]

    def limite(e: Entrega) -> date | None:
        return e.limite or fecha_limite

    a_tiempo = [e.region for e in recibidas if limite(e) is None or e.recibido <= limite(e)]
    tardios = [
        (e.region, (e.recibido - limite(e)).days)
        for e in recibidas
        if limite(e) is not None and e.recibido > limite(e)
    ]
    return Completitud(
        esperados=len(entregas),
        recibidos=[e.region for e in recibidas],
        a_tiempo=a_tiempo,
        tardios=tardios,
        faltantes=[e.region for e in entregas if e.recibido is None],
    )
