"""Reads for the dashboard: what is pending for each role (a fixed number of queries each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from app.auth.models import Usuario
from app.comun import listas
from app.comun.roles import Rol
from app.convenios.models import Periodo
from app.convenios.queries import anexo4 as anexo4_queries
from app.extensions import db
from app.informes.models import EstadoInforme, Informe
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)


@dataclass(frozen=True)
class Atraso:
    """Regions that had not sent the Anexo 4 of an open semester after its due date: how many,
    and the first few names (the completeness page lists them all)."""

    periodo: Periodo
    regiones: list[str]
    total: int
    dias: int


def regiones_atrasadas(hoy: date) -> list[Atraso]:
    """Regions that have not sent the Anexo 4 of the latest open semester past its due date.

    Only the latest such semester is checked, so the page's queries do not grow with the
    number of semesters left open; the missing regions are counted in SQL and only the first
    MUESTRA are named.
    """
    periodo = db.session.scalar(
        sa.select(Periodo)
        .where(
            Periodo.abierto.is_(True),
            Periodo.fecha_limite_anexo4.is_not(None),
            Periodo.fecha_limite_anexo4 < hoy,
        )
        .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        .limit(1)
    )
    if periodo is None:
        return []
    nombres, total = listas.primeros(anexo4_queries.consulta_faltantes(periodo))
    if not total:
        return []
    return [Atraso(periodo, nombres, total, (hoy - periodo.fecha_limite_anexo4).days)]


@dataclass(frozen=True)
class AgendaUnidad:
    """The unit's programmed activities in one month of a programme year."""

    anio: int
    mes: int
    programaciones: list[ProgramacionRegional]


def actividades_del_mes(usuario: Usuario, hoy: date) -> AgendaUnidad | None:
    """The runs of the user's unit due this month (current year, else the latest programme)."""
    if usuario.rol is not Rol.direccion or not usuario.unidad_id:
        return None
    anio = db.session.scalar(
        sa.select(ProgramaCapacidades.anio)
        .where(ProgramaCapacidades.anio <= hoy.year)
        .order_by(ProgramaCapacidades.anio.desc())
        .limit(1)
    )
    if anio is None:
        return None
    mes_vigente = sa.func.coalesce(ProgramacionRegional.mes_reprogramado, ProgramacionRegional.mes)
    filas = db.session.scalars(
        sa.select(ProgramacionRegional)
        .join(ProgramacionRegional.actividad)
        .join(ProgramaCapacidades, Actividad.programa_id == ProgramaCapacidades.id)
        .where(
            ProgramaCapacidades.anio == anio,
            Actividad.unidad_id == usuario.unidad_id,
            mes_vigente == hoy.month,
            ProgramacionRegional.estado != EstadoProgramacion.cancelada,
        )
        .options(
            contains_eager(ProgramacionRegional.actividad),
            # The agenda shows the activity's name only: not its IdG or unit.
            lazyload(ProgramacionRegional.actividad, Actividad.indicador),
            lazyload(ProgramacionRegional.actividad, Actividad.unidad),
            joinedload(ProgramacionRegional.region),
        )
        .order_by(Actividad.numero, ProgramacionRegional.id)
    ).all()
    return AgendaUnidad(anio, hoy.month, list(filas))


def ultimo_informe_publicado() -> Informe | None:
    """The published report of the latest semester, if any."""
    return db.session.scalar(
        sa.select(Informe)
        .join(Informe.periodo)
        .where(Informe.estado == EstadoInforme.publicado)
        .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        .limit(1)
    )
