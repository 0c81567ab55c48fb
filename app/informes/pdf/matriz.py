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
    Celda,
    Parrafo,
    Redactor,
    texto,
)

MESES = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC")
_SIN_RECOMENDACIONES = RecomendacionMatriz("Sin recomendaciones aprobadas (Anexo 5).", "")
#: Columns that name the IdG of a row: sector, number and denomination.
COLUMNAS_IDENTIDAD = (0, 1, 2)


def _identidad(fila, *, continua: bool = False) -> list:
    """The sector, number and denomination cells of an IdG's rows ("(cont.)" on a page
    where its rows go on)."""
    numero = f"N° {fila.numero}" + (" (cont.)" if continua else "")
    return [
        Celda(texto(fila.sector), ESTILOS["celda_mini"]) if fila.sector else "",
        Celda(texto(numero), ESTILOS["cabecera_mini"]),
        Celda(f"“{texto(fila.denominacion)}”", ESTILOS["celda_mini"]),
    ]


class TablaMatriz(Table):
    """The annex matrix: an IdG's rows share one sector, number and denomination, printed
    on its first row only (no row spans, so the table can break between any two rows). When
    a page break falls inside an IdG's rows, the first row on the next page prints them
    again, its number marked "(cont.)", so every page says which indicator its rows are of.

    `filas_idg[i]` is the matrix row (IdG) of table row i (None for the header rows), and
    `primeras` the rows that open an IdG; a split hands its parts theirs.
    """

    filas_idg: list = []
    primeras: frozenset = frozenset()

    def split(self, availWidth, availHeight):
        """Split as a Table does; the continuation's first row names its IdG again."""
        partes = super().split(availWidth, availHeight)
        if len(partes) != 2 or not self.filas_idg:
            return partes
        primera, resto = partes
        cabecera = self.repeatRows
        # A row split in two (splitInRow) appears in both parts.
        partida = len(primera._cellvalues) + len(resto._cellvalues) - cabecera > len(
            self._cellvalues
        )
        n = len(primera._cellvalues) - (1 if partida else 0)  # first row of the rest
        primera.filas_idg = self.filas_idg[: len(primera._cellvalues)]
        primera.primeras = frozenset(i for i in self.primeras if i < len(primera._cellvalues))
        resto.filas_idg = self.filas_idg[:cabecera] + self.filas_idg[n:]
        resto.primeras = frozenset(
            i - n + cabecera for i in self.primeras if i > n or (i == n and not partida)
        )
        fila = resto.filas_idg[cabecera] if len(resto.filas_idg) > cabecera else None
        if fila is not None and cabecera not in resto.primeras:
            valores = list(resto._cellvalues[cabecera])  # a copy: rows are shared
            for columna, celda in zip(
                COLUMNAS_IDENTIDAD, _identidad(fila, continua=True), strict=True
            ):
                valores[columna] = celda
            resto._cellvalues[cabecera] = valores
            # The row's height was measured without them: measure it again.
            resto._argH = list(resto._argH)
            resto._argH[cabecera] = None
        return partes


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
        return Celda(texto(valor), mini) if valor else ""

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
    filas_idg: list = [None, None]
    primeras: set[int] = set()
    for fila in d.matriz:
        lineas = _lineas_matriz(fila)
        inicio = len(filas)
        primeras.add(inicio)
        for i, (rec, tema, actividad) in enumerate(lineas):
            marcas = [
                Parrafo("X", ESTILOS["mes"])
                if actividad is not None and m in actividad.meses
                else ""
                for m in range(1, 13)
            ]
            filas_idg.append(fila)
            filas.append(
                [
                    *(_identidad(fila) if i == 0 else ["", "", ""]),
                    p(fila.proponente) if i == 0 else "",
                    (
                        Celda(f"• {texto(rec.texto)}", mini)
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
    tabla = TablaMatriz(filas, colWidths=anchos, repeatRows=2, splitInRow=200)
    tabla.setStyle(TableStyle(comandos))
    tabla.filas_idg, tabla.primeras = filas_idg, frozenset(primeras)
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
