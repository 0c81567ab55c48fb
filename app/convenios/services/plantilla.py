"""Anexo 4 as an Excel template: download it with current values, fill it, upload it back.

Over 400 lines because the writer and the reader share one layout (headers, rows, the control
sheet); the writer is meant to move to an `exportacion/` part of the module (see issue 16).

The upload goes through the same rules as the web form (services.anexo4.guardar_lineas); this
module only turns cells into values and reports, by row and column, what it cannot read.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from app.auth.models import Usuario
from app.catalogo.models import normalizar
from app.comun.auditoria import registrar_evento
from app.comun.errores import ErrorNegocio
from app.comun.hojas import fechas_legibles, restaurar, texto_seguro
from app.comun.numeros import NoEsNumero, NumeroAmbiguo, decimales_escritos, leer_numero
from app.convenios.models import EstadoCelda, LineaReporte, Reporte
from app.convenios.services.anexo4 import (
    ErrorAnexo4,
    Revision,
    guardar_lineas,
    motivo_bloqueo,
)

HOJA = "Anexo 4"
#: Very hidden sheet (not listed by Excel's "Unhide") tying the file to one report
HOJA_CONTROL = "control"
ENCABEZADOS = (
    "N°",
    "Indicador de gestión",
    "Estado",
    "Programado (%)",
    "Numerador",
    "Denominador",
    "Ejecutado (%)",
    "Dificultades / comentarios",
    "Motivo (si no aplica)",
)
ANCHOS = (6, 60, 14, 15, 13, 13, 15, 50, 35)
COLUMNAS = "ABCDEFGHI"
#: Columns of the table, by what they hold (1-based, as openpyxl counts them)
(COL_ESTADO, COL_PROGRAMADO, COL_NUMERADOR, COL_DENOMINADOR, COL_EJECUTADO) = (3, 4, 5, 6, 7)
COL_COMENTARIO, COL_MOTIVO = 8, 9
#: The table of a template downloaded before the counts existed (refused with its own message)
ENCABEZADOS_SIN_CONTEOS = tuple(t for t in ENCABEZADOS if t not in ("Numerador", "Denominador"))
FILA_ENCABEZADO = 8
ESTADOS = [e.value for e in EstadoCelda]
#: Codes and Spanish labels (normalised) accepted in the Estado column
ESTADOS_ACEPTADOS = {e.value: e for e in EstadoCelda} | {
    normalizar(e.etiqueta): e for e in EstadoCelda
}
LARGO_TEXTO = 4000
MAXIMO_ERRORES = 30


class ErrorPlantilla(ErrorNegocio):
    """An uploaded template can't be read; errores lists every problem found (in Spanish)."""

    def __init__(self, errores: list[str]):
        super().__init__(" ".join(errores))
        self.errores = errores


def nombre_archivo(reporte: Reporte) -> str:
    """Download name, e.g. "anexo4_loreto_2020-2.xlsx"."""
    return f"anexo4_{reporte.region.codigo}_{reporte.periodo.codigo}.xlsx"


# --- Export --------------------------------------------------------------------------------


def plantilla_xlsx(reporte: Reporte) -> bytes:
    """The report's Anexo 4 as a fillable workbook with its current values."""
    libro = Workbook()
    hoja = libro.active
    hoja.title = HOJA
    negrita = Font(bold=True)
    hoja["A1"] = "Anexo 4 — Reporte semestral de los indicadores de gestión"
    hoja["A1"].font = Font(bold=True, size=14)
    ficha = (
        ("Órgano", reporte.region.organo),
        ("Semestre", reporte.periodo.nombre),
        ("Convenio de Gestión", reporte.convenio.periodo),
        (
            "Instrucciones",
            "Complete Estado, Programado, Ejecutado y los comentarios. Use coma o punto "
            "decimal (45,5 o 45.5), sin separador de miles (o sepárelos con un espacio: "
            "1 200,5). En los IdG que se miden como razón escriba Numerador y "
            "Denominador (conteos) y deje Ejecutado en blanco: el sistema lo calcula. No cambie "
            "el N°, ni agregue o quite filas o columnas.",
        ),
        (
            "Estados",
            "valor = con valor; no_aplica = no aplica (indique el motivo); sin_meta = sin meta "
            "en el semestre; no_remitido = meta no remitida. Si el estado no es «valor», deje "
            "en blanco Programado y Ejecutado.",
        ),
    )
    for fila, (etiqueta, valor) in enumerate(ficha, start=2):
        hoja.cell(fila, 1, etiqueta).font = negrita
        hoja.cell(fila, 2, texto_seguro(valor))
        hoja.merge_cells(start_row=fila, start_column=2, end_row=fila, end_column=len(ENCABEZADOS))
        hoja.cell(fila, 2).alignment = Alignment(wrap_text=True, vertical="top")
    hoja.row_dimensions[5].height = 60
    hoja.row_dimensions[6].height = 30

    borde = Border(*(Side(style="thin", color="999999"),) * 4)
    fondo = PatternFill("solid", fgColor="EEF0F3")
    for columna, (titulo, ancho) in enumerate(zip(ENCABEZADOS, ANCHOS, strict=True), start=1):
        celda = hoja.cell(FILA_ENCABEZADO, columna, titulo)
        celda.font, celda.fill, celda.border = negrita, fondo, borde
        celda.alignment = Alignment(wrap_text=True, vertical="center")
        hoja.column_dimensions[COLUMNAS[columna - 1]].width = ancho

    for fila, linea in enumerate(reporte.lineas, start=FILA_ENCABEZADO + 1):
        razon = linea.indicador.es_razon
        valores = (
            linea.indicador_numero,
            texto_seguro(linea.indicador.nombre),
            linea.estado.value,
            linea.programado,
            linea.numerador,
            linea.denominador,
            # A ratio IdG's executed % is computed from its counts: left for the system.
            None if razon else linea.ejecutado,
            texto_seguro(linea.comentario),
            texto_seguro(linea.motivo_estado),
        )
        for columna, valor in enumerate(valores, start=1):
            celda = hoja.cell(fila, columna, valor)
            celda.border = borde
            celda.alignment = Alignment(wrap_text=True, vertical="top")
            if columna in (COL_PROGRAMADO, COL_EJECUTADO):
                celda.number_format = "0.00"
        # The cells this IdG doesn't use are greyed: counts of a percentage IdG, a ratio's %.
        for columna in (COL_EJECUTADO,) if razon else (COL_NUMERADOR, COL_DENOMINADOR):
            hoja.cell(fila, columna).fill = fondo
        if razon:
            ficha = texto_seguro(
                f"Numerador: {linea.indicador.numerador}\n"
                f"Denominador: {linea.indicador.denominador}"
            )
            hoja.cell(fila, COL_NUMERADOR).comment = Comment(ficha, "MTPE")
            hoja.cell(fila, COL_EJECUTADO).comment = Comment(
                "Se calcula: Numerador ÷ Denominador × 100, con dos decimales.", "MTPE"
            )

    ultima = FILA_ENCABEZADO + max(len(reporte.lineas), 1)
    validacion = DataValidation(
        type="list",
        formula1='"' + ",".join(ESTADOS) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Estado no válido",
        error="Elija uno de: " + ", ".join(ESTADOS) + ".",
        showInputMessage=True,
        promptTitle="Estado de la celda",
        prompt="valor, no_aplica, sin_meta o no_remitido",
    )
    validacion.add(f"C{FILA_ENCABEZADO + 1}:C{ultima}")
    hoja.add_data_validation(validacion)
    hoja.freeze_panes = hoja.cell(FILA_ENCABEZADO + 1, 3)

    control = libro.create_sheet(HOJA_CONTROL)
    control.append(["reporte_id", reporte.id])
    control.append(["version", reporte.version])
    control.sheet_state = "veryHidden"

    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return salida.getvalue()


# --- Import --------------------------------------------------------------------------------

NO_XLSX = _l("El archivo no es un libro de Excel (.xlsx) válido. Descargue la plantilla y llénela.")
NO_PLANTILLA = _(
    "El archivo no es una plantilla del Anexo 4 descargada del sistema. "
    "Descargue la plantilla de este Anexo 4 y vuelva a cargarla."
)


def _lugar(celda: Cell) -> str:
    titulo = ENCABEZADOS[celda.column - 1] if celda.column <= len(ENCABEZADOS) else ""
    return _(
        "Fila %(row)s, columna %(column_letter)s (%(titulo)s)",
        row=celda.row,
        column_letter=celda.column_letter,
        titulo=titulo,
    )


def _texto_celda(valor: Any) -> str:
    return "" if valor is None else str(valor).strip()


def _leer_numero(celda: Cell, errores: list[str], *, conteo: bool = False) -> Decimal | None:
    """A percentage cell (or, with conteo, a count) as a Decimal with at most 2 decimals (None
    when blank).

    A number cell is taken as it is; a text cell ("60,5", "60.5", " 1 200,5 ") is read by the
    one rule of the forms (app.comun.numeros: decimal point or comma, spaces between thousands)
    and a thousands comma or point that could be a decimal one ("1,200", "1.200,5") is refused
    with its row and column, never guessed.
    """
    valor = celda.value
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    decimales = 0
    if isinstance(valor, bool):
        numero = None
    elif isinstance(valor, int | float):
        numero = Decimal(repr(valor)) if isinstance(valor, float) else Decimal(valor)
        # A cell formatted as % shows 45 % but holds 0.45 (a count is never a %).
        if "%" in (celda.number_format or "") and not conteo:
            numero *= 100
    elif isinstance(valor, str):
        texto = valor.strip().removesuffix("%").strip()
        try:
            numero = leer_numero(texto)
        except NumeroAmbiguo:
            errores.append(
                _(
                    "%(lugar)s: «%(valor)s» es ambiguo: la coma o el punto puede separar los "
                    "miles o los decimales. Escriba el número sin separador de miles (por "
                    "ejemplo 1200 o 1200,5).",
                    lugar=_lugar(celda),
                    valor=valor,
                )
            )
            return None
        except NoEsNumero:
            numero = None
        # "1.200" typed is three decimals (maybe a thousands point), never 1.2 silently.
        decimales = decimales_escritos(texto)
    else:
        numero = None
    if numero is None or not numero.is_finite():
        errores.append(
            _("%(lugar)s: «%(valor)s» no es un número.", lugar=_lugar(celda), valor=valor)
        )
        return None
    try:
        redondo = numero.quantize(Decimal("0.01"))
    except InvalidOperation:
        errores.append(
            _("%(lugar)s: «%(valor)s» no es un valor admisible.", lugar=_lugar(celda), valor=valor)
        )
        return None
    if redondo != numero or decimales > 2:
        errores.append(
            _("%(lugar)s: «%(valor)s» tiene más de 2 decimales.", lugar=_lugar(celda), valor=valor)
        )
        return None
    return redondo


def _leer_texto(celda: Cell, errores: list[str]) -> str | None:
    """A free-text cell, trimmed (None when blank)."""
    texto = restaurar(_texto_celda(celda.value))
    if len(texto) > LARGO_TEXTO:
        errores.append(
            _(
                "%(lugar)s: el texto supera los %(LARGO_TEXTO)s caracteres.",
                lugar=_lugar(celda),
                LARGO_TEXTO=LARGO_TEXTO,
            )
        )
        return None
    return texto or None


def _leer_estado(celda: Cell, errores: list[str]) -> EstadoCelda | None:
    texto = _texto_celda(celda.value)
    if not texto:
        errores.append(
            _(
                "%(lugar)s: indique el estado (%(join)s).",
                lugar=_lugar(celda),
                join=", ".join(ESTADOS),
            )
        )
        return None
    estado = ESTADOS_ACEPTADOS.get(normalizar(texto).replace(" ", "_")) or (
        ESTADOS_ACEPTADOS.get(normalizar(texto))
    )
    if estado is None:
        errores.append(
            _(
                "%(lugar)s: «%(texto)s» no es un estado válido; use %(join)s.",
                lugar=_lugar(celda),
                texto=texto,
                join=", ".join(ESTADOS),
            )
        )
    return estado


def _leer_numero_idg(celda: Cell) -> int | None:
    valor = celda.value
    if isinstance(valor, bool):
        return None
    if isinstance(valor, int):
        return valor
    if isinstance(valor, float) and valor.is_integer():
        return int(valor)
    if isinstance(valor, str) and valor.strip().isdecimal():
        return int(valor.strip())
    return None


def _abrir(contenido: bytes):
    """Open the upload as a workbook, or refuse it as not an xlsx file."""
    if not contenido.startswith(b"PK\x03\x04"):
        raise ErrorPlantilla([str(NO_XLSX)])
    try:
        return load_workbook(io.BytesIO(contenido), data_only=False)
    except Exception as error:  # any parsing failure of untrusted input means "not a workbook"
        raise ErrorPlantilla([str(NO_XLSX)]) from error


def _comprobar_reporte(libro, reporte: Reporte) -> None:
    """Refuse a file that is not this report's template."""
    if HOJA not in libro.sheetnames or HOJA_CONTROL not in libro.sheetnames:
        raise ErrorPlantilla([NO_PLANTILLA])
    control = libro[HOJA_CONTROL]
    if control["A1"].value != "reporte_id":
        raise ErrorPlantilla([NO_PLANTILLA])
    try:
        reporte_id = int(control["B1"].value)
    except (TypeError, ValueError) as error:
        raise ErrorPlantilla([NO_PLANTILLA]) from error
    if reporte_id != reporte.id:
        raise ErrorPlantilla(
            [
                _(
                    "La plantilla corresponde a otro Anexo 4. Descargue la "
                    "plantilla de %(organo)s, %(nombre)s, y cárguela llena.",
                    organo=reporte.region.organo,
                    nombre=reporte.periodo.nombre,
                )
            ]
        )


def _fila_encabezado(hoja) -> int:
    """Row of the table header (found by its N° cell), after checking the columns."""
    for fila in range(1, min(hoja.max_row, 40) + 1):
        if _texto_celda(hoja.cell(fila, 1).value) == ENCABEZADOS[0]:
            titulos = tuple(
                _texto_celda(hoja.cell(fila, c).value) for c in range(1, len(ENCABEZADOS) + 1)
            )
            if titulos[: len(ENCABEZADOS_SIN_CONTEOS)] == ENCABEZADOS_SIN_CONTEOS:
                raise ErrorPlantilla(
                    [
                        _(
                            "La plantilla es de una versión anterior, sin las columnas "
                            "Numerador y Denominador. Descargue otra vez la plantilla de este "
                            "Anexo 4 y copie en ella sus valores."
                        )
                    ]
                )
            if titulos != ENCABEZADOS:
                raise ErrorPlantilla(
                    [
                        _(
                            "Fila %(fila)s: las columnas de la plantilla "
                            "fueron modificadas. Deben ser: %(join)s.",
                            fila=fila,
                            join=" | ".join(ENCABEZADOS),
                        )
                    ]
                )
            return fila
    raise ErrorPlantilla([NO_PLANTILLA])


def leer_plantilla(reporte: Reporte, contenido: bytes) -> dict[int, dict[str, Any]]:
    """Read a filled template into guardar_lineas' datos: {line id: {estado, programado, …}}."""
    libro = _abrir(contenido)
    _comprobar_reporte(libro, reporte)
    hoja = libro[HOJA]
    encabezado = _fila_encabezado(hoja)
    por_numero: dict[int, LineaReporte] = {
        linea.indicador_numero: linea for linea in reporte.lineas
    }
    errores: list[str] = []
    datos: dict[int, dict[str, Any]] = {}
    vistos: dict[int, int] = {}
    for celdas in hoja.iter_rows(min_row=encabezado + 1, max_col=len(ENCABEZADOS)):
        if all(_texto_celda(c.value) == "" for c in celdas):
            continue  # blank rows below the table are harmless
        fila = celdas[0].row
        formulas = [c for c in celdas if c.data_type == "f"]
        # Formulas are never evaluated here; a saved value could differ from what is shown.
        errores += [
            _("%(lugar)s: contiene una fórmula; escriba el valor directamente.", lugar=_lugar(c))
            for c in formulas
        ]
        if celdas[0] in formulas:
            continue
        numero = _leer_numero_idg(celdas[0])
        linea = por_numero.get(numero) if numero is not None else None
        if linea is None:
            errores.append(
                _(
                    "%(lugar)s: «%(texto_celda)s» no es un IdG de este Anexo 4.",
                    lugar=_lugar(celdas[0]),
                    texto_celda=_texto_celda(celdas[0].value),
                )
            )
            continue
        if numero in vistos:
            errores.append(
                _(
                    "Fila %(fila)s: el IdG %(numero)s ya aparece en la fila %(vistos)s.",
                    fila=fila,
                    numero=numero,
                    vistos=vistos[numero],
                )
            )
            continue
        vistos[numero] = fila
        if formulas:
            continue
        estado = _leer_estado(celdas[COL_ESTADO - 1], errores)
        datos[linea.id] = {
            "estado": estado,
            "programado": _leer_numero(celdas[COL_PROGRAMADO - 1], errores),
            "ejecutado": _leer_numero(celdas[COL_EJECUTADO - 1], errores),
            "numerador": _leer_numero(celdas[COL_NUMERADOR - 1], errores, conteo=True),
            "denominador": _leer_numero(celdas[COL_DENOMINADOR - 1], errores, conteo=True),
            "comentario": _leer_texto(celdas[COL_COMENTARIO - 1], errores),
            "motivo_estado": _leer_texto(celdas[COL_MOTIVO - 1], errores),
        }
    for numero in sorted(set(por_numero) - set(vistos)):
        errores.append(_("Falta la fila del IdG %(numero)s (columna A, N°).", numero=numero))
    if errores:
        if len(errores) > MAXIMO_ERRORES:
            resto = len(errores) - MAXIMO_ERRORES
            errores = errores[:MAXIMO_ERRORES] + [_("… y %(resto)s errores más.", resto=resto)]
        raise ErrorPlantilla(errores)
    return datos


def cargar_plantilla(
    reporte: Reporte, contenido: bytes, *, usuario: Usuario, hoy: date
) -> dict[int, Revision]:
    """Read an uploaded template and save it as a draft; returns guardar_lineas' review.

    Raises ErrorAnexo4 when the report is locked and ErrorPlantilla when the file is unreadable;
    writes nothing when any line has an error (the caller then rolls back).
    """
    bloqueo = motivo_bloqueo(reporte, hoy)
    if bloqueo:
        raise ErrorAnexo4(bloqueo)
    datos = leer_plantilla(reporte, contenido)
    revisiones = guardar_lineas(reporte, datos, usuario=usuario, hoy=hoy, version=None)
    if not any(r.errores for r in revisiones.values()):
        antes = reporte.origen
        reporte.origen = "plantilla"
        registrar_evento(
            "cargar_plantilla",
            "reporte",
            reporte.id,
            usuario_id=usuario.id,
            antes={"origen": antes},
            despues={"origen": "plantilla", "indicadores": len(datos)},
        )
    return revisiones
