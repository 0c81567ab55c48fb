"""Choices for WTForms select fields (WTForms 3.3 wants SelectChoice objects, not tuples)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def opciones(pares: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into select choices."""
    return [SelectChoice(valor, etiqueta) for valor, etiqueta in pares]
