"""Reading a bulk file of Anexo 4 cells (CSV or XLSX) into rows of text, header checked, and
keeping an uploaded file until its preview is confirmed.

Also the one piece of machinery of the import: while a file is read, analysed or applied,
Python's cyclic garbage collector is paused for the whole process (`sin_pausas_gc`).
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from app.comun import almacenamiento
from app.comun.errores import ErrorNegocio
from app.convenios.queries.importacion import COLUMNAS, EXTENSIONES, OPCIONALES, numero_texto

#: Most data rows one file may carry (an import of about 15 s, within a worker's 30 s timeout),
#: and columns read from a sheet.
MAX_FILAS = 100_000
MAX_COLUMNAS_XLSX = 64
#: Folder of the files waiting for confirmation (app/comun/almacenamiento); those not confirmed
#: within a day are deleted at the next upload.
CARPETA_ESPERA = "importaciones"
CADUCIDAD_SEGUNDOS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")

_PAUSAS_GC = {"activas": 0}
_CANDADO_GC = threading.Lock()


def sin_pausas_gc(funcion):
    """Run funcion with Python's cyclic garbage collector paused (reference counting still frees
    memory). A bulk import creates tens of thousands of rows, objects and decimals that the
    collector would traverse again and again (a fifth of the import's time, measured); it
    runs again when the last concurrent import ends."""

    @functools.wraps(funcion)
    def envuelta(*args, **kwargs):
        """funcion, with the collector paused while it (or a concurrent import) runs."""
        with _CANDADO_GC:
            _PAUSAS_GC["activas"] += 1
            if _PAUSAS_GC["activas"] == 1:
                _PAUSAS_GC["estaba"] = gc.isenabled()
                gc.disable()
        try:
            return funcion(*args, **kwargs)
        finally:
            with _CANDADO_GC:
                _PAUSAS_GC["activas"] -= 1
                if _PAUSAS_GC["activas"] == 0 and _PAUSAS_GC["estaba"]:
                    gc.enable()

    return envuelta


class ErrorImportacion(ErrorNegocio):
    """The file can't be read or applied as a whole; the message is shown to the user."""


def _texto(valor: Any) -> str:
    """A spreadsheet value as text; numbers with a point and no useless zeros (60.0 → "60"),
    a date cell as AAAA-MM-DD (the fecha_envio column typed as a date in Excel)."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return str(valor)
    if isinstance(valor, datetime):
        return valor.date().isoformat() if valor.time() == datetime.min.time() else str(valor)
    if isinstance(valor, date):
        return valor.isoformat()
    if isinstance(valor, (int, float, Decimal)):
        return numero_texto(Decimal(repr(valor)) if isinstance(valor, float) else Decimal(valor))
    return str(valor).strip()


def _leer_csv(contenido: bytes) -> list[list[str]]:
    """Decode a UTF-8 CSV (with or without BOM) into rows of trimmed text."""
    try:
        texto = contenido.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ErrorImportacion(
            _(
                "El archivo CSV no está codificado en UTF-8. Guárdelo "
                "como «CSV UTF-8» o use un archivo Excel (.xlsx)."
            )
        ) from error
    try:
        lector = csv.reader(io.StringIO(texto, newline=""))
        return _tabla_acotada([c.strip() for c in fila] for fila in lector)
    except csv.Error as error:
        raise ErrorImportacion(
            _("El archivo CSV está dañado o no es texto: %(error)s.", error=error)
        ) from error


def _leer_xlsx(contenido: bytes) -> list[list[str]]:
    """Read the first sheet of a workbook into rows of text (numbers with a point)."""
    from openpyxl import load_workbook

    try:
        libro = load_workbook(io.BytesIO(contenido), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or foreign file
        raise ErrorImportacion(
            _("No se pudo leer el archivo Excel. Verifique que sea un libro .xlsx válido.")
        ) from error
    try:
        if not libro.worksheets:
            return []
        hoja = libro.worksheets[0]
        # Bounded columns: a stray cell far away (XFD1048576) would otherwise pad every row to
        # 16,384 cells; real files have a few columns.
        filas = hoja.iter_rows(values_only=True, max_col=MAX_COLUMNAS_XLSX)
        return _tabla_acotada(_fila_texto(fila) for fila in filas)
    finally:
        libro.close()


def _fila_texto(fila: tuple) -> list[str]:
    """A sheet row as text, without its trailing empty cells (openpyxl pads every row to the
    widest one: checking 64 cells where 7 hold data was most of the reading)."""
    fin = len(fila)
    while fin and fila[fin - 1] is None:
        fin -= 1
    return [_texto(v) for v in fila[:fin]]


def _tabla_acotada(filas: Iterable[list[str]]) -> list[list[str]]:
    """The rows of a file (header first) up to its last one with data.

    Blank rows keep their place (row numbers are the spreadsheet's) but trailing ones are never
    stored, and a file with more than MAX_FILAS data rows is refused while being read, before
    it takes the time and memory of a whole oversized file.
    """
    tabla: list[list[str]] = []
    vacias = 0
    for fila in filas:
        if not any(fila):
            vacias += 1
            continue
        if len(tabla) + vacias > MAX_FILAS:  # this row's number, the header being row 0
            raise ErrorImportacion(
                _(
                    "El archivo tiene más de %(maximo)s filas de datos. Divídalo en varios "
                    "archivos.",
                    maximo=f"{MAX_FILAS:,}".replace(",", " "),
                )
            )
        tabla.extend([] for _vacia in range(vacias))
        vacias = 0
        tabla.append(fila)
    return tabla


@sin_pausas_gc
def leer_tabla(
    nombre: str,
    contenido: bytes,
    validar_cabecera: Callable[[list[str]], None],
    *,
    maximo: int | None = None,
    mensaje_maximo: Callable[[int], str] | None = None,
) -> list[dict[str, str]]:
    """Read a CSV (UTF-8, comma) or XLSX (first sheet) file into one dict per data row, its
    header checked by ``validar_cabecera`` (the Anexo 4 import and the cycle import share it).

    Every data row is returned, blank ones included, so that list index + 2 is the row
    number the user sees in the spreadsheet; trailing blank rows are dropped.
    """
    extension = Path(nombre or "").suffix.lower()
    if extension == ".csv":
        tabla = _leer_csv(contenido)
    elif extension == ".xlsx":
        tabla = _leer_xlsx(contenido)
    else:
        raise ErrorImportacion(
            _(
                "Formato de archivo no admitido (%(valor)s). Use un "
                "archivo .csv (UTF-8, separado por comas) o .xlsx.",
                valor=extension or _("sin extensión"),
            )
        )
    if not tabla:
        raise ErrorImportacion(_("El archivo está vacío."))
    # NUL bytes can't be stored (PostgreSQL refuses them) and never belong in this data.
    con_nul = [i + 1 for i, f in enumerate(tabla) if any("\x00" in c for c in f)]
    if con_nul:
        raise ErrorImportacion(
            _(
                "El archivo contiene caracteres no válidos (NUL) en la fila %(con_nul)s.",
                con_nul=con_nul[0],
            )
        )
    cabecera = [c.strip().lower() for c in tabla[0]]
    filas = tabla[1:]
    if maximo is not None and len(filas) > maximo and mensaje_maximo is not None:
        raise ErrorImportacion(mensaje_maximo(maximo))
    # Excel leaves empty trailing header cells: drop a nameless last column with no data.
    while cabecera and not cabecera[-1] and not _columna_con_datos(filas, len(cabecera) - 1):
        cabecera.pop()
    validar_cabecera(cabecera)
    largas = [i + 2 for i, f in enumerate(filas) if any(f[len(cabecera) :])]
    if largas:
        lista = ", ".join(str(n) for n in largas[:10]) + ("…" if len(largas) > 10 else "")
        raise ErrorImportacion(
            _(
                "Hay valores fuera de las columnas de la cabecera (filas %(lista)s). Revise que "
                "ningún valor contenga una coma sin comillas y que no haya columnas sin nombre.",
                lista=lista,
            )
        )
    return [
        {columna: (f[i] if i < len(f) else "") for i, columna in enumerate(cabecera)} for f in filas
    ]


def leer_archivo(nombre: str, contenido: bytes) -> list[dict[str, str]]:
    """Read an Anexo 4 bulk file (CSV or XLSX) into one dict per data row (see leer_tabla)."""
    return leer_tabla(nombre, contenido, _validar_cabecera)


def _columna_con_datos(filas: list[list[str]], indice: int) -> bool:
    """Whether any row has a value in column indice."""
    return any(len(f) > indice and f[indice] for f in filas)


def problemas_de_cabecera(
    cabecera: list[str], requeridas: Sequence[str], opcionales: Sequence[str] = ()
) -> list[str]:
    """Refuse a header that can't be read (";" separator, nameless or repeated columns) and
    list what else is wrong with it: missing required columns, unknown ones."""
    if len(cabecera) == 1 and ";" in cabecera[0]:
        raise ErrorImportacion(
            _(
                "El archivo usa punto y coma (;) como separador. Guárdelo "
                "separado por comas o use un archivo Excel (.xlsx)."
            )
        )
    if "" in cabecera:
        raise ErrorImportacion(_("La cabecera tiene una columna sin nombre."))
    repetidas = sorted({c for c in cabecera if cabecera.count(c) > 1})
    if repetidas:
        raise ErrorImportacion(
            _("Columnas repetidas en la cabecera: %(join)s.", join=", ".join(repetidas))
        )
    faltan = [c for c in requeridas if c not in cabecera]
    sobran = [c for c in cabecera if c not in (*requeridas, *opcionales)]
    problemas = []
    if faltan:
        problemas.append(_("faltan las columnas %(join)s", join=", ".join(faltan)))
    if sobran:
        problemas.append(_("columnas desconocidas: %(join)s", join=", ".join(sobran)))
    return problemas


def _validar_cabecera(cabecera: list[str]) -> None:
    """Refuse a header that is not exactly the bulk format (plus the optional columns)."""
    problemas = problemas_de_cabecera(cabecera, COLUMNAS, OPCIONALES)
    if problemas:
        raise ErrorImportacion(
            _(
                "La cabecera no corresponde al formato del Anexo 4 (%(problemas)s). "
                "Debe ser: %(columnas)s (y, opcionalmente, %(opcionales)s).",
                problemas="; ".join(problemas),
                columnas=",".join(COLUMNAS),
                opcionales=", ".join(OPCIONALES),
            )
        )


def guardar_en_espera(contenido: bytes, extension: str) -> str:
    """Keep an uploaded file (extension ".csv" or ".xlsx") under a random name until its preview
    is confirmed, and drop the waiting files older than a day; return its token. The caller
    commits (the file is stored with the commit, on whichever app server confirms it)."""
    if extension not in EXTENSIONES:
        raise ValueError(f"Extensión no admitida: {extension!r}")
    almacenamiento.borrar_anteriores(CARPETA_ESPERA, CADUCIDAD_SEGUNDOS)
    nombre = almacenamiento.guardar(CARPETA_ESPERA, extension.lstrip("."), contenido)
    return nombre.split(".", 1)[0]


def archivo_en_espera(token: str | None) -> tuple[str, bytes] | None:
    """The waiting file of a token as (its stored name, its bytes), or None; the token must be
    hex, never a path."""
    if not _TOKEN.match(token or ""):
        return None
    for extension in EXTENSIONES:
        nombre = f"{token}{extension}"
        contenido = almacenamiento.leer(CARPETA_ESPERA, nombre)
        if contenido is not None:
            return nombre, contenido
    return None


def descartar_en_espera(nombre: str) -> None:
    """Remove a waiting file when the transaction commits (the import, or its refusal)."""
    almacenamiento.borrar_al_confirmar(CARPETA_ESPERA, nombre)
