"""Reads of the capacity-building programme: the matrix, the calendar, agendas and progress.

Every figure (schedules, DETALLE texts, planned vs executed) is computed here once and used by
the web pages and the Excel files alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalogo.models import ConjuntoIndicadores, Indicador, Region, UnidadMTPE
from app.convenios.models import Convenio, EstadoReporte, Periodo, Reporte
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.services.programacion import cronograma, texto_meses

#: Column headers of the annex matrix, in printed order (004:L3168-3196).
TITULO_MATRIZ = (
    "MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDOS EN EL ANEXO 5 DE LOS CONVENIOS "
    "DE GESTIÓN {periodo}"
)
NOTA_MATRIZ = (
    'Nota.- La información consignado como "acciones a ser implementadas" es sobre las 25 '
    "G/DRTPE, sin perjuicio a que son solo {evaluadas} G/DRTPE evaluados."
)


def programas() -> list[ProgramaCapacidades]:
    """Every programme, newest year first."""
    return list(
        db.session.scalars(sa.select(ProgramaCapacidades).order_by(ProgramaCapacidades.anio.desc()))
    )


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
    regiones: dict[tuple, RegionCorrida] = {}
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
        region = regiones.setdefault((nombre, orden), RegionCorrida(nombre, orden))
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


def regiones() -> list[Region]:
    """The 26 regions in the report's order."""
    return list(db.session.scalars(sa.select(Region).order_by(Region.orden, Region.nombre)))


def vigentes(programaciones: Iterable[ProgramacionRegional]) -> list[ProgramacionRegional]:
    """The runs that still count in the schedule (not cancelled)."""
    return [p for p in programaciones if p.estado is not EstadoProgramacion.cancelada]


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


# --- The matrix ----------------------------------------------------------------------------


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


@dataclass
class BloqueSector:
    """The IdG of one vice-ministry ("INDICADOR DE GESTIÓN DEL VMPECL")."""

    sigla: str
    filas: list[FilaMatriz]

    def alto(self, programa: ProgramaCapacidades | None) -> int:
        """How many printed lines the sector spans."""
        return sum(len(f.lineas(programa)) for f in self.filas)

    @property
    def titulo(self) -> str:
        """The SECTOR cell."""
        return f"INDICADOR DE GESTIÓN DEL {self.sigla}" if self.sigla else "INDICADOR DE GESTIÓN"


@dataclass
class Matriz:
    """The implementation matrix of a programme year and the semester whose Anexo 5 feeds it."""

    programa: ProgramaCapacidades | None
    periodo: Periodo | None
    bloques: list[BloqueSector]
    titulo: str
    nota: str

    @property
    def filas(self) -> list[FilaMatriz]:
        """Every IdG row in order."""
        return [f for b in self.bloques for f in b.filas]


def periodos() -> list[Periodo]:
    """The registered semesters, newest first."""
    return list(
        db.session.scalars(
            sa.select(Periodo).order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        )
    )


def periodo_de_matriz(anio: int) -> Periodo | None:
    """The semester whose recommendations feed the programme of anio: the latest one before it.

    The II-2020 report's matrix ties its recommendations to the 2021 programme; a semester with
    approved Anexo 5 is preferred.
    """
    anteriores = sa.select(Periodo).where(Periodo.anio < anio)
    con_anexo5 = db.session.scalar(
        anteriores.where(
            Periodo.id.in_(
                sa.select(Evaluacion.periodo_id).where(Evaluacion.estado == EstadoReporte.aprobado)
            )
        ).order_by(Periodo.anio.desc(), Periodo.semestre.desc())
    )
    if con_anexo5 is not None:
        return con_anexo5
    return db.session.scalar(anteriores.order_by(Periodo.anio.desc(), Periodo.semestre.desc()))


def periodo_por_codigo(codigo: str | None) -> Periodo | None:
    """The semester written "2020-2"; None when malformed or unknown."""
    anio, _, semestre = (codigo or "").partition("-")
    if not (anio.isdecimal() and len(anio) <= 4 and semestre in ("1", "2")):
        return None
    return db.session.scalar(sa.select(Periodo).filter_by(anio=int(anio), semestre=int(semestre)))


def recomendaciones_aprobadas(periodo: Periodo | None) -> list:
    """The approved Anexo 5 recommendations of a semester (see queries.evaluaciones)."""
    if periodo is None:
        return []
    from app.mejora_continua.queries.evaluaciones import recomendaciones_aprobadas as aprobadas

    return aprobadas(periodo)


def _periodo_convenio(anio: int) -> str:
    """The convenio period covering a year, e.g. "2020-2021"."""
    fila = db.session.execute(
        sa.select(Convenio.anio_inicio, Convenio.anio_fin)
        .where(Convenio.anio_inicio <= anio, Convenio.anio_fin >= anio)
        .limit(1)
    ).first()
    return f"{fila[0]}-{fila[1]}" if fila else f"{anio}-{anio + 1}"


def _evaluadas(periodo: Periodo | None) -> int:
    """How many regions sent the semester's Anexo 4 (18 in II-2020)."""
    if periodo is None:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count(Reporte.id)).where(Reporte.periodo_id == periodo.id)
    )


def matriz(anio: int, periodo: Periodo | None = None) -> Matriz:
    """The matrix of a programme year: every IdG with its recommendations and activities."""
    programa = programa_por_anio(anio)
    periodo = periodo or periodo_de_matriz(anio)
    lista = actividades(programa) if programa else []
    conjunto_id = (
        lista[0].indicador.conjunto_id
        if lista
        else db.session.scalar(
            sa.select(ConjuntoIndicadores.id).order_by(ConjuntoIndicadores.nombre.desc())
        )
    )
    indicadores = list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id == conjunto_id)
            .order_by(Indicador.numero)
        )
    )
    filas = {i.id: FilaMatriz(i) for i in indicadores}
    for recomendacion in recomendaciones_aprobadas(periodo):
        fila = filas.get(recomendacion.indicador.id)
        if fila is None:
            fila = filas[recomendacion.indicador.id] = FilaMatriz(recomendacion.indicador)
        fila.recomendaciones.append(recomendacion)
    total = len(regiones())
    for actividad in lista:
        fila = filas.get(actividad.indicador_id)
        if fila is None:
            fila = filas[actividad.indicador_id] = FilaMatriz(actividad.indicador)
        fila.actividades.append(
            ActividadMatriz(
                actividad, cronograma(actividad), detalle(actividad, total_regiones=total)
            )
        )
    bloques: dict[str, BloqueSector] = {}
    for fila in sorted(filas.values(), key=lambda f: f.indicador.numero):
        vm = fila.indicador.viceministerio
        sigla = vm.sigla if vm else ""
        bloques.setdefault(sigla, BloqueSector(sigla, [])).filas.append(fila)
    anio_periodo = periodo.anio if periodo else anio - 1
    evaluadas = _evaluadas(periodo)
    return Matriz(
        programa=programa,
        periodo=periodo,
        bloques=list(bloques.values()),
        titulo=TITULO_MATRIZ.format(periodo=_periodo_convenio(anio_periodo)),
        nota=NOTA_MATRIZ.format(evaluadas=evaluadas) if evaluadas else "",
    )


# --- Calendar, agenda, progress ------------------------------------------------------------


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
    def porcentaje(self) -> float | None:
        """Executed runs over runs not cancelled, in %; None when nothing is due."""
        base = self.programadas - self.canceladas
        return round(100 * self.ejecutadas / base, 1) if base else None

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
