"""What the convenios views share: going back to a report and flashing a list of messages."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.convenios.models import LineaReporte

#: Flash at most this many messages for one upload; the rest are summarised
MAXIMO_AVISOS = 15


def volver_al_reporte(reporte_id: int, linea: LineaReporte | None = None):
    """Redirect to the report page (at the line's evidence block when given)."""
    url = url_for("convenios.ver_anexo4", reporte_id=reporte_id)
    return redirect(f"{url}#evidencias-{linea.id}" if linea else url)


def avisar(mensajes: list[str], categoria: str) -> None:
    """Flash a list of messages, summarising past MAXIMO_AVISOS."""
    for mensaje in mensajes[:MAXIMO_AVISOS]:
        flash(mensaje, categoria)
    if len(mensajes) > MAXIMO_AVISOS:
        flash(_("… y %(valor)s observaciones más.", valor=len(mensajes) - MAXIMO_AVISOS), categoria)


def errores_formulario(form) -> list[str]:
    """Every error message of a form, in field order."""
    return [error for errores in form.errors.values() for error in errores]
