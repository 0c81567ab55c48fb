"""Bulk import and export of Anexo 4 cells (CSV / XLSX), all-or-nothing, with a dry run.

One row per region × IdG × year × semester; the format is documented in
docs/formato-anexo4.md. `analizar` only reads; `aplicar` only adds and flushes, so the
caller decides whether to commit (or roll back) the whole file.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import Indicador, Region
from app.comun.auditoria import registrar_evento
from app.comun.errores import ErrorNegocio
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoReporte,
    LineaReporte,
    Periodo,
    Reporte,
    Semestre,
)
from app.convenios.services.anexo4 import (
    convenios_firmados,
    fijar_metas_originales,
    obtener_o_crear_reporte,
    revisar_linea,
)
from app.extensions import db

COLUMNAS = ("region", "idg", "anio", "semestre", "estado", "programado", "ejecutado")
OPCIONALES = ("origen",)
ORIGENES = ("publicado", "reconstruido")
EXTENSIONES = (".csv", ".xlsx")
#: Most data rows one file may carry (an import of about 15 s, within a worker's 30 s timeout),
#: and columns read from a sheet.
MAX_FILAS = 100_000
MAX_COLUMNAS_XLSX = 64
LIMA = ZoneInfo("America/Lima")
#: Imported reports of a period with a deadline count as received at noon of that day (Lima).
HORA_RECEPCION = time(12, 0)

_PAUSAS_GC = {"activas": 0}
_CANDADO_GC = threading.Lock()


def _sin_pausas_gc(funcion):
    """Run funcion with Python's cyclic garbage collector paused (reference counting still frees
    memory). A bulk import creates tens of thousands of rows, objects and decimals that the
    collector would traverse again and again (a fifth of the import's time, measured); it
    runs again when the last concurrent import ends."""

    @functools.wraps(funcion)
    def envuelta(*args, **kwargs):
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


_NUMERO = re.compile(r"^-?\d+(\.\d+)?$")
_ENTERO = re.compile(r"^\d+$")
_SEMESTRES = {"1": 1, "2": 2, "i": 1, "ii": 2}


class ErrorImportacion(ErrorNegocio):
    """The file can't be read or applied as a whole; the message is shown to the user."""


@dataclass(frozen=True)
class ErrorFila:
    """A problem in one cell of the file (fila = spreadsheet row number, header = 1)."""

    fila: int
    columna: str
    mensaje: str

    def __str__(self) -> str:
        lugar = (
            _("fila %(fila)s, columna %(columna)s", fila=self.fila, columna=self.columna)
            if self.columna
            else f"fila {self.fila}"
        )
        return f"{lugar}: {self.mensaje}"


@dataclass
class FilaValida:
    """A row that passed every check, resolved to model objects."""

    fila: int
    region: Region
    convenio: Convenio
    indicador: Indicador
    anio: int
    semestre: int
    estado: EstadoCelda
    programado: Decimal | None
    ejecutado: Decimal | None
    reconstruido: bool
    #: Figures a `valor` cell leaves empty: accepted only when its whole report is unchanged
    #: (an exported draft), since importing approves every report it changes
    faltan: tuple[str, ...] = ()


@dataclass
class Grupo:
    """Preview of one Anexo 4 (region × semester) the file writes."""

    region: str
    orden: int
    anio: int
    semestre: int
    #: Cells in the file for this report
    celdas: int = 0
    #: Of those, cells whose stored content would change
    cambios: int = 0
    #: State of the existing report (None = it will be created)
    estado_actual: EstadoReporte | None = None
    #: IdG numbers that would remain without figures after the import
    vacias: list[int] = field(default_factory=list)

    @property
    def periodo_nombre(self) -> str:
        """E.g. "II Semestre 2020"."""
        return f"{Semestre(self.semestre).romano} Semestre {self.anio}"

    @property
    def sin_cambios(self) -> bool:
        """Stored already with exactly these cells, in any state: the import leaves it untouched
        (neither approved nor audited), so re-importing an export changes nothing."""
        return self.estado_actual is not None and self.cambios == 0

    @property
    def situacion(self) -> str:
        """What the import does to this report, in words (preview of the web and the CLI)."""
        if self.sin_cambios:
            if self.estado_actual is EstadoReporte.aprobado:
                return _("Anexo 4 aprobado con los mismos datos: no se modifica")
            return _(
                "Anexo 4 en estado «%(etiqueta)s» con los mismos datos: no se modifica "
                "(sigue en ese estado)",
                etiqueta=self.estado_actual.etiqueta,
            )
        if self.estado_actual is None:
            texto = _("se creará el Anexo 4 y quedará aprobado")
        elif self.estado_actual is EstadoReporte.aprobado:
            texto = _("Anexo 4 aprobado: se reemplazan %(cambios)s celdas", cambios=self.cambios)
        else:
            texto = _(
                "Anexo 4 en estado «%(etiqueta)s»: se reemplazan "
                "%(cambios)s celdas y quedará aprobado",
                etiqueta=self.estado_actual.etiqueta,
                cambios=self.cambios,
            )
        if self.vacias:
            texto += _(
                "; quedarán sin cifras los IdG %(idg)s", idg=", ".join(map(str, self.vacias))
            )
        return texto


@dataclass
class Analisis:
    """Result of the dry run: errors by row and column, and what an import would write."""

    errores: list[ErrorFila] = field(default_factory=list)
    #: Unusual values (need a comment in the form); reported, never blocking
    advertencias: list[ErrorFila] = field(default_factory=list)
    grupos: list[Grupo] = field(default_factory=list)
    #: (anio, semestre) of semesters that don't exist yet: created closed
    periodos_nuevos: list[tuple[int, int]] = field(default_factory=list)
    filas: list[FilaValida] = field(default_factory=list)
    _reportes: dict[tuple[int, int, int], Reporte] = field(default_factory=dict, repr=False)

    @property
    def valido(self) -> bool:
        """True when the file can be imported."""
        return not self.errores

    @property
    def total_celdas(self) -> int:
        """Cells in the file."""
        return len(self.filas)

    @property
    def periodos_nuevos_nombres(self) -> list[str]:
        """Names of the semesters that will be created, e.g. "I Semestre 2019"."""
        return [f"{Semestre(s).romano} Semestre {a}" for a, s in self.periodos_nuevos]


@dataclass
class Resumen:
    """What an import wrote."""

    reportes: int
    celdas: int
    sin_cambios: int
    periodos_creados: list[str]


# --- Reading -------------------------------------------------------------------------------


def _texto(valor: Any) -> str:
    """A spreadsheet value as text; numbers with a point and no useless zeros (60.0 → "60")."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return str(valor)
    if isinstance(valor, (int, float, Decimal)):
        return numero_texto(Decimal(repr(valor)) if isinstance(valor, float) else Decimal(valor))
    return str(valor).strip()


def numero_texto(valor: Decimal) -> str:
    """Minimal decimal text with a point: 60.00 → "60", 60.50 → "60.5", -22 → "-22"."""
    if valor == 0:
        return "0"
    return format(valor.normalize(), "f")


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
        return _tabla_acotada([_texto(v) for v in fila] for fila in filas)
    finally:
        libro.close()


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


@_sin_pausas_gc
def leer_archivo(nombre: str, contenido: bytes) -> list[dict[str, str]]:
    """Read a CSV (UTF-8, comma) or XLSX (first sheet) file into one dict per data row.

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
                valor=extension or "sin extensión",
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
    # Excel leaves empty trailing header cells: drop a nameless last column with no data.
    while cabecera and not cabecera[-1] and not _columna_con_datos(filas, len(cabecera) - 1):
        cabecera.pop()
    _validar_cabecera(cabecera)
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


def _columna_con_datos(filas: list[list[str]], indice: int) -> bool:
    """Whether any row has a value in column indice."""
    return any(len(f) > indice and f[indice] for f in filas)


def _validar_cabecera(cabecera: list[str]) -> None:
    """Refuse a header that is not exactly the bulk format (plus the optional columns)."""
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
    faltan = [c for c in COLUMNAS if c not in cabecera]
    sobran = [c for c in cabecera if c not in COLUMNAS + OPCIONALES]
    problemas = []
    if faltan:
        problemas.append(_("faltan las columnas %(join)s", join=", ".join(faltan)))
    if sobran:
        problemas.append(_("columnas desconocidas: %(join)s", join=", ".join(sobran)))
    if problemas:
        raise ErrorImportacion(
            _(
                "La cabecera no corresponde al formato del Anexo 4 (%(problemas)s). "
                "Debe ser: %(columnas)s (y, opcionalmente, origen).",
                problemas="; ".join(problemas),
                columnas=",".join(COLUMNAS),
            )
        )


# --- Analysis (dry run) --------------------------------------------------------------------


def _decimal(texto: str, columna: str, errores: list[ErrorFila], fila: int) -> Decimal | None:
    """Parse a percentage written with a decimal point; record an error and return None."""
    if not texto:
        return None
    if "," in texto:
        mensaje = _(
            "«%(texto)s» usa coma decimal: escriba los decimales con punto (por ejemplo 60.5).",
            texto=texto,
        )
    elif texto.endswith("%"):
        mensaje = _("«%(texto)s»: escriba solo el número, sin el signo %%.", texto=texto)
    elif not _NUMERO.match(texto):
        mensaje = _(
            "«%(texto)s» no es un número (use punto decimal, por ejemplo 60.5).", texto=texto
        )
    elif "." in texto and len(texto.split(".")[1]) > 2:
        mensaje = _("«%(texto)s» tiene más de dos decimales.", texto=texto)
    else:
        return Decimal(texto)
    errores.append(ErrorFila(fila, columna, mensaje))
    return None


class _Catalogo:
    """Regions, convenios and indicators looked up once per distinct value, not per row."""

    def __init__(self) -> None:
        self._regiones: dict[str, Region | None] = {}
        self._convenios: dict[int, list[Convenio]] = {}
        self._indicadores: dict[int, dict[int, Indicador]] = {}

    def region(self, nombre: str) -> Region | None:
        """The region named nombre (canonical name, code or alias), or None."""
        if nombre not in self._regiones:
            self._regiones[nombre] = catalogo_queries.region_por_nombre(nombre)
        return self._regiones[nombre]

    def convenio(self, region_id: int, anio: int) -> Convenio | None:
        """The signed convenio of a region covering a year, or None (as convenio_vigente)."""
        if region_id not in self._convenios:
            # One query per region, not per region and year: a file spans many years.
            self._convenios[region_id] = list(db.session.scalars(convenios_firmados(region_id)))
        return next(
            (c for c in self._convenios[region_id] if c.anio_inicio <= anio <= c.anio_fin), None
        )

    def indicadores(self, conjunto_id: int) -> dict[int, Indicador]:
        """The indicators of a set, by number."""
        if conjunto_id not in self._indicadores:
            self._indicadores[conjunto_id] = {
                i.numero: i
                for i in db.session.scalars(sa.select(Indicador).filter_by(conjunto_id=conjunto_id))
            }
        return self._indicadores[conjunto_id]


Clave = tuple[int, int, int, int]


def _revisar_fila(
    numero: int, datos: dict[str, str], catalogo: _Catalogo, errores: list[ErrorFila]
) -> tuple[FilaValida | None, Clave | None, list[str]]:
    """Check one row; append its errors.

    Returns the row resolved (None when it has errors), its key region × IdG × year ×
    semester (None when the key itself can't be read), so duplicates are found either way,
    and the warnings of its figures.
    """
    antes = len(errores)

    def error(columna: str, mensaje: str) -> None:
        """Record an error of this row."""
        errores.append(ErrorFila(numero, columna, mensaje))

    valor = {c: (datos.get(c) or "").strip() for c in COLUMNAS + OPCIONALES}

    region = None
    if not valor["region"]:
        error("region", "Indique la región.")
    else:
        region = catalogo.region(valor["region"])
        if region is None:
            error("region", f"No se reconoce la región «{valor['region']}».")

    idg = None
    if not _ENTERO.match(valor["idg"]):
        error("idg", f"El IdG debe ser un número entero (se leyó «{valor['idg']}»).")
    else:
        idg = int(valor["idg"])

    anio = None
    if not _ENTERO.match(valor["anio"]) or not 2000 <= int(valor["anio"]) <= 2100:
        error("anio", f"El año debe ser un número entre 2000 y 2100 (se leyó «{valor['anio']}»).")
    else:
        anio = int(valor["anio"])

    semestre = _SEMESTRES.get(valor["semestre"].lower())
    if semestre is None:
        error("semestre", f"El semestre debe ser 1 o 2 (I o II); se leyó «{valor['semestre']}».")

    estado = None
    try:
        estado = EstadoCelda(valor["estado"].lower())
    except ValueError:
        error(
            "estado",
            f"Estado «{valor['estado']}» no válido: use valor, no_aplica, sin_meta o no_remitido.",
        )

    if valor["origen"] and valor["origen"].lower() not in ORIGENES:
        error("origen", f"Origen «{valor['origen']}» no válido: use publicado o reconstruido.")

    programado = _decimal(valor["programado"], "programado", errores, numero)
    ejecutado = _decimal(valor["ejecutado"], "ejecutado", errores, numero)
    faltan: tuple[str, ...] = ()
    posicion = len(errores)
    if estado is EstadoCelda.valor:
        # Judged once the stored report is known (_exigir_cifras): an unchanged report, such as
        # an exported draft, may keep its empty cells.
        faltan = tuple(c for c in ("programado", "ejecutado") if not valor[c])
    elif estado is not None:
        for columna in ("programado", "ejecutado"):
            if valor[columna]:
                error(
                    columna,
                    f"Con el estado «{estado.value}» ({estado.etiqueta}) deje vacíos "
                    "programado y ejecutado.",
                )

    convenio = indicador = None
    if region is not None and anio is not None:
        convenio = catalogo.convenio(region.id, anio)
        if convenio is None or not convenio.esta_suscrito:
            error(
                "region", f"{region.nombre} no tiene un convenio suscrito que cubra el año {anio}."
            )
            convenio = None
        elif convenio.conjunto_id is None:
            error("idg", f"El convenio {convenio.periodo} de {region.nombre} no tiene indicadores.")
        elif idg is not None:
            indicador = catalogo.indicadores(convenio.conjunto_id).get(idg)
            if indicador is None:
                error(
                    "idg",
                    f"El IdG {idg} no forma parte de los indicadores del convenio "
                    f"{convenio.periodo} de {region.nombre}.",
                )

    avisos: list[str] = []
    if indicador is not None and estado is EstadoCelda.valor:
        # Negative or absurd values: the same rule as the form (its warnings don't block).
        revision = revisar_linea(indicador, estado, programado, ejecutado)
        for columna, mensaje in revision.errores.items():
            error(columna, mensaje)
        avisos = revision.advertencias

    clave = None
    if region is not None and idg is not None and anio is not None and semestre is not None:
        clave = (region.id, idg, anio, semestre)
    if len(errores) > antes:
        # The row is refused anyway: its empty figures are listed too, in their place.
        errores[posicion:posicion] = [ErrorFila(numero, c, _falta_cifra(c)) for c in faltan]
        return None, clave, []
    fila = FilaValida(
        fila=numero,
        region=region,
        convenio=convenio,
        indicador=indicador,
        anio=anio,
        semestre=semestre,
        estado=estado,
        programado=programado,
        ejecutado=ejecutado,
        reconstruido=valor["origen"].lower() == "reconstruido",
        faltan=faltan,
    )
    return fila, clave, avisos


def _falta_cifra(columna: str) -> str:
    """The error of a `valor` cell without its programmed or executed figure."""
    return f"Con el estado «valor» indique el {columna} (porcentaje)."


def _mismo_contenido(linea: LineaReporte | None, fila: FilaValida) -> bool:
    """Whether the stored line already holds exactly the row's cell."""
    return (
        linea is not None
        and linea.estado is fila.estado
        and linea.programado == fila.programado
        and linea.ejecutado == fila.ejecutado
        and linea.reconstruido == fila.reconstruido
    )


@_sin_pausas_gc
def analizar(filas: list[dict[str, str]]) -> Analisis:
    """Check every row (collecting all errors) and preview the import; writes nothing."""
    analisis = Analisis()
    catalogo = _Catalogo()
    vistas: dict[Clave, int] = {}
    hay_datos = False
    for indice, datos in enumerate(filas):
        if not any((v or "").strip() for v in datos.values()):
            continue
        hay_datos = True
        numero = indice + 2
        fila, clave, avisos = _revisar_fila(numero, datos, catalogo, analisis.errores)
        if clave is not None and clave in vistas:
            _region, idg, anio, semestre = clave
            region = catalogo.region((datos.get("region") or "").strip())
            analisis.errores.append(
                ErrorFila(
                    numero,
                    "idg",
                    _(
                        "Fila repetida: %(nombre)s, IdG %(idg)s, %(romano)s "
                        "semestre %(anio)s ya figura en la fila %(vistas)s.",
                        nombre=region.nombre,
                        idg=idg,
                        romano=Semestre(semestre).romano,
                        anio=anio,
                        vistas=vistas[clave],
                    ),
                )
            )
            continue
        if clave is not None:
            vistas[clave] = numero
        if fila is None:
            continue
        analisis.filas.append(fila)
        analisis.advertencias += [ErrorFila(numero, "", m) for m in avisos]
    if not hay_datos:
        analisis.errores.append(ErrorFila(1, "", _("El archivo no tiene filas de datos.")))
    _prever(analisis, catalogo)
    return analisis


def _prever(analisis: Analisis, catalogo: _Catalogo) -> None:
    """Fill the preview: one group per report, existing reports and missing semesters."""
    claves_periodo = {(f.anio, f.semestre) for f in analisis.filas}
    periodos = {
        (p.anio, p.semestre): p
        for p in db.session.scalars(sa.select(Periodo))
        if (p.anio, p.semestre) in claves_periodo
    }
    analisis.periodos_nuevos = sorted(claves_periodo - set(periodos))
    convenio_ids = {f.convenio.id for f in analisis.filas}
    if periodos and convenio_ids:
        por_id = {p.id: clave for clave, p in periodos.items()}
        for reporte in db.session.scalars(
            sa.select(Reporte)
            .where(
                Reporte.convenio_id.in_(convenio_ids),
                Reporte.periodo_id.in_(list(por_id)),
            )
            # The lines' IdG are known by id: not joined into 10,000 rows.
            .options(selectinload(Reporte.lineas).lazyload(LineaReporte.indicador))
        ):
            anio, semestre = por_id[reporte.periodo_id]
            analisis._reportes[(reporte.convenio_id, anio, semestre)] = reporte
    grupos: dict[tuple[int, int, int], Grupo] = {}
    lineas: dict[tuple[int, int, int], dict[int, LineaReporte]] = {}
    en_archivo: dict[tuple[int, int, int], dict[int, FilaValida]] = {}
    for fila in analisis.filas:
        clave = (fila.convenio.id, fila.anio, fila.semestre)
        grupo = grupos.get(clave)
        if grupo is None:
            reporte = analisis._reportes.get(clave)
            grupo = grupos[clave] = Grupo(
                region=fila.region.nombre,
                orden=fila.region.orden,
                anio=fila.anio,
                semestre=fila.semestre,
                estado_actual=reporte.estado if reporte else None,
            )
            lineas[clave] = {li.indicador_id: li for li in reporte.lineas} if reporte else {}
        grupo.celdas += 1
        if not _mismo_contenido(lineas[clave].get(fila.indicador.id), fila):
            grupo.cambios += 1
        en_archivo.setdefault(clave, {})[fila.indicador.numero] = fila
    for clave, grupo in grupos.items():
        if grupo.sin_cambios:
            continue  # left untouched: no cell "remains" empty because of the import
        reporte = analisis._reportes.get(clave)
        if reporte is not None:
            actuales = {li.indicador_numero: li for li in reporte.lineas}
        else:
            convenio = next(iter(en_archivo[clave].values())).convenio
            actuales = dict.fromkeys(catalogo.indicadores(convenio.conjunto_id))
        vacias = []
        for numero, linea in actuales.items():
            fila = en_archivo[clave].get(numero)
            estado = fila.estado if fila else (linea.estado if linea else EstadoCelda.valor)
            completo = (
                (fila.programado, fila.ejecutado)
                if fila
                else ((linea.programado, linea.ejecutado) if linea else (None, None))
            )
            if estado is EstadoCelda.valor and None in completo:
                vacias.append(numero)
        grupo.vacias = sorted(vacias)
    _exigir_cifras(analisis, grupos, lineas)
    analisis.grupos = sorted(grupos.values(), key=lambda g: (g.anio, g.semestre, g.orden, g.region))


def _exigir_cifras(
    analisis: Analisis,
    grupos: dict[tuple[int, int, int], Grupo],
    lineas: dict[tuple[int, int, int], dict[int, LineaReporte]],
) -> None:
    """Refuse the `valor` cells without figures of every report the import would write.

    Writing a report approves it, so it must not be approved with empty cells; a report
    whose cells in the file all equal the stored ones is left untouched (an export of a draft
    re-imports as a no-op), and there an empty cell is simply what is stored.
    """
    rechazadas = set()
    for fila in analisis.filas:
        if not fila.faltan:
            continue
        clave = (fila.convenio.id, fila.anio, fila.semestre)
        if grupos[clave].sin_cambios:
            continue
        rechazadas.add(fila.fila)
        guardada = _mismo_contenido(lineas[clave].get(fila.indicador.id), fila)
        for columna in fila.faltan:
            mensaje = _falta_cifra(columna)
            if guardada:
                mensaje += " " + _(
                    "La celda también está vacía en el sistema, pero otras celdas de este "
                    "Anexo 4 cambian y, al importarlo, quedaría aprobado sin esta cifra."
                )
            analisis.errores.append(ErrorFila(fila.fila, columna, mensaje))
    if rechazadas:
        analisis.filas = [f for f in analisis.filas if f.fila not in rechazadas]
        # Listed by row, as the user reads the spreadsheet (the sort keeps a row's own order).
        analisis.errores.sort(key=lambda e: e.fila)


# --- Applying ------------------------------------------------------------------------------


def fecha_recepcion(periodo: Periodo, ahora: datetime) -> datetime:
    """Received date given to an imported report: its deadline at noon in Lima, or now.

    Historical reports arrive without their real date; noon of the deadline keeps them "on
    time" whatever the time zone, instead of making every past report look late.
    """
    if periodo.fecha_limite_anexo4 is None:
        return ahora
    return datetime.combine(periodo.fecha_limite_anexo4, HORA_RECEPCION, LIMA).astimezone(UTC)


@_sin_pausas_gc
def aplicar(
    analisis: Analisis, *, usuario_id: int | None, ahora: datetime, archivo: str | None = None
) -> Resumen:
    """Write an error-free analysis: replace the cells and approve the reports (no commit)."""
    if analisis.errores:
        raise ErrorImportacion(_("El archivo tiene errores: corríjalos antes de importar."))
    if not analisis.filas:
        raise ErrorImportacion(_("El archivo no tiene filas de datos."))
    periodos = {(p.anio, p.semestre): p for p in db.session.scalars(sa.select(Periodo))}
    creados = []
    for anio, semestre in sorted({(f.anio, f.semestre) for f in analisis.filas}):
        if (anio, semestre) not in periodos:
            periodo = Periodo(anio=anio, semestre=semestre, abierto=False)
            db.session.add(periodo)
            periodos[(anio, semestre)] = periodo
            creados.append(periodo)
    # Ids are needed before reports can point at the new semesters.
    db.session.flush()
    for periodo in creados:
        registrar_evento(
            "crear",
            "periodo",
            periodo.id,
            usuario_id=usuario_id,
            despues={"anio": periodo.anio, "semestre": periodo.semestre, "abierto": False},
            motivo="Creado por una importación del Anexo 4.",
        )

    por_reporte: dict[tuple[int, int, int], list[FilaValida]] = {}
    for fila in analisis.filas:
        por_reporte.setdefault((fila.convenio.id, fila.anio, fila.semestre), []).append(fila)

    # Create the missing reports first, so the cell updates below need no query in between.
    reportes = {
        clave: analisis._reportes.get(clave)
        or obtener_o_crear_reporte(filas[0].convenio, periodos[clave[1:]], usuario_id=usuario_id)
        for clave, filas in por_reporte.items()
    }
    escritos: list[tuple[Reporte, EstadoReporte, int]] = []
    sin_cambios = 0
    # Stored lines are written by primary key in one batched UPDATE (not through the unit of
    # work, which costs several times more per line); new lines are added as objects.
    celdas: list[dict[str, Any]] = []
    for clave, filas in por_reporte.items():
        reporte = reportes[clave]
        lineas = {li.indicador_id: li for li in reporte.lineas}
        # Exactly the stored cells, in any state: untouched, neither approved nor audited.
        if all(_mismo_contenido(lineas.get(f.indicador.id), f) for f in filas):
            sin_cambios += 1
            continue
        if any(f.faltan for f in filas):  # analizar refuses these; never approve them empty
            raise ErrorImportacion(_("El archivo tiene errores: corríjalos antes de importar."))
        en_archivo = set()
        for fila in filas:
            valor = fila.estado is EstadoCelda.valor
            programado = fila.programado if valor else None
            ejecutado = fila.ejecutado if valor else None
            linea = lineas.get(fila.indicador.id)
            if linea is None:
                linea = LineaReporte(
                    indicador=fila.indicador,
                    indicador_numero=fila.indicador.numero,
                    estado=fila.estado,
                    programado=programado,
                    ejecutado=ejecutado,
                    reconstruido=fila.reconstruido,
                )
                reporte.lineas.append(linea)
                continue
            en_archivo.add(linea.id)
            celdas.append(
                {
                    "id": linea.id,
                    "estado": fila.estado,
                    "programado": programado,
                    "ejecutado": ejecutado,
                    "reconstruido": fila.reconstruido,
                    # fijar_originales' rule: the first approved programmed value stays.
                    "programado_original": programado
                    if linea.programado_original is None
                    else linea.programado_original,
                }
            )
        # The report's other lines (new ones and those not in the file) keep their own rule.
        for linea in reporte.lineas:
            if linea.id not in en_archivo and linea.programado_original is None:
                linea.programado_original = linea.programado
        escritos.append((reporte, reporte.estado, len(filas)))
        reporte.estado = EstadoReporte.aprobado
        reporte.origen = "importacion"
        reporte.aprobado_en = ahora
        reporte.aprobado_por_id = usuario_id
        reporte.motivo_observacion = None
        if reporte.enviado_en is None:
            reporte.enviado_en = fecha_recepcion(periodos[clave[1:]], ahora)
    for reporte, anterior, n in escritos:
        despues: dict[str, Any] = {"estado": reporte.estado, "celdas": n}
        if archivo:
            despues["archivo"] = archivo
        registrar_evento(
            "importar",
            "reporte",
            reporte.id,
            usuario_id=usuario_id,
            antes={"estado": anterior},
            despues=despues,
        )
    if celdas:
        # SQLAlchemy copies the figures only into the loaded, unmodified attributes of lines
        # already in the session, so nothing below reads the lines before the commit.
        db.session.execute(sa.update(LineaReporte), celdas)
    # The annual goals of every written report in one statement, not one query per report.
    fijar_metas_originales({(r.convenio_id, r.periodo.anio) for r, _a, _n in escritos})
    db.session.flush()
    return Resumen(
        reportes=len(escritos),
        celdas=sum(n for _, _, n in escritos),
        sin_cambios=sin_cambios,
        periodos_creados=[p.nombre for p in creados],
    )
