"""The API's own description: the OpenAPI document and its browsable page (vendored Swagger UI),
open to anyone (they hold no data)."""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from app.api import api_de
from app.api.comun import blueprint, documento
from app.comun.roles import publico

bp = blueprint(
    "documentacion",
    "Documentación",
    "Descripción de la API (OpenAPI 3) y su documentación navegable.",
)


@bp.route("/openapi.json")
@publico
@bp.doc(security=[], summary="Documento OpenAPI 3 de esta API")
def openapi():
    """The OpenAPI 3 document generated from the code."""
    return jsonify(documento(api_de(current_app).spec.to_dict()))


@bp.route("/docs")
@publico
@bp.doc(hide=True)
def documentacion():
    """The browsable documentation (Swagger UI, served from this site)."""
    return render_template("api/documentacion.html")
