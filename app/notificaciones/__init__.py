"""Notifications: in-app entries, e-mails through the job queue, reminders of deadlines.

A layer between auth and the domain modules (docs/arquitectura.md): convenios and
mejora_continua call `services.notificar` from their own services and register their
reminder producers in `services.recordatorios`.
"""

from flask import Blueprint

bp = Blueprint(
    "notificaciones", __name__, url_prefix="/notificaciones", template_folder="templates"
)

from app.notificaciones import routes  # noqa: E402,F401  (registers the views)
