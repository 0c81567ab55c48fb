"""Backup and restore: back up, restore into a fresh database, compare every table."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.comun.respaldo import crear_respaldo, restaurar_respaldo


def _contenido(conexion, metadata) -> dict[str, list[tuple]]:
    return {
        tabla.name: sorted(
            (tuple(str(v) for v in fila) for fila in conexion.execute(tabla.select())), key=str
        )
        for tabla in metadata.sorted_tables
    }


def test_backup_restore_round_trip(demo, tmp_path):
    bd = demo
    url = bd.engine.url
    archivo = tmp_path / "respaldo.dump"
    if url.get_backend_name() == "postgresql":
        crear_respaldo(url, archivo)
        nombre = f"restaurada_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
        destino = url.set(database=nombre)
    else:
        # The suite's SQLite is in memory: back up through its live connection.
        with bd.engine.connect() as c:
            crear_respaldo(url, archivo, conexion_sqlite=c.connection.driver_connection)
        destino = sa.engine.make_url(f"sqlite:///{tmp_path / 'restaurada.db'}")
        admin = None
    try:
        restaurar_respaldo(archivo, destino)
        nueva = sa.create_engine(destino)
        with bd.engine.connect() as original, nueva.connect() as restaurada:
            antes = _contenido(original, bd.metadata)
            despues = _contenido(restaurada, bd.metadata)
        nueva.dispose()
        assert antes == despues
        assert len(antes["linea_reporte"]) == 432 and len(antes["region"]) == 26
    finally:
        if admin is not None:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
            admin.dispose()
