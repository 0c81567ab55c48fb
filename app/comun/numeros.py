"""The one rule for a number a person typed as text: in a form, in a cell of the Anexo 4 Excel
template, in a bulk import file (CSV or XLSX).

What Babel says about Peru (checked with the installed Babel 2.18, CLDR data; the test
tests/convenios/test_plantilla_coma_decimal.py pins it, so an upgrade that changes it is noticed):
for the locale es_PE the decimal symbol is "." and the group (thousands) symbol is "," —
1,234,567.5, as in Mexico and the United States, the opposite of Spain (es, es_ES:
1.234.567,5). That is why `babel.numbers.parse_decimal(texto, locale="es_PE")` is never given
the raw text: it drops the commas as thousands separators and reads "60,5" as 605 and
"1.200,5" as 1.2005, silently. Yet people in Peru also type a decimal comma ("60,5"), as the
forms have always accepted, and a spreadsheet set to Spanish (Spain) writes one.

So both marks are read, and what could mean two numbers is refused, never guessed:

- a point is the decimal mark (es_PE's): "60.5" → 60.5;
- a lone comma is a decimal comma: "60,5" → 60.5 — unless exactly three digits follow it:
  "1,200" is twelve hundred in es_PE and 1.2 for whoever types a decimal comma: refused;
- a comma beside a point ("1.200,5", "1,200.5") or several commas ("1,2,3"): one of them is a
  thousands separator, of one convention or the other: refused ("1.200,5" is not even a number
  in es_PE, whose decimal point can't come before a comma);
- a space (ordinary, no-break U+00A0 or narrow no-break U+202F, as Word and Excel write it)
  between groups of three digits is a thousands separator: "1 200,5" → 1200.5,
  "1 200 000" → 1200000. A space is never a decimal mark in any convention, so it can't be
  misread; it must split real groups of three ("12 5" is not a number).

The text, once written the es_PE way without separators ("1200.5"), is read by Babel
(`parse_decimal` with es_PE). Callers turn the two errors below into their own message (a form
field, or a row and column of a file).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol, parse_decimal

#: The locale numbers are read in.
LOCALE = "es_PE"
_LOCALE = Locale.parse(LOCALE)
#: es_PE's marks in the installed Babel: "." decimal, "," thousands (see the docstring).
SIMBOLO_DECIMAL = get_decimal_symbol(_LOCALE)
SIMBOLO_GRUPO = get_group_symbol(_LOCALE)

#: Spaces a thousands group may be separated by.
_ESPACIOS = " \u00a0\u202f"
_AGRUPADO = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?", re.ASCII)
#: A number written the es_PE way without separators, ASCII digits only ("٣", "1_000", "NaN"
#: are refused, though Python's Decimal reads them); an exponent ("1e30") is read, as Excel
#: reads it, and the caller's size check refuses it when it is too big. Exponent and length
#: are bounded: "1e999999999999" or a million digits would overflow Decimal's context (abs()
#: raises) instead of getting the caller's "too big" message.
_CANONICO = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?", re.ASCII)
_LARGO_MAXIMO = 100


class NumeroAmbiguo(ValueError):
    """The text has a thousands separator other than a space ("1,200", "1.200,5"): which
    number it means depends on the writer's convention, so it is refused."""


class NoEsNumero(ValueError):
    """The text is not a number at all ("abc", "12 5", "1e5")."""


def normalizar_numero(texto: str) -> str:
    """The text written the es_PE way without separators ("1 200,5" → "1200.5"); raise
    NumeroAmbiguo for a thousands separator that could be a decimal mark. Text that is not a
    number comes back as it is (without its spaces only when they were thousands groups)."""
    texto = texto.strip(_ESPACIOS)
    if _AGRUPADO.fullmatch(texto):
        texto = re.sub(f"[{_ESPACIOS}]", "", texto)
    if "," not in texto:
        return texto
    # "1,200" may be twelve hundred written with es_PE's thousands comma: ambiguous.
    if texto.count(",") > 1 or SIMBOLO_DECIMAL in texto or len(texto.rsplit(",", 1)[1]) == 3:
        raise NumeroAmbiguo(texto)
    return texto.replace(",", SIMBOLO_DECIMAL)


@functools.lru_cache(maxsize=4096)
def leer_numero(texto: str) -> Decimal:
    """The number of a text typed with a decimal point or comma (see the module docstring).

    Raise NumeroAmbiguo (a thousands separator that could be a decimal mark) or NoEsNumero.
    Whatever the sign, size or decimals the caller allows is the caller's to check. Cached: a
    bulk file repeats the same few figures thousands of times (a Decimal is immutable).
    """
    normalizado = normalizar_numero(texto)
    if len(normalizado) > _LARGO_MAXIMO or not _CANONICO.fullmatch(normalizado):
        raise NoEsNumero(texto)
    return parse_decimal(normalizado, locale=_LOCALE)


def decimales_escritos(texto: str) -> int:
    """How many decimals a number text was typed with ("60,50" → 2, "1 200" → 0); 0 for a text
    that is not a number. A trailing zero counts: "1.200" has three (a check by value would
    take it for 1.2 and let a possible thousands point through)."""
    try:
        normalizado = normalizar_numero(texto)
    except NumeroAmbiguo:
        return 0
    return len(normalizado.partition(SIMBOLO_DECIMAL)[2].partition("e")[0].partition("E")[0])


#: An amount's marks once its space groups are gone: digits with "," and "." in any order.
_IMPORTE = re.compile(r"[+-]?\d[\d.,]*", re.ASCII)
_MILES_COMA = re.compile(r"\d{1,3}(?:,\d{3})+", re.ASCII)
_MILES_PUNTO = re.compile(r"\d{1,3}(?:\.\d{3})+", re.ASCII)


def leer_importe(texto: str) -> Decimal:
    """An amount of money as people write it in Peru, any of "8 000.00", "8,000.00", "8000,50",
    "8.000,50" or "8000": raise NoEsNumero otherwise.

    An amount has at most two decimals (céntimos), which settles what a general number must
    refuse (leer_numero): a comma followed by three digits ("1,200") can only separate thousands;
    with both marks the last one is the decimal mark ("1,200.50" as in es_PE, "1.200,50" as in
    Spain); a lone comma with one or two digits after it is a decimal comma ("8000,5"); a lone
    point is es_PE's decimal point ("8000.50", "6 000.000" as the documents print it). Whether
    the decimals are too many is the caller's to say."""
    limpio = texto.strip(_ESPACIOS)
    if _AGRUPADO.fullmatch(limpio):
        limpio = re.sub(f"[{_ESPACIOS}]", "", limpio)
        # After space groups the one mark left is the decimal mark.
        if "," in limpio and "." not in limpio:
            limpio = limpio.replace(",", ".")
    if not _IMPORTE.fullmatch(limpio) or len(limpio) > _LARGO_MAXIMO:
        raise NoEsNumero(texto)
    signo, cuerpo = ("-", limpio[1:]) if limpio[:1] in "+-" else ("", limpio)
    coma, punto = cuerpo.rfind(","), cuerpo.rfind(".")
    if coma >= 0 and punto >= 0:
        decimal_es_coma = coma > punto
        enteros, decimales = cuerpo.rsplit("," if decimal_es_coma else ".", 1)
        miles = _MILES_PUNTO if decimal_es_coma else _MILES_COMA
        if not miles.fullmatch(enteros) and not enteros.isdigit():
            raise NoEsNumero(texto)
        cuerpo = enteros.replace(".", "").replace(",", "") + "." + decimales
    elif coma >= 0:
        if _MILES_COMA.fullmatch(cuerpo):
            cuerpo = cuerpo.replace(",", "")
        elif cuerpo.count(",") == 1 and len(cuerpo.rsplit(",", 1)[1]) in (1, 2):
            cuerpo = cuerpo.replace(",", ".")
        else:
            raise NoEsNumero(texto)
    elif cuerpo.count(".") > 1:
        if not _MILES_PUNTO.fullmatch(cuerpo):
            raise NoEsNumero(texto)
        cuerpo = cuerpo.replace(".", "")
    if not _CANONICO.fullmatch(cuerpo) or "e" in cuerpo.lower():
        raise NoEsNumero(texto)
    return parse_decimal(signo + cuerpo, locale=_LOCALE)
