"""Reads of the recommendation implementation matrix: the annex of the situational report.

For a programme year, every IdG with the approved Anexo 5 recommendations of the semester that
feeds it and the MTPE activities of the programme (their schedule and DETALLE computed in
queries.programacion), grouped by vice-ministry as the annex prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.catalogo.queries import regiones
from app.comun.flujo import EstadoReporte
from app.convenios.models import Convenio, Periodo, Reporte
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.queries.evaluaciones import RecomendacionAprobada
from app.mejora_continua.queries.evaluaciones import recomendaciones_aprobadas as aprobadas
from app.mejora_continua.queries.programacion import (
    ActividadMatriz,
    FilaMatriz,
    actividades,
    cronograma,
    detalle,
    programa_por_anio,
    vigentes,
)

#: Title and note of the annex matrix, as printed (004:L3168-3196).
TITULO_MATRIZ = (
    "MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDOS EN EL ANEXO 5 DE LOS CONVENIOS "
    "DE GESTIÓN {periodo}"
)
NOTA_MATRIZ = (
    'Nota.- La información consignado como "acciones a ser implementadas" es sobre las 25 '
    "G/DRTPE, sin perjuicio a que son solo {evaluadas} G/DRTPE evaluados."
)


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


def recomendaciones_aprobadas(periodo: Periodo | None) -> list:
    """The approved Anexo 5 recommendations of a semester (see queries.evaluaciones)."""
    return aprobadas(periodo) if periodo is not None else []


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
            sa.select(ConjuntoIndicadores.id).order_by(
                ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc()
            )
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


# --- The matrix on screen: one section per IdG (issue 19) ----------------------------------
#
# The annex's 22-column table does not read on a screen. The page shows one section per IdG
# (its identity as the heading, its recommendations, its activities with a month strip) and
# narrows it by region, unit and month. Everything below reads the Matriz already assembled
# by matriz() (no SQL): the PDF and the Excel keep reading matriz() unchanged.


@dataclass(frozen=True)
class MesCronograma:
    """One month of an activity's schedule: its runs (not cancelled) and the executed ones."""

    mes: int
    corridas: int
    ejecutadas: int

    @property
    def estado(self) -> str:
        """Whether every run of the month was executed ("ejecutado"), some ("parcial") or none."""
        if self.ejecutadas and self.ejecutadas >= self.corridas:
            return "ejecutado"
        return "parcial" if self.ejecutadas else "programado"


@dataclass
class ActividadEnPantalla:
    """An activity as its IdG section shows it, over the runs in scope (a region or all)."""

    actividad: Actividad
    meses: dict[int, MesCronograma]
    detalle: str
    #: Runs in scope that still count (not cancelled), and how many of them were executed
    corridas: int
    ejecutadas: int
    #: Numbers (R1, R2…) of the IdG's recommendations shown that the activity answers
    atiende: list[int]

    @property
    def avance(self) -> float | None:
        """Executed runs as a percentage of the runs in scope (None without runs)."""
        return 100 * self.ejecutadas / self.corridas if self.corridas else None


@dataclass(frozen=True)
class RecomendacionEnPantalla:
    """A recommendation with its number within the IdG (R1, R2…), as the activities cite it."""

    numero: int
    recomendacion: RecomendacionAprobada


@dataclass
class IndicadorEnPantalla:
    """One IdG section: identity, recommendations and activities left by the filters."""

    fila: FilaMatriz
    sector: str
    recomendaciones: list[RecomendacionEnPantalla]
    actividades: list[ActividadEnPantalla]

    @property
    def indicador(self) -> Indicador:
        """The IdG."""
        return self.fila.indicador

    @property
    def meses(self) -> set[int]:
        """Months in which some activity shown runs."""
        return {m for a in self.actividades for m in a.meses}


@dataclass
class SectorEnPantalla:
    """The IdG sections of one vice-ministry."""

    sigla: str
    titulo: str
    indicadores: list[IndicadorEnPantalla]


@dataclass(frozen=True)
class _Corridas:
    """Runs of an activity narrowed to a region, in the shape detalle() reads."""

    programaciones: list[ProgramacionRegional]


def _actividad_en_pantalla(
    fila: ActividadMatriz,
    region_id: int | None,
    numeros: dict[int, int],
    total_regiones: int,
) -> ActividadEnPantalla:
    """An activity's month strip, DETALLE and progress over the runs of a region (or all)."""
    corridas = [
        p
        for p in vigentes(fila.actividad.programaciones)
        if region_id is None or p.region_id == region_id
    ]
    por_mes: dict[int, list[int]] = {}
    for p in corridas:
        cuenta = por_mes.setdefault(p.mes_vigente, [0, 0])
        cuenta[0] += 1
        cuenta[1] += p.estado is EstadoProgramacion.ejecutada
    texto = (
        fila.detalle
        if region_id is None
        else detalle(_Corridas(corridas), total_regiones=total_regiones)
    )
    return ActividadEnPantalla(
        actividad=fila.actividad,
        meses={m: MesCronograma(m, n, e) for m, (n, e) in sorted(por_mes.items())},
        detalle=texto,
        corridas=len(corridas),
        ejecutadas=sum(p.estado is EstadoProgramacion.ejecutada for p in corridas),
        atiende=sorted(numeros[r.id] for r in fila.actividad.recomendaciones if r.id in numeros),
    )


def en_pantalla(
    bloques: Iterable[BloqueSector],
    *,
    region_id: int | None = None,
    unidad_id: int | None = None,
    mes: int | None = None,
    total_regiones: int | None = None,
) -> list[SectorEnPantalla]:
    """The matrix's IdG sections narrowed to a region, a unit and a month.

    - region: the activities with a run in the region (their month strip, DETALLE and
      progress count only that region's runs) and the recommendations that name the region
      or name none (general ones);
    - unit: the activities the unit runs (Actividad.unidad, "Unidad responsable");
    - month: the activities with a run (in the region, when given) in that month.

    Without any of them every IdG is kept, as the annex prints them all. With a unit or a
    month an IdG is kept only with some activity left; with a region alone, also with some
    recommendation left.
    """
    total = total_regiones if total_regiones is not None else len(regiones())
    acotada = region_id is not None or unidad_id is not None or mes is not None
    sectores = []
    for bloque in bloques:
        indicadores = []
        for fila in bloque.filas:
            recomendaciones = [
                RecomendacionEnPantalla(i, r)
                for i, r in enumerate(fila.recomendaciones, start=1)
                if region_id is None
                or not r.item.regiones
                or any(region.id == region_id for region in r.item.regiones)
            ]
            numeros = {r.recomendacion.item.id: r.numero for r in recomendaciones}
            actividades = [
                _actividad_en_pantalla(a, region_id, numeros, total)
                for a in fila.actividades
                if unidad_id is None or a.actividad.unidad_id == unidad_id
            ]
            actividades = [
                a
                for a in actividades
                if (region_id is None or a.corridas) and (mes is None or mes in a.meses)
            ]
            solo_region = unidad_id is None and mes is None
            if acotada and not actividades and not (solo_region and recomendaciones):
                continue
            indicadores.append(
                IndicadorEnPantalla(fila, bloque.sigla, recomendaciones, actividades)
            )
        if indicadores:
            sectores.append(SectorEnPantalla(bloque.sigla, bloque.titulo, indicadores))
    return sectores
