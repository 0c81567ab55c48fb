"""The semester an overview opens on when the address names none.

Opening on the newest semester showed an empty page to everyone as soon as a new semester was
created (issue 19): the overviews open instead on the newest semester with data this user may
see, or — on the work lists — with work waiting for them, and say which one and why. The
open semester stays one click away (``abierto``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.auth.models import Usuario
from app.auth.permisos import semestres_publicados
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.queries import periodos as periodos_queries
from app.extensions import db

#: Why a semester was chosen (the note under the page title says it).
ELEGIDO = "elegido"  # named in the address
PENDIENTE = "pendiente"  # the newest with work waiting for the user
DATOS = "datos"  # the newest with approved figures the user may see
ULTIMO = "ultimo"  # nothing of either: the newest semester


@dataclass(frozen=True)
class PeriodoInicial:
    """The semester shown, why, and the open semester when it is another one."""

    periodo: Periodo | None
    motivo: str
    abierto: Periodo | None = None

    @property
    def por_defecto(self) -> bool:
        """Whether the system chose the semester (the page then says why)."""
        return self.motivo != ELEGIDO


def _mas_reciente(periodos: Iterable[Periodo | None]) -> Periodo | None:
    presentes = [p for p in periodos if p is not None]
    return max(presentes, key=lambda p: (p.anio, p.semestre), default=None)


def con_datos(usuario: Usuario) -> Periodo | None:
    """The newest semester with an approved Anexo 4 whose figures the user may see.

    A G/DRTPE sees its own region's; a reviewer only published semesters; ODES and the
    directorates every approved report (a directorate's cells are in every region's report).
    """
    consulta = (
        sa.select(Periodo)
        .join(Reporte, Reporte.periodo_id == Periodo.id)
        .where(Reporte.estado == EstadoReporte.aprobado)
        .group_by(Periodo.id)
        .order_by(*periodos_queries.ORDEN)
    )
    if usuario.rol is Rol.drtpe:
        consulta = consulta.join(Convenio, Reporte.convenio_id == Convenio.id).where(
            Convenio.region_id == usuario.region_id
        )
    if usuario.rol is Rol.revisor:
        candidatos = list(db.session.scalars(consulta))
        hechos = semestres_publicados([p.id for p in candidatos])
        return next((p for p in candidatos if p.id in hechos), None)
    return db.session.scalar(consulta.limit(1))


def con_trabajo(usuario: Usuario) -> Periodo | None:
    """The newest semester where an Anexo 4 waits for this user: to review (ODES, directorates),
    to start or to correct (their region's)."""
    from app.convenios.queries.anexo4 import pendientes

    suyos = pendientes(usuario)
    return _mas_reciente(
        [p for p, _n in suyos.por_revisar_periodos]
        + list(suyos.por_iniciar)
        + [r.periodo for r in suyos.por_corregir]
    )


def elegir(
    codigo: str | None,
    usuario: Usuario,
    *,
    con_pendientes: bool = False,
    otros_pendientes: Iterable[Periodo] = (),
) -> PeriodoInicial:
    """The semester of ?periodo= (periodo None when that code names no semester: the page
    answers 404), else the one to open on: with work pending for the user (work lists, with
    con_pendientes and any otros_pendientes the caller knows of), else with data, else the
    newest."""
    if periodos_queries.leer_codigo(codigo) is not None:
        return PeriodoInicial(periodos_queries.periodo_exacto(codigo), ELEGIDO)
    periodo, motivo = None, ULTIMO
    if con_pendientes:
        periodo = _mas_reciente([con_trabajo(usuario), *otros_pendientes])
        motivo = PENDIENTE
    datos = con_datos(usuario)
    if datos is not None and (
        periodo is None
        or (datos.anio, datos.semestre)
        > (
            periodo.anio,
            periodo.semestre,
        )
    ):
        periodo, motivo = datos, DATOS
    if periodo is None:
        periodo, motivo = periodos_queries.ultimo_periodo(), ULTIMO
    abierto = db.session.scalar(periodos_queries.consulta_periodos(abierto=True).limit(1))
    if periodo is None or abierto is None or abierto.id == periodo.id:
        abierto = None
    return PeriodoInicial(periodo, motivo, abierto)
