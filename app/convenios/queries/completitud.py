"""Completeness of a semester's Anexo 4 computed in SQL: how many reports are on time, late and
missing, the first names of each, and the per-region detail filtered and paged.

The classification is calculos.completitud's (a report is on time up to its region's extension
or else the semester's due date, compared as Lima dates), written as one SQL expression so a
semester of 1,800 governments is counted, not read row by row (tests/convenios/
test_completitud_sql.py checks both give the same result). The informe still uses
calculos.completitud over queries.anexo4.entregas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.catalogo.models import Region
from app.comun import calculos
from app.comun.listas import contiene
from app.convenios.models import Convenio, Periodo, Prorroga, Reporte
from app.convenios.queries.anexo4 import consulta_esperados
from app.extensions import db

#: The situations of an expected report, in the order the page shows them.
SITUACIONES = ("a_tiempo", "tardio", "faltante")


class FechaLima(FunctionElement):
    """The calendar date in Lima of a stored timestamp (deadlines are Lima dates)."""

    type = sa.Date()
    inherit_cache = True
    name = "fecha_lima"


@compiles(FechaLima, "postgresql")
def _fecha_lima_postgresql(elemento, compilador, **kw):
    return f"CAST(timezone('America/Lima', {compilador.process(elemento.clauses, **kw)}) AS DATE)"


@compiles(FechaLima)
def _fecha_lima_otras(elemento, compilador, **kw):
    # SQLite keeps naive UTC timestamps; Lima is UTC−5 all year (no daylight saving since 1994).
    return f"date({compilador.process(elemento.clauses, **kw)}, '-5 hours')"


class DiasEntre(FunctionElement):
    """Whole days from the second date to the first."""

    type = sa.Integer()
    inherit_cache = True
    name = "dias_entre"


@compiles(DiasEntre, "postgresql")
def _dias_entre_postgresql(elemento, compilador, **kw):
    hasta, desde = elemento.clauses
    return f"({compilador.process(hasta, **kw)} - {compilador.process(desde, **kw)})"


@compiles(DiasEntre)
def _dias_entre_otras(elemento, compilador, **kw):
    hasta, desde = elemento.clauses
    return (
        f"CAST(julianday({compilador.process(hasta, **kw)})"
        f" - julianday({compilador.process(desde, **kw)}) AS INTEGER)"
    )


def _situaciones(periodo: Periodo) -> sa.Subquery:
    """One row per expected report: region name and order, situation and days late (0 when on
    time, NULL when missing)."""
    limite = Prorroga.fecha_limite
    if periodo.fecha_limite_anexo4 is not None:
        limite = sa.func.coalesce(
            Prorroga.fecha_limite, sa.literal(periodo.fecha_limite_anexo4, sa.Date())
        )
    recibido = FechaLima(Reporte.enviado_en)
    situacion = sa.case(
        (Reporte.enviado_en.is_(None), "faltante"),
        (limite.is_(None), "a_tiempo"),
        (recibido <= limite, "a_tiempo"),
        else_="tardio",
    )
    dias = sa.case(
        (Reporte.enviado_en.is_(None), sa.null()),
        (sa.or_(limite.is_(None), recibido <= limite), 0),
        else_=DiasEntre(recibido, limite),
    )
    return (
        consulta_esperados(periodo)
        .with_only_columns(
            Region.nombre.label("region"),
            Region.orden.label("orden"),
            situacion.label("situacion"),
            dias.label("dias"),
        )
        .outerjoin(
            Reporte, sa.and_(Reporte.convenio_id == Convenio.id, Reporte.periodo_id == periodo.id)
        )
        .outerjoin(
            Prorroga,
            sa.and_(Prorroga.region_id == Convenio.region_id, Prorroga.periodo_id == periodo.id),
        )
        .order_by(None)
        .subquery()
    )


@dataclass(frozen=True)
class Resumen:
    """How many expected reports are in each situation, and the first names of each (in report
    order; the late ones with their days)."""

    cuentas: dict[str, int]
    primeros: dict[str, list[tuple[str, int | None]]]

    @property
    def esperados(self) -> int:
        """Reports expected (convenios signed and in force)."""
        return sum(self.cuentas.values())

    @property
    def recibidos(self) -> int:
        """Reports received, on time or late."""
        return self.cuentas["a_tiempo"] + self.cuentas["tardio"]

    @property
    def porcentaje_recibidos(self) -> Decimal:
        """Received as a % of expected."""
        return calculos.porcentaje(self.recibidos, self.esperados)


def resumen(periodo: Periodo, muestra: int) -> Resumen:
    """The semester's counts by situation and the first ``muestra`` names of each, in one pass
    over its expected reports (window functions: a rank and a count per situation)."""
    filas = _situaciones(periodo)
    por_situacion = {"partition_by": filas.c.situacion}
    numerada = sa.select(
        filas.c.region,
        filas.c.situacion,
        filas.c.dias,
        sa.func.row_number()
        .over(**por_situacion, order_by=(filas.c.orden, filas.c.region))
        .label("n"),
        sa.func.count().over(**por_situacion).label("total"),
    ).subquery()
    cuentas = dict.fromkeys(SITUACIONES, 0)
    primeros: dict[str, list[tuple[str, int | None]]] = {s: [] for s in SITUACIONES}
    for region, situacion, dias, total in db.session.execute(
        sa.select(numerada.c.region, numerada.c.situacion, numerada.c.dias, numerada.c.total)
        .where(numerada.c.n <= muestra)
        .order_by(numerada.c.situacion, numerada.c.n)
    ):
        cuentas[situacion] = total
        primeros[situacion].append((region, dias))
    return Resumen(cuentas, primeros)


def consulta_detalle(periodo: Periodo, *, situacion: str = "", texto: str = "") -> sa.Select:
    """Select of (region, situation, days late) per expected report, by region name, of one
    situation and matching a name search."""
    filas = _situaciones(periodo)
    consulta = sa.select(filas.c.region, filas.c.situacion, filas.c.dias)
    if situacion:
        consulta = consulta.where(filas.c.situacion == situacion)
    if texto:
        consulta = consulta.where(contiene(filas.c.region, texto))
    return consulta.order_by(filas.c.region)
