"""Helpers shared by the forms of the three parts, and by their views."""

from __future__ import annotations

from enum import Enum
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from app.comun.errores import ErrorNegocio

#: Message of a multiple select whose posted values are not ids.
VALOR_NO_VALIDO = _l("Seleccione opciones de la lista.")


def texto_o_nada(valor: str | None) -> str | None:
    """Strip a typed text; blank becomes None."""
    return (valor or "").strip() or None


def id_o_nada(valor: int | None) -> int | None:
    """An optional select's id; its "none" option (0) becomes None."""
    return valor or None


def mostrar_error(form: Any, error: ErrorNegocio) -> None:
    """Show a service error next to the field it names, or as a message when it names none."""
    campo = getattr(form, error.campo, None) if error.campo else None
    if campo is not None:
        campo.errors = [*campo.errors, error.mensaje]
    else:
        flash(error.mensaje, "error")


def _valor_inicial(valor: Any) -> Any:
    """An enum as its value (what the select fields hold)."""
    if isinstance(valor, Enum):
        return valor.value
    return valor


def datos_iniciales(form_clase: type, objeto: Any) -> dict[str, Any]:
    """The object's current values in the shape the form expects (enums as values).

    A form may map its field names to other attribute names in `ATRIBUTOS`; an empty
    optional select (a field ending in _id) shows its "none" option, 0.
    """
    atributos = getattr(form_clase, "ATRIBUTOS", {})
    datos = {}
    for nombre in dir(form_clase):
        atributo = atributos.get(nombre, nombre)
        if isinstance(getattr(form_clase, nombre), UnboundField) and hasattr(objeto, atributo):
            valor = _valor_inicial(getattr(objeto, atributo))
            datos[nombre] = 0 if valor is None and nombre.endswith("_id") else valor
    return datos
