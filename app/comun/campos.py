"""Form fields shared by the modules."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import StopValidation
from wtforms.widgets import core as widgets

#: The message of every required field, in every module's forms.
REQUERIDO = _l("Este campo es obligatorio.")

#: WTForms' own attribute renderer, kept for the equivalence test.
HTML_PARAMS_WTFORMS = widgets.html_params


def html_params(**kwargs: Any) -> Markup:
    """WTForms' `html_params` with the same output, about six times faster.

    WTForms builds every attribute with `Markup.format` (Python's string.Formatter); a form
    page such as the Anexo 4 grid (30 IdG: ~450 attributes) spends a large share of its time
    there. tests/test_campos.py checks that both give the same markup for any attributes.
    """
    partes = []
    for clave, valor in sorted(kwargs.items()):
        clave = widgets.clean_key(clave)
        if valor is True:
            partes.append(str(escape(clave)))
        elif valor is not False:
            partes.append(f'{escape(clave)}="{str(escape(valor)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(partes))


def acelerar_widgets() -> None:
    """Make WTForms' widgets and labels render their attributes with `html_params` above.

    WTForms reaches its function through four names: the widgets module, the package (labels),
    and the `Input` and `Button` classes; tests/test_campos.py checks all four.
    """
    import wtforms.widgets

    widgets.html_params = wtforms.widgets.html_params = html_params
    for clase in (widgets.Input, widgets.Button):
        clase.html_params = staticmethod(html_params)


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
