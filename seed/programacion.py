"""Loader of the 2021 capacity-building programme (seed/data/programa_capacidades_2021.csv).

Idempotent: programmes, activities and region × month runs are upserted by natural key; runs
are never removed and their execution state is never reset, so running it again after users
recorded execution changes nothing. See docs/mejora-continua.md («Matriz y programación»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.catalogo.models import ConjuntoIndicadores, Indicador, Region, UnidadMTPE
from app.comun.flujo import EstadoReporte
from app.convenios.models import Periodo
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoPrograma,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.services.programacion import ErrorProgramacion, nombre_programa
from app.mejora_continua.services.programacion_actividades import leer_meses
from seed.carga import DATOS, leer_csv

ARCHIVO = "programa_capacidades_2021.csv"


@dataclass
class ResumenPrograma:
    """What a load did."""

    actividades: int = 0
    programaciones: int = 0
    nuevas: int = 0
    vinculos: int = 0


def meses_del_texto(texto: str) -> list[int]:
    """The months a printed region/month text names: "(Feb y Set)" or "para el mes de mayo"."""
    grupos = re.findall(r"\(([^()]*)\)", texto)
    if grupos:
        return sorted({m for grupo in grupos for m in leer_meses(grupo)})
    _, separador, resto = texto.rpartition("mes de ")
    return leer_meses(resto) if separador else []


def _recomendaciones_mtpe(indicador: Indicador, anio: int) -> list[ItemEvaluacion]:
    """Approved recommendations of the IdG in the II semester before anio with an MTPE party."""
    items = db.session.scalars(
        sa.select(ItemEvaluacion)
        .join(Evaluacion, ItemEvaluacion.evaluacion_id == Evaluacion.id)
        .join(Periodo, Evaluacion.periodo_id == Periodo.id)
        .where(
            Evaluacion.indicador_id == indicador.id,
            Evaluacion.estado == EstadoReporte.aprobado,
            Periodo.anio == anio - 1,
            Periodo.semestre == 2,
            ItemEvaluacion.tipo == TipoItem.recomendacion,
        )
        .order_by(ItemEvaluacion.orden)
    )
    return [i for i in items if i.responsables_mtpe]


def cargar_programa_demo(carpeta: Path = DATOS) -> ResumenPrograma:
    """Load the 2021 programme as published (approved), its activities and region × month runs."""
    filas = leer_csv(ARCHIVO, carpeta)
    conjunto = db.session.scalar(
        sa.select(ConjuntoIndicadores).order_by(
            ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc()
        )
    )
    if conjunto is None:
        raise RuntimeError("Cargue antes el catálogo (flask seed catalogo).")
    indicadores = {i.numero: i for i in conjunto.indicadores}
    unidades = {u.sigla: u for u in db.session.scalars(sa.select(UnidadMTPE))}
    regiones = {r.nombre: r for r in db.session.scalars(sa.select(Region))}
    resumen = ResumenPrograma()
    programas: dict[int, ProgramaCapacidades] = {}
    actividades: dict[tuple, Actividad] = {}
    for numero_fila, fila in enumerate(filas, start=2):
        anio = int(fila["anio"])
        programa = programas.get(anio)
        if programa is None:
            programa = db.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=anio))
            if programa is None:
                # The published programme: approved by definition.
                programa = ProgramaCapacidades(
                    anio=anio, nombre=nombre_programa(anio), estado=EstadoPrograma.aprobado
                )
                db.session.add(programa)
                db.session.flush()
            programas[anio] = programa
        indicador = indicadores[int(fila["idg"])]
        clave = (anio, indicador.numero, int(fila["actividad_numero"]))
        actividad = actividades.get(clave)
        if actividad is None:
            actividad = db.session.scalar(
                sa.select(Actividad).filter_by(
                    programa_id=programa.id, indicador_id=indicador.id, numero=clave[2]
                )
            )
            if actividad is None:
                actividad = Actividad(programa=programa, indicador=indicador, numero=clave[2])
                db.session.add(actividad)
            actividad.nombre = fila["actividad_nombre"]
            actividad.descripcion = fila["actividad_descripcion"] or None
            actividad.nota = fila["actividad_nota"] or None
            actividad.unidad = unidades[fila["unidad_sigla"]]
            db.session.flush()
            if not actividad.recomendaciones:
                actividad.recomendaciones = _recomendaciones_mtpe(indicador, anio)
                resumen.vinculos += len(actividad.recomendaciones)
            actividades[clave] = actividad
            resumen.actividades += 1
        if not fila["region"]:
            continue
        region = regiones.get(fila["region"])
        if region is None:
            raise RuntimeError(
                f"{ARCHIVO}, fila {numero_fila}: región desconocida {fila['region']!r}."
            )
        mes = int(fila["mes"])
        try:
            impresos = meses_del_texto(fila["texto_original"])
        except ErrorProgramacion as error:
            raise RuntimeError(f"{ARCHIVO}, fila {numero_fila}: {error.mensaje}") from None
        if mes not in impresos:
            raise RuntimeError(
                f"{ARCHIVO}, fila {numero_fila}: el mes {mes} no figura en "
                f"{fila['texto_original']!r}."
            )
        programacion = next(
            (p for p in actividad.programaciones if p.region_id == region.id and p.mes == mes),
            None,
        )
        if programacion is None:
            programacion = ProgramacionRegional(region=region, mes=mes)
            actividad.programaciones.append(programacion)
            resumen.nuevas += 1
        programacion.nota = fila["nota"] or None
        resumen.programaciones += 1
    db.session.flush()
    return resumen
