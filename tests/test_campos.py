"""Shared form helpers (app/campos.py)."""

import pytest

from app.campos import version_leida


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
