"""The seed loads the documents' catalogue idempotently."""

import sqlalchemy as sa

from app.extensions import db
from seed import carga


def _conteos():
    return {
        tabla.name: db.session.scalar(sa.select(sa.func.count()).select_from(tabla))
        for tabla in db.metadata.sorted_tables
    }


def _contenido():
    return {
        tabla.name: sorted(
            tuple(
                str(v) for k, v in fila._mapping.items() if k not in ("creado_en", "actualizado_en")
            )
            for fila in db.session.execute(tabla.select())
        )
        for tabla in db.metadata.sorted_tables
        # Password hashes are salted, and the data version changes with every commit that writes.
        if tabla.name not in ("usuario", "version_datos")
    }


def test_seed_twice_gives_the_same_rows(runner):
    resultado = runner.invoke(args=["seed", "demo"])
    assert resultado.exit_code == 0, resultado.output
    db.session.expire_all()
    antes = _contenido()
    assert len(antes["linea_reporte"]) == 18 * 12 * 2
    resultado = runner.invoke(args=["seed", "demo"])
    assert resultado.exit_code == 0, resultado.output
    db.session.expire_all()
    assert _contenido() == antes


def test_seed_counts(bd):
    conteos = _conteos()
    assert conteos["region"] == 26
    assert conteos["funcion_logr"] == 18
    assert conteos["indicador"] == 12
    assert conteos["convenio"] == 25
    assert conteos["objetivo_estrategico"] == 5
    assert conteos["servicio_publico"] == 5
    # 23 regions with a–r (18) + Callao and Lima with 14.
    assert conteos["funcion_transferida"] == 23 * 18 + 2 * 14


def test_seed_on_empty_database_from_cli(runner):
    from tests.conftest import restaurar

    restaurar({})
    assert _conteos()["region"] == 0
    resultado = runner.invoke(args=["seed", "catalogo"])
    assert resultado.exit_code == 0, resultado.output
    resultado = runner.invoke(args=["seed", "convenios"])
    assert resultado.exit_code == 0, resultado.output
    assert _conteos()["convenio"] == 25


def test_demo_prints_one_account_per_role(runner):
    resultado = runner.invoke(args=["seed", "demo"])
    for rol in ("odes", "drtpe", "direccion", "revisor"):
        assert rol in resultado.output
    assert carga.CLAVE_DEMO in resultado.output
