"""Continuous improvement: Anexo 5 evaluations, recommendation matrix, capacity programme, AMC."""

from flask import Blueprint

bp = Blueprint(
    "mejora_continua", __name__, url_prefix="/mejora-continua", template_folder="templates"
)

from app.mejora_continua import routes  # noqa: E402,F401  (registers the views)
from app.mejora_continua.services.avisos import (  # noqa: E402
    actividades_del_mes,
    recordatorios_anexo5,
)
from app.notificaciones.services import recordatorios  # noqa: E402

# The hourly reminders run the Anexo 5 deadlines and the activities of the month
# (app/notificaciones, a layer below, asks here).
recordatorios.registrar(recordatorios_anexo5)
recordatorios.registrar(actividades_del_mes)
