"""Writes on the catalogue (ODES only), audited."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo import queries
from app.catalogo.models import (
    ConjuntoIndicadores,
    Indicador,
    Region,
    RegionAlias,
    UnidadMTPE,
    normalizar,
)
from app.comun.auditoria import cambios, registrar_evento
from app.comun.errores import ErrorNegocio
from app.extensions import db


class ErrorCatalogo(ErrorNegocio):
    """A catalogue rule was broken; the message is shown next to the field."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje, campo)


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


def editar_indicador(indicador: Indicador, datos: dict[str, Any], *, usuario_id: int | None):
    """Change an indicator's texts and alignment."""
    antes, despues = cambios(indicador, datos)
    if despues:
        registrar_evento(
            "editar",
            "indicador",
            indicador.id,
            usuario_id=usuario_id,
            antes=antes,
            despues=despues,
        )
    return indicador


def editar_texto(objeto, campo: str, texto: str, *, tipo: str, usuario_id: int | None) -> None:
    """Change the official text of a catalogue entry, audited."""
    antes, despues = cambios(objeto, {campo: texto.strip()})
    if despues:
        registrar_evento(
            "editar", tipo, objeto.id, usuario_id=usuario_id, antes=antes, despues=despues
        )


# --- Cycles and their indicator sets -------------------------------------------------------

#: The ficha técnica of an IdG: what a new cycle copies from the previous one
CAMPOS_FICHA = (
    "numero",
    "nombre",
    "viceministerio_id",
    "proponente_id",
    "objetivo_id",
    "funcion_id",
    "servicio_id",
    "unidad_medida",
    "tipo_valor",
    "admite_negativo",
    "sentido",
    "numerador",
    "denominador",
    "requiere_evidencia",
    "linea_base",
)


def crear_ciclo(
    anio_inicio: int,
    anio_fin: int,
    *,
    nombre: str | None = None,
    base: ConjuntoIndicadores | None = None,
    usuario_id: int | None,
) -> ConjuntoIndicadores:
    """Open a cycle; with ``base``, its indicator set starts as a copy of that cycle's.

    The copy is new rows: editing the new cycle's IdG never changes an earlier cycle's.
    """
    if anio_fin < anio_inicio:
        raise ErrorCatalogo("anio_fin", _("El año final no puede ser anterior al año inicial."))
    if not (2000 <= anio_inicio <= 2100 and 2000 <= anio_fin <= 2100):
        raise ErrorCatalogo("anio_inicio", _("Año no válido."))
    nombre = (nombre or "").strip() or f"IdG {anio_inicio}"
    solapado = db.session.scalar(
        sa.select(ConjuntoIndicadores).where(
            ConjuntoIndicadores.anio_inicio <= anio_fin,
            ConjuntoIndicadores.anio_fin >= anio_inicio,
        )
    )
    if solapado is not None:
        raise ErrorCatalogo(
            "anio_inicio",
            _(
                "Los años se cruzan con el ciclo %(ciclo)s (%(nombre)s).",
                ciclo=solapado.ciclo,
                nombre=solapado.nombre,
            ),
        )
    if db.session.scalar(sa.select(ConjuntoIndicadores.id).filter_by(nombre=nombre)):
        raise ErrorCatalogo("nombre", _("Ya existe un ciclo con ese nombre."))
    ciclo = ConjuntoIndicadores(
        nombre=nombre, anio_inicio=anio_inicio, anio_fin=anio_fin, base=base
    )
    db.session.add(ciclo)
    if base is not None:
        for original in base.indicadores:
            ciclo.indicadores.append(
                Indicador(**{campo: getattr(original, campo) for campo in CAMPOS_FICHA})
            )
    db.session.flush()
    registrar_evento(
        "crear_ciclo",
        "conjunto_indicadores",
        ciclo.id,
        usuario_id=usuario_id,
        despues={
            "ciclo": ciclo.ciclo,
            "nombre": nombre,
            "copia_de": base.nombre if base else None,
            "idg": len(ciclo.indicadores),
        },
    )
    return ciclo


def validar_ficha(
    ciclo: ConjuntoIndicadores, datos: dict[str, Any], *, excluir_id: int | None = None
) -> None:
    """Check an IdG's ficha técnica; raise ErrorCatalogo (keyed by field) on the first fault."""
    numero = datos.get("numero")
    if not isinstance(numero, int) or not 1 <= numero <= 999:
        raise ErrorCatalogo("numero", _("El número del IdG debe estar entre 1 y 999."))
    repetido = sa.select(Indicador.id).where(
        Indicador.conjunto_id == ciclo.id, Indicador.numero == numero
    )
    if excluir_id is not None:
        repetido = repetido.where(Indicador.id != excluir_id)
    if db.session.scalar(repetido):
        raise ErrorCatalogo("numero", _("El ciclo ya tiene un IdG %(numero)s.", numero=numero))
    if not (datos.get("nombre") or "").strip():
        raise ErrorCatalogo("nombre", _("Escriba el nombre del IdG."))
    if db.session.get(UnidadMTPE, datos.get("proponente_id") or 0) is None:
        raise ErrorCatalogo("proponente_id", _("Elija la unidad proponente."))
    numerador = (datos.get("numerador") or "").strip()
    denominador = (datos.get("denominador") or "").strip()
    if bool(numerador) != bool(denominador):
        raise ErrorCatalogo(
            "denominador" if numerador else "numerador",
            _("Un IdG de razón necesita numerador y denominador; deje ambos vacíos si no lo es."),
        )


def agregar_indicador(
    ciclo: ConjuntoIndicadores, datos: dict[str, Any], *, usuario_id: int | None
) -> Indicador:
    """Add an IdG with its ficha técnica to a cycle that has not reported yet."""
    if queries.ciclo_en_uso(ciclo.id):
        raise ErrorCatalogo(
            "numero",
            _(
                "El ciclo %(ciclo)s ya tiene Anexos 4: su conjunto de IdG no se modifica.",
                ciclo=ciclo.ciclo,
            ),
        )
    validar_ficha(ciclo, datos)
    indicador = Indicador(conjunto=ciclo, **datos)
    db.session.add(indicador)
    db.session.flush()
    registrar_evento(
        "agregar_idg",
        "conjunto_indicadores",
        ciclo.id,
        usuario_id=usuario_id,
        despues={"idg": numero_y_nombre(indicador)},
    )
    return indicador


def numero_y_nombre(indicador: Indicador) -> str:
    """E.g. "IdG 3 – Porcentaje de …" (as the history writes an IdG)."""
    return f"{indicador.etiqueta} – {indicador.nombre}"
