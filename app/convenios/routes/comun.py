"""What the convenios views share: the semester a page shows, going back to a report and
flashing a list of messages."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.convenios.models import LineaReporte, Periodo
from app.convenios.queries import periodo_inicial

#: Flash at most this many messages for one upload; the rest are summarised
MAXIMO_AVISOS = 15


def periodo_de_pagina(
    *, con_pendientes: bool = False, otros_pendientes: Iterable[Periodo] = ()
) -> periodo_inicial.PeriodoInicial:
    """The semester of ?periodo= (404 when it names none), else the one the overview opens on
    for the current user (queries.periodo_inicial); `.periodo` is None only with no semester."""
    eleccion = periodo_inicial.elegir(
        request.args.get("periodo"),
        current_user,
        con_pendientes=con_pendientes,
        otros_pendientes=otros_pendientes,
    )
    # A code that names no semester (unknown or unreadable) is a wrong address, never another
    # semester's page.
    if request.args.get("periodo") and (eleccion.por_defecto or eleccion.periodo is None):
        abort(404)
    return eleccion


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
