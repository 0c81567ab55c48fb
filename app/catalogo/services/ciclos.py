"""Writes on the agreement cycles: opening one (its IdG set copied from an earlier cycle's),
and the rule that a cycle's set no longer changes once it has Anexos 4."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo import queries
from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.catalogo.services.comun import ErrorCatalogo
from app.comun.auditoria import registrar_evento
from app.extensions import db

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
    if len(nombre) > 80:  # the column is String(80)
        raise ErrorCatalogo("nombre", _("Máximo %(n)s caracteres.", n=80))
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


def motivo_ciclo_cerrado(ciclo: ConjuntoIndicadores) -> str | None:
    """Why a cycle's IdG set no longer changes (it has Anexos 4), in plain Spanish; else None."""
    if not queries.ciclo_en_uso(ciclo.id):
        return None
    return _(
        "El ciclo %(ciclo)s ya tiene Anexos 4 registrados: su conjunto de IdG ya no cambia "
        "(no se agregan, editan ni retiran IdG), para que sus reportes e informes se "
        "regeneren idénticos. Los cambios van en un ciclo nuevo.",
        ciclo=ciclo.ciclo,
    )


def exigir_abierto(ciclo: ConjuntoIndicadores) -> None:
    """Refuse any change to the set of a cycle in use (a page-level error, field "ciclo")."""
    motivo = motivo_ciclo_cerrado(ciclo)
    if motivo:
        raise ErrorCatalogo("ciclo", motivo)
