"""The shape of the report's services package: what it re-exports and the hook it registers."""

from __future__ import annotations

import re
from pathlib import Path

from app.auth import permisos
from app.informes import services
from app.informes.services import publicacion

RAIZ = Path(__file__).resolve().parents[2]


def test_every_name_the_views_call_on_services_is_re_exported():
    """The views call `services.<name>`: each must be in the package's __all__ and exist."""
    rutas = RAIZ / "app" / "informes"
    vistas = [*rutas.glob("routes.py"), *rutas.glob("routes/*.py")]
    assert vistas
    codigo = "\n".join(v.read_text(encoding="utf-8") for v in vistas)
    usados = set(re.findall(r"(?<![\w.])services\.(\w+)", codigo))
    assert usados <= set(services.__all__)
    assert all(hasattr(services, nombre) for nombre in services.__all__)


def test_the_scope_rules_ask_the_publication_part(app):
    """The auth layer's «is this semester published?» is answered by publicacion.publicado."""
    assert permisos.publicacion["publicado"] is publicacion.publicado
