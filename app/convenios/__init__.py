"""Convenios de Gestión, adendas, periods, goal programming and the Anexo 4 workflow."""

from flask import Blueprint

bp = Blueprint("convenios", __name__, url_prefix="/convenios", template_folder="templates")

from app.convenios import routes  # noqa: E402,F401  (registers the views)
