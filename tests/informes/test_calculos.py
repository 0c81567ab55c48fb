"""Calculations against the published figures (pure functions, no database)."""

from datetime import date
from decimal import Decimal

import pytest

from app.comun import calculos as c

LORETO_PROG = [60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50]
LORETO_EJEC = [60, 45, 30, 10, 89, 58, 7, 25, 66, 1, 33, 27]


def _loreto():
    return [
        c.Celda("Loreto", i + 1, "valor", Decimal(p), Decimal(e))
        for i, (p, e) in enumerate(zip(LORETO_PROG, LORETO_EJEC, strict=True))
    ]


def test_loreto_ii_2020_gives_48_and_38():
    prom = c.promedio(_loreto())
    assert prom.n == 12
    assert prom.programado == Decimal(577) / 12 and prom.ejecutado == Decimal(451) / 12
    assert (prom.programado_pct, prom.ejecutado_pct) == (48, 38)


@pytest.mark.parametrize("estado", ["no_aplica", "sin_meta", "no_remitido"])
def test_non_value_cells_are_not_summands(estado):
    celdas = _loreto()[:11] + [c.Celda("Loreto", 12, estado)]
    prom = c.promedio(celdas)
    assert prom.n == 11
    assert prom.programado == Decimal(577 - 50) / 11


def test_region_without_summands_has_no_average():
    prom = c.promedio([c.Celda("X", 1, "no_aplica")])
    assert prom.n == 0 and prom.programado_pct is None


def test_rounding_is_half_away_from_zero():
    assert c.redondear(Decimal("47.5")) == 48
    assert c.redondear(Decimal("47.49")) == 47
    assert c.redondear(Decimal("-22.5")) == -23
    assert c.redondear(None) is None


def test_grouping_by_region_and_idg():
    celdas = _loreto() + [
        c.Celda("Puno", 1, "valor", Decimal(40), Decimal(20)),
        c.Celda("Puno", 2, "no_aplica"),
    ]
    por_region = c.desempeno_por_region(celdas)
    assert por_region["Puno"].n == 1 and por_region["Loreto"].n == 12
    por_idg = c.promedios_por_idg(celdas)
    assert por_idg[1].n == 2 and por_idg[1].programado == 50
    assert por_idg[2].n == 1  # Puno's no_aplica is not a summand


def test_compliance():
    assert c.cumplio(c.Celda("L", 1, "valor", Decimal(60), Decimal(60))) is True
    assert c.cumplio(c.Celda("L", 3, "valor", Decimal(70), Decimal(30))) is False
    assert c.cumplio(c.Celda("L", 3, "sin_meta")) is None


@pytest.mark.parametrize(
    "prog, ejec, esperado",
    [
        (61, 46, "menor"),
        (67, 67, "igual"),
        (9, 10, "ligeramente_mayor"),
        (54, 113, "mayor"),
        (14, 66, "mayor"),
    ],
)
def test_verdicts_of_graficos_20_31(prog, ejec, esperado):
    assert c.veredicto(c.Promedio(Decimal(prog), Decimal(ejec), 5)) == esperado


def test_completeness_on_time_late_missing():
    limite = date(2021, 1, 31)
    entregas = [
        c.Entrega("Loreto", date(2021, 1, 20)),
        c.Entrega("Puno", date(2021, 2, 5)),
        c.Entrega("Tumbes", None),
    ]
    r = c.completitud(entregas, limite)
    assert r.esperados == 3
    assert r.a_tiempo == ["Loreto"]
    assert r.tardios == [("Puno", 5)]
    assert r.faltantes == ["Tumbes"]
    assert round(r.porcentaje_recibidos) == 67
