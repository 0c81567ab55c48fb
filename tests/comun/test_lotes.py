"""app/comun/lotes: many loaded rows rewritten by primary key in one statement (the bulk import
of a municipal semester), on SQLite and on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.comun.lotes import actualizar_en_lote, guardar_en_lote
from app.convenios.models import EstadoCelda, LineaReporte, Reporte


def _contar_sentencias(bd, funcion) -> int:
    cuenta = [0]

    def contar(*_a, **_k):
        cuenta[0] += 1

    sa.event.listen(bd.engine, "before_cursor_execute", contar)
    try:
        funcion()
    finally:
        sa.event.remove(bd.engine, "before_cursor_execute", contar)
    return cuenta[0]


def test_rows_are_rewritten_by_key_in_one_statement_and_the_session_agrees(demo):
    lineas = demo.session.scalars(sa.select(LineaReporte).order_by(LineaReporte.id)).all()
    elegidas, intactas = lineas[:30], lineas[30:40]
    antes = {li.id: (li.estado, li.programado, li.ejecutado) for li in intactas}
    cambios = [
        (
            linea,
            {
                # Every kind of column: an enum stored as text, numbers, a null, a flag.
                "estado": EstadoCelda.sin_meta if n % 3 == 0 else EstadoCelda.valor,
                "programado": None if n % 3 == 0 else Decimal(n) + Decimal("0.25"),
                "ejecutado": None if n % 3 == 0 else Decimal(2 * n),
                "reconstruido": n % 2 == 0,
            },
        )
        for n, linea in enumerate(elegidas)
    ]

    sentencias = _contar_sentencias(demo, lambda: actualizar_en_lote(LineaReporte, cambios))

    esperado_en_bd = 1 if demo.engine.dialect.name == "postgresql" else None
    if esperado_en_bd is not None:
        assert sentencias == esperado_en_bd
    # The loaded objects hold the new values with nothing left to flush.
    assert not demo.session.dirty
    for linea, valores in cambios:
        assert {k: getattr(linea, k) for k in valores} == valores
    demo.session.commit()
    demo.session.expire_all()
    guardadas = {li.id: li for li in demo.session.scalars(sa.select(LineaReporte)).all()}
    for linea, valores in cambios:
        assert {k: getattr(guardadas[linea.id], k) for k in valores} == valores
    # Rows not named are untouched.
    assert {
        i: (guardadas[i].estado, guardadas[i].programado, guardadas[i].ejecutado) for i in antes
    } == antes


def test_nothing_to_write_sends_nothing(bd):
    assert _contar_sentencias(bd, lambda: actualizar_en_lote(LineaReporte, [])) == 0


def _reportes(bd, n: int) -> list[Reporte]:
    return bd.session.scalars(sa.select(Reporte).order_by(Reporte.id).limit(n)).all()


def test_versioned_objects_are_saved_as_the_unit_of_work_would_in_one_statement_per_shape(demo):
    uno, dos, tres = _reportes(demo, 3)
    versiones = {r.id: r.version for r in (uno, dos, tres)}
    sellos = {r.id: r.actualizado_en for r in (uno, dos, tres)}
    for reporte in (uno, dos):
        reporte.motivo_observacion = f"Revisar {reporte.id}"
    tres.origen = "formulario" if tres.origen == "importacion" else "importacion"
    origen_tres = tres.origen

    sentencias = _contar_sentencias(demo, lambda: guardar_en_lote([uno, dos, tres]))

    if demo.engine.dialect.name == "postgresql":
        assert sentencias == 2  # two sets of changed columns, whatever the number of rows
    # Nothing is left for the unit of work to write.
    assert _contar_sentencias(demo, demo.session.flush) == 0
    for reporte in (uno, dos, tres):
        assert reporte.version == versiones[reporte.id] + 1
        # (SQLite gives back naive UTC times)
        assert reporte.actualizado_en.replace(tzinfo=None) > sellos[reporte.id].replace(tzinfo=None)
    demo.session.commit()
    demo.session.expire_all()
    guardados = {r.id: r for r in _reportes(demo, 3)}
    assert [guardados[r.id].motivo_observacion for r in (uno, dos)] == [
        f"Revisar {uno.id}",
        f"Revisar {dos.id}",
    ]
    assert guardados[tres.id].origen == origen_tres
    assert {i: r.version for i, r in guardados.items()} == {i: v + 1 for i, v in versiones.items()}


def test_a_row_changed_by_another_transaction_stops_the_batch(demo):
    uno, dos = _reportes(demo, 2)
    # Another request saved `dos` after this session loaded it.
    demo.session.execute(
        sa.text("UPDATE reporte SET version = version + 1 WHERE id = :id"), {"id": dos.id}
    )
    for reporte in (uno, dos):
        reporte.motivo_observacion = "Revisar"
    with pytest.raises(StaleDataError, match="1 de 2"):
        guardar_en_lote([uno, dos])


def test_unsaved_objects_and_versioned_tables_are_refused(demo):
    with pytest.raises(ValueError, match="no está guardado"):
        guardar_en_lote([Reporte()])
    (reporte,) = _reportes(demo, 1)
    with pytest.raises(ValueError, match="tiene versión"):
        actualizar_en_lote(Reporte, [(reporte, {"origen": "importacion"})])
