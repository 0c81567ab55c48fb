"""Reads of convenios: filtered lists, coverage per validity span, the one in force, its IdG."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from app.catalogo.models import Indicador, Region, TipoRegion
from app.catalogo.queries import SeccionRegion
from app.comun import calculos
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoConvenio, LineaReporte
from app.extensions import db

ESTADOS_SUSCRITOS = (EstadoConvenio.suscrito, EstadoConvenio.vencido, EstadoConvenio.resuelto)


@dataclass(frozen=True)
class Cobertura:
    """How many regional governments signed a convenio for one period."""

    anio_inicio: int
    anio_fin: int
    total_gores: int
    suscritos: int
    pendientes: list[str]

    @property
    def periodo(self) -> str:
        """The validity span as written in the documents, e.g. "2020-2021"."""
        return f"{self.anio_inicio}-{self.anio_fin}"

    @property
    def porcentaje(self) -> Decimal:
        """Share of regional governments with a signed convenio, in % (unrounded)."""
        return calculos.porcentaje(self.suscritos, self.total_gores)


def vigencias() -> list[tuple[int, int]]:
    """The validity spans of the registered convenios (first and last year), newest first."""
    filas = db.session.execute(
        sa.select(Convenio.anio_inicio, Convenio.anio_fin)
        .distinct()
        .order_by(Convenio.anio_inicio.desc(), Convenio.anio_fin.desc())
    )
    return [tuple(f) for f in filas]


def listar(
    *,
    periodo: tuple[int, int] | None = None,
    estado: EstadoConvenio | None = None,
    region_id: int | None = None,
    texto: str | None = None,
    nivel: TipoRegion | None = None,
) -> sa.Select:
    """Build the select of convenios matching the filters, in the report's region order."""
    from app.comun.listas import contiene

    # The list shows each convenio's adendas: load them in one query, not one per row. The
    # region comes from the join the filters and the order use, not from a second join.
    consulta = (
        sa.select(Convenio)
        .join(Convenio.region)
        .options(selectinload(Convenio.adendas), contains_eager(Convenio.region))
    )
    if periodo:
        consulta = consulta.where(
            Convenio.anio_inicio == periodo[0], Convenio.anio_fin == periodo[1]
        )
    if estado:
        consulta = consulta.where(Convenio.estado == estado)
    if region_id:
        consulta = consulta.where(Convenio.region_id == region_id)
    if nivel:
        consulta = consulta.where(Region.tipo == nivel)
    if texto:
        consulta = consulta.where(contiene(Region.nombre, texto))
    return consulta.order_by(Convenio.anio_inicio.desc(), Region.orden, Region.nombre)


def cobertura(anio_inicio: int, anio_fin: int, *, al: date | None = None) -> Cobertura:
    """Count the regional governments with a signed convenio for the period; name the rest.

    With ``al``, only signatures on or before that day count: a semester's report states the
    coverage as of its last day, and a later signature never changes it.
    """
    firmado = sa.exists().where(
        Convenio.region_id == Region.id,
        Convenio.anio_inicio == anio_inicio,
        Convenio.anio_fin == anio_fin,
        Convenio.estado.in_(ESTADOS_SUSCRITOS),
        Convenio.fecha_suscripcion <= al if al else sa.true(),
    )
    # One row per regional government (25), never one per convenio of every municipality.
    gores = db.session.execute(
        sa.select(Region.nombre, firmado)
        .where(Region.tipo == TipoRegion.gobierno_regional)
        .order_by(Region.orden, Region.nombre)
    ).all()
    return Cobertura(
        anio_inicio=anio_inicio,
        anio_fin=anio_fin,
        total_gores=len(gores),
        suscritos=sum(1 for _nombre, si in gores if si),
        pendientes=[nombre for nombre, si in gores if not si],
    )


def cobertura_actual() -> Cobertura | None:
    """Coverage of the newest validity span, or None if there is no convenio yet."""
    # The newest span only (a top-1), not every distinct span of 1,800 governments' convenios.
    actual = db.session.execute(
        sa.select(Convenio.anio_inicio, Convenio.anio_fin)
        .order_by(Convenio.anio_inicio.desc(), Convenio.anio_fin.desc())
        .limit(1)
    ).first()
    return cobertura(*actual) if actual else None


def convenios_firmados(region_id: int | Iterable[int]) -> sa.Select:
    """Select of a region's (or several regions') signed convenios, the one in force first
    when several overlap.

    The newest (latest start, then latest registered) wins: the form and the import resolve a
    year to the same convenio through this one order.
    """
    regiones = (
        Convenio.region_id == region_id
        if isinstance(region_id, int)
        else Convenio.region_id.in_(list(region_id))
    )
    return (
        sa.select(Convenio)
        .where(regiones, Convenio.fecha_suscripcion.is_not(None))
        .order_by(Convenio.anio_inicio.desc(), Convenio.id.desc())
    )


def convenio_vigente(region_id: int, anio: int) -> Convenio | None:
    """The signed convenio of a region that covers a year (the newest, if several do)."""
    return db.session.scalar(
        convenios_firmados(region_id)
        .where(Convenio.anio_inicio <= anio, Convenio.anio_fin >= anio)
        .limit(1)
    )


def indicadores_de(convenio: Convenio) -> list[Indicador]:
    """The IdG a convenio carries, in number order."""
    if convenio.conjunto_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id == convenio.conjunto_id)
            .order_by(Indicador.numero)
        )
    )


def ciclo_reportado(conjunto_id: int) -> bool:
    """Whether an Anexo 4 line exists for an IdG of the cycle."""
    return bool(
        db.session.scalar(
            sa.select(LineaReporte.id)
            .join(Indicador, Indicador.id == LineaReporte.indicador_id)
            .where(Indicador.conjunto_id == conjunto_id)
            .limit(1)
        )
    )


def seccion_region(region, usuario) -> SeccionRegion:
    """The region page's list of its convenios (none for another region's G/DRTPE user)."""
    convenios: list[Convenio] = []
    if usuario.rol is not Rol.drtpe or usuario.region_id == region.id:
        convenios = list(
            db.session.scalars(
                sa.select(Convenio)
                .filter_by(region_id=region.id)
                .order_by(Convenio.anio_inicio.desc())
            )
        )
    return SeccionRegion("convenios/_region.html", {"convenios": convenios, "region": region})
