"""The REST API (/api/v1): the system's data for other systems, read and written with a token.

Built on flask-smorest (marshmallow schemas → OpenAPI 3 document, request parsing, one
blueprint per tag). Every view keeps the web's rules: the same `@permitido` gate, the same scope
(`app.auth.permisos`), the same services for writes (validation, workflow, audit, optimistic
locking). A request is authenticated only by a personal access token (`Authorization: Bearer`),
never by the session cookie, so no write can be forged from a browser (docs/api.md).
"""

from __future__ import annotations

from flask_smorest import Api


class ApiConvenios(Api):
    """flask-smorest's Api without its app-wide error handler: the web pages keep their own
    error pages; /api answers JSON through `app.api.errores`."""

    def _register_error_handlers(self):
        return None


def _esquema_error():
    from app.api.esquemas import Error

    return Error


def api_de(app) -> ApiConvenios:
    """The app's Api (one per app: its OpenAPI document lists that app's views)."""
    return app.extensions["api_convenios"]


def iniciar(app) -> None:
    """Configure the OpenAPI document, register every API blueprint and its error fallback."""
    app.config.setdefault("API_TITLE", "Convenios de Gestión — MTPE")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    # The document and its page are served by app/api/routes/documentacion.py (public, with
    # the vendored Swagger UI), not by flask-smorest's own blueprint.
    app.config.setdefault("OPENAPI_URL_PREFIX", None)
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "Datos de los Convenios de Gestión del MTPE con los gobiernos regionales y "
                    "locales: catálogo, convenios, semestres y plazos, metas, Anexo 4 y cifras. "
                    "Cada llamada lleva un token de acceso personal (Authorization: Bearer). "
                    "Errores en JSON: {codigo, mensaje, errores}. Guía: docs/api.md."
                )
            },
            "servers": [{"url": "/"}],
            "security": [{"token": []}],
            "components": {
                "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            },
        },
    )
    # Spanish text as UTF-8 in every JSON answer, not \u escapes.
    app.json.ensure_ascii = False
    ApiConvenios.ERROR_SCHEMA = _esquema_error()
    api = app.extensions["api_convenios"] = ApiConvenios(app)
    from app.api import routes  # noqa: F401  (creates the blueprints)
    from app.api.comun import BLUEPRINTS, condicional

    for bp in BLUEPRINTS:
        api.register_blueprint(bp)
    app.after_request(condicional)
