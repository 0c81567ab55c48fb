"""Reads of the recommendation implementation matrix: the annex of the situational report.

For a programme year, every IdG with the approved Anexo 5 recommendations of the semester that
feeds it and the MTPE activities of the programme (their schedule and DETALLE computed in
queries.programacion), grouped by vice-ministry as the annex prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.catalogo.queries import regiones
from app.comun.flujo import EstadoReporte
from app.convenios.models import Convenio, Periodo, Reporte
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.models.programacion import ProgramaCapacidades
from app.mejora_continua.queries.evaluaciones import recomendaciones_aprobadas as aprobadas
from app.mejora_continua.queries.programacion import (
    ActividadMatriz,
    FilaMatriz,
    actividades,
    cronograma,
    detalle,
    programa_por_anio,
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
