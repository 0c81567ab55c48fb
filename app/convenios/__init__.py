"""Convenios de Gestión, adendas, periods, goal programming and the Anexo 4 workflow."""

from flask import Blueprint

bp = Blueprint("convenios", __name__, url_prefix="/convenios", template_folder="templates")

from app.catalogo.queries import SECCIONES_REGION, USOS_CICLO  # noqa: E402
from app.convenios import routes  # noqa: E402,F401  (registers the views)
from app.convenios.queries.convenios import ciclo_reportado, seccion_region  # noqa: E402
from app.convenios.services.avisos import recordatorios_anexo4  # noqa: E402
from app.notificaciones.services import recordatorios  # noqa: E402

# A region's catalogue page lists its convenios (the catalogue, a layer below, asks here).
SECCIONES_REGION.append(seccion_region)
# A cycle whose IdG have Anexo 4 lines keeps its set (the catalogue asks before a change).
USOS_CICLO.append(ciclo_reportado)
# The hourly reminders run this module's Anexo 4 deadlines (app/notificaciones, a layer below).
recordatorios.registrar(recordatorios_anexo4)
