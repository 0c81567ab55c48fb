"""Reads of the reporting semesters: lists, years, and a semester named by its code.

Every module that lists semesters or reads a code such as "2020-2" from a URL, a form, a file
or the command line does it here, so the spelling accepted and the order shown are one.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.convenios.models import Periodo
from app.extensions import db

#: How the semester may be written after the year: "2020-2" or "2020-II" (and in the bulk files).
SEMESTRES = {"1": 1, "2": 2, "i": 1, "ii": 2}
#: Newest first, the order of every list of semesters.
ORDEN = (Periodo.anio.desc(), Periodo.semestre.desc())


def consulta_periodos(*, anio: int | None = None, abierto: bool | None = None) -> sa.Select:
    """Select of semesters, newest first, optionally for one year or open/closed state."""
    consulta = sa.select(Periodo).order_by(*ORDEN)
    if anio:
        consulta = consulta.where(Periodo.anio == anio)
    if abierto is not None:
        consulta = consulta.where(Periodo.abierto.is_(abierto))
    return consulta


def periodos() -> list[Periodo]:
    """All semesters, newest first."""
    return list(db.session.scalars(consulta_periodos()))


def anios_de_periodos() -> list[int]:
    """Distinct years that have a semester, newest first."""
    return list(
        db.session.scalars(sa.select(Periodo.anio).distinct().order_by(Periodo.anio.desc()))
    )


def ultimo_periodo() -> Periodo | None:
    """The newest semester (None when there is none)."""
    return db.session.scalar(consulta_periodos().limit(1))


def leer_codigo(codigo: str | None) -> tuple[int, int] | None:
    """(year, semester) of a code such as "2020-2" or "2020-II"; None when it is not one."""
    anio, _, semestre = (codigo or "").strip().partition("-")
    semestre = semestre.lower()
    if not anio.isdecimal() or semestre not in SEMESTRES:
        return None
    return int(anio), SEMESTRES[semestre]


def periodo_exacto(codigo: str | None) -> Periodo | None:
    """The semester a code names; None when the code is malformed or the semester unknown."""
    clave = leer_codigo(codigo)
    # A year beyond four digits names no semester (and SQLite can't even compare a huge one).
    if clave is None or not 0 < clave[0] < 10_000:
        return None
    return db.session.scalar(sa.select(Periodo).filter_by(anio=clave[0], semestre=clave[1]))


def periodo_o_ultimo(codigo: str | None) -> Periodo | None:
    """The chosen semester, or the newest one when no code is chosen (empty or unreadable).

    A readable code of a semester that is not registered gives None (the page answers 404),
    never another semester.
    """
    if leer_codigo(codigo) is None:
        return ultimo_periodo()
    return periodo_exacto(codigo)


def abiertos_con_plazo(plazo: sa.orm.InstrumentedAttribute) -> list[Periodo]:
    """The open semesters with the given deadline set (Periodo.fecha_limite_anexo4 or
    fecha_limite_anexo5), oldest first: the ones whose reminders are sent."""
    return list(
        db.session.scalars(
            sa.select(Periodo)
            .where(Periodo.abierto.is_(True), plazo.is_not(None))
            .order_by(Periodo.anio, Periodo.semestre)
        )
    )
