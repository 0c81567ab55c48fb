"""Continuous improvement: Anexo 5 evaluations, recommendation matrix, capacity programme, AMC."""

from flask import Blueprint

bp = Blueprint(
    "mejora_continua", __name__, url_prefix="/mejora-continua", template_folder="templates"
)

from app.mejora_continua import routes  # noqa: E402,F401  (registers the views)
