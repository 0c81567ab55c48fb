"""Reporting semesters: one reading of a code, one list, exact lookup vs "chosen or newest"."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.convenios.queries import periodos
from app.convenios.services.periodos import ErrorPeriodo, crear_periodo

RAIZ = Path(__file__).resolve().parents[2]


@pytest.fixture
def semestres(demo):
    """The demo semesters: I-2020, II-2020 and I-2021 (the newest)."""
    return {p.codigo: p for p in periodos.periodos()}


def test_the_list_is_newest_first(semestres):
    assert [p.codigo for p in periodos.periodos()] == ["2021-1", "2020-2", "2020-1"]
    assert periodos.anios_de_periodos() == [2021, 2020]
    assert periodos.ultimo_periodo().codigo == "2021-1"


@pytest.mark.parametrize(
    "codigo, esperado",
    [
        ("2020-2", "2020-2"),
        ("2020-II", "2020-2"),
        (" 2020-i ", "2020-1"),
        ("2019-1", None),  # well written, not registered
        ("2020-3", None),
        ("2020", None),
        ("abc", None),
        ("", None),
        (None, None),
        (f"{10**20}-1", None),  # a huge year is never compared (SQLite can't)
    ],
)
def test_exact_lookup_finds_the_semester_or_nothing(semestres, codigo, esperado):
    periodo = periodos.periodo_exacto(codigo)
    assert (periodo.codigo if periodo else None) == esperado


@pytest.mark.parametrize(
    "codigo, esperado",
    [
        ("2020-2", "2020-2"),
        ("", "2021-1"),  # nothing chosen: the newest
        (None, "2021-1"),
        ("abc", "2021-1"),  # unreadable: nothing chosen
        ("2019-1", None),  # chosen but unknown: never another semester (the page answers 404)
        (f"{10**20}-1", None),
    ],
)
def test_chosen_or_newest(semestres, codigo, esperado):
    periodo = periodos.periodo_o_ultimo(codigo)
    assert (periodo.codigo if periodo else None) == esperado


def test_pages_of_every_module_read_a_code_the_same_way(demo, client, sesion):
    """Anexo 4, Anexo 5, the matrix and the report pages accept and refuse the same codes."""
    from app.comun.roles import Rol

    sesion.entrar(Rol.odes)
    for url in ("/convenios/anexo4", "/mejora-continua/anexo5", "/mejora-continua/matriz"):
        assert client.get(f"{url}?periodo=2020-2").status_code == 200, url
        assert client.get(f"{url}?periodo=1999-1").status_code == 404, url


def test_one_definition_of_the_semester_lookups():
    """No module but queries.periodos parses a semester code or lists the semesters."""
    repetidas = []
    for ruta in (RAIZ / "app").rglob("*.py"):
        texto = ruta.read_text(encoding="utf-8")
        # (A view may be named periodos: it returns a page, not semesters.)
        for nombre in ("def periodo_por_codigo", "def periodo_exacto", "def periodos() ->"):
            if nombre in texto and ruta != RAIZ / "app/convenios/queries/periodos.py":
                repetidas.append(f"{ruta.relative_to(RAIZ)}: {nombre}")
    assert repetidas == []


def test_periods_refuse_their_errors_with_their_own_error(bd):
    with pytest.raises(ErrorPeriodo, match="semestre debe ser I o II") as error:
        crear_periodo({"anio": 2021, "semestre": 3}, usuario_id=None)
    assert error.value.campo == "semestre"
