"""The floor of the situational report build: the same pages drawn from plain data.

A minimal script that renders the report's charts and tables the same way the app does (the
same ReportLab page template, paragraph styles, Table calls and vector chart functions) from a
plain dict of numbers and texts: no Flask app, no database, no ORM, no story-writing classes.
It lays the pages out once, the way a native ReportLab build would: plain Paragraphs, and the
app's one-pass table of contents (`Contenido`: page numbers drawn as forms defined at the
end), not multiBuild's second full layout. `bench/informe.py` times it in the same run as the
app's build; the app may take at most 1.2 × this.

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
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
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
from app.informes.pdf import graficos
from app.informes.pdf.base import (
    ESTILOS,
    FONDO_CABECERA,
    FONDO_SUAVE,
    LINEA,
    registrar_fuentes,
)
from app.informes.pdf.documento import Contenido, Documento

ROMANOS = {1: "I", 2: "II"}
FUENTE_ODES = "Elaboración propia de la Oficina de Descentralización"
FUENTE_GDRTPE = "Elaboración propia en base a los reportes de las G/DRTPE"
MESES = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC")


def volcar(datos) -> dict:
    """A DatosInforme as a plain JSON-able dict, narrative placeholders already replaced."""
    from app.informes.informe import periodo_en_texto
    from app.informes.narrativa import numero_con_cifra, sustituir

    valores = {
        "anio": str(datos.anio),
        "periodo": periodo_en_texto(datos.periodo_nombre),
        "convenio": datos.convenio_periodo,
        "n_evaluadas": numero_con_cifra(datos.n_evaluadas),
        "n_idg": numero_con_cifra(len(datos.indicadores)),
    }
    d = json.loads(json.dumps(dataclasses.asdict(datos), default=str, ensure_ascii=False))
    d["narrativa"] = {k: sustituir(v, valores) for k, v in datos.narrativa.items()}
    return d


# --------------------------------------------------------------------------- helpers


def _t(valor) -> str:
    return escape("" if valor is None else str(valor))


def _pct(valor) -> str:
    if valor is None:
        return "—"
    return f"{Decimal(valor).quantize(Decimal(1), rounding='ROUND_HALF_UP')}%"


def _celda(valor, estilo="celda") -> Paragraph:
    return Paragraph(_t(valor), ESTILOS[estilo])


def _h(valor) -> Paragraph:
    return _celda(valor, "cabecera")


def _c(valor) -> Paragraph:
    return _celda(valor, "celda_centro")


def _cifra(n: int) -> str:
    """ "dieciocho (18)"-style number, as the report writes counts."""
    from app.informes.narrativa import numero_con_cifra

    return numero_con_cifra(n)


def _iguales(valores: list, columna: int) -> list:
    """SPAN commands merging consecutive equal values of a column (below one header row)."""
    comandos, inicio = [], 0
    for i in range(1, len(valores) + 1):
        if i == len(valores) or valores[i] != valores[inicio]:
            if i - inicio > 1 and valores[inicio]:
                comandos.append(("SPAN", (columna, inicio + 1), (columna, i)))
            inicio = i
    return comandos


def _estilo(cabeceras=1, extra=()) -> TableStyle:
    comandos = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINEA),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, cabeceras - 1), FONDO_CABECERA),
    ]
    return TableStyle(comandos + list(extra))


class _Piso:
    """Appends flowables for each part of the report, numbering captions as it goes."""

    def __init__(self):
        self.story: list = []
        self.cuadros = self.graficos = self.titulos = self.notas = 0

    def p(self, texto: str, estilo="cuerpo", **kw):
        self.story.append(Paragraph(texto, ESTILOS[estilo], **kw))

    def nota(self, texto: str):
        """A footnote, printed as a small paragraph where it is cited."""
        self.notas += 1
        self.p(f"<super>{self.notas}</super> {texto}", "nota")

    def texto(self, contenido: str, *, lista: bool = False):
        """Narrative text: paragraphs, "•" bullets, [^notes] as footnotes."""
        notas = []

        def marcar(m):
            notas.append(m.group(1).strip())
            return f"<super>{self.notas + len(notas)}</super>"

        for parrafo in re.split(r"\n\s*\n", contenido.strip()):
            lineas = [ln.strip() for ln in parrafo.splitlines() if ln.strip()]
            vinetas = lineas if lista else [ln for ln in lineas if ln.startswith("•")]
            for linea in vinetas:
                marcado = re.sub(r"\[\^(.+?)\]", marcar, _t(linea.lstrip("•").strip()))
                self.p(marcado, "vineta", bulletText="•")
            normal = " ".join(ln for ln in lineas if ln not in vinetas)
            if normal:
                self.p(re.sub(r"\[\^(.+?)\]", marcar, _t(normal)))
            for nota in notas:
                self.nota(_t(nota))
            notas.clear()

    def titulo(self, texto: str, nivel=0, estilo="h1"):
        self.titulos += 1
        parrafo = Paragraph(_t(texto), ESTILOS[estilo])
        parrafo.toc = (nivel, texto, f"sec{self.titulos}")
        self.story.append(parrafo)

    def cuadro(self, lineas, tabla, fuente, *, juntos=True, siguen=()):
        self.cuadros += 1
        bloque = [Paragraph(f"CUADRO Nº {self.cuadros:02d}", ESTILOS["leyenda"])]
        bloque += [Paragraph(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque.append(Spacer(1, 5))
        pie = Paragraph(f"Fuente: {fuente}", ESTILOS["fuente"])
        if juntos and not siguen:
            self.story.append(KeepTogether([*bloque, tabla, pie]))
            return
        self.story.append(KeepTogether([*bloque, tabla] if siguen else bloque))
        if not siguen:
            self.story.append(tabla)
        for otra in siguen:
            self.story += [Spacer(1, 6), otra]
        self.story.append(pie)

    def grafico(self, lineas, figura, fuente, despues=()):
        self.graficos += 1
        bloque = [Paragraph(f"GRÁFICO Nº {self.graficos:02d}", ESTILOS["leyenda"])]
        bloque += [Paragraph(linea, ESTILOS["leyenda"]) for linea in lineas]
        bloque += [
            Spacer(1, 4),
            figura,
            *despues,
            Paragraph(f"Fuente: {fuente}", ESTILOS["fuente"]),
        ]
        self.story.append(KeepTogether(bloque))


def _serie(resultado, idgs, campo):
    por_idg = {v["idg"]: v for v in (resultado or {}).get("valores", ())}
    return [por_idg[i][campo] if i in por_idg else None for i in idgs]


def construir(d: dict) -> bytes:
    """The report's PDF from the plain dict of `volcar`: the app's pages, written directly."""
    import io

    registrar_fuentes()
    s = _Piso()
    n = d["narrativa"]
    periodo, romano, anio = d["periodo_nombre"], ROMANOS[d["semestre"]], d["anio"]
    convenio = d["convenio_periodo"]
    idg = d["indicadores"]
    n_idg = _cifra(len(idg))

    s.p("MINISTERIO DE TRABAJO Y PROMOCIÓN DEL EMPLEO", "institucion")
    s.p("Oficina General de Planeamiento y Presupuesto – Oficina de Descentralización", "subtitulo")
    s.story.append(Spacer(1, 6.5 * cm))
    s.p("INFORME SITUACIONAL DEL EJERCICIO DE LAS FUNCIONES TRANSFERIDAS", "titulo")
    s.p(f"CONVENIO DE GESTIÓN {_t(convenio)}", "titulo")
    s.p(f"{romano} SEMESTRE {anio}", "titulo")
    s.story += [PageBreak(), Paragraph("CONTENIDO", ESTILOS["h1"])]
    s.story += [Contenido([ESTILOS["toc0"], ESTILOS["toc1"]]), PageBreak()]

    for titulo, clave in (("I. Antecedentes", "antecedentes"), ("II. Base Legal", "base_legal")):
        s.titulo(titulo)
        s.texto(n.get(clave, ""), lista=clave == "base_legal")
    s.titulo("III. Objetivos")
    omitidas = d["regiones_omitidas"]
    s.p(
        f"Dar a conocer los resultados obtenidos, correspondiente al segundo semestre del año "
        f"{anio}, sobre el ejercicio de las funciones transferidas en materia de trabajo y "
        f"promoción del empleo, por {_cifra(len(d['regiones_evaluadas']))} G/DRTPE de los "
        f"siguientes gobiernos regionales<super>1</super>: "
        f"{_t(', '.join(d['regiones_evaluadas']))}.",
        "vineta",
        bulletText="•",
    )
    s.nota(
        f"Fueron {d['convenios_suscritos']} Convenios de Gestión {convenio} suscritos, de los "
        f"cuales las G/DRTPE de {', '.join(omitidas)} omitieron remitir sus respectivos informes."
    )
    s.texto(n.get("objetivo_2", ""), lista=True)

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
        f"En el Cuadro N° 1 se muestra la relación de los {_cifra(d['convenios_suscritos'])} "
        f"Convenios de Gestión {_t(convenio)} suscritos entre el MTPE y los Gobiernos Regionales "
        f"(representando el {round(100 * d['convenios_suscritos'] / d['total_gores'])}% del "
        f"total de {d['total_gores']} gobiernos regionales). Quedaron pendiente de suscripción "
        f"los Convenios de Gestión con los Gobiernos Regionales de "
        f"{_t(', '.join(d['regiones_pendientes']))}."
    )
    filas = [[_h("Nº"), _h("GOBIERNO REGIONAL"), _h("FECHA DE SUSCRIPCIÓN")]]
    for c in d["convenios"]:
        fecha = ".".join(reversed(c["fecha_suscripcion"].split("-")))
        filas.append([_c(c["numero"]), _celda(c["region"].upper()), _c(fecha)])
    tabla = Table(filas, colWidths=[1.3 * cm, 7 * cm, 4 * cm], repeatRows=1)
    tabla.setStyle(_estilo())
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
            oes = f"N° {i['objetivo_numero']}: {i['objetivo_texto']}"
            filas.append([_c(i["numero"]), _celda(i["nombre"]), _celda(i["proponente"]),
                          _celda(oes)])  # fmt: skip
        tabla = Table(filas, colWidths=[0.9 * cm, 5.4 * cm, 4 * cm, 6.3 * cm], repeatRows=1)
        tabla.setStyle(
            _estilo(
                extra=_iguales([i["proponente"] for i in inds], 2)
                + _iguales([i["objetivo_numero"] for i in inds], 3)
            )  # fmt: skip
        )
        tablas.append(tabla)
    s.cuadro([f"Indicadores de Gestión {anio}", "alineados a los objetivos estratégicos "
              "sectoriales"], tablas[0], FUENTE_ODES, siguen=tablas[1:])  # fmt: skip
    s.p(
        f"Asimismo, podemos visualizar en el Cuadro N° 3 el alineamiento de los {n_idg} IdG con "
        "las funciones transferidas a los gobiernos regionales, y a los servicios públicos "
        "sectoriales."
    )
    filas = [
        [_h("N°"), _h("INDICADOR DE GESTIÓN"), _h("ALINEAMIENTO (según Ficha Técnica)"), ""],
        ["", "", _h("Función según art. 48 LOGR (27867)"), _h("Servicio Público")],
    ]
    for i in idg:
        funcion = f"{i['funcion_letra']}) {i['funcion_texto']}" if i["funcion_letra"] else None
        filas.append([_c(i["numero"]), _celda(i["nombre"]), _celda(funcion or "No aplica."),
                      _celda(i["servicio"] or "No aplica.")])  # fmt: skip
    tabla = Table(filas, colWidths=[0.9 * cm, 5 * cm, 7.2 * cm, 3.5 * cm], repeatRows=2)
    tabla.setStyle(_estilo(2, [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                               ("SPAN", (2, 0), (3, 0))]))  # fmt: skip
    s.cuadro([f"Indicadores de Gestión {_t(convenio)}", "alineados por función y servicio "
              "público"], tabla, FUENTE_ODES, juntos=False)  # fmt: skip
    s.texto(n.get("servicios_cierre", ""))

    s.titulo(f"VII. Nivel de cumplimiento al {romano} semestre {anio}, según G/DRTPE.")
    s.texto(n.get("contexto_vii", ""))
    s.p(
        f"En el siguiente cuadro se puede visualizar el desempeño<super>4</super> "
        f"promedio<super>5</super> de metas programadas y ejecutadas en el {_t(periodo)}, de las "
        f"{_cifra(len(d['regiones_evaluadas']))} G/DRTPE, materia del presente informe."
    )
    s.nota(_t(re.sub(r"\[\^(.+?)\]", r"\1", n.get("nota_desempeno", ""))))
    s.nota(
        f"Se obtiene al dividir la sumatoria de los resultados de los {n_idg} Indicadores de "
        "Gestión entre el número de sumandos."
    )
    filas = [
        [_h("Nº"), _h("Gobierno Regional"), _h(f"{romano} Semestre"), "", _h("Número de sumandos")],
        ["", "", _h("Programación Promedio"), _h("Ejecución Promedio"), ""],
    ]
    for r in d["resultados_regiones"]:
        filas.append([_c(r["numero"]), _celda(r["region"]), _c(_pct(r["programado"])),
                      _c(_pct(r["ejecutado"])), _c(r["n"])])  # fmt: skip
    tabla = Table(filas, colWidths=[1.2 * cm, 5 * cm, 3.1 * cm, 3.1 * cm, 2.6 * cm], repeatRows=2)
    tabla.setStyle(_estilo(2, [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                               ("SPAN", (2, 0), (3, 0)), ("SPAN", (4, 0), (4, 1))]))  # fmt: skip
    s.cuadro([f"DESEMPEÑO PROMEDIO DE METAS {romano} SEMESTRE", f"POR G/DRTPE – IdG {anio}"],
             tabla, "Información elaborada por la Oficina de Descentralización")  # fmt: skip
    s.p(
        "Los resultados obtenidos en este periodo por cada una de las G/DRTPE se muestran a "
        "continuación en forma gráfica:"
    )
    s.story.append(PageBreak())
    for r in d["resultados_regiones"]:
        organo = f"{r['organo_sigla']} {r['region'].upper()}"
        idgs = [v["idg"] for v in r["valores"]]
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
                  f"{_t(r['organo_sigla'])}.")  # fmt: skip

    s.story.append(PageBreak())
    s.titulo(
        f"VIII. Avances en el cumplimiento de los Indicadores de Gestión {anio} – {periodo}. "
        "Conclusiones y Recomendaciones de las DDGG del MTPE"
    )
    s.texto(n.get("metodo_viii", ""))
    for r in d["resultados_idg"]:
        s.story.append(CondPageBreak(9 * cm))
        s.titulo(f"Indicador de Gestión N° {r['numero']}.-", nivel=1, estilo="h2")
        s.p(f"“{_t(r['nombre'].strip().rstrip('.'))}”", "cita")
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
        s.p(
            f"La {unidad}, en su calidad de proponente del IdG, concluye y recomienda lo siguiente:"
        )
        for etiqueta, clave in (("Conclusiones:", "conclusiones"),
                                ("Recomendaciones:", "recomendaciones")):  # fmt: skip
            if ev[clave]:
                s.p(etiqueta, "etiqueta")
                for item in ev[clave]:
                    s.texto(item["texto"], lista=True)

    comp = d["comparacion"]
    if comp is not None:
        s.story.append(CondPageBreak(6 * cm))
        s.titulo(f"IX. Comparación Semestral {anio} Por Cada G/DRTPE")
        s.p(
            f"En los siguientes gráficos se visualiza el nivel de avance de los {n_idg} "
            f"indicadores de gestión implementados en el año fiscal {anio} comparados con la meta "
            f"programada, por cada una de las {_cifra(len(d['regiones_evaluadas']))} G/DRTPE que "
            "han presentado los reportes en forma oportuna de acuerdo a lo establecido en el "
            f"Convenio de Gestión {_t(convenio)}."
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
        tabla = Table(filas, colWidths=[4.6 * cm] + [2.8 * cm] * 4, repeatRows=2)
        tabla.setStyle(_estilo(2, [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (2, 0)),
                                   ("SPAN", (3, 0), (4, 0))]))  # fmt: skip
        s.cuadro([f"{ant} Semestre vs {romano} Semestre", "Porcentaje Promedio<super>6</super>"],
                 tabla, FUENTE_GDRTPE)  # fmt: skip
        s.nota(
            f"Se obtiene al dividir la sumatoria de los resultados de los {n_idg} IdG entre el "
            "número de sumandos"
        )
        s.story.append(PageBreak())
        for f in comp["filas"]:
            actual, previo = f["actual"], f["anterior"]
            idgs = sorted({v["idg"] for v in actual["valores"]}
                          | {v["idg"] for v in (previo or {}).get("valores", ())})  # fmt: skip
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
    """The annex matrix: the same columns, header spans and rules as the app's."""
    s.titulo(
        "ANEXO: MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS "
        f"CONVENIOS DE GESTIÓN {d['convenio_periodo']}"
    )
    mini, cab = ESTILOS["celda_mini"], ESTILOS["cabecera_mini"]
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
    for fila in d["matriz"]:
        recs = fila["recomendaciones"] or [None]
        acts = ([{"nombre": fila["nota_actividades"], "meses": [], "detalle": ""}]
                if fila["nota_actividades"] else []) + list(fila["actividades"])  # fmt: skip
        inicio = len(filas)
        for i in range(max(len(recs), len(acts), 1)):
            rec = recs[i] if i < len(recs) else None
            act = acts[i] if i < len(acts) else None
            meses = act["meses"] if act else ()
            filas.append([
                Paragraph(_t(fila["sector"]), mini) if i == 0 else "",
                Paragraph(f"N° {fila['numero']}", cab) if i == 0 else "",
                Paragraph(f"“{_t(fila['denominacion'])}”", mini) if i == 0 else "",
                Paragraph(_t(fila["proponente"]), mini) if i == 0 else "",
                Paragraph(f"• {_t(rec['texto'])}", mini) if rec else "",
                Paragraph(_t(rec["responsable"]), mini) if rec and rec["responsable"] else "",
                Paragraph(_t(act["nombre"]), mini) if act else "",
                *(Paragraph("X", ESTILOS["mes"]) if m in meses else "" for m in range(1, 13)),
                Paragraph(_t(act["detalle"]), mini) if act and act["detalle"] else "",
            ])  # fmt: skip
            comandos += [("BACKGROUND", (6 + m, len(filas) - 1), (6 + m, len(filas) - 1),
                          FONDO_SUAVE) for m in meses]  # fmt: skip
        fin = len(filas) - 1
        comandos.append(("LINEBELOW", (0, fin), (-1, fin), 0.5, LINEA))
        if fin > inicio:
            comandos.append(("LINEBELOW", (4, inicio), (-1, fin - 1), 0.25, FONDO_CABECERA))
    anchos = [1.75 * cm, 1.65 * cm, 2.6 * cm, 2.3 * cm, 4.1 * cm, 2.5 * cm, 3.2 * cm]
    tabla = Table(
        filas, colWidths=anchos + [0.45 * cm] * 12 + [3.2 * cm], repeatRows=2, splitInRow=200
    )
    tabla.setStyle(TableStyle(comandos))
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
