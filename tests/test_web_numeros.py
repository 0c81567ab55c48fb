"""The `numero` filter's fast path writes exactly what Babel's es-PE pattern writes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app import web


def _babel(valor, decimales: int) -> str:
    return web._patron_numero(decimales).apply(
        valor, web.LOCALE_NUMEROS, decimal_quantization=True, group_separator=True
    )


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
)
def test_decimals_are_written_as_babel_writes_them(valor: Decimal, decimales: int):
    """Rounding (halves to even), groups, sign and negative zero all agree."""
    assert web.COMO_PYTHON
    assert web.numero(valor, decimales) == _babel(valor, decimales)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(0, 2))
def test_integers_are_written_as_babel_writes_them(valor: int, decimales: int):
    """Whole numbers, with and without decimals asked for."""
    assert web.numero(valor, decimales) == _babel(valor, decimales)


def test_the_published_formats():
    """As the pages print them: 1,234.5 / −22 / 60 / em dash for no value."""
    assert web.numero(Decimal("1234.5"), 1) == "1,234.5"
    assert web.numero(Decimal("-22")) == "-22"
    assert web.numero(Decimal("59.50")) == "60"  # halves to even, as Babel
    assert web.numero(Decimal("60.50")) == "60"
    assert web.numero(None) == "—"
    assert web.porcentaje(Decimal("48")) == "48 %"
