"""Reads of the goals committed before the semester: a year's programming, its goals, the
goals in force for an Anexo 4, and the reprogramming requests."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.models import Usuario
from app.catalogo.models import ConjuntoIndicadores, Indicador, Region
from app.comun.flujo import EstadoReporte
from app.convenios.models import (
    Convenio,
    EstadoSolicitud,
    Meta,
    ProgramacionMetas,
    Reprogramacion,
)
from app.extensions import db


def programacion(convenio_id: int, anio: int) -> ProgramacionMetas | None:
    """The convenio's programming of that year, if ODES opened it."""
    return db.session.scalar(
        sa.select(ProgramacionMetas).filter_by(convenio_id=convenio_id, anio=anio)
    )


def programaciones(conjunto_id: int, anio: int) -> list[ProgramacionMetas]:
    """Every convenio's programming of a cycle's year, in report order."""
    return list(
        db.session.scalars(
            sa.select(ProgramacionMetas)
            .join(Convenio, ProgramacionMetas.convenio_id == Convenio.id)
            .join(Region, Convenio.region_id == Region.id)
            .where(Convenio.conjunto_id == conjunto_id, ProgramacionMetas.anio == anio)
            .order_by(Region.orden, Region.nombre)
        )
    )


def metas(convenio_id: int, anio: int) -> dict[tuple[int, int], Meta]:
    """The convenio's goals of a year by (indicator id, semestre: 0 annual, 1, 2)."""
    return {
        (m.indicador_id, m.semestre): m
        for m in db.session.scalars(sa.select(Meta).filter_by(convenio_id=convenio_id, anio=anio))
    }


def metas_aprobadas(convenio_id: int, anio: int, semestre: int) -> dict[int, Meta]:
    """The approved goals in force of one semester, by indicator id ({} when the year's
    programming is not approved: the region then types its programmed values)."""
    aprobada = db.session.scalar(
        sa.select(ProgramacionMetas.id).filter_by(
            convenio_id=convenio_id, anio=anio, estado=EstadoReporte.aprobado
        )
    )
    if aprobada is None:
        return {}
    return {
        m.indicador_id: m
        for m in db.session.scalars(
            sa.select(Meta).filter_by(convenio_id=convenio_id, anio=anio, semestre=semestre)
        )
    }


def reprogramaciones(
    *, convenio_id: int | None = None, estado: EstadoSolicitud | None = None
) -> list[Reprogramacion]:
    """Reprogramming requests, newest first, of one convenio and/or in one state."""
    consulta = (
        sa.select(Reprogramacion)
        .join(Meta, Reprogramacion.meta_id == Meta.id)
        .order_by(Reprogramacion.creado_en.desc(), Reprogramacion.id.desc())
    )
    if convenio_id is not None:
        consulta = consulta.where(Meta.convenio_id == convenio_id)
    if estado is not None:
        consulta = consulta.where(Reprogramacion.estado == estado)
    return list(db.session.scalars(consulta))


def ultima_reprogramacion(meta_id: int) -> Reprogramacion | None:
    """The goal's latest approved reprogramming (its reason and adenda explain the change)."""
    return db.session.scalar(
        sa.select(Reprogramacion)
        .filter_by(meta_id=meta_id, estado=EstadoSolicitud.aprobada)
        .order_by(Reprogramacion.resuelta_en.desc(), Reprogramacion.id.desc())
        .limit(1)
    )


def reprogramadas(convenio_ids: Iterable[int], anio: int, semestre: int) -> list[Meta]:
    """The semester's goals in force that differ from the ones first approved."""
    ids = sorted(set(convenio_ids))
    if not ids:
        return []
    return [
        m
        for m in db.session.scalars(
            sa.select(Meta)
            .join(Indicador, Meta.indicador_id == Indicador.id)
            .where(
                Meta.convenio_id.in_(ids),
                Meta.anio == anio,
                Meta.semestre.in_((0, semestre)),
                Meta.valor_original.is_not(None),
            )
            .order_by(Meta.convenio_id, Indicador.numero, Meta.semestre)
        )
        if m.reprogramada
    ]


# --- Reads of the web pages -----------------------------------------------------------------


def convenios_del_ciclo(
    conjunto_id: int, anio: int
) -> list[tuple[Convenio, ProgramacionMetas | None]]:
    """Every convenio of a cycle in report order, with its programming of the year (None
    while ODES has not opened it for that convenio)."""
    filas = db.session.execute(
        sa.select(Convenio, ProgramacionMetas)
        .join(Region, Convenio.region_id == Region.id)
        .outerjoin(
            ProgramacionMetas,
            sa.and_(ProgramacionMetas.convenio_id == Convenio.id, ProgramacionMetas.anio == anio),
        )
        .where(Convenio.conjunto_id == conjunto_id)
        .order_by(Region.orden, Region.nombre)
    )
    return [(convenio, programacion) for convenio, programacion in filas]


def ciclo(conjunto_id: int) -> ConjuntoIndicadores | None:
    """A cycle by id (None when there is none)."""
    return db.session.get(ConjuntoIndicadores, conjunto_id)


def solicitud(solicitud_id: int) -> Reprogramacion | None:
    """A reprogramming request by id (None when there is none)."""
    return db.session.get(Reprogramacion, solicitud_id)


def ultima_de_region(region_id: int) -> ProgramacionMetas | None:
    """The region's programming of the newest year ODES opened, if any."""
    return db.session.scalar(
        sa.select(ProgramacionMetas)
        .join(Convenio, ProgramacionMetas.convenio_id == Convenio.id)
        .where(Convenio.region_id == region_id)
        .order_by(ProgramacionMetas.anio.desc(), Convenio.anio_inicio.desc())
        .limit(1)
    )


def consulta_reprogramaciones(
    *, estado: EstadoSolicitud | None = None, region_id: int | None = None
) -> sa.Select:
    """Select of the reprogramming requests, newest first, in one state and/or one region
    (with their goal, convenio and region loaded for the list)."""
    consulta = (
        sa.select(Reprogramacion)
        .join(Meta, Reprogramacion.meta_id == Meta.id)
        .join(Convenio, Meta.convenio_id == Convenio.id)
        .options(
            joinedload(Reprogramacion.meta).joinedload(Meta.convenio),
            joinedload(Reprogramacion.adenda),
        )
        .order_by(Reprogramacion.creado_en.desc(), Reprogramacion.id.desc())
    )
    if estado is not None:
        consulta = consulta.where(Reprogramacion.estado == estado)
    if region_id is not None:
        consulta = consulta.where(Convenio.region_id == region_id)
    return consulta


def regiones_con_reprogramaciones() -> list[Region]:
    """The regions that have asked for at least one reprogramming, in report order (the
    options of the list's region filter: none leads to an empty list)."""
    return list(
        db.session.scalars(
            sa.select(Region)
            .where(
                Region.id.in_(
                    sa.select(Convenio.region_id)
                    .join(Meta, Meta.convenio_id == Convenio.id)
                    .join(Reprogramacion, Reprogramacion.meta_id == Meta.id)
                )
            )
            .order_by(Region.orden, Region.nombre)
        )
    )


def con_solicitud_pendiente(meta_ids: Iterable[int]) -> set[int]:
    """The goals, among meta_ids, that have a reprogramming request waiting for ODES."""
    ids = sorted(set(meta_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Reprogramacion.meta_id).where(
                Reprogramacion.meta_id.in_(ids),
                Reprogramacion.estado == EstadoSolicitud.pendiente,
            )
        )
    )


def nombres_usuarios(usuario_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the users who asked for or resolved requests, by id."""
    ids = sorted({i for i in usuario_ids if i is not None})
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Usuario.id, Usuario.nombre).where(Usuario.id.in_(ids))).all()
    )


def metas_aprobadas_de(
    claves: set[tuple[int, int, int]],
) -> dict[tuple[int, int, int], dict[int, Meta]]:
    """`metas_aprobadas` of many (convenio id, year, semester) at once, in two queries."""
    if not claves:
        return {}
    convenios = {c for c, _a, _s in claves}
    aprobadas = set(
        db.session.execute(
            sa.select(ProgramacionMetas.convenio_id, ProgramacionMetas.anio).where(
                ProgramacionMetas.convenio_id.in_(convenios),
                ProgramacionMetas.estado == EstadoReporte.aprobado,
            )
        ).all()
    )
    resultado: dict[tuple[int, int, int], dict[int, Meta]] = {c: {} for c in claves}
    if not aprobadas:
        return resultado
    for meta in db.session.scalars(
        sa.select(Meta).where(
            Meta.convenio_id.in_({c for c, _a in aprobadas}),
            Meta.anio.in_({a for _c, a in aprobadas}),
        )
    ):
        clave = (meta.convenio_id, meta.anio, meta.semestre)
        if clave in resultado and (meta.convenio_id, meta.anio) in aprobadas:
            resultado[clave][meta.indicador_id] = meta
    return resultado
