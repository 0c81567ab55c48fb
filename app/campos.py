"""Form fields shared by the modules."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

#: The message of every required field, in every module's forms.
REQUERIDO = _l("Este campo es obligatorio.")


def version_leida(texto: str | None) -> int | None:
    """The record version a form was read at (its hidden field), or None if absent or malformed."""
    texto = (texto or "").strip()
    return int(texto) if texto.isdecimal() else None


class CampoNumerico(StringField):
    """A number typed as text and parsed by `leer`, whose ValueError message is shown as is.

    Subclasses set `leer` (text → value or None) and may override `mostrar` (value → text).
    """

    leer: Callable[[str | None], Any]

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = self.raw

    def pre_validate(self, form):
        try:
            self.data = type(self).leer(self.raw if hasattr(self, "raw") else self.data)
        except ValueError as error:
            self.data = None
            raise StopValidation(str(error)) from None

    def mostrar(self, valor: Any) -> str:
        """How a stored value is shown back in the input."""
        if isinstance(valor, Decimal):
            return format(valor.normalize(), "f")
        return "" if valor is None else str(valor)

    def _value(self):
        return self.raw if hasattr(self, "raw") else self.mostrar(self.data)
