"""Reminders: the periodic job that runs every registered producer of reminders for a date.

The deadlines live in the modules above (Anexo 4 in app.convenios; Anexo 5 and the activities
of the month in app.mejora_continua), so each of them registers its producers here when it is
imported (`registrar`), as docs/arquitectura.md describes for registrations between layers. A
producer is `f(hoy: date) -> int`: it notifies with an idempotency key (`notificar(...,
clave=...)`) whatever is due on `hoy` and returns how many notifications it created, so running
it twice on the same day, or from two workers at once, notifies once.

`enviar_recordatorios` is scheduled hourly by `flask cola planificador` (TAREAS_PERIODICAS); the
same run is `flask notificaciones recordatorios`, for a cron line where there is no scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext

from app.comun import tareas
from app.extensions import db

log = logging.getLogger(__name__)

LIMA = ZoneInfo("America/Lima")
#: Monday: the day of the weekly digest of what is overdue.
LUNES = 0

Productor = Callable[[date], int]

#: The registered producers, in registration order.
PRODUCTORES: list[Productor] = []


def registrar(productor: Productor) -> Productor:
    """Add a producer of reminders (once, however many times its module is imported)."""
    if productor not in PRODUCTORES:
        PRODUCTORES.append(productor)
    return productor


def hoy_lima() -> date:
    """Today's date in Lima (every deadline is a Lima date)."""
    return datetime.now(LIMA).date()


def enviar_recordatorios(hoy: date | None = None) -> int:
    """Run every producer for hoy (default: today in Lima), each in its own transaction; one
    failing does not stop the others, but the run then fails (the queue shows it). Returns how
    many notifications were created."""
    hoy = hoy or hoy_lima()
    total, fallidos = 0, []
    # One run at a time in the whole deployment; the keys would keep a racing run harmless.
    with tareas.exclusivo("recordatorios", segundos=900):
        for productor in list(PRODUCTORES):
            try:
                total += productor(hoy) or 0
                db.session.commit()
            except Exception:  # noqa: BLE001 - logged; the other producers still run
                db.session.rollback()
                log.exception("Falló el productor de recordatorios %s", productor.__qualname__)
                fallidos.append(productor.__qualname__)
    if fallidos:
        raise RuntimeError("Fallaron los recordatorios: " + ", ".join(fallidos))
    return total


# --- Helpers the producers share -------------------------------------------------------------


def fecha(valor: date) -> str:
    """A date as the messages write it, e.g. "31/01/2021"."""
    return valor.strftime("%d/%m/%Y")


def marca_plazo(dias: int) -> str | None:
    """Which reminder is due with `dias` left: "T-7" (7 to 2 days), "T-1" (1 or 0), or none.

    A window, not an exact day: a semester opened 3 days before its deadline still gets its
    first reminder, and a day the scheduler missed is made up by its next run.
    """
    if 2 <= dias <= 7:
        return "T-7"
    if 0 <= dias <= 1:
        return "T-1"
    return None


def semana(hoy: date) -> str:
    """The ISO week of a date, e.g. "2021-S05" (the key of a weekly digest)."""
    anio, numero, _dia = hoy.isocalendar()
    return f"{anio}-S{numero:02d}"


def texto_falta(hoy: date, limite: date) -> str:
    """ "Faltan 7 días para el plazo (31/01/2021)." (or "vence hoy")."""
    dias = (limite - hoy).days
    if dias == 0:
        return _("El plazo vence hoy, %(fecha)s.", fecha=fecha(limite))
    return ngettext(
        "Falta %(num)s día para el plazo (%(fecha)s).",
        "Faltan %(num)s días para el plazo (%(fecha)s).",
        dias,
        fecha=fecha(limite),
    )


def texto_vencido(hoy: date, limite: date) -> str:
    """ "El plazo venció el 31/01/2021 (hace 3 días)."."""
    dias = (hoy - limite).days
    return ngettext(
        "El plazo venció el %(fecha)s (hace %(num)s día).",
        "El plazo venció el %(fecha)s (hace %(num)s días).",
        dias,
        fecha=fecha(limite),
    )
