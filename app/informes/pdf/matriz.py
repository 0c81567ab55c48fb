"""The annex of the report: the recommendation implementation matrix (seed-spec §1.8)."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Table, TableStyle

from app.informes.informe import DatosInforme, RecomendacionMatriz
from app.informes.pdf.base import (
    ESTILOS,
    FONDO_CABECERA,
    FONDO_SUAVE,
    LINEA,
    Parrafo,
    Redactor,
    texto,
)

MESES = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC")
_SIN_RECOMENDACIONES = RecomendacionMatriz("Sin recomendaciones aprobadas (Anexo 5).", "")


def anexo_matriz(r: Redactor, d: DatosInforme) -> None:
    """The annex: the recommendation implementation matrix (landscape pages, §1.8 headers)."""
    periodo = d.periodo_nombre
    r.titulo(
        "ANEXO: MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE "
        f"LOS CONVENIOS DE GESTIÓN {d.convenio_periodo}".strip()
    )
    anchos = [1.75 * cm, 1.65 * cm, 2.6 * cm, 2.3 * cm, 4.1 * cm, 2.5 * cm, 3.2 * cm]
    anchos += [0.45 * cm] * 12 + [3.2 * cm]
    mini, cab = ESTILOS["celda_mini"], ESTILOS["cabecera_mini"]

    def h(valor):
        """A header cell."""
        return Parrafo(texto(valor), cab)

    def p(valor):
        """A body cell (empty when there is no value)."""
        return Parrafo(texto(valor), mini) if valor else ""

    filas = [
        [
            h("SECTOR"),
            h("NÚMERO DE INDICADOR DE GESTIÓN"),
            h("DENOMINACIÓN DEL INDICADOR DE GESTIÓN"),
            h("PROPONENTE DEL INDICADOR"),
            h("RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS CONVENIOS DE GESTIÓN"),
            h("RESPONSABLE DE LA IMPLEMENTACIÓN"),
            h("ACTIVIDADES A DESARROLLAR POR EL MTPE EN EL MARCO DE LA RECOMENDACIONES DE CdG"),
            h("CRONOGRAMA DE ACTIVIDADES A DESARROLLAR"),
            *[""] * 11,
            h("DETALLE"),
        ],
        ["", "", "", "", "", "", "", *[Parrafo(m, ESTILOS["mes"]) for m in MESES], ""],
    ]
    # No row spans: an IdG's rows share borders instead, so the table can break between
    # any two rows (a spanned block taller than the page could not be laid out).
    comandos = [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 4, 5, 6, 19)]
    comandos += [
        ("SPAN", (7, 0), (18, 0)),
        ("GRID", (0, 0), (-1, 1), 0.5, LINEA),
        ("BOX", (0, 0), (-1, -1), 0.5, LINEA),
        ("BACKGROUND", (0, 0), (-1, 1), FONDO_CABECERA),
        ("VALIGN", (0, 2), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (7, 1), (18, -1), 0),
        ("RIGHTPADDING", (7, 1), (18, -1), 0),
    ]
    for c in range(19):
        comandos.append(("LINEAFTER", (c, 2), (c, -1), 0.5, LINEA))
    for fila in d.matriz:
        lineas = _lineas_matriz(fila)
        inicio = len(filas)
        for i, (rec, tema, actividad) in enumerate(lineas):
            marcas = [
                Parrafo("X", ESTILOS["mes"])
                if actividad is not None and m in actividad.meses
                else ""
                for m in range(1, 13)
            ]
            filas.append(
                [
                    p(fila.sector) if i == 0 else "",
                    h(f"N° {fila.numero}") if i == 0 else "",
                    p(f"“{fila.denominacion}”") if i == 0 else "",
                    p(fila.proponente) if i == 0 else "",
                    (
                        Parrafo(f"• {texto(rec.texto)}", mini)
                        if rec and rec is not _SIN_RECOMENDACIONES
                        else p(rec.texto if rec else "")
                    ),
                    p(rec.responsable) if rec else "",
                    p(tema),
                    *marcas,
                    p(actividad.detalle) if actividad is not None else "",
                ]
            )
            for m in range(1, 13):
                if actividad is not None and m in actividad.meses:
                    fila_tabla = len(filas) - 1
                    comandos.append(
                        ("BACKGROUND", (6 + m, fila_tabla), (6 + m, fila_tabla), FONDO_SUAVE)
                    )
        fin = len(filas) - 1
        comandos.append(("LINEBELOW", (0, fin), (-1, fin), 0.5, LINEA))
        if fin > inicio:
            comandos.append(("LINEBELOW", (4, inicio), (-1, fin - 1), 0.25, FONDO_CABECERA))
    # A row taller than a page (a recommendation of 4 000 characters) is split across pages
    # instead of failing the whole report; rows that fit move whole, as before (the split
    # needs at least 200 points left on the page).
    tabla = Table(filas, colWidths=anchos, repeatRows=2, splitInRow=200)
    tabla.setStyle(TableStyle(comandos))
    r.story.append(tabla)
    r.parrafo(
        f"Fuente: Anexo 5 de los Convenios de Gestión {texto(d.convenio_periodo)} "
        f"({texto(periodo)}), evaluaciones de las DDGG del MTPE; Programación Anual de "
        "Fortalecimiento de Capacidades a favor de las regiones.",
        "fuente",
    )
    r.parrafo(
        "<b>Nota.-</b> La información consignada como “acciones a ser implementadas” es "
        f"sobre las {d.total_gores} G/DRTPE, sin perjuicio a que son solo {d.n_evaluadas} "
        "G/DRTPE evaluadas.",
        "fuente",
    )


def _lineas_matriz(fila) -> list[tuple]:
    """(recommendation, activities-column text, activity) for each printed line of an IdG:
    the activities column opens with its lead sentence, then one activity per line."""
    temas: list[tuple] = [(fila.nota_actividades, None)] if fila.nota_actividades else []
    temas += [(a.nombre, a) for a in fila.actividades]
    if not temas:
        temas = [("Sin actividades registradas para este indicador.", None)]
    recs = list(fila.recomendaciones)
    if not recs:
        recs = [None]
    alto = max(len(recs), len(temas))
    lineas = []
    for i in range(alto):
        rec = recs[i] if i < len(recs) else None
        tema, actividad = temas[i] if i < len(temas) else ("", None)
        lineas.append((rec, tema, actividad))
    if fila.recomendaciones == () and lineas:
        primera = lineas[0]
        lineas[0] = (_SIN_RECOMENDACIONES, primera[1], primera[2])
    return lineas
