"""Reads of convenios: filtered lists and coverage per period."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalogo.models import Region, TipoRegion
from app.catalogo.queries import SeccionRegion
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoConvenio
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
        return f"{self.anio_inicio}-{self.anio_fin}"

    @property
    def porcentaje(self) -> float:
        """Share of regional governments with a signed convenio, in %."""
        return 100 * self.suscritos / self.total_gores if self.total_gores else 0.0


def periodos() -> list[tuple[int, int]]:
    """Return the convenio periods that exist, newest first."""
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
) -> sa.Select:
    """Build the select of convenios matching the filters, in the report's region order."""
    # The list shows each convenio's adendas: load them in one query, not one per row.
    consulta = sa.select(Convenio).join(Convenio.region).options(selectinload(Convenio.adendas))
    if periodo:
        consulta = consulta.where(
            Convenio.anio_inicio == periodo[0], Convenio.anio_fin == periodo[1]
        )
    if estado:
        consulta = consulta.where(Convenio.estado == estado)
    if region_id:
        consulta = consulta.where(Convenio.region_id == region_id)
    if texto:
        consulta = consulta.where(Region.nombre.ilike(f"%{texto}%"))
    return consulta.order_by(Convenio.anio_inicio.desc(), Region.orden, Region.nombre)


def cobertura(anio_inicio: int, anio_fin: int) -> Cobertura:
    """Count the regional governments with a signed convenio for the period; name the rest."""
    gores = db.session.scalars(
        sa.select(Region)
        .where(Region.tipo == TipoRegion.gobierno_regional)
        .order_by(Region.orden, Region.nombre)
    ).all()
    firmadas = set(
        db.session.scalars(
            sa.select(Convenio.region_id).where(
                Convenio.anio_inicio == anio_inicio,
                Convenio.anio_fin == anio_fin,
                Convenio.estado.in_(ESTADOS_SUSCRITOS),
            )
        )
    )
    return Cobertura(
        anio_inicio=anio_inicio,
        anio_fin=anio_fin,
        total_gores=len(gores),
        suscritos=sum(1 for r in gores if r.id in firmadas),
        pendientes=[r.nombre for r in gores if r.id not in firmadas],
    )


def cobertura_actual() -> Cobertura | None:
    """Coverage of the newest convenio period, or None if there is no convenio yet."""
    todos = periodos()
    return cobertura(*todos[0]) if todos else None


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
