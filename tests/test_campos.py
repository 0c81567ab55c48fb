"""Shared form helpers (app/comun/campos.py) and the number filter of the pages (app/web.py)."""

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app.comun.campos import HTML_PARAMS_WTFORMS, html_params, version_leida
from app.web import numero


@pytest.mark.parametrize(
    ("texto", "version"),
    [
        ("3", 3),
        (" 12 ", 12),
        ("", None),
        (None, None),
        ("-290.622", None),
        ("²", None),
        ("1e3", None),
    ],
)
def test_version_read_from_a_form_is_its_digits_or_nothing(texto, version):
    """A malformed hidden version (hostile or broken form) is ignored, never a server error."""
    assert version_leida(texto) == version


ATRIBUTOS = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "name",
            "value",
            "class_",
            "for_",
            "data_linea_id",
            "aria_describedby",
            "required",
            "disabled",
            "rows",
            "inputmode",
            "type",
        ]
    ),
    st.one_of(
        st.booleans(),
        st.integers(),
        st.text(max_size=30),
        st.text(max_size=30).map(Markup),
    ),
)


@settings(max_examples=300, deadline=None)
@given(ATRIBUTOS)
def test_fast_html_params_gives_wtforms_markup(atributos):
    """The faster attribute renderer writes exactly what WTForms' own writes."""
    assert html_params(**atributos) == HTML_PARAMS_WTFORMS(**atributos)


def test_every_wtforms_renderer_uses_the_fast_one(app):
    """Widgets, labels, inputs and buttons all reach the faster renderer (set in app/web.py)."""
    import wtforms.widgets
    from wtforms.widgets import core

    assert core.html_params is html_params and wtforms.widgets.html_params is html_params
    assert core.Input.html_params is html_params and core.Button.html_params is html_params


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(-(10**12), 10**12),
        st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False),
        st.floats(-1e9, 1e9, allow_nan=False),
    ),
    st.integers(0, 3),
)
def test_number_filter_gives_what_babel_gives(valor, decimales):
    """The page filter keeps Babel's pattern instead of parsing it again, with the same text."""
    patron = "#,##0" + ("." + "0" * decimales if decimales else "")
    assert numero(valor, decimales) == format_decimal(valor, patron, locale="es_PE")
