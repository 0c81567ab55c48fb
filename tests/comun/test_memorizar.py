"""version_datos.memorizar: one computation per data version, never a stale one."""

from __future__ import annotations

from app.catalogo.models import Region
from app.comun import version_datos
from app.extensions import db


def test_computed_once_per_version_and_again_after_a_write():
    """Same key and version: the first result is reused; a committed write renews it; a
    session holding uncommitted writes computes afresh (and keeps nothing)."""
    llamadas = []

    def calcular():
        llamadas.append(1)
        return len(llamadas)

    assert version_datos.memorizar(("prueba", 1), calcular) == 1
    assert version_datos.memorizar(("prueba", 1), calcular) == 1
    assert version_datos.memorizar(("prueba", 2), calcular) == 2  # another key

    region = db.session.query(Region).filter_by(codigo="loreto").one()
    region.macro_region = "Macro de prueba"
    assert version_datos.memorizar(("prueba", 1), calcular) == 3  # pending write: afresh
    db.session.commit()
    assert version_datos.memorizar(("prueba", 1), calcular) == 4  # new version
    assert version_datos.memorizar(("prueba", 1), calcular) == 4


def test_the_memory_is_bounded():
    """Only the most recently used MEMORIZADOS_MAX results are kept."""
    for n in range(version_datos.MEMORIZADOS_MAX + 5):
        version_datos.memorizar(("cota", n), lambda n=n: n)
    from flask import current_app

    assert len(current_app.extensions["memorizados"]) <= version_datos.MEMORIZADOS_MAX
