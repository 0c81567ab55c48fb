"""Writes on the catalogue's bodies: a region (labour body, macro-region, aliases) and an MTPE
unit (name, acronym, parent), audited."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import Region, RegionAlias, UnidadMTPE, normalizar
from app.catalogo.services.comun import ErrorCatalogo
from app.comun.auditoria import cambios, registrar_evento
from app.extensions import db


def editar_region(
    region: Region, datos: dict[str, Any], aliases: list[str], *, usuario_id: int | None
) -> Region:
    """Change a region's labour body, macro-region and aliases."""
    claves: dict[str, str] = {}
    for alias in aliases:
        clave = normalizar(alias)
        if clave and clave != normalizar(region.nombre):
            claves.setdefault(clave, alias)
    if claves:
        ocupado = db.session.execute(
            sa.select(RegionAlias.alias, Region.nombre)
            .join(Region)
            .where(RegionAlias.clave.in_(claves), RegionAlias.region_id != region.id)
        ).first()
        if ocupado:
            raise ErrorCatalogo(
                "aliases",
                _(
                    "El alias «%(ocupado)s» ya pertenece a %(ocupado2)s.",
                    ocupado=ocupado[0],
                    ocupado2=ocupado[1],
                ),
            )
    antes, despues = cambios(region, datos)
    previos = sorted(a.alias for a in region.aliases)
    nuevos = sorted(claves.values())
    if previos != nuevos:
        # Reuse rows whose key stays, so the unique key is never inserted twice in one flush.
        existentes = {a.clave: a for a in region.aliases}
        region.aliases = [
            existentes.get(c) or RegionAlias(alias=a, clave=c) for c, a in claves.items()
        ]
        for alias in region.aliases:
            alias.alias = claves[alias.clave]
        antes["aliases"], despues["aliases"] = " | ".join(previos), " | ".join(nuevos)
    if despues:
        registrar_evento(
            "editar", "region", region.id, usuario_id=usuario_id, antes=antes, despues=despues
        )
    return region


def editar_unidad(unidad: UnidadMTPE, datos: dict[str, Any], *, usuario_id: int | None):
    """Change an MTPE unit's name, acronym or parent."""
    if datos.get("padre_id") == unidad.id:
        raise ErrorCatalogo("padre_id", _("Una unidad no puede depender de sí misma."))
    repetida = db.session.scalar(
        sa.select(UnidadMTPE.id).where(
            UnidadMTPE.sigla == datos["sigla"], UnidadMTPE.id != unidad.id
        )
    )
    if repetida:
        raise ErrorCatalogo("sigla", _("Ya existe otra unidad con esa sigla."))
    antes, despues = cambios(unidad, datos)
    if despues:
        registrar_evento(
            "editar",
            "unidad_mtpe",
            unidad.id,
            usuario_id=usuario_id,
            antes=antes,
            despues=despues,
        )
    return unidad
