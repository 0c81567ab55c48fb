"""The one spreadsheet-safety rule, for every Excel cell and CSV field the app writes, and the
one format of the date cells of its workbooks (see "Dates" below).

Rule (OWASP, "CSV injection"): a text whose first character is = + - @, a tab or a carriage
return (or a line feed, see below) is one a spreadsheet may run as a formula (=HYPERLINK to a
phishing site, a DDE call hidden behind "-2+3+cmd|…"). Such a text is written with a leading
apostrophe, so Excel, LibreOffice and Sheets show it as text and never evaluate it; openpyxl,
which would itself store "=…" as a formula, stores it as a string. Numbers, dates and None
are written as they are: a number cell is never a formula, and numbers must stay numbers
(sums, filters, re-import).

Two texts starting with "-" are not prefixed, because no spreadsheet evaluates them and
prefixing would change what the reader sees:

- a lone "-": the placeholder the AMC plan prints in empty budget cells, as the source
  document does (that is why the plan's export exempted it);
- a negative number in plain notation ("-22", "-0.5", as `numero_texto` writes one): it is
  read as that same number, nothing can hide in it, and "'-22" would turn a readable number
  into text and break the re-import of a numeric column. The exemption is kept that narrow on
  purpose: "-1+1", "- texto" and "+1" (the app never writes a plus sign) are prefixed.

Round trip: `restaurar` removes exactly the apostrophe `texto_seguro` added, so what the app
writes and reads back (the Anexo 4 template) is the text typed. For that to hold for every
text, one that already starts with apostrophes before a formula character ("'=1") gets one
more, so the reader never takes the user's own apostrophe for ours. A line feed counts as a
formula start too: an .xlsx file stores a carriage return as a line feed, so "\\r=1" comes back
as "\\n=1" and its apostrophe must still come off.

Dates: every date cell the app writes is a real date (sums, filters and sorting work) shown
dd/mm/aaaa, as the pages show it (app/web.py, filter `fecha`), and a date-time dd/mm/aaaa hh:mm.
Without a format openpyxl writes yyyy-mm-dd; a fixed "dd.mm.yyyy" was also used. Each workbook
goes through `fechas_legibles` just before it is saved, so no writer can forget a date cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from openpyxl import Workbook

#: First characters that make a spreadsheet read a text as a formula (LF: see above).
#: The media type of every .xlsx the app serves or accepts.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INICIOS_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The prefix that keeps a text a text.
APOSTROFO = "'"
#: Texts starting with "-" that no spreadsheet evaluates (see the module docstring).
_INOFENSIVO = re.compile(r"-|-\d+(\.\d+)?")

V = TypeVar("V")


#: Control characters other than tab and line breaks: PostgreSQL refuses NUL, and an Excel
#: file can't hold the others (openpyxl raises), so no stored text may contain them (the web's
#: forms and the API's JSON are refused when they carry one).
CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parece_formula(texto: str) -> bool:
    """Whether a spreadsheet could run this text (after any apostrophes) as a formula."""
    sin_apostrofos = texto.lstrip(APOSTROFO)
    return sin_apostrofos.startswith(INICIOS_FORMULA) and not _INOFENSIVO.fullmatch(sin_apostrofos)


def texto_seguro(valor: V) -> V:
    """The value to write in a cell or CSV field: formula-like text prefixed, the rest as is."""
    if isinstance(valor, str) and parece_formula(valor):
        return APOSTROFO + valor  # type: ignore[return-value]  # a str V stays a str
    return valor


def restaurar(texto: str) -> str:
    """The text read back from a cell or CSV field, without the apostrophe texto_seguro added."""
    if texto.startswith(APOSTROFO) and parece_formula(texto[1:]):
        return texto[1:]
    return texto


#: The number format of every date cell (dd/mm/aaaa, as the pages show dates) and of every
#: date-time cell.
FORMATO_FECHA = "DD/MM/YYYY"
FORMATO_FECHA_HORA = "DD/MM/YYYY HH:MM"


def fechas_legibles(libro: Workbook) -> Workbook:
    """Give every date cell of the workbook the format dd/mm/aaaa (dd/mm/aaaa hh:mm with a time);
    the values stay dates. Call it on each workbook just before saving it."""
    for hoja in libro.worksheets:
        # The stored cells only: iter_rows() would create every empty cell of the range.
        for celda in hoja._cells.values():
            if isinstance(celda.value, datetime):
                celda.number_format = FORMATO_FECHA_HORA
            elif isinstance(celda.value, date):
                celda.number_format = FORMATO_FECHA
    return libro
