"""A G/DRTPE's ficha: this semester's results, history, Anexo 5 items and recommendations."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Table

from app.comun.calculos import redondear
from app.convenios.queries.tendencias import Tendencia
from app.informes.graficos import definicion
from app.informes.graficos import tendencias as grafico_tendencia
from app.informes.informe import DatosFicha
from app.informes.pdf import graficos
from app.informes.pdf.base import ESTILOS, Celda, Redactor, meta_texto, pct, texto
from app.informes.pdf.situacional import ANCHO_REGION, estilo_tabla, planes_vigentes

ESTADOS = {
    "no_aplica": "No aplica",
    "sin_meta": "Sin meta en el semestre",
    "no_remitido": "Meta no remitida",
}


def _p(valor, estilo: str = "celda") -> Celda:
    return Celda(texto(valor), ESTILOS[estilo])


def _situacion(valor) -> str:
    if valor.cumple is None:
        return ESTADOS.get(valor.estado, "Sin valor")
    return "Cumplió la meta" if valor.cumple else "No cumplió la meta"


def story_ficha(datos: DatosFicha) -> list:
    r = Redactor()
    r.parrafo("FICHA DE RESULTADOS DEL CONVENIO DE GESTIÓN", "titulo")
    r.parrafo(f"{texto(datos.organo)} – {texto(datos.periodo_nombre)}", "titulo")
    res = datos.resultado
    r.titulo(f"Resultados del {datos.periodo_nombre}")
    if res is None:
        r.parrafo(
            f"La {texto(datos.organo)} no cuenta con Anexo 4 aprobado del "
            f"{texto(datos.periodo_nombre)}."
        )
    else:
        r.parrafo(
            f"Desempeño promedio del semestre: programación <b>{pct(res.programado_pct)}</b> y "
            f"ejecución <b>{pct(res.ejecutado_pct)}</b>, sobre {res.n} indicadores con valor "
            "(número de sumandos). Se obtiene al dividir la sumatoria de los resultados de los "
            "indicadores con valor entre el número de sumandos."
        )
        nombres = {i.numero: i.nombre for i in datos.indicadores}
        filas = [
            [
                _p("N°", "cabecera"),
                _p("Indicador de gestión", "cabecera"),
                _p("Programación", "cabecera"),
                _p("Ejecución", "cabecera"),
                _p("Situación", "cabecera"),
            ]
        ]
        for v in res.valores:
            filas.append(
                [
                    _p(v.idg, "celda_centro"),
                    _p(nombres.get(v.idg, f"IdG {v.idg}")),
                    _p(pct(redondear(v.programado)), "celda_centro"),
                    _p(pct(redondear(v.ejecutado)), "celda_centro"),
                    _p(_situacion(v), "celda_centro"),
                ]
            )
        filas.append(
            [
                "",
                _p("Promedio", "cabecera"),
                _p(pct(res.programado_pct), "cabecera"),
                _p(pct(res.ejecutado_pct), "cabecera"),
                _p(f"{res.n} sumandos", "cabecera"),
            ]
        )
        tabla = Table(
            filas, colWidths=[0.9 * cm, 7.8 * cm, 2.55 * cm, 2.3 * cm, 3.1 * cm], repeatRows=1
        )
        tabla.setStyle(estilo_tabla())
        r.cuadro(
            [f"Programación y ejecución por indicador – {texto(datos.periodo_nombre)}"],
            tabla,
            f"Anexo 4 aprobado de la {texto(datos.organo_sigla)}.",
        )
        figura = graficos.figura(
            definicion.grafico_region(datos, datos.region, datos.organo_sigla, res),
            ancho=ANCHO_REGION,
        )
        r.grafico(
            [texto(datos.organo), f"Resultados {texto(datos.periodo_nombre)}"],
            figura,
            f"Elaboración propia en base al reporte presentado por la {texto(datos.organo_sigla)}.",
        )

    r.titulo("Evolución del desempeño promedio")
    if datos.historial:
        filas = [
            [
                _p("Semestre", "cabecera"),
                _p("Programación promedio", "cabecera"),
                _p("Ejecución promedio", "cabecera"),
                _p("Número de sumandos", "cabecera"),
            ]
        ]
        for punto in datos.historial:
            filas.append(
                [
                    _p(punto.periodo_nombre),
                    _p(pct(punto.programado_pct), "celda_centro"),
                    _p(pct(punto.ejecutado_pct), "celda_centro"),
                    _p(punto.n, "celda_centro"),
                ]
            )
        tabla = Table(filas, colWidths=[4.5 * cm, 3.5 * cm, 3.5 * cm, 3.2 * cm], repeatRows=1)
        tabla.setStyle(estilo_tabla())
        r.cuadro(
            ["Desempeño promedio por semestre"],
            tabla,
            "Anexos 4 aprobados de la G/DRTPE.",
        )
    else:
        r.parrafo("No hay semestres con Anexo 4 aprobado.")

    _seccion_tendencia(r, datos, datos.tendencia)

    r.titulo(f"Conclusiones y recomendaciones del Anexo 5 que nombran a {datos.region}")
    if datos.items_anexo5:
        for item in datos.items_anexo5:
            r.vineta(f"<b>IdG {item.idg} – {texto(item.tipo)}:</b> {r.marcado(item.texto)}")
    else:
        r.parrafo("Ninguna evaluación aprobada del semestre nombra a esta región.")

    if datos.metas_reprogramadas:
        r.titulo("Metas reprogramadas")
        for m in datos.metas_reprogramadas:
            adenda = f" ({texto(m.adenda)})" if m.adenda else ""
            r.parrafo(
                f"IdG {m.idg}, meta {m.alcance}: original {texto(meta_texto(m.original))}, vigente "
                f"<b>{texto(meta_texto(m.vigente))}</b>. Motivo: {texto(m.motivo)}{adenda}."
            )

    r.titulo("Recomendaciones dirigidas a la G/DRTPE")
    if datos.recomendaciones_pendientes:
        for item in datos.recomendaciones_pendientes:
            responsable = f" (Responsable: {texto(item.responsable)})" if item.responsable else ""
            r.vineta(
                f"<b>{texto(item.periodo_nombre)} · IdG {item.idg}:</b> "
                f"{r.marcado(item.texto)}{responsable}"
            )
    else:
        r.parrafo("No hay recomendaciones aprobadas dirigidas a esta G/DRTPE.")

    r.titulo("Planes de mejora continua vigentes")
    planes_vigentes(r, datos.planes)
    if not datos.planes:
        r.parrafo("No hay planes de mejora continua aprobados para esta G/DRTPE.")
    return r.story


# --------------------------------------------------------------------------- Tendencia

#: Semesters the trend table shows at most (the latest up to the ficha's): the page's width.
SEMESTRES_FICHA = 6
#: What a trend cell prints when the region has no figure that semester.
SIN_DATO = "—"


def _marca(valor) -> str:
    """A cell's executed % with its compliance sign ("38% ✗")."""
    signo = "" if valor.cumplio is None else (" ✓" if valor.cumplio else " ✗")
    return f"{pct(redondear(valor.ejecutado))}{signo}"


def _celdas_tendencia(valor, fuera: bool) -> list:
    if fuera:
        return [_p(""), _p("")]
    if valor is None or not valor.con_valor:
        return [_p(SIN_DATO, "celda_centro"), _p(SIN_DATO, "celda_centro")]
    return [_p(pct(redondear(valor.programado)), "celda_centro"), _p(_marca(valor), "celda_centro")]


def _seccion_tendencia(r: Redactor, datos: DatosFicha, t: Tendencia | None) -> None:
    """The region's IdG × semesters (programmed, executed, ✓/✗), the cycles over their
    semesters, and its desempeño promedio as a line chart: the web's /anexo4/tendencias."""
    r.titulo("Tendencia")
    if t is None or not t.hay_datos:
        r.parrafo("No hay semestres con Anexo 4 aprobado para mostrar la tendencia de la región.")
        return
    semestres = list(t.semestres[-SEMESTRES_FICHA:])
    desde = len(t.semestres) - len(semestres)
    ciclos = {s.ciclo for s in semestres}
    recorte = (
        f" Se muestran los últimos {len(semestres)} semestres; la tabla completa está en la "
        "página Tendencias del sistema."
        if desde
        else ""
    )
    r.parrafo(
        "Programación y ejecución de cada indicador en cada semestre, con los Anexos 4 "
        "aprobados: ✓ cumplió la meta (ejecutado ≥ programado), ✗ no la cumplió, "
        f"{SIN_DATO} sin dato en el semestre; en blanco, el indicador no es de ese ciclo." + recorte
    )
    grupos: list[tuple[str, int]] = []
    for s in semestres:
        if grupos and grupos[-1][0] == s.ciclo.etiqueta:
            grupos[-1] = (grupos[-1][0], grupos[-1][1] + 1)
        else:
            grupos.append((s.ciclo.etiqueta, 1))
    fila_ciclos, fila_semestres, fila_columnas = [_p("IdG", "cabecera")], [""], [""]
    estilo = [("SPAN", (0, 0), (0, 2))]
    columna = 1
    for etiqueta, cuantos in grupos:
        fila_ciclos += [_p(etiqueta, "cabecera")] + [""] * (2 * cuantos - 1)
        estilo.append(("SPAN", (columna, 0), (columna + 2 * cuantos - 1, 0)))
        columna += 2 * cuantos
    for k, s in enumerate(semestres):
        fila_semestres += [_p(s.nombre, "cabecera"), ""]
        fila_columnas += [_p("Prog.", "cabecera"), _p("Ejec.", "cabecera")]
        estilo.append(("SPAN", (1 + 2 * k, 1), (2 + 2 * k, 1)))
    filas = [fila_ciclos, fila_semestres, fila_columnas]
    for fila in t.filas:
        if fila.ciclo not in ciclos:
            continue
        valores = fila.valores[desde:]
        celdas = [_p(fila.etiqueta, "celda_centro")]
        for s, valor in zip(semestres, valores, strict=True):
            celdas += _celdas_tendencia(valor, fila.ciclo != s.ciclo)
        filas.append(celdas)
    if t.resumen:
        promedio = [_p("Prom.", "cabecera")]
        for valor in t.resumen[0].valores[desde:]:
            if valor is None:
                promedio += [_p(SIN_DATO, "cabecera"), _p(SIN_DATO, "cabecera")]
            else:
                promedio += [
                    _p(pct(valor.programado_pct), "cabecera"),
                    _p(
                        pct(valor.ejecutado_pct)
                        + ("" if valor.cumplio is None else (" ✓" if valor.cumplio else " ✗")),
                        "cabecera",
                    ),
                ]
        filas.append(promedio)
    ancho = (16.4 * cm - 1.4 * cm) / (2 * len(semestres))
    tabla = Table(filas, colWidths=[1.4 * cm] + [ancho] * (2 * len(semestres)), repeatRows=3)
    tabla.setStyle(estilo_tabla(cabeceras=3, extra=estilo))
    r.cuadro(
        [f"Tendencia por indicador y semestre – {texto(datos.organo)}"],
        tabla,
        f"Anexos 4 aprobados de la {texto(datos.organo_sigla)}.",
    )
    if t.hay_grafico:
        dibujo = grafico_tendencia.dibujar(grafico_tendencia.definir(t))
        r.grafico(
            [texto(datos.organo), "Tendencia del desempeño promedio por semestre"],
            graficos.Figura(dibujo, ANCHO_REGION),
            f"Anexos 4 aprobados de la {texto(datos.organo_sigla)}.",
        )
