"""The PDF of an AMC plan, regenerated from its data: cover, contents, and the plan's outline
in order (heading, prose, then the section's table), with the report's machinery.

Over 400 lines because it is one document: one short writer per table of the outline
(TABLAS_SECCION), sharing the numbering of the cuadros.

Wide tables (the value chain's indicators, the budget, the timeline) go on landscape pages.
Long tables break between rows with their header repeated (`Redactor.cuadro` lays them out
as `Bloque`s); grouped columns (a phase, a result) print their label on the group's first
row and draw no line inside the group, so the table can break anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import NextPageTemplate, PageBreak, Table, TableStyle
from reportlab.platypus.doctemplate import FrameBreak

from app.informes.informe.plan import (
    Corrida,
    DatosPlan,
    GrupoAlternativas,
    LineaPlan,
    Matriz,
    ProblemaPlan,
    Seccion,
    TablaAlineamiento,
)
from app.informes.pdf.base import (
    ESTILOS,
    FONDO_CABECERA,
    FONDO_SUAVE,
    FUENTE_NEGRITA,
    LINEA,
    Bloque,
    Celda,
    Parrafo,
    Redactor,
    Titulo,
    texto,
)
from app.informes.pdf.documento import Contenido
from app.informes.pdf.matriz import MESES
from app.informes.pdf.situacional import estilo_tabla

#: Width of the frame of a portrait and of a landscape page (Documento's margins).
ANCHO_VERTICAL = 16.7 * cm
ANCHO_APAISADO = 26.7 * cm
#: Tables too wide for a portrait page.
APAISADAS = frozenset({"indicadores", "presupuesto", "cronograma"})

FUENTE_PLAN = "Equipo de Trabajo Técnico Intergubernamental de Acciones de Mejora Continua."
FUENTE_PROGRAMA = (
    "Programa de desarrollo de capacidades del MTPE y su ejecución registrada en el "
    "Sistema de Convenios de Gestión."
)
NO_DETERMINADO = "No se ha determinado"
SIN_CRONOGRAMA = (
    "El plan no tiene cronograma registrado: ninguna acción tiene meses previstos ni está "
    "programada."
)
LEYENDA_CRONOGRAMA = (
    "<b>P</b>: previsto en el plan · <b>X</b>: programado en el programa de capacidades · "
    "<b>E</b>: ejecutado."
)
#: What a section prints when its table has no rows.
VACIOS = {
    "responsables": "El plan no registra órganos responsables.",
    "problemas": "El plan no registra problemas.",
    "causas": "El plan no registra causas de los problemas.",
    "alternativas": "El plan no registra alternativas de solución.",
    "priorizadas": "El plan no registra alternativas priorizadas.",
    "alineamiento": "El plan no registra su alineamiento a los objetivos de política.",
    "roles": "El plan no registra los roles por nivel de gobierno.",
    "indicadores": "El plan no registra los indicadores de la cadena de valor.",
    "matriz_nacional": "El plan no registra la matriz lógica del Gobierno Nacional.",
    "matriz_regional": "El plan no registra la matriz lógica del Gobierno Regional.",
    "presupuesto": "El plan no registra presupuesto.",
    "asistencia": "El plan no tiene acciones de asistencia técnica o capacitación.",
    "cronograma": SIN_CRONOGRAMA,
}

# --------------------------------------------------------------------------- styles

#: Headings by depth of the outline: parts, Roman chapters, numbered sections, subsections.
ESTILOS_TITULO = (
    ESTILOS["h1"],
    ParagraphStyle("plan_h2", parent=ESTILOS["h1"], fontSize=10.5, leading=14, spaceBefore=10),
    ParagraphStyle("plan_h3", parent=ESTILOS["h2"], spaceAfter=5),
    ParagraphStyle("plan_h4", parent=ESTILOS["h2"], fontSize=9.5, spaceBefore=8, spaceAfter=4),
)
#: Contents lines by depth, each indented one step further; a long heading wraps short of the
#: page number's place (`rightIndent`), so its leader and number always fit.
ESTILOS_CONTENIDO = (
    ParagraphStyle(
        "plan_toc0", parent=ESTILOS["toc0"], fontName=FUENTE_NEGRITA, spaceBefore=3, rightIndent=24
    ),
    ParagraphStyle("plan_toc1", parent=ESTILOS["toc1"], rightIndent=24),
    ParagraphStyle(
        "plan_toc2", parent=ESTILOS["toc1"], leftIndent=42, leading=12.5, rightIndent=24
    ),
    ParagraphStyle(
        "plan_toc3", parent=ESTILOS["toc1"], leftIndent=56, fontSize=8.5, leading=12, rightIndent=24
    ),
)
DERECHA = ParagraphStyle("plan_derecha", parent=ESTILOS["celda"], alignment=TA_RIGHT)
DERECHA_NEGRITA = ParagraphStyle("plan_derecha_negrita", parent=DERECHA, fontName=FUENTE_NEGRITA)
NEGRITA = ParagraphStyle("plan_negrita", parent=ESTILOS["celda"], fontName=FUENTE_NEGRITA)
SANGRIA = ParagraphStyle("plan_sangria", parent=ESTILOS["celda"], leftIndent=10)
MARCA = ParagraphStyle("plan_marca", parent=ESTILOS["celda_centro"], fontName=FUENTE_NEGRITA)
PORTADA = ParagraphStyle("plan_portada", parent=ESTILOS["cuerpo"], alignment=0, spaceAfter=0)


def _p(valor, estilo: ParagraphStyle | str = "celda") -> Celda:
    """A table cell from plain text (escaped)."""
    return Celda(texto(valor), ESTILOS[estilo] if isinstance(estilo, str) else estilo)


def _h(valor) -> Celda:
    """A header cell."""
    return _p(valor, "cabecera")


def _gris(valor) -> str:
    """Plain text as small grey markup (a second line of a cell)."""
    return f"<font size=7 color='#595959'>{texto(valor)}</font>"


def _anchos(pesos: Sequence[float], total: float) -> list[float]:
    """Column widths in proportion to `pesos`, filling `total`."""
    suma = sum(pesos)
    return [total * p / suma for p in pesos]


def monto(valor: Decimal | None) -> str:
    """An amount as the plan page prints it: "119,700.00"."""
    return "-" if valor is None else f"{valor:,.2f}"


def cantidad(valor: Decimal | None) -> str:
    """A quantity: whole numbers without decimals ("3"), others with two."""
    if valor is None:
        return "-"
    return f"{valor:,.0f}" if valor == valor.to_integral_value() else f"{valor:,.2f}"


# --------------------------------------------------------------------------- tables


class TablaGrupos(Table):
    """A table whose first columns label groups of rows (a phase, a result), printed on a
    group's first row only: no row spans, so it can break between any two rows. A part that
    starts inside a group prints the group's labels again, marked "(cont.)", so every page
    says which group its rows are of.

    `etiquetas[i]` are the labels of table row i's group (None for the header rows), drawn in
    `estilos`; a split hands each part its own.
    """

    etiquetas: list = []
    estilos: tuple = ()

    def split(self, availWidth, availHeight):
        """Split as a Table does; the continuation's first row names its group again."""
        partes = super().split(availWidth, availHeight)
        if len(partes) != 2 or not self.etiquetas:
            return partes
        primera, resto = partes
        cabecera = self.repeatRows
        n = len(primera._cellvalues)
        primera.etiquetas, primera.estilos = self.etiquetas[:n], self.estilos
        resto.etiquetas = self.etiquetas[:cabecera] + self.etiquetas[n:]
        resto.estilos = self.estilos
        etiquetas = resto.etiquetas[cabecera] if len(resto.etiquetas) > cabecera else None
        valores = list(resto._cellvalues[cabecera]) if etiquetas else []  # rows are shared
        vacias = [c for c, etiqueta in enumerate(etiquetas or ()) if etiqueta and valores[c] == ""]
        if vacias:
            for c in vacias:
                valores[c] = Celda(f"{texto(etiquetas[c])} <i>(cont.)</i>", self.estilos[c])
            resto._cellvalues[cabecera] = valores
            # The row's height was measured without them: measure it again.
            resto._argH = list(resto._argH)
            resto._argH[cabecera] = None
        return partes


class BloquePlan(Bloque):
    """A `Bloque` that stays one page after page: when its table goes on over several pages,
    the part moved to the next page is laid out as a block again there, so its last rows keep
    the lines under it (a plain Bloque lets the frame split what is left, and the "Fuente:"
    line could end alone on a page)."""

    def _partir(self, aW, aH):
        """As a Bloque does, the rest of the table a BloquePlan."""
        partes = super()._partir(aW, aH)
        if partes and isinstance(partes[-1], Bloque):
            resto = partes[-1]
            partes[-1] = BloquePlan(resto.cabeza, resto.tabla, resto.pie)
        return partes

    def split(self, aW, aH):
        """As a Bloque does; moved whole to the next page, it stays a block there."""
        partes = super().split(aW, aH)
        if partes and isinstance(partes[0], type(FrameBreak)):
            return [partes[0], BloquePlan(self.cabeza, self.tabla, self.pie)]
        return partes


def _estilo(cabeceras: int = 1, extra: Iterable = ()) -> TableStyle:
    """The report's table style, the body aligned to the top (long texts)."""
    return estilo_tabla(cabeceras, [("VALIGN", (0, cabeceras), (-1, -1), "TOP"), *extra])


def _estilo_grupos(
    cabeceras: int, agrupadas: int, inicios: Iterable[tuple[int, int]]
) -> TableStyle:
    """A grid whose first `agrupadas` columns are drawn as blocks: a line above the first row
    of each group only, (column, row) in `inicios` (its label printed there), so a group
    may break across pages."""
    comandos = [
        ("BOX", (0, 0), (-1, -1), 0.5, LINEA),
        ("INNERGRID", (0, 0), (-1, cabeceras - 1), 0.5, LINEA),
        ("LINEBELOW", (0, cabeceras - 1), (-1, cabeceras - 1), 0.5, LINEA),
        ("INNERGRID", (agrupadas, cabeceras), (-1, -1), 0.5, LINEA),
        ("LINEAFTER", (0, cabeceras), (agrupadas - 1, -1), 0.5, LINEA),
        ("BACKGROUND", (0, 0), (-1, cabeceras - 1), FONDO_CABECERA),
        ("VALIGN", (0, 0), (-1, cabeceras - 1), "MIDDLE"),
        ("VALIGN", (0, cabeceras), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    comandos += [("LINEABOVE", (c, i), (c, i), 0.5, LINEA) for c, i in inicios]
    # The part of a split table on a page closes with a line under its last row.
    comandos.append(("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.5, LINEA))
    return TableStyle(comandos)


def _tabla_grupos(
    cabecera: list[list],
    cuerpo: Iterable[tuple[tuple[str, ...], list]],
    estilos: Sequence[ParagraphStyle],
    anchos: list[float],
    spans: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> TablaGrupos:
    """A table of rows (their group's labels, their other cells): a label is printed where its
    group (that column and those before it) starts, blank below it."""
    filas, etiquetas, inicios = list(cabecera), [None] * len(cabecera), []
    anterior: tuple[str, ...] | None = None
    for grupo, celdas in cuerpo:
        primeras = []
        for c, (etiqueta, estilo) in enumerate(zip(grupo, estilos, strict=True)):
            if anterior is None or grupo[: c + 1] != anterior[: c + 1]:
                inicios.append((c, len(filas)))
                primeras.append(_p(etiqueta, estilo) if etiqueta else "")
            else:
                primeras.append("")
        anterior = grupo
        etiquetas.append(grupo)
        filas.append(primeras + celdas)
    estilo = _estilo_grupos(len(cabecera), len(estilos), inicios)
    for desde, hasta in spans:
        estilo.add("SPAN", desde, hasta)
    tabla = TablaGrupos(filas, colWidths=anchos, repeatRows=len(cabecera))
    tabla.setStyle(estilo)
    tabla.etiquetas, tabla.estilos = etiquetas, tuple(estilos)
    return tabla


def _tabla(filas: list, anchos: list[float], estilo: TableStyle, cabeceras: int = 1) -> Table:
    """A table whose header rows repeat on every page it goes on."""
    tabla = Table(filas, colWidths=anchos, repeatRows=cabeceras)
    tabla.setStyle(estilo)
    return tabla


def _fila_presupuesto(linea: LineaPlan) -> list:
    """A budget row in the document's columns: a cost line (indented, its amounts); an
    activity with cost lines (its level and total); any other activity ("-" where it has no
    value, "No se ha determinado" for a cost not determined yet)."""
    if linea.costo:

        def cifra(valor, formato) -> str:
            """A cost line's figure, blank when it has none."""
            return "" if valor is None else formato(valor)

        return [
            _p(linea.actividad, SANGRIA),
            "",
            _p(linea.unidad_medida or ""),
            _p(cifra(linea.costo_unitario, monto), DERECHA),
            _p(cifra(linea.cantidad, cantidad), DERECHA),
            _p(cifra(linea.total, monto), DERECHA),
            _p(linea.especificacion_gasto or ""),
            "",
        ]
    if linea.total is not None:
        final = monto(linea.total)
    else:
        final = NO_DETERMINADO if linea.no_determinado else "-"
    if linea.con_lineas:
        medio = ["", "", "", "", ""]
    else:
        medio = [
            _p(linea.unidad_medida or "-"),
            _p(monto(linea.costo_unitario), DERECHA),
            _p(cantidad(linea.cantidad), DERECHA),
            _p(monto(linea.total), DERECHA),
            _p(linea.especificacion_gasto or "-"),
        ]
    return [_p(linea.actividad), _p(linea.nivel), *medio, _p(final, DERECHA_NEGRITA)]


def _corridas(corridas: Sequence[Corrida]) -> Celda:
    """A training action's programme runs, one a line: "2021 · IdG 3 · 1: Puno, Mar –
    Ejecutada (18.03.2021)"; "Sin programar" when it has none."""
    if not corridas:
        return _p("Sin programar")
    lineas = []
    for c in corridas:
        linea = f"{c.anio} · {c.actividad}: {c.region}, {MESES[c.mes - 1].capitalize()}"
        linea += f" – {c.estado}"
        if c.fecha_ejecucion:
            linea += f" ({c.fecha_ejecucion.strftime('%d.%m.%Y')})"
        lineas.append(texto(linea))
    return Celda("<br/>".join(lineas), ESTILOS["celda"])


def encabezado(datos: DatosPlan) -> tuple[str, str]:
    """The page header's two lines: the plan's scope and its evaluated service."""
    servicio = datos.servicio_evaluado
    if len(servicio) > 110:
        servicio = servicio[:109].rstrip() + "…"
    return f"Acciones de Mejora Continua – {datos.ambito}", f"Servicio evaluado: {servicio}"


# --------------------------------------------------------------------------- the document


class Plan:
    """Writes a plan's story from DatosPlan (no database access here)."""

    def __init__(self, datos: DatosPlan):
        """Start the story on a portrait page, before any heading."""
        self.d = datos
        self.r = Redactor()
        self.plantilla = "vertical"
        self._nivel = -1
        #: The outline's shallowest depth: its headings are the contents' first level.
        self._base = min((s.profundidad for s in datos.secciones), default=0)

    def story(self) -> list:
        """Cover, contents, then every section of the outline in order."""
        self.portada()
        for i, seccion in enumerate(self.d.secciones):
            self.seccion(seccion, primera=i == 0)
        return self.r.story

    # cover and contents ------------------------------------------------------------
    def portada(self) -> None:
        """Title and the plan's heading fields; then the contents page."""
        r, d = self.r, self.d
        r.parrafo("MINISTERIO DE TRABAJO Y PROMOCIÓN DEL EMPLEO", "institucion")
        equipo = "Equipo de Trabajo Técnico Intergubernamental"
        if d.organo:
            equipo += f" – MTPE y {d.organo}"
        r.parrafo(texto(equipo), "subtitulo")
        r.espacio(4.5 * cm)
        r.parrafo(texto(d.titulo), "titulo")
        r.espacio(1.2 * cm)
        campos = [
            ("Ámbito", d.ambito),
            ("Servicio evaluado", d.servicio_evaluado),
            ("Sector", d.sector),
            ("Periodo evaluado", d.periodo_evaluado or "—"),
        ]
        if d.anio:
            campos.append(("Año de las acciones", str(d.anio)))
        campos.append(("Estado", d.estado))
        filas = [
            [Parrafo(f"<b>{texto(k)}:</b>", PORTADA), Parrafo(texto(v), PORTADA)] for k, v in campos
        ]
        tabla = Table(filas, colWidths=[4.8 * cm, 9.5 * cm])
        tabla.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINEA),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        r.story.append(tabla)
        r.story.append(PageBreak())
        r.parrafo("CONTENIDO", "h1")
        r.story.append(Contenido(list(ESTILOS_CONTENIDO)))
        r.story.append(PageBreak())

    # sections ------------------------------------------------------------------------
    def _con_filas(self, tabla: str | None) -> bool:
        """Whether a wide table has rows to print (else its sentence goes on a portrait page)."""
        d = self.d
        filas = {
            "indicadores": d.indicadores,
            "presupuesto": d.presupuesto.lineas,
            "cronograma": d.cronograma,
        }
        return bool(filas.get(tabla))

    def seccion(self, s: Seccion, *, primera: bool) -> None:
        """Heading (a contents entry), prose, then the section's table."""
        apaisada = s.tabla in APAISADAS and self._con_filas(s.tabla)
        plantilla = "apaisado" if apaisada else "vertical"
        if plantilla != self.plantilla:
            self.r.story += [NextPageTemplate(plantilla), PageBreak()]
            self.plantilla = plantilla
        elif s.profundidad == 0 and not primera:
            self.r.story.append(PageBreak())
        self.titulo(s.titulo, s.profundidad)
        self.prosa(s.texto)
        if s.tabla:
            escritor = getattr(self, f"tabla_{s.tabla}", None)
            if escritor is not None:
                inicio = len(self.r.story)
                escritor()
                self._titulos_con_cuadro(inicio)

    def _titulos_con_cuadro(self, i: int) -> None:
        """Headings right before a cuadro (a section without prose) go in its block: a heading
        keeps with its next flowable, but not with a block (a KeepTogether), so it could be
        left alone at the foot of a page."""
        story = self.r.story
        if i >= len(story) or not isinstance(story[i], Bloque):
            return
        k = i
        while k > 0 and isinstance(story[k - 1], Titulo):
            k -= 1
        if k == i:
            return
        titulos, bloque = story[k:i], story[i]
        del story[k:i]
        bloque.cabeza[:0] = titulos
        bloque._content[:0] = titulos

    def titulo(self, entrada: str, profundidad: int) -> None:
        """A heading of the outline: its style by depth; its contents and outline level counted
        from the outline's shallowest depth, never deeper than one below the previous
        heading's (a PDF outline cannot skip a level)."""
        nivel = max(0, min(profundidad - self._base, self._nivel + 1))
        self._nivel = nivel
        r = self.r
        r.titulos += 1
        estilo = ESTILOS_TITULO[min(profundidad, len(ESTILOS_TITULO) - 1)]
        r.story.append(Titulo(texto(entrada), estilo, nivel, entrada, f"sec{r.titulos}"))

    def prosa(self, contenido: str) -> None:
        """Paragraphs (blank-line separated; their lines kept), "- " items as bullets."""
        for parrafo in re.split(r"\n\s*\n", contenido.strip()):
            normal: list[str] = []
            for linea in parrafo.splitlines():
                if not linea.strip():
                    continue
                if linea.lstrip().startswith("- "):
                    if normal:
                        self.r.parrafo("<br/>".join(normal))
                        normal = []
                    estilo = "vineta2" if linea[:1].isspace() else "vineta"
                    self.r.vineta(texto(linea.lstrip()[2:].strip()), estilo)
                else:
                    normal.append(texto(linea.strip()))
            if normal:
                self.r.parrafo("<br/>".join(normal))

    def cuadro(self, lineas: list[str], tabla: Table, fuente: str) -> None:
        """A numbered table (`Redactor.cuadro`), laid out as a `BloquePlan`."""
        self.r.cuadro(lineas, tabla, fuente)
        bloque = self.r.story[-1]
        self.r.story[-1] = BloquePlan(bloque.cabeza, bloque.tabla, bloque.pie)

    def vacio(self, clave: str) -> None:
        """The sentence a section prints when its table has no rows."""
        self.r.parrafo(texto(VACIOS[clave]))

    # tables of Part A and of the diagnosis ---------------------------------------------
    def tabla_responsables(self) -> None:
        """XII: the organs that implement and follow up the plan."""
        if not self.d.responsables:
            self.vacio("responsables")
            return
        filas = [[_h("Nivel de Gobierno"), _h("Órgano"), _h("Función")]]
        filas += [[_p(x.nivel), _p(x.organo), _p(x.funcion)] for x in self.d.responsables]
        tabla = _tabla(filas, _anchos([3.2, 9.5, 4.0], ANCHO_VERTICAL), _estilo())
        self.cuadro(
            ["Órganos responsables de la implementación y del seguimiento"], tabla, FUENTE_PLAN
        )

    def tabla_problemas(self) -> None:
        """6: the problems identified (and their level in the value chain, when given)."""
        problemas = self.d.problemas
        if not problemas:
            self.vacio("problemas")
            return
        con_nivel = any(p.nivel_cadena_valor for p in problemas)
        filas = [
            [_h("N°"), _h("Problema")] + ([_h("Nivel en la cadena de valor")] if con_nivel else [])
        ]
        for p in problemas:
            fila = [_p(p.numero, "celda_centro"), _p(p.texto)]
            filas.append(fila + ([_p(p.nivel_cadena_valor or "—")] if con_nivel else []))
        pesos = [1.0, 11.7, 4.0] if con_nivel else [1.0, 15.7]
        tabla = _tabla(filas, _anchos(pesos, ANCHO_VERTICAL), _estilo())
        self.cuadro(["Problemas identificados"], tabla, FUENTE_PLAN)

    def tabla_causas(self) -> None:
        """7: each problem's causes, the MTPE's and the DRTPE's side by side by letter."""
        con_causas = [p for p in self.d.problemas if p.causas]
        if not con_causas:
            self.vacio("causas")
            return
        for p in con_causas:
            filas = [
                [
                    _h("Ministerio de Trabajo y Promoción del Empleo (MTPE)"),
                    _h("Dirección Regional de Trabajo y Promoción del Empleo (DRTPE)"),
                ]
            ]
            filas += [[_p(f.mtpe or "—"), _p(f.drtpe or "—")] for f in p.causas]
            tabla = _tabla(filas, _anchos([1, 1], ANCHO_VERTICAL), _estilo())
            self.cuadro(
                [f"Análisis causal del problema {p.numero}", texto(p.texto)], tabla, FUENTE_PLAN
            )

    def _alternativas(
        self, p: ProblemaPlan, grupos: tuple[GrupoAlternativas, ...], titulo: str, columna: str
    ) -> None:
        """One problem's alternatives, a heading row per level."""
        filas = [[_h("Literal"), _h(columna), _h("Plazo")]]
        comandos = []
        for grupo in grupos:
            comandos += [
                ("SPAN", (0, len(filas)), (-1, len(filas))),
                ("BACKGROUND", (0, len(filas)), (-1, len(filas)), FONDO_SUAVE),
            ]
            filas.append([_p(grupo.encabezado, NEGRITA), "", ""])
            filas += [
                [_p(a.literal, "celda_centro"), _p(a.texto), _p(a.plazo or "—")]
                for a in grupo.alternativas
            ]
        tabla = _tabla(filas, _anchos([1.4, 11.3, 4.0], ANCHO_VERTICAL), _estilo(extra=comandos))
        self.cuadro([f"{titulo} del problema {p.numero}", texto(p.texto)], tabla, FUENTE_PLAN)

    def tabla_alternativas(self) -> None:
        """8: each problem's alternatives per level, by the literal of the cause they answer."""
        con_alternativas = [p for p in self.d.problemas if p.alternativas]
        if not con_alternativas:
            self.vacio("alternativas")
            return
        for p in con_alternativas:
            self._alternativas(
                p, p.alternativas, "Alternativas de solución", "Alternativa de solución"
            )

    def tabla_priorizadas(self) -> None:
        """9: the alternatives prioritised for the short term, in their prioritised wording."""
        con_priorizadas = [p for p in self.d.problemas if p.priorizadas]
        if not con_priorizadas:
            self.vacio("priorizadas")
            return
        for p in con_priorizadas:
            self._alternativas(
                p, p.priorizadas, "Alternativas priorizadas a corto plazo", "Alternativa priorizada"
            )

    # tables of the implementation plan ------------------------------------------------
    def tabla_alineamiento(self) -> None:
        """11.2: one table per national objective, with the columns its rows fill."""
        if not self.d.alineamiento:
            self.vacio("alineamiento")
            return
        for t in self.d.alineamiento:
            self._alineamiento(t)

    def _alineamiento(self, t: TablaAlineamiento) -> None:
        """One alignment table; the year columns centred."""
        pesos = {"N°": 1.0, "Indicador": 4.0, "Fórmula del indicador": 3.6, "Fuente": 2.6}
        anchos = _anchos([pesos.get(c, 2.2) for c in t.columnas], ANCHO_VERTICAL)
        libres = {"Indicador", "Fórmula del indicador", "Fuente"}
        filas = [[_h(c) for c in t.columnas]]
        filas += [
            [
                _p(v, "celda" if c in libres else "celda_centro")
                for c, v in zip(t.columnas, valores, strict=True)
            ]
            for valores in t.filas
        ]
        self.cuadro([texto(t.objetivo)], _tabla(filas, anchos, _estilo()), FUENTE_PLAN)

    def tabla_roles(self) -> None:
        """12: what each level of government does in each phase (the phase printed once)."""
        roles = self.d.roles
        if not roles:
            self.vacio("roles")
            return
        tabla = _tabla_grupos(
            [
                [_h("FASES"), _h("ROLES POR NIVEL DE GOBIERNO"), "", ""],
                ["", _h("NACIONAL MTPE"), _h("REGIONAL G/DRTPE"), _h("LOCAL")],
            ],
            (((r.fase,), [_p(r.nacional), _p(r.regional), _p(r.local)]) for r in roles),
            [NEGRITA],
            _anchos([3.3, 5.6, 5.6, 2.2], ANCHO_VERTICAL),
            [((0, 0), (0, 1)), ((1, 0), (3, 0))],
        )
        self.cuadro(
            ["Roles, competencias y responsabilidades en los tres niveles de gobierno"],
            tabla,
            FUENTE_PLAN,
        )

    def tabla_indicadores(self) -> None:
        """13: the value chain's indicators, goals and each level's part."""
        indicadores = self.d.indicadores
        if not indicadores:
            self.vacio("indicadores")
            return
        filas = [
            [
                _h("RESULTADO INTERMEDIO"),
                _h("CADENA DE VALOR"),
                "",
                "",
                _h("ALINEAMIENTO, ARTICULACIÓN, COORDINACIÓN"),
                "",
                "",
            ],
            [
                "",
                _h("PRODUCTO"),
                _h("INDICADOR"),
                _h("META"),
                _h("GN MTPE"),
                _h("GR DRTPE"),
                _h("GL"),
            ],
        ]
        cuerpo, resultado, producto = [], "", ""
        for i in indicadores:
            # A result or product printed once covers the rows below it.
            resultado = i.resultado_intermedio or resultado
            producto = i.producto or producto
            celdas = [_p(i.indicador), _p(i.meta), _p(i.nacional), _p(i.regional), _p(i.local)]
            cuerpo.append(((resultado, producto), celdas))
        tabla = _tabla_grupos(
            filas,
            cuerpo,
            [ESTILOS["celda"], ESTILOS["celda"]],
            _anchos([3.6, 3.6, 5.0, 2.9, 4.2, 4.2, 3.2], ANCHO_APAISADO),
            [((0, 0), (0, 1)), ((1, 0), (3, 0)), ((4, 0), (6, 0))],
        )
        self.cuadro(
            ["Indicadores, metas y roles por nivel de gobierno de la cadena de valor"],
            tabla,
            FUENTE_PLAN,
        )

    def tabla_matriz_nacional(self) -> None:
        """13.1: the national logic matrix."""
        self._matriz(self.d.matriz("nacional"), "matriz_nacional")

    def tabla_matriz_regional(self) -> None:
        """13.2: the regional logic matrix."""
        self._matriz(self.d.matriz("regional"), "matriz_regional")

    def _matriz(self, m: Matriz | None, clave: str) -> None:
        """A logic matrix, its rows under the heading of their level of the value chain; the
        baseline and goal columns only when some row fills them (document 002 has none)."""
        if m is None or m.vacia:
            self.vacio(clave)
            return
        columnas = [("OBJETIVOS", 6.4), ("INDICADORES", 5.3)]
        if m.con_linea_base:
            columnas.append(("LÍNEA DE BASE", 2.0))
        if m.con_meta:
            columnas.append(("META", 2.0))
        columnas.append(("MEDIOS DE VERIFICACIÓN", 3.0))
        filas = [[_h(c) for c, _peso in columnas]]
        comandos = []
        for s in m.secciones:
            if not s.filas:
                continue
            comandos += [
                ("SPAN", (0, len(filas)), (-1, len(filas))),
                ("BACKGROUND", (0, len(filas)), (-1, len(filas)), FONDO_SUAVE),
            ]
            filas.append([_p(s.tipo, NEGRITA)] + [""] * (len(columnas) - 1))
            for f in s.filas:
                fila = [_p(f.objetivo), _p(f.indicador)]
                if m.con_linea_base:
                    fila.append(_p(f.linea_base, "celda_centro"))
                if m.con_meta:
                    fila.append(_p(f.meta, "celda_centro"))
                filas.append([*fila, _p(f.medio_verificacion)])
        anchos = _anchos([peso for _c, peso in columnas], ANCHO_VERTICAL)
        self.cuadro(
            [f"Matriz lógica – {texto(m.etiqueta)}"],
            _tabla(filas, anchos, _estilo(extra=comandos)),
            FUENTE_PLAN,
        )

    def tabla_presupuesto(self) -> None:
        """13.3: activities and cost lines in the document's columns, then the totals."""
        p = self.d.presupuesto
        if not p.lineas:
            self.vacio("presupuesto")
            return
        filas = [
            [
                _h("Actividad"),
                _h("Nivel de Gobierno"),
                _h("Unidad de Medida"),
                _h("Costeo Unitario"),
                _h("Cantidad"),
                _h("Total"),
                _h("Especificación del gasto"),
                _h("Total por Nivel de Gobierno"),
            ]
        ]
        filas += [_fila_presupuesto(linea) for linea in p.lineas]
        comandos = []
        for etiqueta, valor in [
            *((f"Total {n}", v) for n, v in p.por_nivel),
            ("Total general", p.total),
        ]:
            comandos += [
                ("SPAN", (0, len(filas)), (6, len(filas))),
                ("BACKGROUND", (0, len(filas)), (-1, len(filas)), FONDO_SUAVE),
            ]
            filas.append(
                [_p(etiqueta, NEGRITA), "", "", "", "", "", "", _p(monto(valor), DERECHA_NEGRITA)]
            )
        anchos = _anchos([8.8, 2.9, 2.5, 2.2, 1.6, 2.2, 2.6, 3.2], ANCHO_APAISADO)
        monedas = ", ".join(p.monedas) or "PEN"
        self.cuadro(
            ["Presupuesto de las acciones de mejora continua por nivel de gobierno"],
            _tabla(filas, anchos, _estilo(extra=comandos)),
            f"{FUENTE_PLAN} Montos en {monedas}: el total de una línea con cantidad es costo "
            "unitario × cantidad; el de una actividad con líneas de costo, la suma de ellas.",
        )

    def tabla_asistencia(self) -> None:
        """14: the training actions, the programme activities that schedule them and their runs
        (region, month, state and date of execution)."""
        acciones = self.d.capacitacion
        if not acciones:
            self.vacio("asistencia")
            return
        filas = [
            [
                _h("N°"),
                _h("Acción"),
                _h("Órgano responsable"),
                _h("Programación en el programa de capacidades y ejecución"),
                _h("Estado"),
            ]
        ]
        for n, a in enumerate(acciones, start=1):
            filas.append(
                [
                    _p(n, "celda_centro"),
                    Celda(f"{texto(a.accion)}<br/>{_gris(a.nivel)}", ESTILOS["celda"]),
                    _p(a.responsable or "—"),
                    _corridas(a.corridas),
                    _p(a.estado, "celda_centro"),
                ]
            )
        anchos = _anchos([0.8, 6.3, 3.0, 4.6, 2.0], ANCHO_VERTICAL)
        self.cuadro(
            ["Acciones de asistencia técnica y capacitación, y su programación"],
            _tabla(filas, anchos, _estilo()),
            FUENTE_PROGRAMA,
        )

    def tabla_cronograma(self) -> None:
        """18: a month grid per year: P planned in the plan, X scheduled, E executed."""
        if not self.d.cronograma:
            self.vacio("cronograma")
            return
        for anio, acciones in self.d.cronograma:
            filas = [
                [_h("N°"), _h("Acción"), _h("Nivel de Gobierno"), _h(str(anio))] + [""] * 11,
                ["", "", ""] + [Parrafo(m, ESTILOS["cabecera"]) for m in MESES],
            ]
            comandos = [
                ("SPAN", (0, 0), (0, 1)),
                ("SPAN", (1, 0), (1, 1)),
                ("SPAN", (2, 0), (2, 1)),
                ("SPAN", (3, 0), (14, 0)),
                ("LEFTPADDING", (3, 1), (-1, -1), 1),
                ("RIGHTPADDING", (3, 1), (-1, -1), 1),
            ]
            for n, a in enumerate(acciones, start=1):
                marcas = dict(a.meses)
                fila = len(filas)
                filas.append(
                    [_p(n, "celda_centro"), _p(a.accion), _p(a.nivel)]
                    + [_p(marcas.get(m, ""), MARCA) for m in range(1, 13)]
                )
                comandos += [
                    ("BACKGROUND", (2 + m, fila), (2 + m, fila), FONDO_SUAVE) for m in marcas
                ]
            anchos = [0.8 * cm, 10.4 * cm, 2.9 * cm] + [(ANCHO_APAISADO - 14.1 * cm) / 12] * 12
            self.cuadro(
                [f"Cronograma de las acciones – {anio}"],
                _tabla(filas, anchos, _estilo(2, comandos), cabeceras=2),
                FUENTE_PROGRAMA,
            )
        self.r.parrafo(LEYENDA_CRONOGRAMA, "fuente")
