"""Catalogue: regions and their G/DRTPE, art. 48 LOGR functions, MTPE units, IdG, services."""

from flask import Blueprint

bp = Blueprint("catalogo", __name__, url_prefix="/catalogo", template_folder="templates")

from app.catalogo import routes  # noqa: E402,F401
