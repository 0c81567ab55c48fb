"""Convenios de Gestión, adendas, periods, goal programming and the Anexo 4 workflow."""

from flask import Blueprint

bp = Blueprint("convenios", __name__, url_prefix="/convenios", template_folder="templates")

from app.catalogo.queries import SECCIONES_REGION  # noqa: E402
from app.convenios import routes  # noqa: E402,F401  (registers the views)
from app.convenios.queries.convenios import seccion_region  # noqa: E402

# A region's catalogue page lists its convenios (the catalogue, a layer below, asks here).
SECCIONES_REGION.append(seccion_region)
