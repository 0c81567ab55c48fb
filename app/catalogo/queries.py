"""Reads of the catalogue, and name resolution through aliases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.catalogo.models import (
    ConjuntoIndicadores,
    FuncionLOGR,
    FuncionTransferida,
    Indicador,
    ObjetivoEstrategico,
    Region,
    RegionAlias,
    ServicioPublico,
    TipoRegion,
    UnidadMTPE,
    normalizar,
)
from app.extensions import db


@dataclass(frozen=True)
class SeccionRegion:
    """A part of a region's page that a module above the catalogue holds (its convenios)."""

    plantilla: str
    contexto: dict[str, Any]


#: What the modules above add to a region's page: each registers a function of (region, user)
#: when it is imported (app/convenios/__init__.py), so the catalogue imports none of them.
SECCIONES_REGION: list[Callable[[Region, Any], SeccionRegion | None]] = []

#: Whether a cycle has been reported on: each module above that records data against a cycle's
#: IdG registers a function of the cycle id (app/convenios/__init__.py: Anexo 4 lines).
USOS_CICLO: list[Callable[[int], bool]] = []


def ciclo_en_uso(conjunto_id: int) -> bool:
    """Whether any data was recorded against the cycle's IdG (its set is then frozen)."""
    return any(uso(conjunto_id) for uso in USOS_CICLO)


def regiones(*, solo_gores: bool = False) -> list[Region]:
    """Return the regions in the report's order."""
    consulta = sa.select(Region).order_by(Region.orden, Region.nombre)
    if solo_gores:
        consulta = consulta.where(Region.tipo == TipoRegion.gobierno_regional)
    return list(db.session.scalars(consulta))


def regiones_con_detalle() -> list[Region]:
    """Return the regions with their aliases and transferred functions loaded."""
    return list(
        db.session.scalars(
            sa.select(Region)
            .options(
                selectinload(Region.aliases),
                selectinload(Region.funciones_transferidas).joinedload(FuncionTransferida.funcion),
            )
            .order_by(Region.orden, Region.nombre)
        )
    )


#: The report's order of the governments.
ORDEN_REGIONES = (Region.orden, Region.nombre)

#: The governments a region filter offers by default: the regional ones and Lima Metropolitana
#: (the 26 of the first cycles); provincial and district municipalities are found by name.
NIVEL_REGIONAL = (TipoRegion.gobierno_regional, TipoRegion.municipalidad_metropolitana)


def regiones_para_filtro(*, region_id: int | None = None) -> list[Region]:
    """The options of a region filter: the regional-level governments in report order, plus
    the one a link asked for when it is a municipality."""
    condicion = Region.tipo.in_(NIVEL_REGIONAL)
    if region_id:
        condicion = sa.or_(condicion, Region.id == region_id)
    return list(db.session.scalars(sa.select(Region).where(condicion).order_by(*ORDEN_REGIONES)))


def hay_municipalidades() -> bool:
    """Whether any provincial or district municipality is in the catalogue."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(Region.tipo.not_in(NIVEL_REGIONAL)),
            )
        )
    )


def consulta_regiones(
    *, texto: str = "", macro: str = "", nivel: str = "", padre_id: int | None = None
) -> sa.Select:
    """Select of the regions matching a search on name, other spelling or ubigeo, a macro-region,
    a level and the government they belong to (directly or through their province), with what
    the list shows loaded for the page's rows only."""
    from app.comun.listas import contiene, patron

    consulta = sa.select(Region).options(
        selectinload(Region.aliases),
        selectinload(Region.funciones_transferidas),
        # Joined, not selected after: a page of regional governments has no parent, and a
        # query issued only when some row has one would vary the page's statements.
        joinedload(Region.padre),
    )
    if texto:
        clave = normalizar(texto)
        consulta = consulta.where(
            sa.or_(
                contiene(Region.nombre, clave),
                # The aliases' keys are already normalised.
                sa.exists().where(
                    RegionAlias.region_id == Region.id,
                    RegionAlias.clave.like(patron(clave), escape="\\"),
                ),
                Region.ubigeo.like(f"{clave}%") if clave.isdecimal() else sa.false(),
            )
        )
    if macro:
        consulta = consulta.where(Region.macro_region == macro)
    if nivel:
        consulta = consulta.where(Region.tipo == TipoRegion(nivel))
    if padre_id:
        consulta = consulta.where(pertenece_a(padre_id))
    return consulta.order_by(*ORDEN_REGIONES)


def pertenece_a(padre_id: int) -> sa.ColumnElement[bool]:
    """SQL condition: the region belongs to that government, directly (a region's provinces, a
    province's districts) or through a province (a region's districts)."""
    return sa.or_(
        Region.padre_id == padre_id,
        Region.padre_id.in_(sa.select(Region.id).where(Region.padre_id == padre_id)),
    )


def region_por_codigo(codigo: str) -> Region | None:
    """The government with that code, if any."""
    return db.session.scalar(sa.select(Region).where(Region.codigo == codigo))


def macro_regiones() -> list[str]:
    """The macro-regions in use, in alphabetical order."""
    return list(
        db.session.scalars(
            sa.select(Region.macro_region)
            .where(Region.macro_region.is_not(None))
            .distinct()
            .order_by(Region.macro_region)
        )
    )


def municipalidades_de(region: Region) -> int:
    """How many municipalities belong to a government (its provinces and their districts)."""
    return db.session.scalar(sa.select(sa.func.count(Region.id)).where(pertenece_a(region.id)))


#: A government's municipalities, for regiones_con_municipalidades (an alias is costly to build).
_HIJA = aliased(Region, name="hija")


def regiones_con_municipalidades() -> list[Region]:
    """The top-level governments some municipality belongs to, in report order (the options of
    the list's «Pertenece a» filter)."""
    hija = _HIJA
    return list(
        db.session.scalars(
            sa.select(Region)
            .where(Region.padre_id.is_(None), sa.exists().where(hija.padre_id == Region.id))
            .order_by(*ORDEN_REGIONES)
        )
    )


class IndiceRegiones:
    """Every region by the keys a written name may match, read once (two queries): a file of
    thousands of rows resolves each name with a dictionary lookup, not a pass over all regions."""

    def __init__(self) -> None:
        self._nombres: dict[str, Region] = {}
        self._codigos: dict[str, Region] = {}
        for region in regiones():
            self._nombres.setdefault(normalizar(region.nombre), region)
            self._codigos.setdefault(normalizar(region.codigo.replace("-", " ")), region)
        self._alias = dict(
            db.session.execute(
                sa.select(RegionAlias.clave, Region).join(
                    Region, Region.id == RegionAlias.region_id
                )
            ).all()
        )

    def buscar(self, nombre: str) -> Region | None:
        """The region named nombre (canonical name, code or alias; accents and case ignored)."""
        clave = normalizar(nombre)
        if not clave:
            return None
        # A code is written with hyphens ("la-libertad"): compared with its words.
        return (
            self._nombres.get(clave)
            or self._codigos.get(normalizar(nombre.replace("-", " ")))
            or self._alias.get(clave)
        )


def region_por_nombre(nombre: str) -> Region | None:
    """Find a region by canonical name, code or any known alias, ignoring accents and case."""
    if not normalizar(nombre):
        return None
    return IndiceRegiones().buscar(nombre)


def funciones() -> list[FuncionLOGR]:
    """Return the art. 48 functions a–r."""
    return list(db.session.scalars(sa.select(FuncionLOGR).order_by(FuncionLOGR.letra)))


def unidades() -> list[UnidadMTPE]:
    """Return the MTPE units, vice-ministries first, then by acronym."""
    return list(
        db.session.scalars(
            sa.select(UnidadMTPE)
            .options(selectinload(UnidadMTPE.padre), selectinload(UnidadMTPE.viceministerio))
            .order_by(UnidadMTPE.tipo, UnidadMTPE.sigla)
        )
    )


def unidad_por_sigla(sigla: str) -> UnidadMTPE | None:
    """Find an MTPE unit by its acronym."""
    return db.session.scalar(sa.select(UnidadMTPE).where(UnidadMTPE.sigla == sigla))


def objetivos() -> list[ObjetivoEstrategico]:
    """Return the sectoral strategic objectives."""
    return list(
        db.session.scalars(sa.select(ObjetivoEstrategico).order_by(ObjetivoEstrategico.numero))
    )


def servicios() -> list[ServicioPublico]:
    """Return the public services."""
    return list(db.session.scalars(sa.select(ServicioPublico).order_by(ServicioPublico.nombre)))


def conjuntos() -> list[ConjuntoIndicadores]:
    """Return the indicator sets with their indicators loaded."""
    return list(
        db.session.scalars(
            sa.select(ConjuntoIndicadores)
            .options(
                selectinload(ConjuntoIndicadores.indicadores).options(
                    selectinload(Indicador.proponente),
                    selectinload(Indicador.funcion),
                    selectinload(Indicador.servicio),
                    selectinload(Indicador.objetivo),
                )
            )
            .order_by(ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc())
        )
    )


def indicadores(conjunto_id: int) -> list[Indicador]:
    """Return the indicators of one set in number order."""
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id == conjunto_id)
            .order_by(Indicador.numero)
        )
    )


def consulta_unidades(*, texto: str = "", tipo: str = "") -> sa.Select:
    """Select of MTPE units matching a search on acronym/name and a level."""
    from app.catalogo.models import TipoUnidad
    from app.comun.listas import patron

    consulta = sa.select(UnidadMTPE).options(
        selectinload(UnidadMTPE.padre), selectinload(UnidadMTPE.viceministerio)
    )
    if texto:
        consulta = consulta.where(
            sa.or_(UnidadMTPE.sigla.ilike(patron(texto)), UnidadMTPE.nombre.ilike(patron(texto)))
        )
    if tipo:
        consulta = consulta.where(UnidadMTPE.tipo == TipoUnidad(tipo))
    return consulta.order_by(UnidadMTPE.tipo, UnidadMTPE.sigla)


def consulta_indicadores(
    *, texto: str = "", conjunto_id: int | None = None, proponente_id: int | None = None
) -> sa.Select:
    """Select of indicators (newest set first, by number) with their alignment loaded."""
    from app.comun.listas import patron

    consulta = (
        sa.select(Indicador)
        .join(Indicador.conjunto)
        .options(
            selectinload(Indicador.conjunto),
            selectinload(Indicador.proponente),
            selectinload(Indicador.funcion),
            selectinload(Indicador.servicio),
            selectinload(Indicador.objetivo),
        )
    )
    if texto:
        consulta = consulta.where(Indicador.nombre.ilike(patron(texto)))
    if conjunto_id:
        consulta = consulta.where(Indicador.conjunto_id == conjunto_id)
    if proponente_id:
        consulta = consulta.where(Indicador.proponente_id == proponente_id)
    return consulta.order_by(
        ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc(), Indicador.numero
    )


@dataclass(frozen=True)
class ResumenCiclo:
    """A cycle as the list of cycles shows it."""

    ciclo: ConjuntoIndicadores
    total_idg: int
    en_uso: bool


def resumen_ciclos() -> list[ResumenCiclo]:
    """Every cycle, newest first, with its number of IdG and whether its set is closed."""
    total = (
        sa.select(sa.func.count(Indicador.id))
        .where(Indicador.conjunto_id == ConjuntoIndicadores.id)
        .scalar_subquery()
    )
    filas = db.session.execute(
        sa.select(ConjuntoIndicadores, total)
        .options(selectinload(ConjuntoIndicadores.base))
        .order_by(ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc())
    ).all()
    return [ResumenCiclo(c, n, ciclo_en_uso(c.id)) for c, n in filas]


def indicadores_del_ciclo(conjunto_id: int) -> list[Indicador]:
    """The IdG of one cycle in number order, with what the cycle's table shows loaded."""
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id == conjunto_id)
            .options(selectinload(Indicador.proponente))
            .order_by(Indicador.numero)
        )
    )


def ciclo_de_anio(anio: int) -> ConjuntoIndicadores | None:
    """The cycle whose years include ``anio`` (the newest, if several do), with its IdG."""
    return db.session.scalar(
        sa.select(ConjuntoIndicadores)
        .where(ConjuntoIndicadores.anio_inicio <= anio, ConjuntoIndicadores.anio_fin >= anio)
        .options(selectinload(ConjuntoIndicadores.indicadores))
        .order_by(ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc())
        .limit(1)
    )
