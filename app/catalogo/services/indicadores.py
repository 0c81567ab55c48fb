"""Writes on the IdG of a cycle's set: a ficha técnica checked and edited, an IdG added or
retired, each audited with readable values (acronyms, letters and labels, not ids)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import (
    ETIQUETAS_SENTIDO,
    ETIQUETAS_TIPO_VALOR,
    ConjuntoIndicadores,
    FuncionLOGR,
    Indicador,
    ObjetivoEstrategico,
    Sentido,
    ServicioPublico,
    TipoValor,
    UnidadMTPE,
)
from app.catalogo.services.ciclos import CAMPOS_FICHA, exigir_abierto
from app.catalogo.services.comun import ErrorCatalogo
from app.comun.auditoria import cambios, registrar_evento
from app.comun.i18n import traducir
from app.extensions import db


def validar_ficha(
    ciclo: ConjuntoIndicadores, datos: dict[str, Any], *, excluir_id: int | None = None
) -> None:
    """Check an IdG's ficha técnica; raise ErrorCatalogo (keyed by field) on the first fault."""
    numero = datos.get("numero")
    if not isinstance(numero, int) or isinstance(numero, bool) or not 1 <= numero <= 999:
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
    # Optional references must exist when given (a form may post any id).
    for campo, modelo, mensaje in (
        ("viceministerio_id", UnidadMTPE, _("Elija un viceministerio de la lista.")),
        ("objetivo_id", ObjetivoEstrategico, _("Elija un objetivo estratégico de la lista.")),
        ("funcion_id", FuncionLOGR, _("Elija una función de la lista.")),
        ("servicio_id", ServicioPublico, _("Elija un servicio público de la lista.")),
    ):
        valor = datos.get(campo)
        if valor is not None and db.session.get(modelo, valor) is None:
            raise ErrorCatalogo(campo, mensaje)
    unidad = (datos.get("unidad_medida") or "").strip()
    if "unidad_medida" in datos and not unidad:
        raise ErrorCatalogo("unidad_medida", _("Escriba la unidad de medida."))
    if len(unidad) > 40:
        raise ErrorCatalogo("unidad_medida", _("Máximo %(n)s caracteres.", n=40))
    numerador = (datos.get("numerador") or "").strip()
    denominador = (datos.get("denominador") or "").strip()
    if bool(numerador) != bool(denominador):
        raise ErrorCatalogo(
            "denominador" if numerador else "numerador",
            _("Un IdG de razón necesita numerador y denominador; deje ambos vacíos si no lo es."),
        )
    linea_base = datos.get("linea_base")
    if linea_base is not None:
        if abs(linea_base) >= LIMITE_LINEA_BASE:  # the column is NUMERIC(14, 2)
            raise ErrorCatalogo(
                "linea_base", _("El número es demasiado grande (máximo 999 999 999 999.99).")
            )
        if linea_base < 0 and not datos.get("admite_negativo"):
            raise ErrorCatalogo(
                "linea_base",
                _("La línea de base es negativa y el IdG no admite valores negativos."),
            )


#: Bound of a NUMERIC(14, 2) value (línea de base)
LIMITE_LINEA_BASE = Decimal("1000000000000")


def agregar_indicador(
    ciclo: ConjuntoIndicadores, datos: dict[str, Any], *, usuario_id: int | None
) -> Indicador:
    """Add an IdG with its ficha técnica to a cycle that has not reported yet."""
    exigir_abierto(ciclo)
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


def editar_ficha(
    indicador: Indicador, datos: dict[str, Any], *, usuario_id: int | None
) -> Indicador:
    """Change an IdG's ficha técnica (any of CAMPOS_FICHA, renumbering included).

    Refused once the cycle has Anexos 4: an earlier cycle's set never changes, so its
    reports regenerate identical. The audit records old and new values, readable.
    """
    desconocidos = set(datos) - set(CAMPOS_FICHA)
    if desconocidos:
        raise ValueError(f"Campos ajenos a la ficha: {sorted(desconocidos)}")
    exigir_abierto(indicador.conjunto)
    # The whole ficha as it would stand is validated, not only the fields sent.
    completa = {campo: getattr(indicador, campo) for campo in CAMPOS_FICHA} | datos
    validar_ficha(indicador.conjunto, completa, excluir_id=indicador.id)
    previos = {campo: _legible(campo, getattr(indicador, campo)) for campo in datos}
    antes, despues = cambios(indicador, datos)
    if despues:
        db.session.flush()
        registrar_evento(
            "editar",
            "indicador",
            indicador.id,
            usuario_id=usuario_id,
            antes={_clave(c): previos[c] for c in antes},
            despues={_clave(c): _legible(c, v) for c, v in despues.items()},
        )
    return indicador


def editar_indicador(indicador: Indicador, datos: dict[str, Any], *, usuario_id: int | None):
    """Change an indicator's texts and alignment (refused once its cycle has reports)."""
    return editar_ficha(indicador, datos, usuario_id=usuario_id)


def retirar_indicador(indicador: Indicador, *, motivo: str, usuario_id: int | None) -> None:
    """Take an IdG out of its cycle's set, with a reason; the audit keeps its whole ficha.

    Refused once the cycle has Anexos 4, and while any other record (annual goals, an
    evaluation, a training activity…) refers to the IdG: nothing is deleted in cascade.
    """
    ciclo = indicador.conjunto
    exigir_abierto(ciclo)
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorCatalogo("motivo", _("Indique el motivo del retiro."))
    if _referido(indicador):
        raise ErrorCatalogo(
            "motivo",
            _(
                "%(idg)s ya tiene datos registrados (metas, evaluaciones o actividades): "
                "no se puede retirar.",
                idg=indicador.etiqueta,
            ),
        )
    # The whole ficha (empty fields left out), so the history can tell what was retired.
    ficha = {
        _clave(c): _legible(c, getattr(indicador, c))
        for c in CAMPOS_FICHA
        if c not in ("numero", "nombre") and getattr(indicador, c) is not None
    }
    registrar_evento(
        "retirar_idg",
        "conjunto_indicadores",
        ciclo.id,
        usuario_id=usuario_id,
        antes={"idg": numero_y_nombre(indicador), **ficha},
        motivo=motivo,
    )
    db.session.delete(indicador)
    db.session.flush()
    db.session.expire(ciclo, ["indicadores"])


def _referido(indicador: Indicador) -> bool:
    """Whether a row of any table points at the IdG (read from the schema, so the catalogue
    names none of the modules above it)."""
    columna = Indicador.__table__.c.id
    for tabla in db.metadata.sorted_tables:
        for clave in tabla.foreign_keys:
            if tabla is Indicador.__table__ or clave.column is not columna:
                continue
            consulta = (
                sa.select(sa.literal(1)).select_from(tabla).where(clave.parent == indicador.id)
            )
            if db.session.scalar(consulta.limit(1)) is not None:
                return True
    return False


def _clave(campo: str) -> str:
    """The history's name of a ficha field ("proponente" for proponente_id)."""
    return campo.removesuffix("_id")


def _legible(campo: str, valor: Any) -> Any:
    """A ficha value as the history shows it: acronyms, letters and labels, not ids."""
    if valor is None:
        return "—"
    if campo in ("proponente_id", "viceministerio_id"):
        unidad = db.session.get(UnidadMTPE, valor)
        return unidad.sigla if unidad else valor
    if campo == "objetivo_id":
        objetivo = db.session.get(ObjetivoEstrategico, valor)
        return f"OES {objetivo.numero}" if objetivo else valor
    if campo == "funcion_id":
        funcion = db.session.get(FuncionLOGR, valor)
        return f"{funcion.letra})" if funcion else valor
    if campo == "servicio_id":
        servicio = db.session.get(ServicioPublico, valor)
        return servicio.nombre if servicio else valor
    if isinstance(valor, TipoValor):
        return traducir(ETIQUETAS_TIPO_VALOR[valor])
    if isinstance(valor, Sentido):
        return traducir(ETIQUETAS_SENTIDO[valor])
    if isinstance(valor, bool):
        return _("Sí") if valor else _("No")
    if isinstance(valor, Decimal):
        return format(valor.normalize(), "f")
    return valor


def numero_y_nombre(indicador: Indicador) -> str:
    """E.g. "IdG 3 – Porcentaje de …" (as the history writes an IdG)."""
    return f"{indicador.etiqueta} – {indicador.nombre}"
