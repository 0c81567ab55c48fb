"""The floor of the situational report build: the same pages drawn from plain data.

A minimal script that renders the report's charts and tables the same way the app does (the
same ReportLab page template, paragraph styles, Table calls and vector chart functions) from a
plain dict of numbers and texts: no Flask app, no database, no ORM, no story-writing classes.
It lays the pages out once, the way a native ReportLab build would: plain Paragraphs, and the
app's one-pass table of contents (`Contenido`: page numbers drawn as forms defined at the
end), not multiBuild's second full layout. `bench/informe.py` times it in the same run as the
app's build; the app may take at most 1.2 × this.

It follows the app's layout (tests/informes/test_pdf.py checks the same pages, the same
charts on each and about the same words): a cuadro is the app's `Bloque` (its table starts
at the foot of a page and goes on on the next with its header repeated), the region and
comparison charts follow their cuadro on the same page, footnotes take their room at the
foot of the page that cites them (the app's `ReservaNotas`), the annex is the app's
`TablaMatriz` (an IdG whose rows go on on the next page is named again there), and a word
too wide for its cell breaks after its "/" (or "-"), as the app's `Celda` does: here worked
out once from the column widths, which a native build knows beforehand.

    volcar(datos_informe) -> dict   # outside the timing: the report's data as plain JSON
    construir(d: dict) -> bytes     # the timed part: the PDF

    python -m bench.piso_informe --url sqlite:///… [--periodo 2020-2] [--salida piso.pdf]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from decimal import Decimal
from types import SimpleNamespace
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.informes.graficos import definicion
from app.informes.narrativa import cantidad, de_los, lista_es, numero_con_cifra
from app.informes.pdf import graficos
from app.informes.pdf.base import (
    ESTILOS,
    FONDO_CABECERA,
    FONDO_SUAVE,
    LINEA,
    Bloque,
    ReservaNotas,
    registrar_fuentes,
)
from app.informes.pdf.documento import Contenido, Documento
from app.informes.pdf.matriz import TablaMatriz

ROMANOS = {1: "I", 2: "II"}
ORDINALES = {1: "primer", 2: "segundo"}
FUENTE_ODES = "Elaboración propia de la Oficina de Descentralización"
FUENTE_GDRTPE = "Elaboración propia en base a los reportes de las G/DRTPE"
MESES = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC")
SIN_RECOMENDACIONES = "Sin recomendaciones aprobadas (Anexo 5)."
SIN_ACTIVIDADES = "Sin actividades registradas para este indicador."
#: A cell's left + right padding: the report's tables, and the annex matrix.
RELLENO, RELLENO_MATRIZ = 6.0, 5.0
_NOTA = re.compile(r"\[\^(.+?)\]", re.S)


def volcar(datos) -> dict:
    """A DatosInforme as a plain JSON-able dict, narrative placeholders already replaced."""
    from app.informes.informe import periodo_en_texto
    from app.informes.narrativa import concordar, sustituir

    valores = {
        "anio": str(datos.anio),
        "periodo": periodo_en_texto(datos.periodo_nombre),
        "convenio": datos.convenio_periodo,
        "n_evaluadas": numero_con_cifra(datos.n_evaluadas, femenino=True),
        "n_idg": numero_con_cifra(len(datos.indicadores), apocope=True),
    }
    d = json.loads(json.dumps(dataclasses.asdict(datos), default=str, ensure_ascii=False))
    d["narrativa"] = {k: concordar(sustituir(v, valores)) for k, v in datos.narrativa.items()}
    d["porcentaje_cobertura"] = datos.porcentaje_cobertura
    return d


# --------------------------------------------------------------------------- helpers


def _t(valor) -> str:
    return escape("" if valor is None else str(valor))


def _pct(valor) -> str:
    if valor is None:
        return "—"
    return f"{Decimal(valor).quantize(Decimal(1), rounding='ROUND_HALF_UP')}%"


def _celda(valor, estilo="celda") -> tuple[str, str]:
    """A table cell as (plain text, style): `_tabla` makes its Paragraph at its width."""
    return ("" if valor is None else str(valor), estilo)


def _h(valor) -> tuple[str, str]:
    return _celda(valor, "cabecera")


def _c(valor) -> tuple[str, str]:
    return _celda(valor, "celda_centro")


def _cortar(palabra: str, separador: str, ancho: float, medir) -> list[str]:
    """A word cut after its `separador`s into lines as long as fit in `ancho`."""
    lineas, actual = [], ""
    for parte in re.split(f"(?<={re.escape(separador)})", palabra):
        if actual and medir(actual + parte) > ancho:
            lineas.append(actual)
            actual = parte
        else:
            actual += parte
    return [*lineas, actual]


def _marcado(texto: str, ancho: float, estilo) -> str:
    """Plain text as cell markup, each word wider than the cell broken after its "/" (a
    line still too wide, after its "-"): where the app's `Celda` breaks it."""
    ancho -= estilo.leftIndent + estilo.rightIndent + max(estilo.firstLineIndent, 0)

    def medir(cadena: str) -> float:
        return stringWidth(cadena, estilo.fontName, estilo.fontSize)

    partes = re.split(r"(\s+)", texto)
    for k in range(0, len(partes), 2):
        palabra = partes[k]
        if ("/" in palabra or "-" in palabra) and medir(palabra) > ancho:
            lineas = []
            for linea in _cortar(palabra, "/", ancho, medir):
                lineas += _cortar(linea, "-", ancho, medir) if medir(linea) > ancho else [linea]
            partes[k] = "<br/>".join(escape(linea) for linea in lineas)
        else:
            partes[k] = escape(palabra)
    return "".join(partes)


def _tabla(filas, anchos, comandos, *, relleno=RELLENO, clase=Table, **kw) -> Table:
    """A Table of `filas` ((text, style) cells become Paragraphs at their column's width, or
    their columns' together when spanned), styled with `comandos`."""
    spans = {c[1]: sum(anchos[c[1][0] : c[2][0] + 1]) for c in comandos if c[0] == "SPAN"}
    celdas = [
        [
            Paragraph(
                _marcado(v[0], spans.get((j, i), anchos[j]) - relleno, ESTILOS[v[1]]),
                ESTILOS[v[1]],
            )
            if isinstance(v, tuple)
            else v
            for j, v in enumerate(fila)
        ]
        for i, fila in enumerate(filas)
    ]
    tabla = clase(celdas, colWidths=anchos, **kw)
    tabla.setStyle(TableStyle(comandos))
    return tabla


def _iguales(valores: list, columna: int) -> list:
    """SPAN commands merging consecutive equal values of a column (below one header row)."""
    comandos, inicio = [], 0
    for i in range(1, len(valores) + 1):
        if i == len(valores) or valores[i] != valores[inicio]:
            if i - inicio > 1 and valores[inicio]:
                comandos.append(("SPAN", (columna, inicio + 1), (columna, i)))
            inicio = i
    return comandos


def _estilo(cabeceras=1, extra=()) -> list:
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, LINEA),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, cabeceras - 1), FONDO_CABECERA),
        *extra,
    ]


class _Piso:
    """Appends flowables for each part of the report, numbering captions as it goes."""

    def __init__(self):
        self.story: list = []
        self.cuadros = self.graficos = self.titulos = self.notas = 0
        self.pendientes: list[tuple[int, str]] = []

    def p(self, texto: str, estilo="cuerpo", **kw):
        """A paragraph, kept with the footnotes it cites (printed at the foot of its page)."""
        parrafo = Paragraph(texto, ESTILOS[estilo], **kw)
        if self.pendientes:
            notas, self.pendientes = self.pendientes, []
            self.story.append(KeepTogether([parrafo, ReservaNotas(notas)]))
        else:
            self.story.append(parrafo)

    def nota(self, marcado: str) -> str:
        """A footnote for the next paragraph or cuadro to cite; its superscript."""
        self.notas += 1
        self.pendientes.append((self.notas, marcado))
        return f"<super>{self.notas}</super>"

    def con_notas(self, texto_usuario: str, **kw):
        """User text as a paragraph (or bullet), each [^note] one of its footnotes."""
        partes, inicio = [], 0
        for m in _NOTA.finditer(texto_usuario):
            partes += [_t(texto_usuario[inicio : m.start()]), self.nota(_t(m.group(1).strip()))]
            inicio = m.end()
        self.p("".join([*partes, _t(texto_usuario[inicio:])]), **kw)

    def vineta(self, texto_usuario: str):
        self.con_notas(texto_usuario, estilo="vineta", bulletText="•")

    def texto(self, contenido: str, *, lista: bool = False):
        """Narrative text: paragraphs, "•" bullets, [^notes] as footnotes."""
        for parrafo in re.split(r"\n\s*\n", contenido.strip()):
            normal: list[str] = []
            for linea in (ln.strip() for ln in parrafo.splitlines()):
                if linea and (lista or linea.startswith("•")):
                    if normal:
                        self.con_notas(" ".join(normal))
                        normal = []
                    self.vineta(linea.lstrip("•").strip())
                elif linea:
                    normal.append(linea)
            if normal:
                self.con_notas(" ".join(normal))

    def titulo(self, texto: str, nivel=0, estilo="h1"):
        self.titulos += 1
        parrafo = Paragraph(_t(texto), ESTILOS[estilo])
        parrafo.toc = (nivel, texto, f"sec{self.titulos}")
        self.story.append(parrafo)

    def cuadro(self, lineas, tabla, fuente, *, siguen=()):
        """Caption, table(s) and source as the app's `Bloque`s: whole when they fit, else the
        table starts on this page (caption and first rows) and goes on on the next."""
        self.cuadros += 1
        cabeza = [Paragraph(f"CUADRO Nº {self.cuadros:02d}", ESTILOS["leyenda"])]
        cabeza += [Paragraph(linea, ESTILOS["leyenda"]) for linea in lineas]
        cabeza.append(Spacer(1, 5))
        if self.pendientes:  # the notes its caption cites
            cabeza.append(ReservaNotas(self.pendientes))
            self.pendientes = []
        pie = [Paragraph(f"Fuente: {fuente}", ESTILOS["fuente"])]
        tablas = [tabla, *siguen]
        for i, una in enumerate(tablas):
            arriba = cabeza if i == 0 else [Spacer(1, 6)]
            self.story.append(Bloque(arriba, una, pie if i == len(tablas) - 1 else []))

    def grafico(self, lineas, figura, fuente, despues=(), antes=()):
        """Caption, chart and source kept together (with `antes`, the sentence before it)."""
        self.graficos += 1
        bloque = [*antes, Paragraph(f"GRÁFICO Nº {self.graficos:02d}", ESTILOS["leyenda"])]
        bloque += [Paragraph(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque += [
            Spacer(1, 4),
            figura,
            *despues,
            Paragraph(f"Fuente: {fuente}", ESTILOS["fuente"]),
        ]
        self.story.append(KeepTogether(bloque))


def _serie(resultado, idgs, campo):
    """One field per IdG of a region's semester: only the cells with a value."""
    por_idg = {v["idg"]: v for v in (resultado or {}).get("valores", ())}
    return [
        por_idg[i][campo] if i in por_idg and por_idg[i]["estado"] == "valor" else None
        for i in idgs
    ]


def construir(d: dict) -> bytes:
    """The report's PDF from the plain dict of `volcar`: the app's pages, written directly."""
    import io

    registrar_fuentes()
    s = _Piso()
    n = d["narrativa"]
    periodo, romano, anio = d["periodo_nombre"], ROMANOS[d["semestre"]], d["anio"]
    convenio = d["convenio_periodo"]
    idg = d["indicadores"]
    idgs = [i["numero"] for i in idg]
    evaluadas = d["regiones_evaluadas"]

    s.p("MINISTERIO DE TRABAJO Y PROMOCIÓN DEL EMPLEO", "institucion")
    s.p("Oficina General de Planeamiento y Presupuesto – Oficina de Descentralización", "subtitulo")
    s.story.append(Spacer(1, 6.5 * cm))
    s.p("INFORME SITUACIONAL DEL EJERCICIO DE LAS FUNCIONES TRANSFERIDAS", "titulo")
    s.p(f"CONVENIO DE GESTIÓN {_t(convenio)}", "titulo")
    s.p(f"{romano} SEMESTRE {anio}", "titulo")
    if d["incluir_no_aprobados"]:
        s.p(
            "Versión preliminar: incluye Anexos 4 y Anexos 5 que aún no han sido aprobados.",
            "subtitulo",
        )
    s.story += [PageBreak(), Paragraph("CONTENIDO", ESTILOS["h1"])]
    s.story += [Contenido([ESTILOS["toc0"], ESTILOS["toc1"]]), PageBreak()]

    for titulo, clave in (("I. Antecedentes", "antecedentes"), ("II. Base Legal", "base_legal")):
        s.titulo(titulo)
        s.texto(n.get(clave, ""), lista=clave == "base_legal")
    s.titulo("III. Objetivos")
    marca = s.nota(
        f"Fueron {d['convenios_suscritos']} Convenios de Gestión {_t(convenio)} suscritos, de "
        f"los cuales las G/DRTPE de {_t(lista_es(d['regiones_omitidas']))} omitieron remitir "
        "sus respectivos informes."
    )
    s.p(
        f"Dar a conocer los resultados obtenidos, correspondiente al {ORDINALES[d['semestre']]} "
        f"semestre del año {anio}, sobre el ejercicio de las funciones transferidas en materia "
        f"de trabajo y promoción del empleo, por {numero_con_cifra(len(evaluadas))} G/DRTPE de "
        f"los siguientes gobiernos regionales{marca}: {_t(lista_es(evaluadas))}.",
        "vineta",
        bulletText="•",
    )
    for parrafo in n.get("objetivo_2", "").split("\n\n"):
        if parrafo.strip():
            s.vineta(parrafo.strip())

    s.titulo("IV. Funciones Transferidas")
    s.texto(n.get("funciones_intro", ""))
    for f in d["funciones"]:
        s.p(_t(f["texto"]), "vineta", bulletText=f"{_t(f['letra'])})")
    figura = graficos.figura(
        definicion.funciones([(f["region"], f["cantidad"]) for f in d["funciones_por_region"]]),
        ancho=16 * cm,
    )
    s.grafico(["Transferencia de Funciones Artículo 48º de la LOGR"], figura,
              _t(n["fuente_funciones"]))  # fmt: skip

    s.titulo(f"V. Convenios de Gestión {convenio}")
    s.texto(n.get("convenios_intro", ""))
    s.p(
        f"En el Cuadro N° {s.cuadros + 1} se muestra la relación de los "
        f"{cantidad(d['convenios_suscritos'], 'Convenio', 'Convenios')} de Gestión "
        f"{_t(convenio)} suscritos entre el MTPE y los Gobiernos Regionales (representando el "
        f"{d['porcentaje_cobertura']}% del total de {d['total_gores']} gobiernos regionales). "
        "Quedaron pendiente de suscripción los Convenios de Gestión con los Gobiernos "
        f"Regionales de {_t(lista_es(d['regiones_pendientes']))}."
    )
    filas = [[_h("Nº"), _h("GOBIERNO REGIONAL"), _h("FECHA DE SUSCRIPCIÓN")]]
    for c in d["convenios"]:
        fecha = c["fecha_suscripcion"]
        fecha = ".".join(reversed(fecha.split("-"))) if fecha else "—"
        filas.append([_c(c["numero"]), _celda(c["region"].upper()), _c(fecha)])
    tabla = _tabla(filas, [1.3 * cm, 7 * cm, 4 * cm], _estilo(), repeatRows=1)
    s.cuadro([f"Convenio de Gestión {_t(convenio)} con los GORES"], tabla, FUENTE_ODES)

    s.titulo(f"VI. Indicadores de Gestión {anio}")
    s.texto(n.get("idg_intro", ""))
    bloques: dict[str, list] = {}
    for i in idg:
        bloques.setdefault(i["viceministerio_sigla"] or "", []).append(i)
    tablas = []
    for sigla, inds in bloques.items():
        filas = [[_h("N°"), _h(f"INDICADOR DE GESTIÓN DEL {sigla}"), _h("PROPONENTE"),
                  _h("OBJETIVO ESTRATÉGICO SECTORIAL")]]  # fmt: skip
        for i in inds:
            oes = (
                f"N° {i['objetivo_numero']}: {i['objetivo_texto']}"
                if i["objetivo_numero"] is not None
                else "—"
            )
            filas.append([_c(i["numero"]), _celda(i["nombre"]), _celda(i["proponente"]),
                          _celda(oes)])  # fmt: skip
        extra = _iguales([i["proponente"] for i in inds], 2)
        extra += _iguales([i["objetivo_numero"] for i in inds], 3)
        anchos = [0.9 * cm, 5.4 * cm, 4 * cm, 6.3 * cm]
        tablas.append(_tabla(filas, anchos, _estilo(extra=extra), repeatRows=1))
    s.cuadro([f"Indicadores de Gestión {anio}", "alineados a los objetivos estratégicos "
              "sectoriales"], tablas[0], FUENTE_ODES, siguen=tablas[1:])  # fmt: skip
    s.p(
        f"Asimismo, podemos visualizar en el Cuadro N° {s.cuadros + 1} el alineamiento "
        f"{de_los(len(idg), 'IdG', 'IdG')} con las funciones transferidas a los gobiernos "
        "regionales, y a los servicios públicos sectoriales."
    )
    filas = [
        [_h("N°"), _h("INDICADOR DE GESTIÓN"), _h("ALINEAMIENTO (según Ficha Técnica)"), ""],
        ["", "", _h("Función según art. 48 LOGR (27867)"), _h("Servicio Público")],
    ]
    for i in idg:
        funcion = f"{i['funcion_letra']}) {i['funcion_texto']}" if i["funcion_letra"] else None
        filas.append([_c(i["numero"]), _celda(i["nombre"]), _celda(funcion or "No aplica."),
                      _celda(i["servicio"] or "No aplica.")])  # fmt: skip
    estilo = _estilo(2, [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                         ("SPAN", (2, 0), (3, 0))])  # fmt: skip
    tabla = _tabla(filas, [0.9 * cm, 5 * cm, 7.2 * cm, 3.5 * cm], estilo, repeatRows=2)
    s.cuadro([f"Indicadores de Gestión {_t(convenio)}", "alineados por función y servicio "
              "público"], tabla, FUENTE_ODES)  # fmt: skip
    s.texto(n.get("servicios_cierre", ""))

    s.titulo(f"VII. Nivel de cumplimiento al {romano} semestre {anio}, según G/DRTPE.")
    s.texto(n.get("contexto_vii", ""))
    desempeno = s.nota(_t(_NOTA.sub(r"\1", n.get("nota_desempeno", ""))))
    promedio = s.nota(
        "Se obtiene al dividir la sumatoria de los resultados "
        f"{de_los(len(idg), 'Indicador de Gestión', 'Indicadores de Gestión')} entre el número "
        "de sumandos."
    )
    s.p(
        f"En el siguiente cuadro se puede visualizar el desempeño{desempeno} "
        f"promedio{promedio} de metas programadas y ejecutadas en el "
        f"{_t(periodo)}, {de_los(len(evaluadas), 'G/DRTPE', 'G/DRTPE', femenino=True)}, "
        "materia del presente informe."
    )
    filas = [
        [_h("Nº"), _h("Gobierno Regional"), _h(f"{romano} Semestre"), "", _h("Número de sumandos")],
        ["", "", _h("Programación Promedio"), _h("Ejecución Promedio"), ""],
    ]
    for r in d["resultados_regiones"]:
        filas.append([_c(r["numero"]), _celda(r["region"]), _c(_pct(r["programado"])),
                      _c(_pct(r["ejecutado"])), _c(r["n"])])  # fmt: skip
    estilo = _estilo(2, [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                         ("SPAN", (2, 0), (3, 0)), ("SPAN", (4, 0), (4, 1))])  # fmt: skip
    anchos = [1.2 * cm, 5 * cm, 3.1 * cm, 3.1 * cm, 2.6 * cm]
    tabla = _tabla(filas, anchos, estilo, repeatRows=2)
    s.cuadro([f"DESEMPEÑO PROMEDIO DE METAS {romano} SEMESTRE", f"POR G/DRTPE – IdG {anio}"],
             tabla, "Información elaborada por la Oficina de Descentralización")  # fmt: skip
    # No page break: the sentence that introduces the charts goes with the first one.
    introduccion = [
        Paragraph(
            "Los resultados obtenidos en este periodo por cada una de las G/DRTPE se muestran a "
            "continuación en forma gráfica:",
            ESTILOS["cuerpo"],
        )
    ]
    for k, r in enumerate(d["resultados_regiones"]):
        organo = f"{r['organo_sigla']} {r['region'].upper()}"
        figura = graficos.figura(
            definicion.barras_region(
                f"{r['organo_sigla']} {r['region']} - {periodo}",
                idgs,
                _serie(r, idgs, "programado"),
                _serie(r, idgs, "ejecutado"),
            ),
            ancho=15.5 * cm,
        )
        s.grafico([_t(organo), f"Resultados {_t(periodo)}"], figura,
                  f"Elaboración propia en base al reporte presentado por la "
                  f"{_t(r['organo_sigla'])}.", antes=introduccion if k == 0 else ())  # fmt: skip

    s.story.append(CondPageBreak(6 * cm))  # VIII starts where VII ends if its first lines fit
    s.titulo(
        f"VIII. Avances en el cumplimiento de los Indicadores de Gestión {anio} – {periodo}. "
        "Conclusiones y Recomendaciones de las DDGG del MTPE"
    )
    s.texto(n.get("metodo_viii", ""))
    for r in d["resultados_idg"]:
        s.story.append(CondPageBreak(9 * cm))
        s.titulo(f"Indicador de Gestión N° {r['numero']}.-", nivel=1, estilo="h2")
        s.p(f"“{_t(r['nombre'].strip().rstrip('.').strip())}”", "cita")
        s.p(_t(r["frase_veredicto"]))
        figura = graficos.figura(
            definicion.promedio(
                f"IdG {r['numero']}: Resultado promedio {periodo}", r["programado"], r["ejecutado"]
            ),
            ancho=11.5 * cm,
        )
        detalle = Paragraph(
            f"Programación promedio: {_pct(r['programado'])} · Ejecución promedio: "
            f"{_pct(r['ejecutado'])} · G/DRTPE con valor (sumandos): {r['n']}",
            ESTILOS["dato"],
        )
        s.grafico([], figura, f"{FUENTE_GDRTPE}.", despues=[detalle])
        ev = r["evaluacion"]
        if ev is None:
            s.p(
                "A la fecha de elaboración del presente informe no se cuenta con la evaluación "
                f"(Anexo 5) aprobada de la dependencia proponente, {_t(r['proponente'])}, "
                "respecto de este indicador."
            )
            continue
        unidad = _t(ev["unidad"]) + (
            f" de la {_t(ev['direccion_general'])}" if ev["direccion_general"] else ""
        )
        verbo = (
            "concluye y recomienda" if ev["conclusiones"] and ev["recomendaciones"] else "señala"
        )
        s.p(f"La {unidad}, en su calidad de proponente del IdG, {verbo} lo siguiente:")
        for clave, singular, plural in (
            ("conclusiones", "Conclusión:", "Conclusiones:"),
            ("recomendaciones", "Recomendación:", "Recomendaciones:"),
        ):
            if ev[clave]:
                s.p(singular if len(ev[clave]) == 1 else plural, "etiqueta")
                for item in ev[clave]:
                    s.vineta(item["texto"])

    comp = d["comparacion"]
    if comp is not None:
        s.story.append(CondPageBreak(6 * cm))
        s.titulo(f"IX. Comparación Semestral {anio} Por Cada G/DRTPE")
        plazo = f"de acuerdo a lo establecido en el Convenio de Gestión {convenio}"
        if d["tardias"]:
            a_tiempo = len(evaluadas) - len(d["tardias"])
            presentaron = (
                f"que han presentado sus reportes: {a_tiempo} en forma oportuna {plazo} y "
                f"{len(d['tardias'])} fuera de plazo"
            )
        else:
            presentaron = f"que han presentado los reportes en forma oportuna {plazo}"
        s.p(
            "En los siguientes gráficos se visualiza el nivel de avance "
            f"{de_los(len(idg), 'indicador de gestión', 'indicadores de gestión')} implementados "
            f"en el año fiscal {anio} comparados con la meta programada, por cada una "
            f"{de_los(len(evaluadas), 'G/DRTPE', 'G/DRTPE', femenino=True)} {_t(presentaron)}."
        )
        s.texto(n.get("contexto_ix", ""))
        ant = comp["semestre_anterior_romano"]
        filas = [
            [_h("Gobierno Regional"), _h(f"{ant} Semestre"), "", _h(f"{romano} Semestre"), ""],
            ["", _h("Programación Promedio"), _h("Ejecución Promedio"),
             _h("Programación Promedio"), _h("Ejecución Promedio")],
        ]  # fmt: skip
        for f in comp["filas"]:
            previo = f["anterior"] or {}
            filas.append([_celda(f["region"]), *(_c(_pct(x)) for x in (
                previo.get("programado"), previo.get("ejecutado"),
                f["actual"]["programado"], f["actual"]["ejecutado"]))])  # fmt: skip
        estilo = _estilo(2, [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (2, 0)),
                             ("SPAN", (3, 0), (4, 0))])  # fmt: skip
        tabla = _tabla(filas, [4.6 * cm] + [2.8 * cm] * 4, estilo, repeatRows=2)
        marca = s.nota(
            "Se obtiene al dividir la sumatoria de los resultados "
            f"{de_los(len(idg), 'IdG', 'IdG')} entre el número de sumandos"
        )
        s.cuadro([f"{ant} Semestre vs {romano} Semestre", f"Porcentaje Promedio{marca}"],
                 tabla, FUENTE_GDRTPE)  # fmt: skip
        for f in comp["filas"]:  # no page break: the charts follow the cuadro
            actual, previo = f["actual"], f["anterior"]
            figura = graficos.figura(
                definicion.barras_comparacion(
                    f"{actual['organo_sigla']} {actual['region']} - {ant} Semestre vs {romano} "
                    f"Semestre {anio}",
                    idgs,
                    (_serie(previo, idgs, "programado"), _serie(previo, idgs, "ejecutado")),
                    (_serie(actual, idgs, "programado"), _serie(actual, idgs, "ejecutado")),
                    (f"{ant} SEM.", f"{romano} SEM."),
                ),
                ancho=15.5 * cm,
            )
            organo = f"{actual['organo_sigla']} {actual['region'].upper()}"
            s.grafico([_t(organo), f"{ant} Semestre vs {romano} Semestre"], figura, FUENTE_GDRTPE)

    s.story += [NextPageTemplate("apaisado"), PageBreak()]
    _matriz(s, d)

    salida = io.BytesIO()
    doc = Documento(salida, lema=d["lema"], borrador=False, title="Piso")
    doc.build(s.story)  # one pass: the contents' page numbers are forms defined at the end
    return salida.getvalue()


def _matriz(s: _Piso, d: dict) -> None:
    """The annex matrix: the same columns, header spans and rules as the app's, in the app's
    `TablaMatriz` (a page that goes on with an IdG's rows names it again, "(cont.)")."""
    s.titulo(
        "ANEXO: MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS "
        f"CONVENIOS DE GESTIÓN {d['convenio_periodo']}"
    )
    cab = ESTILOS["cabecera_mini"]

    def p(valor):
        """A body cell (empty when there is no value)."""
        return _celda(valor, "celda_mini") if valor else ""

    filas = [
        [Paragraph(x, cab) for x in (
            "SECTOR", "NÚMERO DE INDICADOR DE GESTIÓN", "DENOMINACIÓN DEL INDICADOR DE GESTIÓN",
            "PROPONENTE DEL INDICADOR",
            "RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS CONVENIOS DE GESTIÓN",
            "RESPONSABLE DE LA IMPLEMENTACIÓN",
            "ACTIVIDADES A DESARROLLAR POR EL MTPE EN EL MARCO DE LA RECOMENDACIONES DE CdG",
            "CRONOGRAMA DE ACTIVIDADES A DESARROLLAR")] + [""] * 11 + [Paragraph("DETALLE", cab)],
        [""] * 7 + [Paragraph(m, ESTILOS["mes"]) for m in MESES] + [""],
    ]  # fmt: skip
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
    comandos += [("LINEAFTER", (c, 2), (c, -1), 0.5, LINEA) for c in range(19)]
    filas_idg: list = [None, None]  # the IdG of each row, for the continuation's first row
    primeras: set[int] = set()
    for fila in d["matriz"]:
        recs = list(fila["recomendaciones"]) or [{"texto": SIN_RECOMENDACIONES, "sin": True}]
        temas = [(fila["nota_actividades"], None)] if fila["nota_actividades"] else []
        temas += [(a["nombre"], a) for a in fila["actividades"]]
        temas = temas or [(SIN_ACTIVIDADES, None)]
        inicio = len(filas)
        primeras.add(inicio)
        identidad = SimpleNamespace(**fila)
        for i in range(max(len(recs), len(temas))):
            rec = recs[i] if i < len(recs) else None
            tema, act = temas[i] if i < len(temas) else ("", None)
            meses = act["meses"] if act else ()
            if rec is None or "sin" in rec:
                recomendacion = p(rec and rec["texto"])
            else:
                recomendacion = _celda(f"• {rec['texto']}", "celda_mini")
            filas_idg.append(identidad)
            filas.append([
                p(fila["sector"]) if i == 0 else "",
                _celda(f"N° {fila['numero']}", "cabecera_mini") if i == 0 else "",
                _celda(f"“{fila['denominacion']}”", "celda_mini") if i == 0 else "",
                p(fila["proponente"]) if i == 0 else "",
                recomendacion,
                p(rec.get("responsable")) if rec else "",
                p(tema),
                *(Paragraph("X", ESTILOS["mes"]) if m in meses else "" for m in range(1, 13)),
                p(act["detalle"]) if act else "",
            ])  # fmt: skip
            comandos += [("BACKGROUND", (6 + m, len(filas) - 1), (6 + m, len(filas) - 1),
                          FONDO_SUAVE) for m in meses]  # fmt: skip
        fin = len(filas) - 1
        comandos.append(("LINEBELOW", (0, fin), (-1, fin), 0.5, LINEA))
        if fin > inicio:
            comandos.append(("LINEBELOW", (4, inicio), (-1, fin - 1), 0.25, FONDO_CABECERA))
    anchos = [1.75 * cm, 1.65 * cm, 2.6 * cm, 2.3 * cm, 4.1 * cm, 2.5 * cm, 3.2 * cm]
    anchos += [0.45 * cm] * 12 + [3.2 * cm]
    tabla = _tabla(
        filas,
        anchos,
        comandos,
        relleno=RELLENO_MATRIZ,
        clase=TablaMatriz,
        repeatRows=2,
        splitInRow=200,
    )
    tabla.filas_idg, tabla.primeras = filas_idg, frozenset(primeras)
    s.story.append(tabla)
    s.p(
        f"Fuente: Anexo 5 de los Convenios de Gestión {_t(d['convenio_periodo'])} "
        f"({_t(d['periodo_nombre'])}), evaluaciones de las DDGG del MTPE; Programación Anual de "
        "Fortalecimiento de Capacidades a favor de las regiones.",
        "fuente",
    )
    s.p(
        "<b>Nota.-</b> La información consignada como “acciones a ser implementadas” es sobre "
        f"las {d['total_gores']} G/DRTPE, sin perjuicio a que son solo "
        f"{len(d['regiones_evaluadas'])} G/DRTPE evaluadas.",
        "fuente",
    )


def main() -> None:
    """Build the floor PDF of one semester of the database at --url and print its time."""
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--url", required=True)
    argumentos.add_argument("--periodo", default="2020-2")
    argumentos.add_argument("--salida")
    argumentos.add_argument("--repeticiones", type=int, default=3)
    a = argumentos.parse_args()
    from app.informes import informe
    from bench.comun import aplicacion, mediana

    with aplicacion(a.url).app_context():
        datos = volcar(informe.datos_informe(a.periodo))
    construir(datos)  # fonts, imports
    segundos, _muestras = mediana(lambda: construir(datos), a.repeticiones)
    contenido = construir(datos)
    if a.salida:
        with open(a.salida, "wb") as archivo:
            archivo.write(contenido)
    print(f"Piso {a.periodo}: {len(contenido) // 1024} KB, mediana {segundos:.2f} s")


if __name__ == "__main__":
    main()
