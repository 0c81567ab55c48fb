"""Writes of the notifications module; the caller commits.

Feature modules use `notificar` (the in-app entry and the e-mail) and `ruta` (the link).
"""

from app.notificaciones.services.avisos import notificar, ruta

__all__ = ["notificar", "ruta"]
