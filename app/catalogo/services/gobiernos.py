"""Loading subnational governments from INEI's ubigeo list: municipalities under their region.

A row is (ubigeo, nombre[, tipo]): the level follows from the code when not given — ddpp00 a
provincial municipality, any other ddppxx a district one (dd0000 departments are the regional
governments, kept as they are) — and the parent is the province ddpp00 if registered, else the
department dd0000. Names repeat across Peru (a district "Lima", many "San Juan"): a name
another government holds gets its parent's in brackets. Loading again updates by ubigeo;
nothing is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import Region, TipoRegion, normalizar
from app.comun.auditoria import registrar_eventos
from app.extensions import db

UBIGEO = re.compile(r"^\d{6}$")
#: Levels a file may name (regional governments are the catalogue's own rows).
TIPOS = {
    "municipalidad_provincial": TipoRegion.municipalidad_provincial,
    "municipalidad_distrital": TipoRegion.municipalidad_distrital,
    "provincial": TipoRegion.municipalidad_provincial,
    "distrital": TipoRegion.municipalidad_distrital,
}


@dataclass
class ResumenGobiernos:
    """What a load did: governments added and updated, and the errors (nothing is written
    when there is one)."""

    nuevos: int = 0
    actualizados: int = 0
    errores: list[str] = field(default_factory=list)


def _tipo(ubigeo: str, texto: str) -> TipoRegion | None:
    if texto:
        return TIPOS.get(normalizar(texto).replace(" ", "_"))
    return (
        TipoRegion.municipalidad_provincial
        if ubigeo[4:] == "00"
        else TipoRegion.municipalidad_distrital
    )


def _nombre_libre(nombre: str, ubigeo: str, padre: Region, nombres: dict[str, str]) -> str:
    """The name as given, or with its parent's ("San Juan (Maynas)") when another government
    has it (names repeat across provinces), or with its ubigeo as a last resort; recorded in
    `nombres` (normalised name → ubigeo)."""
    for candidato in (nombre, f"{nombre} ({padre.nombre})", f"{nombre} ({ubigeo})"):
        if nombres.get(normalizar(candidato), ubigeo) == ubigeo and len(candidato) <= 80:
            nombres[normalizar(candidato)] = ubigeo
            return candidato
    return f"{nombre[:70]} ({ubigeo})"


def cargar_gobiernos(
    filas: Iterable[dict[str, str]], *, usuario_id: int | None = None
) -> ResumenGobiernos:
    """Add or update the municipalities of a ubigeo list (rows: ubigeo, nombre[, tipo]),
    audited; on any error nothing is written and the errors say which rows (the caller
    commits)."""
    resumen = ResumenGobiernos()
    existentes = {r.ubigeo: r for r in db.session.scalars(sa.select(Region)) if r.ubigeo}
    nombres = {normalizar(r.nombre): r.ubigeo for r in existentes.values()}
    leidas: dict[str, tuple[str, TipoRegion]] = {}
    for numero, fila in enumerate(filas, start=2):
        ubigeo = (fila.get("ubigeo") or "").strip()
        nombre = " ".join((fila.get("nombre") or "").split())
        if not UBIGEO.match(ubigeo) or ubigeo[2:] == "0000":
            resumen.errores.append(
                _(
                    "Fila %(n)s: el ubigeo «%(u)s» no es de una provincia ni de un distrito "
                    "(seis dígitos, ddpp00 o ddppdd).",
                    n=numero,
                    u=ubigeo[:12],
                )
            )
            continue
        tipo = _tipo(ubigeo, (fila.get("tipo") or "").strip())
        if tipo is None or not nombre or len(nombre) > 80:
            resumen.errores.append(
                _(
                    "Fila %(n)s: falta el nombre (hasta 80 caracteres) o el tipo no es "
                    "provincial ni distrital.",
                    n=numero,
                )
            )
            continue
        if ubigeo in leidas:
            resumen.errores.append(
                _("Fila %(n)s: el ubigeo %(u)s está repetido.", n=numero, u=ubigeo)
            )
            continue
        leidas[ubigeo] = (nombre, tipo)
    for ubigeo in leidas:
        provincia = f"{ubigeo[:4]}00"
        if f"{ubigeo[:2]}0000" not in existentes and not (
            ubigeo != provincia and (provincia in existentes or provincia in leidas)
        ):
            resumen.errores.append(
                _(
                    "Ubigeo %(u)s: no hay en el catálogo una región %(d)s0000 ni una provincia "
                    "%(p)s a la que pertenezca.",
                    u=ubigeo,
                    d=ubigeo[:2],
                    p=provincia,
                )
            )
    if resumen.errores:
        return resumen
    # Provinces first, so a district finds its province whether new or registered.
    nuevos, actualizados = [], []
    orden = max((r.orden for r in existentes.values()), default=0)
    for ubigeo in sorted(leidas, key=lambda u: (u[4:] != "00", u)):
        nombre, tipo = leidas[ubigeo]
        padre = existentes.get(f"{ubigeo[:4]}00") if ubigeo[4:] != "00" else None
        padre = padre or existentes.get(f"{ubigeo[:2]}0000")
        region = existentes.get(ubigeo)
        if region is not None and region.tipo not in TIPOS.values():
            continue  # Lima Metropolitana (150100) is edited on its own page, never by a list
        if region is None:
            orden += 1
            region = Region(
                codigo=f"{'mp' if tipo is TipoRegion.municipalidad_provincial else 'md'}-{ubigeo}",
                ubigeo=ubigeo,
                orden=orden,
                macro_region=padre.macro_region,
            )
            db.session.add(region)
            existentes[ubigeo] = region
            nuevos.append(region)
        elif (region.tipo, region.padre_id) != (tipo, padre.id) or normalizar(
            region.nombre
        ) not in {normalizar(nombre), normalizar(f"{nombre} ({padre.nombre})")}:
            actualizados.append(region)
        region.nombre = _nombre_libre(nombre, ubigeo, padre, nombres)
        region.tipo, region.padre = tipo, padre
    db.session.flush()
    registrar_eventos("crear", "region", [r.id for r in nuevos], usuario_id=usuario_id)
    registrar_eventos("editar", "region", [r.id for r in actualizados], usuario_id=usuario_id)
    resumen.nuevos, resumen.actualizados = len(nuevos), len(actualizados)
    return resumen
