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


def test_upgrade_0007_from_the_previous_release_with_data(bd_vacia):
    """A 0006 database with convenios (one without IdG set) upgrades: cycles take their
    convenios' years, the set-less convenio gets one, the IdG keep their figures."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = bd_vacia

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO region (id, codigo, nombre, tipo, orden) VALUES "
                    "(1, 'loreto', 'Loreto', 'gobierno_regional', 1)"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO unidad_mtpe (id, sigla, nombre, tipo) VALUES "
                    "(1, 'DFECL', 'Dirección', 'direccion')"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO conjunto_indicadores (nombre) VALUES ('IdG 2020'), ('IdG 2030')"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO indicador (id, conjunto_id, numero, nombre, proponente_id, "
                    "unidad_medida, tipo_valor, admite_negativo) VALUES "
                    "(1, (SELECT id FROM conjunto_indicadores WHERE nombre = 'IdG 2020'), 1, "
                    "'Porcentaje de algo', 1, 'Porcentaje (%)', 'porcentaje', false)"
                )
            )
            ahora = "2026-01-01 00:00:00"
            c.execute(
                sa.text(
                    "INSERT INTO convenio (id, region_id, anio_inicio, anio_fin, estado, "
                    "fecha_suscripcion, conjunto_id, version, creado_en, actualizado_en) VALUES "
                    "(1, 1, 2020, 2021, 'suscrito', '2019-12-31', "
                    "(SELECT id FROM conjunto_indicadores WHERE nombre = 'IdG 2020'), "
                    f"1, '{ahora}', '{ahora}'), "
                    f"(2, 1, 2024, 2025, 'pendiente', NULL, NULL, 1, '{ahora}', '{ahora}')"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO meta_anual (convenio_id, indicador_id, anio, valor, "
                    f"valor_original, creado_en, actualizado_en) VALUES (1, 1, 2020, 70, 70, "
                    f"'{ahora}', '{ahora}')"
                )
            )
        upgrade()
        with db.engine.connect() as c:
            metas = c.execute(
                sa.text("SELECT anio, semestre, estado, valor, valor_original FROM meta")
            ).all()
            ciclos = dict(
                (f[0], (f[1], f[2]))
                for f in c.execute(
                    sa.text("SELECT nombre, anio_inicio, anio_fin FROM conjunto_indicadores")
                )
            )
            convenios = dict(c.execute(sa.text("SELECT id, conjunto_id FROM convenio")).all())
            nuevo = c.execute(
                sa.text("SELECT nombre FROM conjunto_indicadores WHERE id = :i"),
                {"i": convenios[2]},
            ).scalar_one()
            idg = c.execute(
                sa.text("SELECT sentido, requiere_evidencia, numerador FROM indicador")
            ).one()
        db.engine.dispose()
    # From its convenio (2020–2021), from its name (2030 → 2030–2031), created for 2024–2025.
    assert ciclos == {
        "IdG 2020": (2020, 2021),
        "IdG 2030": (2030, 2031),
        "IdG 2024-2025": (2024, 2025),
    }
    assert nuevo == "IdG 2024-2025"
    assert (idg[0], bool(idg[1]), idg[2]) == ("ascendente", False, None)
    # 0008: the annual goal entered before is kept as the annual goal (semestre 0).
    assert [(a, s, e, float(v), float(o)) for a, s, e, v, o in metas] == [
        (2020, 0, "valor", 70.0, 70.0)
    ]


def test_upgrade_0011_from_the_previous_release_with_data(bd_vacia):
    """A 0010 database with regions upgrades: the catalogue's regions get their ubigeo, a region
    of another code keeps none, nobody gets a parent, and ubigeos are unique."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = bd_vacia

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO region (id, codigo, nombre, tipo, orden) VALUES "
                    "(1, 'loreto', 'Loreto', 'gobierno_regional', 1), "
                    "(2, 'lima-metropolitana', 'Lima Metropolitana', "
                    "'municipalidad_metropolitana', 2), "
                    "(3, 'otra', 'Otra región', 'gobierno_regional', 3)"
                )
            )
        upgrade()
        with db.engine.connect() as c:
            filas = c.execute(
                sa.text("SELECT codigo, ubigeo, padre_id FROM region ORDER BY id")
            ).all()
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
            c.execute(sa.text("UPDATE region SET ubigeo = '160000' WHERE id = 3"))
        db.engine.dispose()
    assert [tuple(f) for f in filas] == [
        ("loreto", "160000", None),
        ("lima-metropolitana", "150100", None),
        ("otra", None, None),
    ]


def test_upgrade_0014_from_the_previous_release_with_data(bd_vacia):
    """A 0013 database with a plan, a section and an action upgrades: the action is not a
    training action and has no months, the section prints no table, the plan has no links;
    the months are checked; downgrading back to 0013 keeps the rows."""
    from flask_migrate import downgrade

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = bd_vacia

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO plan_mejora (id, titulo, servicio_evaluado, sector, estado, "
                    "version, creado_en, actualizado_en) VALUES (1, 'Plan', 'Servicio', "
                    "'Sector', 'aprobado', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO seccion_plan (id, plan_id, clave, titulo, texto, orden) "
                    "VALUES (1, 1, 'A.I', 'I. MARCO LEGAL', 'Texto', 1)"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO fila_matriz_logica (id, plan_id, nivel, tipo, orden, objetivo) "
                    "VALUES (1, 1, 'nacional', 'actividad', 1, 'Capacitar')"
                )
            )
        upgrade()
        with db.engine.connect() as c:
            fila = c.execute(
                sa.text("SELECT capacitacion, mes_inicio, mes_fin FROM fila_matriz_logica")
            ).one()
            tabla = c.execute(sa.text("SELECT tabla FROM seccion_plan")).scalar()
            plan = c.execute(
                sa.text("SELECT servicio_id, anio, plan_origen_id FROM plan_mejora")
            ).one()
            enlaces = c.execute(sa.text("SELECT count(*) FROM plan_indicador")).scalar()
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as c:
            c.execute(sa.text("UPDATE fila_matriz_logica SET mes_inicio = 13"))
        downgrade(revision="0013")
        with db.engine.connect() as c:
            quedan = c.execute(sa.text("SELECT count(*) FROM fila_matriz_logica")).scalar()
        db.engine.dispose()
    assert (bool(fila[0]), fila[1], fila[2]) == (False, None, None)
    assert tabla is None and tuple(plan) == (None, None, None) and enlaces == 0
    assert quedan == 1
