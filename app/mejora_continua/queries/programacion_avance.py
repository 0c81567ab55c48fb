"""Reads of where a programme's runs stand: the region × month calendar, a region's agenda,
and planned vs executed progress per activity, unit and region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.catalogo.queries import regiones
from app.comun import calculos
from app.extensions import db
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)


def programaciones(
    programa: ProgramaCapacidades, *, region_id: int | None = None
) -> list[ProgramacionRegional]:
    """Every run of a programme (of one region when given), by month, IdG and activity."""
    consulta = (
        sa.select(ProgramacionRegional)
        .join(Actividad, ProgramacionRegional.actividad_id == Actividad.id)
        .join(Indicador, Actividad.indicador_id == Indicador.id)
        .join(Region, ProgramacionRegional.region_id == Region.id)
        .where(Actividad.programa_id == programa.id)
        .options(
            selectinload(ProgramacionRegional.actividad).joinedload(Actividad.unidad),
        )
        .order_by(
            sa.func.coalesce(ProgramacionRegional.mes_reprogramado, ProgramacionRegional.mes),
            Indicador.numero,
            Actividad.numero,
            Region.orden,
        )
    )
    if region_id is not None:
        consulta = consulta.where(ProgramacionRegional.region_id == region_id)
    return list(db.session.scalars(consulta))


@dataclass
class Calendario:
    """The region × month grid of a programme: the runs of each cell (by current month)."""

    regiones: list[Region]
    celdas: dict[tuple[int, int], list[ProgramacionRegional]]

    def celda(self, region_id: int, mes: int) -> list[ProgramacionRegional]:
        """The runs of one region in one month."""
        return self.celdas.get((region_id, mes), [])

    def total_mes(self, mes: int) -> int:
        """Runs (not cancelled) in a month across the shown regions."""
        return sum(
            1
            for (_r, m), lista in self.celdas.items()
            if m == mes
            for p in lista
            if p.estado is not EstadoProgramacion.cancelada
        )


def calendario(programa: ProgramaCapacidades, *, region_id: int | None = None) -> Calendario:
    """The region × month grid; a single region when region_id is given."""
    celdas: dict[tuple[int, int], list[ProgramacionRegional]] = {}
    for p in programaciones(programa, region_id=region_id):
        celdas.setdefault((p.region_id, p.mes_vigente), []).append(p)
    filas = [r for r in regiones() if region_id is None or r.id == region_id]
    return Calendario(filas, celdas)


def agenda(programa: ProgramaCapacidades, region: Region) -> dict[int, list[ProgramacionRegional]]:
    """A region's runs grouped by current month (1–12, months without runs left out)."""
    por_mes: dict[int, list[ProgramacionRegional]] = {}
    for p in programaciones(programa, region_id=region.id):
        por_mes.setdefault(p.mes_vigente, []).append(p)
    return dict(sorted(por_mes.items()))


@dataclass
class Avance:
    """Planned vs executed runs of an activity, unit, region or programme."""

    programadas: int = 0
    ejecutadas: int = 0
    reprogramadas: int = 0
    canceladas: int = 0
    atrasadas: int = 0
    participantes: int = 0

    @property
    def pendientes(self) -> int:
        """Runs still to be executed (programmed or reprogrammed)."""
        return self.programadas - self.ejecutadas - self.canceladas

    @property
    def porcentaje(self) -> int | None:
        """Executed runs over runs not cancelled, in whole % as every page prints a share
        (calculos.redondear, halves up); None when nothing is due."""
        base = self.programadas - self.canceladas
        return calculos.redondear(calculos.porcentaje(self.ejecutadas, base)) if base else None

    def sumar(self, p: ProgramacionRegional, hoy: date | None, anio: int) -> None:
        """Count one run."""
        self.programadas += 1
        if p.estado is EstadoProgramacion.ejecutada:
            self.ejecutadas += 1
            self.participantes += p.participantes or 0
        elif p.estado is EstadoProgramacion.cancelada:
            self.canceladas += 1
        else:
            if p.estado is EstadoProgramacion.reprogramada:
                self.reprogramadas += 1
            if hoy is not None and (anio, p.mes_vigente) < (hoy.year, hoy.month):
                self.atrasadas += 1


@dataclass
class ResumenAvance:
    """Planned vs executed per activity, per unit and per region, and the total."""

    actividades: list[tuple[Actividad, Avance]]
    unidades: list[tuple[UnidadMTPE, Avance]]
    regiones: list[tuple[Region, Avance]]
    total: Avance


def avance(
    programa: ProgramaCapacidades, *, region_id: int | None = None, hoy: date | None = None
) -> ResumenAvance:
    """Planned vs executed runs of a programme (of one region when given).

    A run is planned once (reprogramming does not add runs); runs of a past month that are
    still pending count as late.
    """
    por_actividad: dict[int, tuple[Actividad, Avance]] = {}
    por_unidad: dict[int, tuple[UnidadMTPE, Avance]] = {}
    por_region: dict[int, tuple[Region, Avance]] = {}
    total = Avance()
    for p in programaciones(programa, region_id=region_id):
        actividad = p.actividad
        for clave, objeto, destino in (
            (actividad.id, actividad, por_actividad),
            (actividad.unidad_id, actividad.unidad, por_unidad),
            (p.region_id, p.region, por_region),
        ):
            destino.setdefault(clave, (objeto, Avance()))[1].sumar(p, hoy, programa.anio)
        total.sumar(p, hoy, programa.anio)
    return ResumenAvance(
        actividades=sorted(
            por_actividad.values(), key=lambda x: (x[0].indicador.numero, x[0].numero)
        ),
        unidades=sorted(por_unidad.values(), key=lambda x: x[0].sigla),
        regiones=sorted(por_region.values(), key=lambda x: (x[0].orden, x[0].nombre)),
        total=total,
    )
