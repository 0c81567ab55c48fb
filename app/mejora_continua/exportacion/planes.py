# Over ~400 lines: one short builder per sheet of a single workbook, in the document's order.
"""Excel export of an AMC plan, one sheet per table of the document (002) and laid out like it.

Amounts are numbers (two decimals), never text; free text goes through app.comun.hojas, which
neutralises what a spreadsheet could run as a formula (the "-" placeholder stays as printed).
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.comun.hojas import fechas_legibles, texto_seguro
from app.mejora_continua.models.planes import (
    LineaPresupuesto,
    NivelCausa,
    NivelGobierno,
    PlanMejora,
    TipoFila,
)
from app.mejora_continua.queries import planes as queries

#: The columns of "13.3 PRESUPUESTO", exactly as printed.
COLUMNAS_PRESUPUESTO = [
    "Actividad",
    "Nivel de Gobierno",
    "Unidad de Medida",
    "Costeo Unitario",
    "Cantidad",
    "Total",
    "Especificación del gasto",
    "Total por Nivel de Gobierno",
]
COLUMNAS_MATRIZ = [
    "OBJETIVOS",
    "INDICADORES",
    "MEDIOS DE VERIFICACIÓN",
    "LÍNEA DE BASE",
    "METAS",
]
COLUMNAS_SECCIONES = ["Clave", "Título", "Texto"]
#: "11.2": the columns every alignment table prints before its year-bearing ones.
COLUMNAS_ALINEAMIENTO = ["N°", "Indicador", "Fórmula del indicador", "Fuente"]
#: The year-bearing alignment fields in printed order, with their heading when none is given.
CAMPOS_ALINEAMIENTO = [
    ("linea_base", "Línea de base"),
    ("tendencia", "Tendencia"),
    ("meta_intermedia", "Meta intermedia"),
    ("meta_final", "Meta final"),
]
#: "12": the roles table's columns, as printed.
COLUMNAS_ROLES = ["FASES", "NACIONAL MTPE", "REGIONAL G/DRTPE", "LOCAL"]
#: "13": the value chain's indicator summary, as printed.
COLUMNAS_INDICADORES = [
    "RESULTADO INTERMEDIO",
    "PRODUCTO",
    "INDICADOR",
    "META",
    "GN MTPE",
    "GR DRTPE",
    "GL",
]
MESES_CORTOS = ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC"]
SIN_CRONOGRAMA = (
    "El plan no tiene cronograma registrado: ninguna acción tiene meses previstos ni está "
    "programada."
)
LEYENDA_CRONOGRAMA = (
    "P: previsto en el plan · X: programado en el programa de capacidades · E: ejecutado."
)
NO_DETERMINADO = "No se ha determinado"
GUION = "-"
FORMATO_MONTO = "#,##0.00"
NEGRITA = Font(bold=True)
RELLENO = PatternFill("solid", fgColor="DDE5F0")
AJUSTE = Alignment(wrap_text=True, vertical="top")


def _monto(hoja: Worksheet, fila: int, columna: int, valor: Decimal | None) -> None:
    """Write an amount as a number with two decimals (nothing when None)."""
    if valor is None:
        return
    celda = hoja.cell(fila, columna, float(valor))
    celda.number_format = FORMATO_MONTO


def _cabecera(hoja: Worksheet, fila: int, titulos: list[str]) -> None:
    """Write a bold, shaded header row."""
    for columna, titulo in enumerate(titulos, start=1):
        celda = hoja.cell(fila, columna, titulo)
        celda.font = NEGRITA
        celda.fill = RELLENO
        celda.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _anchos(hoja: Worksheet, anchos: list[int]) -> None:
    """Set the column widths."""
    for columna, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(columna)].width = ancho


def _ajustar(hoja: Worksheet) -> None:
    """Wrap text and align to the top in every cell not styled yet."""
    for fila in hoja.iter_rows():
        for celda in fila:
            if celda.alignment is None or not celda.alignment.wrap_text:
                celda.alignment = AJUSTE


def _hoja_secciones(libro: Workbook, plan: PlanMejora) -> None:
    """The prose sections in the document's order: key, heading, text."""
    hoja = libro.create_sheet("Secciones")
    _cabecera(hoja, 1, COLUMNAS_SECCIONES)
    for fila, seccion in enumerate(plan.secciones, start=2):
        for columna, valor in enumerate((seccion.clave, seccion.titulo, seccion.texto), start=1):
            hoja.cell(fila, columna, texto_seguro(valor))
    _anchos(hoja, [10, 50, 120])
    _ajustar(hoja)
    hoja.freeze_panes = "A2"


def _hoja_problemas(libro: Workbook, plan: PlanMejora) -> None:
    """PROBLEMAS | ANÁLISIS CAUSAL (MTPE | DRTPE), causes side by side by letter."""
    hoja = libro.create_sheet("Problemas y causas")
    hoja["A1"], hoja["B1"] = "PROBLEMAS", "ANÁLISIS CAUSAL"
    hoja["B2"], hoja["C2"] = "MTPE", "DRTPE"
    for ref in ("A1", "B1", "B2", "C2"):
        hoja[ref].font, hoja[ref].fill = NEGRITA, RELLENO
        hoja[ref].alignment = Alignment(horizontal="center", vertical="center")
    hoja.merge_cells("A1:A2")
    hoja.merge_cells("B1:C1")
    fila = 3
    for problema in plan.problemas:
        tabla = queries.tabla_causal(problema)
        inicio = fila
        hoja.cell(fila, 1, texto_seguro(f"{problema.numero}. {problema.texto}"))
        for renglon in tabla:
            for columna, causa in ((2, renglon.mtpe), (3, renglon.drtpe)):
                if causa is not None:
                    hoja.cell(fila, columna, texto_seguro(f"{causa.letra}. {causa.texto}"))
            fila += 1
        if not tabla:
            fila += 1
        if fila - 1 > inicio:
            hoja.merge_cells(start_row=inicio, start_column=1, end_row=fila - 1, end_column=1)
    _anchos(hoja, [45, 70, 70])
    _ajustar(hoja)
    hoja.freeze_panes = "A3"


def _hoja_alternativas(libro: Workbook, plan: PlanMejora) -> None:
    """Alternatives per problem and level, by cause letter and number, with priority."""
    hoja = libro.create_sheet("Alternativas")
    _cabecera(
        hoja,
        1,
        [
            "Problema",
            "Nivel",
            "Literal",
            "Alternativa de solución",
            "Causa a la que responde",
            "Priorizada a corto plazo",
            "Texto en la selección priorizada",
            "Plazo",
            "Nota",
        ],
    )
    fila = 2
    for problema in plan.problemas:
        hoja.cell(fila, 1, texto_seguro(f"{problema.numero}. {problema.texto}")).font = NEGRITA
        fila += 1
        for nivel in NivelCausa:
            for alternativa in problema.alternativas_de(nivel):
                causa = alternativa.causa
                valores = [
                    problema.etiqueta,
                    nivel.etiqueta,
                    alternativa.literal,
                    texto_seguro(alternativa.texto),
                    texto_seguro(f"{causa.letra}. {causa.texto}") if causa else None,
                    "Sí" if alternativa.priorizada else "No",
                    texto_seguro(alternativa.texto_priorizado),
                    texto_seguro(alternativa.plazo_texto) or None,
                    texto_seguro(alternativa.nota),
                ]
                for columna, valor in enumerate(valores, start=1):
                    hoja.cell(fila, columna, valor)
                fila += 1
    _anchos(hoja, [30, 9, 8, 60, 50, 12, 50, 18, 40])
    _ajustar(hoja)
    hoja.freeze_panes = "A2"


def _hoja_matriz(libro: Workbook, plan: PlanMejora) -> None:
    """One logic matrix per level of government, with its sections in order."""
    hoja = libro.create_sheet("Matriz lógica")
    matriz = queries.matriz(plan)
    fila = 1
    for nivel in NivelGobierno:
        secciones = matriz[nivel]
        if not any(secciones.values()):
            continue
        hoja.cell(fila, 1, f"MATRIZ LÓGICA {nivel.etiqueta.upper()}").font = NEGRITA
        fila += 1
        _cabecera(hoja, fila, COLUMNAS_MATRIZ)
        fila += 1
        for tipo in TipoFila:
            hoja.cell(fila, 1, tipo.etiqueta.upper()).font = NEGRITA
            hoja.merge_cells(
                start_row=fila, start_column=1, end_row=fila, end_column=len(COLUMNAS_MATRIZ)
            )
            fila += 1
            for renglon in secciones[tipo]:
                valores = [
                    renglon.objetivo,
                    renglon.indicador,
                    renglon.medio_verificacion,
                    renglon.linea_base,
                    renglon.meta,
                ]
                for columna, valor in enumerate(valores, start=1):
                    hoja.cell(fila, columna, texto_seguro(valor))
                fila += 1
        fila += 1
    _anchos(hoja, [70, 60, 30, 18, 18])
    _ajustar(hoja)


def _fila_presupuesto(hoja: Worksheet, fila: int, linea: LineaPresupuesto) -> None:
    """One budget line in the document's layout (placeholders "-" where it prints them)."""
    hoja.cell(fila, 1, texto_seguro(linea.actividad))
    if linea.padre_id is not None or linea.padre is not None:
        hoja.cell(fila, 3, texto_seguro(linea.unidad_medida))
        _monto(hoja, fila, 4, linea.costo_unitario)
        _monto(hoja, fila, 5, linea.cantidad)
        _monto(hoja, fila, 6, linea.total)
        hoja.cell(fila, 7, texto_seguro(linea.especificacion_gasto))
        return
    hoja.cell(fila, 2, linea.nivel.etiqueta if linea.nivel else None)
    if linea.hijos:
        _monto(hoja, fila, 8, linea.total)
        return
    hoja.cell(fila, 3, texto_seguro(linea.unidad_medida) or GUION)
    for columna, valor in ((4, linea.costo_unitario), (5, linea.cantidad), (6, linea.total)):
        if valor is None:
            hoja.cell(fila, columna, GUION)
        else:
            _monto(hoja, fila, columna, valor)
    hoja.cell(fila, 7, texto_seguro(linea.especificacion_gasto) or GUION)
    if linea.total is not None:
        _monto(hoja, fila, 8, linea.total)
    else:
        hoja.cell(fila, 8, NO_DETERMINADO if linea.no_determinado else GUION)


def _hoja_presupuesto(libro: Workbook, plan: PlanMejora) -> None:
    """13.3 PRESUPUESTO: the eight printed columns, then the totals per level and overall."""
    hoja = libro.create_sheet("Presupuesto")
    _cabecera(hoja, 1, COLUMNAS_PRESUPUESTO)
    fila = 2
    for linea in plan.lineas_principales:
        _fila_presupuesto(hoja, fila, linea)
        fila += 1
        for hijo in linea.hijos:
            _fila_presupuesto(hoja, fila, hijo)
            fila += 1
    resumen = queries.resumen_presupuesto(plan)
    fila += 1
    for nivel in NivelGobierno:
        hoja.cell(fila, 1, f"Total {nivel.etiqueta}").font = NEGRITA
        hoja.cell(fila, 2, nivel.etiqueta)
        _monto(hoja, fila, 8, resumen.por_nivel[nivel])
        hoja.cell(fila, 8).font = NEGRITA
        fila += 1
    hoja.cell(fila, 1, "Total general").font = NEGRITA
    _monto(hoja, fila, 8, resumen.total)
    hoja.cell(fila, 8).font = NEGRITA
    fila += 2
    monedas = ", ".join(sorted(resumen.monedas)) or "PEN"
    hoja.cell(
        fila,
        1,
        f"Moneda: {monedas}. Los totales por nivel suman las actividades; el documento "
        "fuente no indica moneda ni total general.",
    )
    for aviso in resumen.advertencias:
        fila += 1
        hoja.cell(fila, 1, texto_seguro(f"Advertencia: {aviso}"))
    _anchos(hoja, [70, 18, 16, 14, 10, 14, 16, 18])
    _ajustar(hoja)
    hoja.freeze_panes = "A2"


def _hoja_seguimiento(libro: Workbook, plan: PlanMejora) -> None:
    """Responsible organs, then every action with its current follow-up state."""
    hoja = libro.create_sheet("Seguimiento")
    hoja.cell(1, 1, "RESPONSABLES DE LA IMPLEMENTACIÓN Y DEL SEGUIMIENTO").font = NEGRITA
    _cabecera(hoja, 2, ["Nivel de Gobierno", "Órgano", "Función", "Unidad del catálogo"])
    fila = 3
    for responsable in plan.responsables:
        valores = [
            responsable.nivel.etiqueta,
            texto_seguro(responsable.organo),
            responsable.funcion.etiqueta,
            responsable.unidad.sigla if responsable.unidad else None,
        ]
        for columna, valor in enumerate(valores, start=1):
            hoja.cell(fila, columna, valor)
        fila += 1
    fila += 1
    hoja.cell(fila, 1, "SEGUIMIENTO DE LAS ACCIONES").font = NEGRITA
    fila += 1
    _cabecera(
        hoja,
        fila,
        [
            "Acción",
            "Nivel de Gobierno",
            "Órgano responsable",
            "Estado",
            "Fecha",
            "Nota",
            "Registrado por",
        ],
    )
    fila += 1
    for accion in plan.acciones:
        actual = accion.seguimiento_actual
        valores = [
            texto_seguro(accion.objetivo or accion.indicador),
            accion.nivel.etiqueta,
            texto_seguro(accion.responsable.organo) if accion.responsable else None,
            accion.estado.etiqueta,
            actual.fecha if actual else None,
            texto_seguro(actual.nota) if actual else None,
            texto_seguro(actual.usuario.nombre) if actual and actual.usuario else None,
        ]
        for columna, valor in enumerate(valores, start=1):
            hoja.cell(fila, columna, valor)
        fila += 1
    _anchos(hoja, [70, 18, 40, 16, 12, 40, 25])
    _ajustar(hoja)


def _hoja_alineamiento(libro: Workbook, plan: PlanMejora) -> None:
    """11.2: one block per national objective, its year columns headed as printed."""
    hoja = libro.create_sheet("Alineamiento")
    grupos: dict[str, list] = {}
    for fila in plan.alineamientos:
        grupos.setdefault(fila.objetivo, []).append(fila)
    fila_hoja = 1
    for objetivo, filas in grupos.items():
        hoja.cell(fila_hoja, 1, texto_seguro(objetivo)).font = NEGRITA
        fila_hoja += 1
        campos = [
            (campo, titulo)
            for campo, titulo in CAMPOS_ALINEAMIENTO
            if any(getattr(f, campo) is not None for f in filas)
        ]
        impresos = next((f.encabezados for f in filas if f.encabezados), None)
        titulos = [t.strip() for t in impresos.split("|")] if impresos else []
        if len(titulos) != len(campos):
            titulos = [titulo for _campo, titulo in campos]
        _cabecera(hoja, fila_hoja, COLUMNAS_ALINEAMIENTO + titulos)
        fila_hoja += 1
        for fila in filas:
            valores = [fila.numero, fila.indicador, fila.formula, fila.fuente]
            valores += [getattr(fila, campo) for campo, _titulo in campos]
            for columna, valor in enumerate(valores, start=1):
                hoja.cell(fila_hoja, columna, texto_seguro(valor))
            fila_hoja += 1
        fila_hoja += 1
    _anchos(hoja, [8, 40, 35, 18, 16, 16, 16, 16])
    _ajustar(hoja)


def _hoja_roles(libro: Workbook, plan: PlanMejora) -> None:
    """12: what each level of government does in each phase (the phase on every row)."""
    hoja = libro.create_sheet("Roles")
    _cabecera(hoja, 1, COLUMNAS_ROLES)
    for fila, rol in enumerate(plan.roles, start=2):
        valores = [rol.fase.etiqueta, rol.nacional, rol.regional, rol.local]
        for columna, valor in enumerate(valores, start=1):
            hoja.cell(fila, columna, texto_seguro(valor))
    _anchos(hoja, [22, 60, 60, 40])
    _ajustar(hoja)
    hoja.freeze_panes = "A2"


def _hoja_indicadores(libro: Workbook, plan: PlanMejora) -> None:
    """13: the value chain's indicators, goals and each level's part, as printed."""
    hoja = libro.create_sheet("Indicadores (13)")
    _cabecera(hoja, 1, COLUMNAS_INDICADORES)
    for fila, indicador in enumerate(plan.indicadores_resumen, start=2):
        valores = [
            indicador.resultado_intermedio,
            indicador.producto,
            indicador.indicador,
            indicador.meta,
            indicador.rol_nacional,
            indicador.rol_regional,
            indicador.rol_local,
        ]
        for columna, valor in enumerate(valores, start=1):
            hoja.cell(fila, columna, texto_seguro(valor))
    _anchos(hoja, [35, 35, 50, 20, 45, 45, 30])
    _ajustar(hoja)
    hoja.freeze_panes = "A2"


def _hoja_cronograma(libro: Workbook, plan: PlanMejora) -> None:
    """The timeline by year: each action × month, planned (P), scheduled (X), executed (E)."""
    hoja = libro.create_sheet("Cronograma")
    cronograma = queries.cronograma(plan)
    if not cronograma:
        hoja.cell(1, 1, SIN_CRONOGRAMA)
        _anchos(hoja, [100])
        return
    _cabecera(hoja, 1, ["Año", "Acción", "Nivel de Gobierno", *MESES_CORTOS])
    fila = 2
    for anio, filas in cronograma.items():
        for renglon in filas:
            accion = renglon.accion
            hoja.cell(fila, 1, anio)
            hoja.cell(fila, 2, texto_seguro(accion.objetivo or accion.indicador))
            hoja.cell(fila, 3, accion.nivel.etiqueta)
            for mes, marca in renglon.meses.items():
                celda = hoja.cell(fila, 3 + mes, marca)
                celda.alignment = Alignment(horizontal="center", vertical="top")
            fila += 1
    hoja.cell(fila + 1, 1, LEYENDA_CRONOGRAMA)
    _anchos(hoja, [8, 70, 18, *[6] * 12])
    _ajustar(hoja)
    hoja.freeze_panes = "B2"


def libro_plan(plan: PlanMejora) -> bytes:
    """The plan as an .xlsx workbook, one sheet per part: sections first, then the diagnosis,
    matrix, budget and follow-up, then the alignment, roles, indicators and timeline."""
    libro = Workbook()
    libro.remove(libro.active)
    _hoja_secciones(libro, plan)
    _hoja_problemas(libro, plan)
    _hoja_alternativas(libro, plan)
    _hoja_matriz(libro, plan)
    _hoja_presupuesto(libro, plan)
    _hoja_seguimiento(libro, plan)
    # Part B's design tables and the timeline, after the sheets the workbook always had.
    _hoja_alineamiento(libro, plan)
    _hoja_roles(libro, plan)
    _hoja_indicadores(libro, plan)
    _hoja_cronograma(libro, plan)
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return salida.getvalue()
