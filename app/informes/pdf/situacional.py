"""The situational report's story, section by section, following seed-spec §3.

Over 400 lines because it is one document: each method writes one section in the report's
order, and splitting them across files would scatter the numbering of cuadros and gráficos.
"""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from app.informes.graficos import definicion
from app.informes.informe import DatosInforme, periodo_en_texto
from app.informes.narrativa import (
    CLAVES_LISTA,
    cantidad,
    concordar,
    de_los,
    lista_es,
    numero_con_cifra,
    sustituir,
)
from app.informes.pdf import graficos
from app.informes.pdf.base import (
    ESTILOS,
    FONDO_CABECERA,
    LINEA,
    Bloque,
    Celda,
    Parrafo,
    Progreso,
    Redactor,
    avisar,
    meta_texto,
    pct,
    texto,
)
from app.informes.pdf.documento import Contenido
from app.informes.pdf.matriz import anexo_matriz

ANCHO_REGION = 15.5 * cm
ANCHO_IDG = 11.5 * cm
ANCHO_FUNCIONES = 16 * cm
#: "diez": the rankings' length in words, as the report writes numbers
RANKING_TEXTO = "diez"
FUENTE_ODES = "Elaboración propia de la Oficina de Descentralización"
FUENTE_GDRTPE = "Elaboración propia en base a los reportes de las G/DRTPE"


def estilo_tabla(cabeceras: int = 1, extra: list | None = None) -> TableStyle:
    """Grid, shaded header rows, cells vertically centred."""
    comandos = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINEA),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if cabeceras:
        comandos.append(("BACKGROUND", (0, 0), (-1, cabeceras - 1), FONDO_CABECERA))
    return TableStyle(comandos + (extra or []))


def _p(valor, estilo: str = "celda") -> Celda:
    """A table cell from plain text (escaped)."""
    return Celda(texto(valor), ESTILOS[estilo])


def _c(valor) -> Celda:
    return _p(valor, "celda_centro")


def _h(valor) -> Celda:
    return _p(valor, "cabecera")


def _spans_iguales(valores: list, columna: int, desplazamiento: int) -> list:
    """SPAN commands merging consecutive equal, non-empty values of a column."""
    comandos, inicio = [], 0
    for i in range(1, len(valores) + 1):
        if i == len(valores) or valores[i] != valores[inicio] or not valores[inicio]:
            if i - inicio > 1 and valores[inicio]:
                comandos.append(
                    ("SPAN", (columna, inicio + desplazamiento), (columna, i - 1 + desplazamiento))
                )
            inicio = i
    return comandos


def _dias(n: int) -> str:
    return f"{n} día" if n == 1 else f"{n} días"


def nota_entregas(d: DatosInforme) -> str:
    """Footnote 1: convenios signed as of the semester, who omitted the report, who sent it
    late (with the days, after any extension) — the way the published report names them."""
    convenios = f" {d.convenio_periodo}" if d.convenio_periodo else ""
    n = d.convenios_suscritos
    suscritos = (
        f"Fue 1 Convenio de Gestión{convenios} suscrito"
        if n == 1
        else f"Fueron {n} Convenios de Gestión{convenios} suscritos"
    )
    if d.escala and d.regiones_omitidas:
        nota = (
            f"{suscritos}; omitieron remitir su informe (o no está aprobado) "
            f"{_por_niveles(d.escala.omitidas_por_nivel)}."
        )
    elif d.regiones_omitidas:
        omitidas = lista_es(d.regiones_omitidas)
        if len(d.regiones_omitidas) == 1:
            detalle = f"la G/DRTPE de {omitidas} omitió remitir su respectivo informe."
        else:
            detalle = f"las G/DRTPE de {omitidas} omitieron remitir sus respectivos informes."
        nota = f"{suscritos}, de {'el cual' if n == 1 else 'los cuales'} {detalle}"
    elif n == 1:
        nota = f"{suscritos} y la G/DRTPE remitió su informe."
    elif n:
        nota = f"{suscritos} y todas las G/DRTPE remitieron sus respectivos informes."
    else:
        nota = "No hubo Convenios de Gestión suscritos que cubran el semestre."
    if d.escala and (d.tardias or d.prorrogas):
        return nota + (
            f" {len(d.tardias)} informes se recibieron fuera de plazo y se evalúan como todo "
            f"informe recibido; {len(d.prorrogas)} entidades tuvieron prórroga (el detalle, en "
            "la ficha de cada una)."
        )
    if d.tardias:
        detalle = lista_es(f"{region} ({_dias(dias)})" for region, dias in d.tardias)
        if len(d.tardias) == 1:
            nota += (
                f" El informe de la G/DRTPE de {detalle} se recibió fuera de plazo; se evalúa "
                "como todo informe recibido."
            )
        else:
            nota += (
                f" Los informes de las G/DRTPE de {detalle} se recibieron fuera de plazo; se "
                "evalúan como todo informe recibido."
            )
    if d.prorrogas:
        nota += (
            " "
            + "; ".join(
                f"La G/DRTPE de {region} tuvo prórroga hasta el {fecha.strftime('%d.%m.%Y')}"
                for region, fecha in d.prorrogas
            )
            + "."
        )
    return nota


def _por_niveles(grupos) -> str:
    """ "3 gobiernos regionales, 50 municipalidades provinciales y 374 distritales" style."""
    return lista_es(f"{g.entidades} ({g.nombre.lower()})" for g in grupos)


def _cuadro_grupos(r, titulo: list[str], cabecera: str, grupos, fuente: str) -> None:
    """A two-column table: a group (level or region) and how many entities."""
    filas = [[_h(cabecera), _h("Entidades")]]
    filas += [[_p(g.nombre), _c(g.entidades)] for g in grupos]
    filas.append([_h("Total"), _h(sum(g.entidades for g in grupos))])
    tabla = Table(filas, colWidths=[8 * cm, 3 * cm], repeatRows=1)
    tabla.setStyle(estilo_tabla())
    r.cuadro(titulo, tabla, fuente)


def _cuadro_agregados(r, titulo: list[str], cabecera: str, agregados, fuente: str) -> None:
    """Groups (levels or regions) with their entities and the mean of their averages."""
    filas = [
        [
            _h(cabecera),
            _h("Entidades evaluadas"),
            _h("Programación Promedio"),
            _h("Ejecución Promedio"),
            _h("Con resultado"),
        ],
    ]
    for a in agregados:
        filas.append(
            [
                _p(a.nombre),
                _c(a.entidades),
                _c(pct(a.programado_pct)),
                _c(pct(a.ejecutado_pct)),
                _c(a.n),
            ]
        )
    tabla = Table(filas, colWidths=[5 * cm, 2.6 * cm, 3 * cm, 3 * cm, 2.4 * cm], repeatRows=1)
    tabla.setStyle(estilo_tabla())
    r.cuadro(titulo, tabla, fuente)


def _cuadro_ranking(r, titulo: list[str], resultados) -> None:
    """Entities with their number in the report, averages and summands."""
    filas = [
        [
            _h("Nº"),
            _h("Entidad"),
            _h("Programación Promedio"),
            _h("Ejecución Promedio"),
            _h("Número de sumandos"),
        ],
    ]
    for res in resultados:
        filas.append(
            [
                _c(res.numero),
                _p(res.region),
                _c(pct(res.programado_pct)),
                _c(pct(res.ejecutado_pct)),
                _c(res.n),
            ]
        )
    tabla = Table(filas, colWidths=[1.2 * cm, 6.4 * cm, 3 * cm, 3 * cm, 2.4 * cm], repeatRows=1)
    tabla.setStyle(estilo_tabla())
    r.cuadro(titulo, tabla, FUENTE_GDRTPE)


def _tabla_comparacion(cabecera: str, ant: str, act: str, filas_datos) -> Table:
    """Cuadro Nº 05's table: (name, previous average or None, current average) rows."""
    filas = [
        [_h(cabecera), _h(f"{ant} Semestre"), "", _h(f"{act} Semestre"), ""],
        [
            "",
            _h("Programación Promedio"),
            _h("Ejecución Promedio"),
            _h("Programación Promedio"),
            _h("Ejecución Promedio"),
        ],
    ]
    for nombre, previo, actual in filas_datos:
        filas.append(
            [
                _p(nombre),
                _c(pct(previo.programado_pct if previo else None)),
                _c(pct(previo.ejecutado_pct if previo else None)),
                _c(pct(actual.programado_pct)),
                _c(pct(actual.ejecutado_pct)),
            ]
        )
    tabla = Table(filas, colWidths=[4.6 * cm] + [2.8 * cm] * 4, repeatRows=2)
    tabla.setStyle(
        estilo_tabla(
            cabeceras=2,
            extra=[("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (2, 0)), ("SPAN", (3, 0), (4, 0))],
        )
    )
    return tabla


def presentaron(d: DatosInforme) -> str:
    """How the evaluated regions sent their reports: "que han presentado los reportes en forma
    oportuna…" only when none was late."""
    convenio = f"de acuerdo a lo establecido en el Convenio de Gestión {d.convenio_periodo}"
    if not d.tardias:
        if d.n_evaluadas == 1:
            return f"que ha presentado su reporte en forma oportuna {convenio}"
        return f"que han presentado los reportes en forma oportuna {convenio}"
    a_tiempo = d.n_evaluadas - len(d.tardias)
    return (
        f"que han presentado sus reportes: {a_tiempo} en forma oportuna {convenio} y "
        f"{len(d.tardias)} fuera de plazo"
    )


class Informe:
    """Writes the report's story from DatosInforme (no database access here)."""

    def __init__(
        self,
        datos: DatosInforme,
        progreso: Progreso | None = None,
        *,
        version: int | None = None,
        nota_version: str | None = None,
    ):
        self.d = datos
        #: The report's version (2, 3… print a note of what they correct on the cover)
        self.version = version
        self.nota_version = nota_version
        self.r = Redactor()
        self.progreso = progreso
        self._graficos_hechos = 0
        if datos.escala:  # functions, distribution and one per IdG
            self._graficos_total = 2 + len(datos.resultados_idg)
        else:
            n_comp = len(datos.comparacion.filas) if datos.comparacion else 0
            self._graficos_total = 1 + len(datos.resultados_regiones) + len(datos.resultados_idg)
            self._graficos_total += n_comp
        self.valores = {
            "anio": str(datos.anio),
            "periodo": periodo_en_texto(datos.periodo_nombre),
            "convenio": datos.convenio_periodo,
            "n_evaluadas": numero_con_cifra(datos.n_evaluadas, femenino=True),
            "n_idg": numero_con_cifra(len(datos.indicadores), apocope=True),
        }

    # helpers --------------------------------------------------------------------
    def narrativa(self, clave: str) -> str:
        return concordar(sustituir(self.d.narrativa.get(clave, ""), self.valores))

    def bloque(self, clave: str) -> None:
        contenido = self.narrativa(clave)
        if contenido.strip():
            self.r.bloque(contenido, lista=clave in CLAVES_LISTA)

    def _avance(self, mensaje: str) -> None:
        self._graficos_hechos += 1
        avisar(self.progreso, 0.8 * self._graficos_hechos / self._graficos_total, mensaje)

    @property
    def periodo(self) -> str:
        return self.d.periodo_nombre

    # sections ---------------------------------------------------------------------
    def story(self) -> list:
        self.portada()
        self.antecedentes()
        self.base_legal()
        self.objetivos()
        self.funciones()
        self.convenios()
        self.indicadores()
        self.cumplimiento()
        self.avances_idg()
        self.comparacion()
        self.planes()
        self.matriz()
        return self.r.story

    def portada(self) -> None:
        r, d = self.r, self.d
        r.parrafo("MINISTERIO DE TRABAJO Y PROMOCIÓN DEL EMPLEO", "institucion")
        r.parrafo(
            "Oficina General de Planeamiento y Presupuesto – Oficina de Descentralización",
            "subtitulo",
        )
        r.espacio(6.5 * cm)
        r.parrafo("INFORME SITUACIONAL DEL EJERCICIO DE LAS FUNCIONES TRANSFERIDAS", "titulo")
        if d.convenio_periodo:
            r.parrafo(f"CONVENIO DE GESTIÓN {texto(d.convenio_periodo)}", "titulo")
        r.parrafo(f"{d.semestre_romano} SEMESTRE {d.anio}", "titulo")
        if self.version and self.version > 1:
            r.parrafo(f"Versión {self.version}", "subtitulo")
            if self.nota_version:
                r.parrafo(
                    f"Nota de versión: {texto(self.nota_version)} Reemplaza a la versión "
                    f"{self.version - 1}, que sigue disponible en la página de informes "
                    "publicados.",
                    "subtitulo",
                )
        if d.incluir_no_aprobados:
            r.parrafo(
                "Versión preliminar: incluye Anexos 4 y Anexos 5 que aún no han sido aprobados.",
                "subtitulo",
            )
        r.story.append(PageBreak())
        r.parrafo("CONTENIDO", "h1")
        r.story.append(Contenido([ESTILOS["toc0"], ESTILOS["toc1"]]))
        r.story.append(PageBreak())

    def reprogramaciones(self) -> None:
        """The goals changed after approval: original and in force, with reason and adenda."""
        r, d = self.r, self.d
        if not d.metas_reprogramadas:
            return
        numero = r.siguiente_cuadro()
        n = len(d.metas_reprogramadas)
        r.parrafo(
            f"En el Cuadro N° {numero} se detalla{'' if n == 1 else 'n'} "
            f"{'la meta reprogramada' if n == 1 else f'las {n} metas reprogramadas'} después de "
            "su aprobación: la programación promedio usa la meta vigente; la original se conserva."
        )
        filas = [
            [
                _h("Gobierno Regional"),
                _h("IdG"),
                _h("Meta"),
                _h("Original"),
                _h("Vigente"),
                _h("Motivo"),
                _h("Adenda"),
            ]
        ]
        for m in d.metas_reprogramadas:
            filas.append(
                [
                    _p(m.region),
                    _c(m.idg),
                    _p(m.alcance),
                    _c(meta_texto(m.original)),
                    _c(meta_texto(m.vigente)),
                    _p(m.motivo),
                    _p(m.adenda or "—"),
                ]
            )
        tabla = Table(
            filas,
            colWidths=[2.8 * cm, 1 * cm, 1.7 * cm, 1.7 * cm, 1.7 * cm, 5.2 * cm, 2.6 * cm],
            repeatRows=1,
        )
        tabla.setStyle(estilo_tabla())
        r.cuadro(
            [f"METAS REPROGRAMADAS – {d.semestre_romano} SEMESTRE {d.anio}"], tabla, FUENTE_ODES
        )

    def antecedentes(self) -> None:
        self.r.titulo("I. Antecedentes")
        self.bloque("antecedentes")

    def base_legal(self) -> None:
        self.r.titulo("II. Base Legal")
        self.bloque("base_legal")

    def objetivos(self) -> None:
        r, d = self.r, self.d
        r.titulo("III. Objetivos")
        nota = nota_entregas(d)
        marca = r.nota(texto(nota))
        inicio = (
            f"Dar a conocer los resultados obtenidos, correspondiente al {d.semestre_ordinal} "
            f"semestre del año {d.anio}, sobre el ejercicio de las funciones transferidas en "
            "materia de trabajo y promoción del empleo, "
        )
        if d.n_evaluadas == 0:
            r.vineta(
                inicio + "para lo cual a la fecha ninguna G/DRTPE cuenta con su reporte "
                f"aprobado{marca}."
            )
        elif d.escala:
            r.vineta(
                inicio + f"por {numero_con_cifra(d.n_evaluadas, femenino=True)} entidades"
                f"{marca}: {texto(_por_niveles(d.escala.por_nivel))}."
            )
        elif d.n_evaluadas == 1:
            r.vineta(
                inicio + f"por una (01) G/DRTPE del siguiente gobierno regional{marca}: "
                f"{texto(d.regiones_evaluadas[0])}."
            )
        else:
            r.vineta(
                inicio + f"por {numero_con_cifra(d.n_evaluadas)} G/DRTPE de los siguientes "
                f"gobiernos regionales{marca}: {texto(lista_es(d.regiones_evaluadas))}."
            )
        for parrafo in self.narrativa("objetivo_2").split("\n\n"):
            if parrafo.strip():
                r.vineta(r.marcado(parrafo.strip()))

    def funciones(self) -> None:
        r, d = self.r, self.d
        r.titulo("IV. Funciones Transferidas")
        self.bloque("funciones_intro")
        for f in d.funciones:
            r.story.append(
                Parrafo(texto(f.texto), ESTILOS["vineta"], bulletText=f"{texto(f.letra)})")
            )
        figura = graficos.figura(definicion.grafico_funciones(d), ancho=ANCHO_FUNCIONES)
        self._avance("Gráfico de funciones transferidas")
        r.grafico(
            ["Transferencia de Funciones Artículo 48º de la LOGR"],
            figura,
            texto(self.narrativa("fuente_funciones")),
        )

    def convenios(self) -> None:
        r, d = self.r, self.d
        r.titulo(f"V. Convenios de Gestión {d.convenio_periodo}".strip())
        self.bloque("convenios_intro")
        numero = r.siguiente_cuadro()
        cobertura = (
            f"(representando el {d.porcentaje_cobertura}% del total de {d.total_gores} gobiernos "
            "regionales)"
        )
        if d.convenios_suscritos == 1:
            frase = (
                f"En el Cuadro N° {numero} se muestra el único Convenio de Gestión "
                f"{texto(d.convenio_periodo)} suscrito entre el MTPE y un Gobierno Regional "
                f"{cobertura}."
            )
        else:
            frase = (
                f"En el Cuadro N° {numero} se muestra la relación de los "
                f"{cantidad(d.convenios_suscritos, 'Convenio', 'Convenios')} de Gestión "
                f"{texto(d.convenio_periodo)} suscritos entre el MTPE y los Gobiernos Regionales "
                f"{cobertura}."
            )
        if len(d.regiones_pendientes) == 1:
            frase += (
                " Quedó pendiente de suscripción el Convenio de Gestión con el Gobierno "
                f"Regional de {texto(d.regiones_pendientes[0])}."
            )
        elif d.regiones_pendientes:
            frase += (
                " Quedaron pendiente de suscripción los Convenios de Gestión con los Gobiernos "
                f"Regionales de {texto(lista_es(d.regiones_pendientes))}."
            )
        if d.escala:
            self._convenios_por_grupo()
            return
        r.parrafo(frase)
        filas = [[_h("Nº"), _h("GOBIERNO REGIONAL"), _h("FECHA DE SUSCRIPCIÓN")]]
        for c in d.convenios:
            fecha = c.fecha_suscripcion.strftime("%d.%m.%Y") if c.fecha_suscripcion else "—"
            filas.append([_c(c.numero), _p(c.region.upper()), _c(fecha)])
        if not d.convenios:
            filas.append([_c("—"), _p("No hay convenios suscritos para este periodo."), _c("—")])
        tabla = Table(filas, colWidths=[1.3 * cm, 7 * cm, 4 * cm], repeatRows=1)
        tabla.setStyle(estilo_tabla())
        r.cuadro(
            [f"Convenio de Gestión {texto(d.convenio_periodo)} con los GORES"],
            tabla,
            FUENTE_ODES,
        )

    def _convenios_por_grupo(self) -> None:
        """With many entities: the semester's convenios counted by level and by region."""
        r, e = self.r, self.d.escala
        total = sum(g.entidades for g in e.convenios_por_nivel)
        r.parrafo(
            f"Reportan sobre el {texto(self.periodo)} {numero_con_cifra(total)} entidades con "
            "Convenio de Gestión suscrito. Los cuadros siguientes los cuentan por nivel de "
            "gobierno y por región (cada región con sus municipalidades); la relación completa, "
            "con su fecha de suscripción, está en el libro Excel de los cuadros del informe."
        )
        _cuadro_grupos(
            r,
            ["Convenios de Gestión por nivel de gobierno"],
            "Nivel de gobierno",
            e.convenios_por_nivel,
            FUENTE_ODES,
        )
        _cuadro_grupos(
            r,
            ["Convenios de Gestión por región, con sus municipalidades"],
            "Región",
            e.convenios_por_region,
            FUENTE_ODES,
        )

    def indicadores(self) -> None:
        r, d = self.r, self.d
        r.titulo(f"VI. Indicadores de Gestión {d.anio}")
        self.bloque("idg_intro")
        bloques: dict[str, list] = {}
        for ind in d.indicadores:
            bloques.setdefault(ind.viceministerio_sigla or "", []).append(ind)
        tablas = []
        for sigla, inds in bloques.items():
            titulo = f"INDICADOR DE GESTIÓN DEL {sigla}" if sigla else "INDICADOR DE GESTIÓN"
            filas = [[_h("N°"), _h(titulo), _h("PROPONENTE"), _h("OBJETIVO ESTRATÉGICO SECTORIAL")]]
            proponentes, objetivos = [], []
            for ind in inds:
                oes = (
                    f"N° {ind.objetivo_numero}: {ind.objetivo_texto}"
                    if ind.objetivo_numero is not None
                    else "—"
                )
                filas.append([_c(ind.numero), _p(ind.nombre), _p(ind.proponente), _p(oes)])
                proponentes.append(ind.proponente)
                objetivos.append(ind.objetivo_numero)
            tabla = Table(filas, colWidths=[0.9 * cm, 5.4 * cm, 4 * cm, 6.3 * cm], repeatRows=1)
            tabla.setStyle(
                estilo_tabla(
                    extra=_spans_iguales(proponentes, 2, 1) + _spans_iguales(objetivos, 3, 1)
                )
            )
            tablas.append(tabla)
        if not tablas:
            tablas.append(Parrafo("No hay indicadores registrados.", ESTILOS["cuerpo"]))
        self._cuadro_varias_tablas(tablas)

        numero = r.siguiente_cuadro()
        r.parrafo(
            f"Asimismo, podemos visualizar en el Cuadro N° {numero} el alineamiento "
            f"{de_los(len(d.indicadores), 'IdG', 'IdG')} con las funciones transferidas a los "
            "gobiernos regionales, y a los servicios públicos sectoriales."
        )
        filas = [
            [_h("N°"), _h("INDICADOR DE GESTIÓN"), _h("ALINEAMIENTO (según Ficha Técnica)"), ""],
            ["", "", _h("Función según art. 48 LOGR (27867)"), _h("Servicio Público")],
        ]
        for ind in d.indicadores:
            funcion = (
                f"{ind.funcion_letra}) {ind.funcion_texto}" if ind.funcion_letra else "No aplica."
            )
            filas.append(
                [
                    _c(ind.numero),
                    _p(ind.nombre),
                    _p(funcion),
                    _p(ind.servicio or "No aplica."),
                ]
            )
        tabla = Table(filas, colWidths=[0.9 * cm, 5 * cm, 7.2 * cm, 3.5 * cm], repeatRows=2)
        tabla.setStyle(
            estilo_tabla(
                cabeceras=2,
                extra=[
                    ("SPAN", (0, 0), (0, 1)),
                    ("SPAN", (1, 0), (1, 1)),
                    ("SPAN", (2, 0), (3, 0)),
                ],
            )
        )
        r.cuadro(
            [
                f"Indicadores de Gestión {texto(d.convenio_periodo or d.anio)}",
                "alineados por función y servicio público",
            ],
            tabla,
            FUENTE_ODES,
        )
        self.bloque("servicios_cierre")

    def _cuadro_varias_tablas(self, tablas: list) -> None:
        """Cuadro Nº 02: one table per vice-ministry, under one caption and source line; each
        table may go on on the next page (`Bloque`), the caption with the first one's rows."""
        r, d = self.r, self.d
        r.cuadros += 1
        cabeza = [
            Parrafo(f"CUADRO Nº {r.cuadros:02d}", ESTILOS["leyenda"]),
            Parrafo(f"Indicadores de Gestión {d.anio}", ESTILOS["leyenda"]),
            Parrafo("alineados a los objetivos estratégicos sectoriales", ESTILOS["leyenda"]),
            Spacer(1, 5),
        ]
        pie = Parrafo(f"Fuente: {FUENTE_ODES}", ESTILOS["fuente"])
        for i, tabla in enumerate(tablas):
            ultima = i == len(tablas) - 1
            arriba = cabeza if i == 0 else [Spacer(1, 6)]
            if isinstance(tabla, Table):
                r.story.append(Bloque(arriba, tabla, [pie] if ultima else []))
            else:
                r.story.append(KeepTogether([*arriba, tabla, *([pie] if ultima else [])]))

    def cumplimiento(self) -> None:
        r, d = self.r, self.d
        r.titulo(
            f"VII. Nivel de cumplimiento al {d.semestre_romano} semestre {d.anio}, según G/DRTPE."
        )
        self.bloque("contexto_vii")
        if d.escala:
            self._cumplimiento_por_grupo()
            return
        n_idg = len(d.indicadores)
        desempeno = r.nota(r.marcado(self.narrativa("nota_desempeno")))
        promedio = r.nota(
            "Se obtiene al dividir la sumatoria de los resultados "
            f"{de_los(n_idg, 'Indicador de Gestión', 'Indicadores de Gestión')} entre el número "
            "de sumandos."
        )
        r.parrafo(
            f"En el siguiente cuadro se puede visualizar el desempeño{desempeno} "
            f"promedio{promedio} de metas programadas y ejecutadas en el "
            f"{texto(self.periodo)}, {de_los(d.n_evaluadas, 'G/DRTPE', 'G/DRTPE', femenino=True)}, "
            "materia del presente informe."
        )
        filas = [
            [
                _h("Nº"),
                _h("Gobierno Regional"),
                _h(f"{d.semestre_romano} Semestre"),
                "",
                _h("Número de sumandos"),
            ],
            ["", "", _h("Programación Promedio"), _h("Ejecución Promedio"), ""],
        ]
        for res in d.resultados_regiones:
            filas.append(
                [
                    _c(res.numero),
                    _p(res.region),
                    _c(pct(res.programado_pct)),
                    _c(pct(res.ejecutado_pct)),
                    _c(res.n),
                ]
            )
        if not d.resultados_regiones:
            filas.append([_c("—"), _p("Sin reportes aprobados."), _c("—"), _c("—"), _c("—")])
        tabla = Table(
            filas, colWidths=[1.2 * cm, 5 * cm, 3.1 * cm, 3.1 * cm, 2.6 * cm], repeatRows=2
        )
        tabla.setStyle(
            estilo_tabla(
                cabeceras=2,
                extra=[
                    ("SPAN", (0, 0), (0, 1)),
                    ("SPAN", (1, 0), (1, 1)),
                    ("SPAN", (2, 0), (3, 0)),
                    ("SPAN", (4, 0), (4, 1)),
                ],
            )
        )
        r.cuadro(
            [
                f"DESEMPEÑO PROMEDIO DE METAS {d.semestre_romano} SEMESTRE",
                f"POR G/DRTPE – IdG {d.anio}",
            ],
            tabla,
            "Información elaborada por la Oficina de Descentralización",
        )
        self.reprogramaciones()
        if not d.resultados_regiones:
            return
        # The charts follow on the same page (a page break here left half of it empty); the
        # sentence that introduces them is kept with the first one.
        introduccion = [
            Parrafo(
                "Los resultados obtenidos en este periodo por cada una de las G/DRTPE se muestran "
                "a continuación en forma gráfica:",
                ESTILOS["cuerpo"],
            )
        ]
        for i, res in enumerate(d.resultados_regiones):
            figura = graficos.figura(
                definicion.grafico_region(d, res.region, res.organo_sigla, res),
                ancho=ANCHO_REGION,
            )
            self._avance(f"Gráfico de la {res.organo}")
            r.grafico(
                [texto(res.organo), f"Resultados {texto(self.periodo)}"],
                figura,
                f"Elaboración propia en base al reporte presentado por la "
                f"{texto(res.organo_sigla)}.",
                antes=introduccion if i == 0 else (),
            )

    def _cumplimiento_por_grupo(self) -> None:
        """With many entities: their distribution, roll-ups by level and region, the ten
        best and worst, instead of one row and one chart each (each keeps its ficha)."""
        r, d, e = self.r, self.d, self.d.escala
        promedio = r.nota(
            "Desempeño promedio de una entidad: la sumatoria de los resultados de sus IdG entre "
            "el número de sumandos. De un grupo: la media de los desempeños promedio de sus "
            "entidades, cada una cuenta una vez."
        )
        r.parrafo(
            f"Con {numero_con_cifra(d.n_evaluadas, femenino=True)} entidades evaluadas en el "
            f"{texto(self.periodo)}, su desempeño promedio{promedio} de metas programadas y "
            "ejecutadas se presenta por nivel de gobierno, por región y en su distribución, con "
            f"las {RANKING_TEXTO} de mayor y menor ejecución promedio. Cada entidad cuenta con "
            "su ficha, y el libro Excel del informe trae el cuadro completo."
        )
        _cuadro_agregados(
            r,
            [f"DESEMPEÑO PROMEDIO DE METAS {d.semestre_romano} SEMESTRE", "POR NIVEL DE GOBIERNO"],
            "Nivel de gobierno",
            e.por_nivel,
            FUENTE_GDRTPE,
        )
        _cuadro_agregados(
            r,
            [
                f"DESEMPEÑO PROMEDIO DE METAS {d.semestre_romano} SEMESTRE",
                "POR REGIÓN, CON SUS MUNICIPALIDADES",
            ],
            "Región",
            e.por_region,
            FUENTE_GDRTPE,
        )
        self.reprogramaciones()
        figura = graficos.figura(definicion.grafico_distribucion(d), ancho=ANCHO_IDG)
        self._avance("Gráfico de la distribución de la ejecución promedio")
        r.grafico(
            ["Entidades según su ejecución promedio", f"Resultados {texto(self.periodo)}"],
            figura,
            FUENTE_GDRTPE,
        )
        _cuadro_ranking(
            r, [f"LAS {len(e.mejores)} ENTIDADES CON MAYOR EJECUCIÓN PROMEDIO"], e.mejores
        )
        _cuadro_ranking(
            r, [f"LAS {len(e.peores)} ENTIDADES CON MENOR EJECUCIÓN PROMEDIO"], e.peores
        )

    def avances_idg(self) -> None:
        r, d = self.r, self.d
        # Like every other section, VIII starts where the previous one ends when its heading
        # and first lines fit (a page break left the last region chart alone on its page).
        r.story.append(CondPageBreak(6 * cm))
        r.titulo(
            f"VIII. Avances en el cumplimiento de los Indicadores de Gestión {d.anio} – "
            f"{self.periodo}. Conclusiones y Recomendaciones de las DDGG del MTPE"
        )
        self.bloque("metodo_viii")
        for res in d.resultados_idg:
            r.story.append(CondPageBreak(9 * cm))
            r.titulo(f"Indicador de Gestión N° {res.numero}.-", nivel=1, estilo="h2")
            nombre = res.nombre.strip().rstrip(".").strip()
            r.parrafo(f"“{texto(nombre)}”", "cita")
            r.parrafo(texto(res.frase_veredicto))
            figura = graficos.figura(definicion.grafico_idg(d, res), ancho=ANCHO_IDG)
            self._avance(f"Gráfico del IdG {res.numero}")
            detalle = Parrafo(
                f"Programación promedio: {pct(res.programado_pct)} · Ejecución promedio: "
                f"{pct(res.ejecutado_pct)} · G/DRTPE con valor (sumandos): {res.n}",
                ESTILOS["dato"],
            )
            r.grafico([], figura, f"{FUENTE_GDRTPE}.", despues=[detalle])
            self._evaluacion(res)

    def _evaluacion(self, res) -> None:
        r = self.r
        ev = res.evaluacion
        if ev is None:
            r.parrafo(
                "A la fecha de elaboración del presente informe no se cuenta con la evaluación "
                f"(Anexo 5) aprobada de la dependencia proponente, {texto(res.proponente)}, "
                "respecto de este indicador."
            )
            return
        unidad = texto(ev.unidad)
        if ev.direccion_general:
            unidad += f" de la {texto(ev.direccion_general)}"
        verbo = "concluye y recomienda" if ev.conclusiones and ev.recomendaciones else "señala"
        r.parrafo(f"La {unidad}, en su calidad de proponente del IdG, {verbo} lo siguiente:")
        for items, singular, plural in (
            (ev.conclusiones, "Conclusión:", "Conclusiones:"),
            (ev.recomendaciones, "Recomendación:", "Recomendaciones:"),
        ):
            if not items:
                continue
            r.parrafo(singular if len(items) == 1 else plural, "etiqueta")
            for item in items:
                r.vineta(r.marcado(item.texto))

    def comparacion(self) -> None:
        r, d = self.r, self.d
        if d.semestre == 1:
            return
        r.story.append(CondPageBreak(6 * cm))
        r.titulo(f"IX. Comparación Semestral {d.anio} Por Cada G/DRTPE")
        comp = d.comparacion
        if comp is None:
            r.parrafo(
                f"No se cuenta con reportes aprobados del I Semestre {d.anio} de las G/DRTPE "
                "evaluadas, por lo que no es posible la comparación semestral."
            )
            return
        if d.escala:
            r.parrafo(
                "En el cuadro siguiente se compara, por región (con sus municipalidades), el "
                "desempeño promedio de las entidades evaluadas en ambos semestres del año "
                f"fiscal {d.anio}; la comparación de cada entidad está en su ficha."
            )
        else:
            r.parrafo(
                "En los siguientes gráficos se visualiza el nivel de avance "
                f"{de_los(len(d.indicadores), 'indicador de gestión', 'indicadores de gestión')} "
                f"implementados en el año fiscal {d.anio} comparados con la meta programada, por "
                f"cada una {de_los(d.n_evaluadas, 'G/DRTPE', 'G/DRTPE', femenino=True)} "
                f"{texto(presentaron(d))}."
            )
        self.bloque("contexto_ix")
        ant, act = comp.semestre_anterior_romano, d.semestre_romano
        if d.escala:
            self._comparacion_por_region(ant, act)
            return
        marca = r.nota(
            "Se obtiene al dividir la sumatoria de los resultados "
            f"{de_los(len(d.indicadores), 'IdG', 'IdG')} entre el número de sumandos"
        )
        r.cuadro(
            [f"{ant} Semestre vs {act} Semestre", f"Porcentaje Promedio{marca}"],
            _tabla_comparacion(
                "Gobierno Regional",
                ant,
                act,
                [(f.region, f.anterior, f.actual) for f in comp.filas],
            ),
            FUENTE_GDRTPE,
        )
        # The comparison charts follow on the same page (no page break: see cumplimiento).
        for fila in comp.filas:
            figura = graficos.figura(
                definicion.grafico_comparacion(d, fila.region, fila.organo_sigla),
                ancho=ANCHO_REGION,
            )
            self._avance(f"Gráfico comparativo de la {fila.actual.organo}")
            r.grafico(
                [texto(fila.actual.organo), f"{ant} Semestre vs {act} Semestre"],
                figura,
                FUENTE_GDRTPE,
            )

    def _comparacion_por_region(self, ant: str, act: str) -> None:
        """With many entities: each region's roll-up (with its municipalities) in both
        semesters, instead of one row and one chart per entity."""
        self.r.cuadro(
            [
                f"{ant} Semestre vs {act} Semestre",
                "Porcentaje promedio por región, con sus municipalidades",
            ],
            _tabla_comparacion(
                "Región",
                ant,
                act,
                [(g.nombre, g.anterior, g.actual) for g in self.d.escala.comparacion_por_region],
            ),
            FUENTE_GDRTPE,
        )

    def planes(self) -> None:
        """Annex of the continuous-improvement plans in force, when there are any."""
        r, d = self.r, self.d
        if not d.planes:
            return
        r.story.append(PageBreak())  # an annex starts on its own page, like the matrix's
        r.titulo("ANEXO: PLANES DE MEJORA CONTINUA VIGENTES")
        r.parrafo(
            "Planes de Acciones de Mejora Continua aprobados, con el seguimiento de sus acciones "
            "y la ejecución de sus acciones de asistencia técnica y capacitación en el programa "
            "de desarrollo de capacidades."
        )
        planes_vigentes(r, d.planes)

    def matriz(self) -> None:
        self.r.story += [NextPageTemplate("apaisado"), PageBreak()]
        anexo_matriz(self.r, self.d)


def planes_vigentes(r: Redactor, planes) -> None:
    """Each plan in force: its scope, service and follow-up, then its training actions' runs
    (the report's annex and the region's ficha print them alike)."""
    for plan in planes:
        anio = f", acciones de {plan.anio}" if plan.anio else ""
        seguimiento = "; ".join(f"{texto(e)}: {n}" for e, n in plan.estados) or "sin acciones"
        r.parrafo(
            f"<b>{texto(plan.titulo)}</b> ({texto(plan.ambito)}{anio}). Servicio: "
            f"{texto(plan.servicio)}. Seguimiento de sus acciones: {seguimiento}."
        )
        for accion in plan.acciones:
            r.vineta(
                f"<b>{texto(accion.accion)}</b> — {texto(accion.estado)}: "
                + "; ".join(texto(c) for c in accion.corridas)
            )
