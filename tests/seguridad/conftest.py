"""Fixtures of the security tests."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import restaurar


@pytest.fixture(scope="module")
def _foto_completa(app, _foto_semilla):
    """The seeded rows plus the 2020 demo, the Anexo 5, the 2021 programme and the Puno plan."""
    from seed import carga
    from seed.comandos import _cargar_mejora_continua

    with app.app_context():
        restaurar(_foto_semilla)
        carga.cargar_periodos_demo()
        carga.cargar_anexo4_demo()
        _cargar_mejora_continua()
        db.session.commit()
        completa = {
            tabla: [dict(fila._mapping) for fila in db.session.execute(tabla.select())]
            for tabla in db.metadata.sorted_tables
        }
        db.session.remove()
        restaurar(_foto_semilla)
    return completa


class _Reinicio:
    """Put the full demo rows back (each hypothesis example starts from the same data)."""

    def __init__(self, bd, foto):
        self._bd, self._foto = bd, foto

    def __call__(self):
        self._bd.session.rollback()
        restaurar(self._foto)
        self._bd.session.expire_all()
        return self._bd

    def __repr__(self):
        return "reiniciar()"


@pytest.fixture
def reiniciar(bd, _foto_completa):
    """A callable that restores the database with every module's demo data."""
    reinicio = _Reinicio(bd, _foto_completa)
    reinicio()
    return reinicio
