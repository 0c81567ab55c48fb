# Over ~400 lines: one short builder per sheet of a single workbook, kept in report order.
"""Excel export of every table of the situational report, one sheet per table.

Formats only what `informe.datos_informe()` computed (the same data the PDF and the web
dashboard show); nothing is recomputed here. Cell values go through app.comun.hojas, which
neutralises text a spreadsheet would run as a formula and shows dates dd/mm/aaaa. The file is
byte-for-byte deterministic: same data, same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.comun.hojas import fechas_legibles, texto_seguro
from app.informes.informe import DatosInforme, ResultadoRegion

#: Fixed timestamp for the package and its entries (determinism).
MARCA_TIEMPO = "2000-01-01T00:00:00Z"
FECHA_ZIP = (2000, 1, 1, 0, 0, 0)

ETIQUETAS_ESTADO = {
    "valor": "Con valor",
    "no_aplica": "No aplica",
    "sin_meta": "Sin meta en el semestre",
    "no_remitido": "Meta no remitida",
}

_NEGRITA = Font(bold=True)
_TITULO = Font(bold=True, size=12)
_CABECERA = PatternFill("solid", fgColor="D9E1F2")
_AJUSTE = Alignment(vertical="top", wrap_text=True)


def _hoja(libro: Workbook, nombre: str, titulo: str, encabezados: Sequence[str]) -> Worksheet:
    """A sheet with a title row, a blank row and a bold header row (row 3)."""
    hoja = libro.create_sheet(nombre)
    hoja.cell(1, 1, texto_seguro(titulo)).font = _TITULO
    for columna, texto in enumerate(encabezados, start=1):
        celda = hoja.cell(3, columna, texto_seguro(texto))
        celda.font = _NEGRITA
        celda.fill = _CABECERA
        celda.alignment = Alignment(wrap_text=True, vertical="center")
    hoja.freeze_panes = "A4"
    return hoja


def _filas(hoja: Worksheet, filas: Sequence[Sequence], *, desde: int = 4) -> int:
    """Write rows from row desde; return the next free row."""
    fila = desde
    for valores in filas:
        for columna, valor in enumerate(valores, start=1):
            hoja.cell(fila, columna, texto_seguro(valor))
        fila += 1
    return fila


def _fuente(hoja: Worksheet, fila: int, texto: str) -> None:
    hoja.cell(fila + 1, 1, texto_seguro(f"Fuente: {texto}")).font = Font(italic=True, size=9)


def _anchos(hoja: Worksheet, anchos: Sequence[int]) -> None:
    for columna, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(columna)].width = ancho


def _ajustar(hoja: Worksheet, columnas: Sequence[int]) -> None:
    for fila in hoja.iter_rows(min_row=4):
        for celda in fila:
            if celda.column in columnas:
                celda.alignment = _AJUSTE


def _valor(resultado: ResultadoRegion | None, idg: int) -> tuple:
    """(programado, ejecutado) of a summand cell, (None, None) otherwise."""
    if resultado is None:
        return None, None
    for v in resultado.valores:
        if v.idg == idg:
            if v.estado == "valor":
                return v.programado, v.ejecutado
            return None, None
    return None, None


def numero_grafico_idg(datos: DatosInforme, numero_idg: int) -> int:
    """Gráfico number of an IdG's average chart: after Gráfico 01 and one per region."""
    return 1 + len(datos.resultados_regiones) + numero_idg


def _resumen(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Resumen",
        f"Informe situacional – Convenio de Gestión {datos.convenio_periodo} – "
        f"{datos.periodo_nombre}",
        ["Dato", "Valor"],
    )
    filas = [
        ("Semestre", datos.periodo_nombre),
        ("Convenio de Gestión", datos.convenio_periodo or "—"),
        ("Gobiernos regionales", datos.total_gores),
        ("Convenios suscritos", datos.convenios_suscritos),
        ("Porcentaje de cobertura (%)", datos.porcentaje_cobertura),
        ("G/DRTPE evaluadas", datos.n_evaluadas),
        ("Regiones evaluadas", ", ".join(datos.regiones_evaluadas) or "—"),
        (
            "Omitieron remitir su Anexo 4 (no entran en los promedios)",
            ", ".join(datos.regiones_omitidas) or "—",
        ),
        ("Convenios pendientes de suscripción", ", ".join(datos.regiones_pendientes) or "—"),
        (
            "Datos",
            "Incluye Anexos 4 no aprobados (vista previa)"
            if datos.incluir_no_aprobados
            else "Solo Anexos 4 aprobados",
        ),
        (
            "Desempeño promedio",
            "Suma de los resultados de los IdG entre el número de sumandos; las celdas «no "
            "aplica», «sin meta» y «meta no remitida» no son sumandos.",
        ),
    ]
    _filas(hoja, filas)
    _anchos(hoja, [48, 90])
    _ajustar(hoja, [1, 2])


def _cuadro_01(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Cuadro 01",
        f"CUADRO Nº 01 – Convenio de Gestión {datos.convenio_periodo} con los GORES",
        ["Nº", "GOBIERNO REGIONAL", "FECHA DE SUSCRIPCIÓN"],
    )
    # The signing dates are date cells, shown dd/mm/aaaa (fechas_legibles, at the end).
    fila = _filas(
        hoja,
        [(c.numero, c.region.upper(), c.fecha_suscripcion) for c in datos.convenios],
    )
    _fuente(hoja, fila, "Elaboración propia de la Oficina de Descentralización")
    _anchos(hoja, [6, 30, 22])


def _cuadro_02(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Cuadro 02",
        "CUADRO Nº 02 – Indicadores de Gestión alineados a los objetivos estratégicos sectoriales",
        ["N°", "INDICADOR DE GESTIÓN", "VICEMINISTERIO", "PROPONENTE", "OBJETIVO ESTRATÉGICO"],
    )
    fila = _filas(
        hoja,
        [
            (
                i.numero,
                i.nombre,
                i.viceministerio_sigla,
                i.proponente,
                f"OES {i.objetivo_numero}: {i.objetivo_texto}" if i.objetivo_numero else None,
            )
            for i in datos.indicadores
        ],
    )
    _fuente(hoja, fila, "Elaboración propia de la Oficina de Descentralización")
    _anchos(hoja, [6, 60, 14, 40, 60])
    _ajustar(hoja, [2, 4, 5])


def _cuadro_03(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Cuadro 03",
        "CUADRO Nº 03 – Indicadores de Gestión alineados por función y servicio público",
        [
            "N°",
            "INDICADOR DE GESTIÓN",
            "FUNCIÓN SEGÚN ART. 48 LOGR (27867)",
            "SERVICIO PÚBLICO",
        ],
    )
    fila = _filas(
        hoja,
        [
            (
                i.numero,
                i.nombre,
                f"{i.funcion_letra}) {i.funcion_texto}" if i.funcion_letra else "No aplica.",
                i.servicio or "No aplica.",
            )
            for i in datos.indicadores
        ],
    )
    _fuente(hoja, fila, "Elaboración propia de la Oficina de Descentralización")
    _anchos(hoja, [6, 60, 60, 40])
    _ajustar(hoja, [2, 3, 4])


def _cuadro_04(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Cuadro 04",
        f"CUADRO Nº 04 – Desempeño promedio de metas {datos.periodo_nombre} por G/DRTPE",
        [
            "Nº",
            "Gobierno Regional",
            "Programación promedio (%)",
            "Ejecución promedio (%)",
            "Nº de sumandos",
        ],
    )
    fila = _filas(
        hoja,
        [
            (r.numero, r.region, r.programado_pct, r.ejecutado_pct, r.n)
            for r in datos.resultados_regiones
        ],
    )
    _fuente(hoja, fila, "Información elaborada por la Oficina de Descentralización")
    _anchos(hoja, [6, 24, 16, 16, 12])


def _cuadro_05(libro: Workbook, datos: DatosInforme) -> None:
    comparacion = datos.comparacion
    anterior = comparacion.periodo_anterior if comparacion else "Semestre anterior"
    hoja = _hoja(
        libro,
        "Cuadro 05",
        f"CUADRO Nº 05 – {anterior} vs {datos.periodo_nombre} – Porcentaje promedio",
        [
            "Gobierno Regional",
            f"{anterior}: Programación promedio (%)",
            f"{anterior}: Ejecución promedio (%)",
            f"{datos.periodo_nombre}: Programación promedio (%)",
            f"{datos.periodo_nombre}: Ejecución promedio (%)",
        ],
    )
    if comparacion is None:
        hoja.cell(4, 1, "No hay un semestre anterior del mismo año con Anexos 4 aprobados.")
        return
    fila = _filas(
        hoja,
        [
            (
                f.region,
                f.anterior.programado_pct if f.anterior else None,
                f.anterior.ejecutado_pct if f.anterior else None,
                f.actual.programado_pct,
                f.actual.ejecutado_pct,
            )
            for f in comparacion.filas
        ],
    )
    _fuente(hoja, fila, "Elaboración propia en base a los reportes de las G/DRTPE")
    _anchos(hoja, [24, 18, 18, 18, 18])


def _promedios_idg(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Promedios por IdG",
        f"Resultado promedio por Indicador de Gestión – {datos.periodo_nombre}",
        [
            "Gráfico Nº",
            "IdG",
            "Indicador de gestión",
            "Programación promedio (%)",
            "Ejecución promedio (%)",
            "Nº de G/DRTPE con valor",
            "Resultado",
        ],
    )
    fila = _filas(
        hoja,
        [
            (
                numero_grafico_idg(datos, r.numero),
                r.numero,
                r.nombre,
                r.programado_pct,
                r.ejecutado_pct,
                r.n,
                r.frase_veredicto,
            )
            for r in datos.resultados_idg
        ],
    )
    _fuente(hoja, fila, "Elaboración propia en base a los reportes de las G/DRTPE.")
    _anchos(hoja, [10, 6, 60, 16, 16, 14, 60])
    _ajustar(hoja, [3, 7])


def _resultados_regiones(libro: Workbook, datos: DatosInforme) -> None:
    idgs = [i.numero for i in datos.indicadores]
    encabezados = ["Nº", "G/DRTPE"]
    for n in idgs:
        encabezados += [f"IdG {n} programado (%)", f"IdG {n} ejecutado (%)"]
    hoja = _hoja(
        libro,
        "Resultados por región",
        f"Resultados por G/DRTPE e indicador – {datos.periodo_nombre} (vacío = sin valor: no "
        "aplica, sin meta o no remitida)",
        encabezados,
    )
    filas = []
    for r in datos.resultados_regiones:
        fila = [r.numero, r.organo]
        for n in idgs:
            fila.extend(_valor(r, n))
        filas.append(fila)
    fin = _filas(hoja, filas)
    _fuente(hoja, fin, "Elaboración propia en base al reporte presentado por las G/DRTPE.")
    _anchos(hoja, [6, 28] + [11] * (2 * len(idgs)))

    # Long format: one row per cell, with its state and compliance (easy to filter).
    detalle = _hoja(
        libro,
        "Detalle por celda",
        f"Celdas del Anexo 4 por G/DRTPE e indicador – {datos.periodo_nombre}",
        ["G/DRTPE", "IdG", "Estado", "Programado (%)", "Ejecutado (%)", "¿Cumplió la meta?"],
    )
    _filas(
        detalle,
        [
            (
                r.region,
                v.idg,
                ETIQUETAS_ESTADO.get(v.estado, v.estado),
                v.programado,
                v.ejecutado,
                {True: "Sí", False: "No", None: "—"}[v.cumple],
            )
            for r in datos.resultados_regiones
            for v in r.valores
        ],
    )
    _anchos(detalle, [24, 6, 24, 14, 14, 16])


def _matriz(libro: Workbook, datos: DatosInforme) -> None:
    hoja = _hoja(
        libro,
        "Matriz de implementación",
        "MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS "
        f"CONVENIOS DE GESTIÓN {datos.convenio_periodo}",
        [
            "SECTOR",
            "NÚMERO DE INDICADOR DE GESTIÓN",
            "DENOMINACIÓN DEL INDICADOR DE GESTIÓN",
            "PROPONENTE DEL INDICADOR",
            "RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5",
            "RESPONSABLE DE LA IMPLEMENTACIÓN",
        ],
    )
    filas = []
    for f in datos.matriz:
        recomendaciones = f.recomendaciones or ()
        if not recomendaciones:
            filas.append((f.sector, f.numero, f.denominacion, f.proponente, None, None))
        for r in recomendaciones:
            filas.append((f.sector, f.numero, f.denominacion, f.proponente, r.texto, r.responsable))
    _filas(hoja, filas)
    _anchos(hoja, [28, 12, 50, 36, 70, 30])
    _ajustar(hoja, [1, 3, 4, 5, 6])


def libro_informe(datos: DatosInforme) -> bytes:
    """The report's tables as an .xlsx file (one sheet per Cuadro and chart data)."""
    libro = Workbook()
    libro.remove(libro.active)
    for constructor in (
        _resumen,
        _cuadro_01,
        _cuadro_02,
        _cuadro_03,
        _cuadro_04,
        _cuadro_05,
        _promedios_idg,
        _resultados_regiones,
        _matriz,
    ):
        constructor(libro, datos)
    libro.properties.creator = "MTPE – Oficina de Descentralización"
    libro.properties.title = texto_seguro(f"Informe situacional {datos.periodo_nombre}")
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return _determinista(salida.getvalue())


_FECHAS_CORE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _determinista(contenido: bytes) -> bytes:
    """Repack the .xlsx with fixed timestamps (openpyxl stamps the save time)."""
    entrada = zipfile.ZipFile(io.BytesIO(contenido))
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as nuevo:
        for info in entrada.infolist():
            datos = entrada.read(info.filename)
            if info.filename == "docProps/core.xml":
                datos = _FECHAS_CORE.sub(
                    lambda m: m.group(1) + MARCA_TIEMPO.encode() + m.group(3), datos
                )
            copia = zipfile.ZipInfo(info.filename, date_time=FECHA_ZIP)
            copia.compress_type = zipfile.ZIP_DEFLATED
            copia.external_attr = info.external_attr
            nuevo.writestr(copia, datos)
    return salida.getvalue()
