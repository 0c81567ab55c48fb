"""What the catalogue views share: a refusal shown on its form, and the ficha técnica form."""

from __future__ import annotations

from flask import flash

from app.catalogo import queries, services
from app.catalogo.forms import FichaIndicadorForm


def mostrar_error(form, error: services.ErrorCatalogo) -> None:
    """Show a refusal next to its field, or above the form when it is about the whole page."""
    campo = getattr(form, error.campo or "", None)
    if campo is not None and hasattr(campo, "errors"):
        campo.errors = [*campo.errors, error.mensaje]
    else:
        flash(error.mensaje, "error")


def ficha_form(**kwargs) -> FichaIndicadorForm:
    """The ficha técnica form with its selects filled from the catalogue."""
    form = FichaIndicadorForm(**kwargs)
    form.llenar_opciones(
        queries.unidades(), queries.objetivos(), queries.funciones(), queries.servicios()
    )
    return form
