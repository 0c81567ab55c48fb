"""Reads of the capacity-building programme: activities, schedules, the calendar and progress.

Every figure (schedules, DETALLE texts, planned vs executed) is computed here once and used by
the web pages, the report and the Excel files alike; the matrix is assembled from these rows
in queries.programacion_matriz.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.catalogo.queries import regiones  # noqa: F401  (callers count them for DETALLE)
from app.extensions import db
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoPrograma,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    texto_meses,
)


def programas() -> list[ProgramaCapacidades]:
    """Every programme, newest year first."""
    return list(
        db.session.scalars(sa.select(ProgramaCapacidades).order_by(ProgramaCapacidades.anio.desc()))
    )


def consulta_programas(estado: EstadoPrograma | None = None) -> sa.Select:
    """Select of the programmes (of one state when given), newest year first."""
    consulta = sa.select(ProgramaCapacidades).order_by(ProgramaCapacidades.anio.desc())
    if estado is not None:
        consulta = consulta.where(ProgramaCapacidades.estado == estado)
    return consulta


def actividades_por_programa() -> dict[int, int]:
    """Number of activities of every programme, counted in SQL (programme id → count)."""
    return dict(
        db.session.execute(
            sa.select(Actividad.programa_id, sa.func.count()).group_by(Actividad.programa_id)
        ).all()
    )


def programa_por_anio(anio: int) -> ProgramaCapacidades | None:
    """The programme of a year, if registered."""
    return db.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=anio))


def consulta_actividades(
    programa: ProgramaCapacidades,
    *,
    unidad_id: int | None = None,
    texto: str = "",
    indicador_numero: int | None = None,
) -> sa.Select:
    """Select of the programme's activities (by IdG and number) matching the list filters."""
    from app.comun.listas import patron

    consulta = (
        sa.select(Actividad)
        .join(Indicador, Actividad.indicador_id == Indicador.id)
        .where(Actividad.programa_id == programa.id)
        .options(
            selectinload(Actividad.programaciones).joinedload(ProgramacionRegional.region),
            selectinload(Actividad.recomendaciones),
        )
        .order_by(Indicador.numero, Actividad.numero)
    )
    if unidad_id is not None:
        consulta = consulta.where(Actividad.unidad_id == unidad_id)
    if texto:
        consulta = consulta.where(Actividad.nombre.ilike(patron(texto)))
    if indicador_numero:
        consulta = consulta.where(Indicador.numero == indicador_numero)
    return consulta


def actividades(programa: ProgramaCapacidades, *, unidad_id: int | None = None) -> list[Actividad]:
    """The programme's activities by IdG and number, with their runs loaded."""
    return list(db.session.scalars(consulta_actividades(programa, unidad_id=unidad_id)).unique())


@dataclass(frozen=True)
class RegionCorrida:
    """A run's region as the schedule and DETALLE read it (hashable: DETALLE groups by it)."""

    nombre: str
    orden: int


@dataclass(frozen=True)
class Corrida:
    """A run of an activity, reduced to what the schedule and DETALLE read."""

    region: RegionCorrida
    mes_vigente: int
    estado: EstadoProgramacion


@dataclass(frozen=True)
class ActividadResumida:
    """An activity with its runs, as the report's matrix reads it (no ORM objects)."""

    id: int
    indicador_numero: int
    numero: int
    nombre: str
    programaciones: list[Corrida]


def actividades_resumidas(programa: ProgramaCapacidades) -> list[ActividadResumida]:
    """The programme's activities by IdG and number with their runs, read as plain rows.

    Two column queries instead of the ORM graph of `actividades()` (activity, IdG, unit, runs
    with their regions, recommendations): the report only needs names, months and states.
    """
    filas = db.session.execute(
        sa.select(Actividad.id, Indicador.numero, Actividad.numero, Actividad.nombre)
        .join(Indicador, Actividad.indicador_id == Indicador.id)
        .where(Actividad.programa_id == programa.id)
        .order_by(Indicador.numero, Actividad.numero)
    ).all()
    corridas: dict[int, list[Corrida]] = {fila[0]: [] for fila in filas}
    por_nombre: dict[tuple, RegionCorrida] = {}
    for actividad_id, nombre, orden, mes, reprogramado, estado in db.session.execute(
        sa.select(
            ProgramacionRegional.actividad_id,
            Region.nombre,
            Region.orden,
            ProgramacionRegional.mes,
            ProgramacionRegional.mes_reprogramado,
            ProgramacionRegional.estado,
        )
        .join(Region, ProgramacionRegional.region_id == Region.id)
        .join(Actividad, ProgramacionRegional.actividad_id == Actividad.id)
        .where(Actividad.programa_id == programa.id)
        .order_by(ProgramacionRegional.id)
    ):
        region = por_nombre.setdefault((nombre, orden), RegionCorrida(nombre, orden))
        # Same rule as ProgramacionRegional.mes_vigente: the reprogrammed month, if any.
        corridas[actividad_id].append(Corrida(region, reprogramado or mes, estado))
    return [
        ActividadResumida(id_, indicador_numero, numero, nombre, corridas[id_])
        for id_, indicador_numero, numero, nombre in filas
    ]


def unidades_con_actividades(programa: ProgramaCapacidades) -> list[UnidadMTPE]:
    """The units running some activity of the programme, by acronym."""
    return list(
        db.session.scalars(
            sa.select(UnidadMTPE)
            .where(
                UnidadMTPE.id.in_(
                    sa.select(Actividad.unidad_id).where(Actividad.programa_id == programa.id)
                )
            )
            .order_by(UnidadMTPE.sigla)
        )
    )


def vigentes(programaciones: Iterable[ProgramacionRegional]) -> list[ProgramacionRegional]:
    """The runs that still count in the schedule (not cancelled)."""
    return [p for p in programaciones if p.estado is not EstadoProgramacion.cancelada]


def cronograma(actividad: Actividad | ActividadResumida) -> set[int]:
    """The months (1–12) an activity runs in: the current month of every run not cancelled."""
    return {p.mes_vigente for p in vigentes(actividad.programaciones)}


def detalle(actividad: Actividad | ActividadResumida, *, total_regiones: int | None = None) -> str:
    """The DETALLE text of an activity as the matrix prints it, derived from its runs.

    Regions with the same months are grouped: "Cajamarca, Callao, Loreto (Abr); Ica (Feb y
    Set)". When every region has the same months: "Dirigido a las 26 regiones, incluida Lima
    Metropolitana (Feb y Jun)".
    """
    por_region: dict[Region, set[int]] = {}
    for p in vigentes(actividad.programaciones):
        por_region.setdefault(p.region, set()).add(p.mes_vigente)
    if not por_region:
        return ""
    total = total_regiones or db.session.scalar(sa.select(sa.func.count(Region.id)))
    grupos: dict[tuple[int, ...], list[Region]] = {}
    for region in sorted(por_region, key=lambda r: (r.orden, r.nombre)):
        grupos.setdefault(tuple(sorted(por_region[region])), []).append(region)
    if len(por_region) == total and len(grupos) == 1:
        meses = next(iter(grupos))
        return (
            f"Dirigido a las {total} regiones, incluida Lima Metropolitana ({texto_meses(meses)})"
        )
    partes = []
    for meses, regiones_grupo in sorted(grupos.items()):
        nombres = ", ".join(r.nombre for r in regiones_grupo)
        partes.append(f"{nombres} ({texto_meses(meses)})")
    return "; ".join(partes)


# --- Rows of the matrix (the programme page and the report print them too) ----------------


@dataclass
class ActividadMatriz:
    """An activity as a matrix row shows it: schedule and DETALLE derived from its runs."""

    actividad: Actividad
    meses: set[int]
    detalle: str


@dataclass
class FilaMatriz:
    """One IdG of the matrix: its approved recommendations and the MTPE activities."""

    indicador: Indicador
    recomendaciones: list = field(default_factory=list)
    actividades: list[ActividadMatriz] = field(default_factory=list)

    @property
    def meses(self) -> set[int]:
        """Union of its activities' months (the IdG's X marks)."""
        return set().union(*(a.meses for a in self.actividades)) if self.actividades else set()

    @property
    def proponente(self) -> str:
        """The proponent unit's name, as the matrix prints it."""
        return self.indicador.proponente.nombre if self.indicador.proponente else ""

    def enunciado(self, programa: ProgramaCapacidades | None) -> str:
        """The lead sentence of the activities column."""
        if programa is None or not self.actividades:
            return ""
        n = len(self.actividades)
        cuantas = "una actividad consignada" if n == 1 else f"{n} actividades consignadas"
        return (
            f"El indicador N° {self.indicador.numero:02d} se encuentra vinculado a {cuantas} "
            f"en la {programa.nombre}"
        )

    def lineas(self, programa: ProgramaCapacidades | None) -> list[tuple]:
        """The IdG's printed lines: (recommendation, activities-column text, activity).

        The activities column opens with the lead sentence, then one numbered activity per
        line; the IdG spans as many lines as it has recommendations or activity lines.
        """
        enunciado = self.enunciado(programa)
        temas: list[tuple[str | None, ActividadMatriz | None]] = (
            [(enunciado, None)] if enunciado else []
        )
        temas += [(f"{a.actividad.numero}. {a.actividad.nombre}", a) for a in self.actividades]
        alto = max(len(self.recomendaciones), len(temas), 1)
        return [
            (
                self.recomendaciones[i] if i < len(self.recomendaciones) else None,
                *(temas[i] if i < len(temas) else (None, None)),
            )
            for i in range(alto)
        ]
