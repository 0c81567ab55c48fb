"""Labels of the domain's enumerations: marked for extraction, translated where shown.

The labels live in the models (one place), so they are marked with `N_` — one of Babel's
default extraction keywords, which returns the text unchanged — and each `etiqueta` property
passes its label through `traducir` when it is read, in the user's locale.
"""

from __future__ import annotations

from flask_babel import gettext


def N_(texto: str) -> str:  # noqa: N802 — the name Babel's extractor looks for
    """Mark a label for the translation catalogue without translating it yet."""
    return texto


def traducir(texto: str) -> str:
    """The label in the current locale (plain str: templates still escape it)."""
    return gettext(texto)
