"""Views of the convenios module."""

from app.convenios.routes import anexo4, archivos, convenios, importacion, periodos  # noqa: F401
