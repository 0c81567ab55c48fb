"""Migrations build the schema from an empty database and match the models."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from config import TestingConfig


@pytest.fixture
def bd_vacia(app, tmp_path):
    """URL of an empty database of the same kind as the suite's."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        nombre = f"migraciones_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conexion:
            conexion.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
        yield url.set(database=nombre).render_as_string(hide_password=False)
        with admin.connect() as conexion:
            conexion.execute(sa.text(f'DROP DATABASE "{nombre}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'vacia.db'}"


def test_upgrade_from_empty_database_matches_models(bd_vacia):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = bd_vacia

    app = create_app(Config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conexion:
            diferencias = compare_metadata(MigrationContext.configure(conexion), db.metadata)
            tablas = set(sa.inspect(conexion).get_table_names())
        db.engine.dispose()
    assert not diferencias, diferencias
    assert {"region", "convenio", "usuario", "evento", "alembic_version"} <= tablas
