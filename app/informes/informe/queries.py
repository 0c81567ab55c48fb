"""Reads behind `datos_informe()` and `datos_ficha()`: who is evaluated, their cells,
indicators, Anexo 5 and the capacity-building programme; and the turning of the rows read into
the report's plain data (`datos`), so no ORM object leaves this module's callers."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.catalogo.models import (
    NIVELES,
    ConjuntoIndicadores,
    FuncionLOGR,
    FuncionTransferida,
    Indicador,
    Region,
    TipoRegion,
    TipoUnidad,
    UnidadMTPE,
)
from app.comun import calculos
from app.comun.flujo import EstadoReporte
from app.comun.i18n import traducir
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.queries import metas as metas_queries
from app.convenios.queries import periodos as periodos_queries
from app.extensions import db
from app.informes.informe.datos import (
    ENTIDADES_CON_GRAFICO,
    RANKING,
    ActividadMatriz,
    Agregado,
    Comparacion,
    ComparacionGrupo,
    Escala,
    EvaluacionInforme,
    FilaMatriz,
    Grupo,
    IndicadorInforme,
    ItemInforme,
    MetaReprogramada,
    RecomendacionMatriz,
    ResultadoRegion,
    Tramo,
    ValorIdG,
)
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.queries import programacion
from app.mejora_continua.queries.programacion import cronograma

# --------------------------------------------------------------------------- helpers


def frase_veredicto(codigo: str | None, periodo: str) -> str:
    """The verdict sentence of section VIII from calculos.veredicto's code.

    ``periodo`` is written in lower case inside the sentence, e.g. "II semestre 2020".
    """
    frases = {
        "mayor": f"En el {periodo}, en promedio la ejecución es mayor que la programación.",
        "ligeramente_mayor": (
            f"En el {periodo}, el nivel de ejecución promedio es ligeramente mayor que la meta "
            "promedio programada."
        ),
        "igual": (f"En el {periodo}, la ejecución promedio es igual a la programación promedio."),
        "ligeramente_menor": (
            f"En el {periodo}, el nivel de ejecución promedio es ligeramente menor que la meta "
            "promedio programada."
        ),
        "menor": (f"En el {periodo}, en promedio la ejecución no ha superado la meta programada."),
    }
    if codigo is None:
        return (
            f"En el {periodo}, ninguna G/DRTPE reportó valores para este IdG, por lo que no se "
            "calcula un promedio."
        )
    return frases[codigo]


def periodo_en_texto(periodo_nombre: str) -> str:
    """ "II Semestre 2020" → "II semestre 2020" (as written inside sentences)."""
    return periodo_nombre.replace("Semestre", "semestre")


def resolver_periodo(periodo: Periodo | str) -> Periodo:
    """The semester itself, or the one of a code such as "2020-2" (ValueError if none)."""
    if isinstance(periodo, Periodo):
        return periodo
    encontrado = None
    if isinstance(periodo, str) and "-" in periodo:
        encontrado = periodos_queries.periodo_exacto(periodo)
    if encontrado is None:
        raise ValueError(f"No existe el semestre «{periodo}».")
    return encontrado


def periodo_anterior(periodo: Periodo) -> Periodo | None:
    """The previous semester of the same year (I for a II semester), if it exists."""
    if periodo.semestre != 2:
        return None
    return db.session.scalar(sa.select(Periodo).filter_by(anio=periodo.anio, semestre=1))


def regiones_con_reporte(periodo: Periodo, incluir_no_aprobados: bool) -> list[str]:
    """Names of the regions whose Anexo 4 of the semester enters the report, in report order."""
    consulta = (
        sa.select(Region.nombre)
        .select_from(Reporte)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Region, Convenio.region_id == Region.id)
        .where(Reporte.periodo_id == periodo.id)
        .order_by(Region.orden, Region.nombre)
    )
    if not incluir_no_aprobados:
        consulta = consulta.where(Reporte.estado == EstadoReporte.aprobado)
    return list(dict.fromkeys(db.session.scalars(consulta)))


def letras_transferidas() -> dict[int, str]:
    """Letters of the art. 48 functions transferred to each region (by region id), sorted:
    one query, instead of loading every region's transfers and aliases as objects."""
    letras: dict[int, list[str]] = {}
    for region_id, letra in db.session.execute(
        sa.select(FuncionTransferida.region_id, FuncionLOGR.letra).join(
            FuncionLOGR, FuncionTransferida.funcion_id == FuncionLOGR.id
        )
    ):
        letras.setdefault(region_id, []).append(letra)
    return {region_id: "".join(sorted(lista)) for region_id, lista in letras.items()}


def sigla(region: Region | None) -> str:
    """The region's directorate acronym, "G/DRTPE" when it has none."""
    return (region.organo_sigla if region is not None else None) or "G/DRTPE"


def metas_reprogramadas(
    convenios: list[Convenio], periodo: Periodo, evaluadas: list[str]
) -> tuple[MetaReprogramada, ...]:
    """The evaluated regions' goals of the semester (and year) changed by an approved
    reprogramming: original and in force, with the reason and adenda of the last change."""
    por_id = {c.id: c for c in convenios if c.region.nombre in evaluadas}
    filas = []
    for meta in metas_queries.reprogramadas(por_id, periodo.anio, periodo.semestre):
        ultima = metas_queries.ultima_reprogramacion(meta.id)
        adenda = ""
        if ultima is not None and ultima.adenda is not None:
            adenda = f"Adenda Nº {ultima.adenda.numero} ({ultima.adenda.fecha:%d.%m.%Y})"
        filas.append(
            MetaReprogramada(
                region=por_id[meta.convenio_id].region.nombre,
                idg=meta.indicador.numero,
                alcance="anual" if meta.semestre == 0 else "semestral",
                original=meta.valor_original,
                vigente=meta.valor,
                motivo=ultima.motivo if ultima else "",
                adenda=adenda,
            )
        )
    return tuple(sorted(filas, key=lambda f: (evaluadas.index(f.region), f.idg, f.alcance)))


def resultados_regiones(
    celdas: list[calculos.Celda], nombres: list[str], regiones: dict[str, Region]
) -> tuple[ResultadoRegion, ...]:
    """Each region's IdG values and average, numbered in the given order."""
    promedios = calculos.desempeno_por_region(celdas)
    por_region: dict[str, list[calculos.Celda]] = {}
    for celda in celdas:
        por_region.setdefault(celda.region, []).append(celda)
    resultado = []
    for numero, nombre in enumerate(nombres, start=1):
        prom = promedios.get(nombre, calculos.Promedio(None, None, 0))
        valores = tuple(
            ValorIdG(
                idg=c.idg,
                estado=c.estado,
                programado=c.programado,
                ejecutado=c.ejecutado,
                cumple=calculos.cumplio(c),
            )
            for c in sorted(por_region.get(nombre, []), key=lambda c: c.idg)
        )
        resultado.append(
            ResultadoRegion(
                numero=numero,
                region=nombre,
                organo_sigla=sigla(regiones.get(nombre)),
                valores=valores,
                programado=prom.programado,
                ejecutado=prom.ejecutado,
                n=prom.n,
            )
        )
    return tuple(resultado)


def _raiz(region: Region, por_id: dict[int, Region]) -> Region:
    """The top government a region rolls up to (a district's region, through its province)."""
    vistas = {region.id}
    while region.padre_id in por_id and region.padre_id not in vistas:
        region = por_id[region.padre_id]
        vistas.add(region.id)
    return region


def _agregado(nombre: str, grupo: list[ResultadoRegion]) -> Agregado:
    """A group's roll-up: the mean of its entities' averages (calculos.promedio_de_promedios)."""
    prom = calculos.promedio_de_promedios(
        calculos.Promedio(r.programado, r.ejecutado, r.n) for r in grupo
    )
    return Agregado(nombre, len(grupo), prom.programado, prom.ejecutado, prom.n)


def escala(
    resultados: tuple[ResultadoRegion, ...],
    regiones: dict[str, Region],
    *,
    con_convenio: list[str] = (),
    omitidas: list[str] = (),
    comparacion: Comparacion | None = None,
) -> Escala | None:
    """Distribution, best and worst, and roll-ups by region and by level of the evaluated
    entities (and of the convenios, the reports left out and the semester comparison); None
    when there are few enough for one chart each."""
    if len(resultados) <= ENTIDADES_CON_GRAFICO:
        return None
    por_id = {r.id: r for r in regiones.values()}
    raices: dict[str, Region] = {}

    def raiz(nombre: str) -> Region | None:
        if nombre not in raices and nombre in regiones:
            raices[nombre] = _raiz(regiones[nombre], por_id)
        return raices.get(nombre)

    def orden(nombres) -> list[str]:
        return sorted(nombres, key=lambda n: (regiones[n].orden, n))

    def por_region(nombres) -> dict[str, list[str]]:
        grupos: dict[str, list[str]] = {}
        for nombre in nombres:
            if (arriba := raiz(nombre)) is not None:
                grupos.setdefault(arriba.nombre, []).append(nombre)
        return {n: grupos[n] for n in orden(grupos)}

    def por_nivel(nombres) -> dict[str, list[str]]:
        grupos: dict[TipoRegion, list[str]] = {}
        for nombre in nombres:
            if nombre in regiones:
                grupos.setdefault(regiones[nombre].tipo, []).append(nombre)
        return {traducir(e): grupos[t] for t, e in NIVELES.items() if t in grupos}

    de = {r.region: r for r in resultados}
    cuentas = calculos.tramos(r.ejecutado_pct for r in resultados)
    cortes = calculos.CORTES_TRAMOS
    etiquetas = [f"{a}–{b - 1} %" for a, b in zip(cortes, cortes[1:], strict=False)]
    etiquetas += [f"{cortes[-1]} % o más", "Sin resultado"]
    con_valor = sorted(
        (r for r in resultados if r.ejecutado is not None),
        key=lambda r: (-r.ejecutado, r.region),
    )
    comparada = []
    if comparacion is not None:
        filas = {f.region: f for f in comparacion.filas}
        for nombre, grupo in por_region(filas).items():
            previas = [filas[n].anterior for n in grupo if filas[n].anterior is not None]
            comparada.append(
                ComparacionGrupo(
                    nombre,
                    _agregado(nombre, previas) if previas else None,
                    _agregado(nombre, [filas[n].actual for n in grupo]),
                )
            )
    return Escala(
        tramos=tuple(Tramo(e, c) for e, c in zip(etiquetas, cuentas, strict=True)),
        mejores=tuple(con_valor[:RANKING]),
        peores=tuple(reversed(con_valor[-RANKING:])),
        por_region=tuple(_agregado(n, [de[x] for x in g]) for n, g in por_region(de).items()),
        por_nivel=tuple(_agregado(n, [de[x] for x in g]) for n, g in por_nivel(de).items()),
        convenios_por_nivel=tuple(Grupo(n, len(g)) for n, g in por_nivel(con_convenio).items()),
        convenios_por_region=tuple(Grupo(n, len(g)) for n, g in por_region(con_convenio).items()),
        omitidas_por_nivel=tuple(Grupo(n, len(g)) for n, g in por_nivel(omitidas).items()),
        comparacion_por_region=tuple(comparada),
    )


def conjunto(convenios: list[Convenio]) -> ConjuntoIndicadores | None:
    """The indicator set the semester's convenios carry (the newest set if none says)."""
    ids = Counter(c.conjunto_id for c in convenios if c.conjunto_id is not None)
    if ids:
        return db.session.get(ConjuntoIndicadores, ids.most_common(1)[0][0])
    return db.session.scalar(
        sa.select(ConjuntoIndicadores)
        .order_by(ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc())
        .limit(1)
    )


def direccion_general(unidad: UnidadMTPE) -> str | None:
    """Name of the general directorate a unit belongs to (None for one itself)."""
    padre = unidad.padre
    if unidad.tipo is TipoUnidad.direccion_general or padre is None:
        return None
    return padre.nombre if padre.tipo is TipoUnidad.direccion_general else None


def indicadores(conjunto: ConjuntoIndicadores | None) -> list[Indicador]:
    """The set's indicators in number order, with what the report prints of each."""
    if conjunto is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id == conjunto.id)
            # Many-to-one each: joined into the one query instead of one query apiece.
            .options(
                joinedload(Indicador.proponente).joinedload(UnidadMTPE.padre),
                joinedload(Indicador.viceministerio),
                joinedload(Indicador.objetivo),
                joinedload(Indicador.funcion),
                joinedload(Indicador.servicio),
            )
            .order_by(Indicador.numero)
        )
    )


def indicador_informe(ind: Indicador) -> IndicadorInforme:
    """An indicator as the report's plain data."""
    return IndicadorInforme(
        numero=ind.numero,
        nombre=ind.nombre,
        viceministerio_sigla=ind.viceministerio.sigla if ind.viceministerio else None,
        proponente=ind.proponente.nombre,
        proponente_sigla=ind.proponente.sigla,
        direccion_general=direccion_general(ind.proponente),
        objetivo_numero=ind.objetivo.numero if ind.objetivo else None,
        objetivo_texto=ind.objetivo.texto if ind.objetivo else None,
        funcion_letra=ind.funcion.letra if ind.funcion else None,
        funcion_texto=ind.funcion.texto if ind.funcion else None,
        servicio=ind.servicio.nombre if ind.servicio else None,
    )


def evaluaciones(periodo: Periodo, incluir_no_aprobados: bool) -> list:
    """The semester's Anexo 5 (approved only, unless previewing)."""
    consulta = (
        sa.select(Evaluacion)
        .where(Evaluacion.periodo_id == periodo.id)
        .options(
            selectinload(Evaluacion.items).selectinload(ItemEvaluacion.regiones),
            selectinload(Evaluacion.items).selectinload(ItemEvaluacion.responsables_mtpe),
        )
        .order_by(Evaluacion.id)
    )
    if not incluir_no_aprobados:
        consulta = consulta.where(Evaluacion.estado == EstadoReporte.aprobado)
    return list(db.session.scalars(consulta).unique())


def evaluaciones_aprobadas(periodo_ids: set[int]) -> list:
    """The approved Anexo 5 of these semesters with their items, oldest semester first."""
    return list(
        db.session.scalars(
            sa.select(Evaluacion)
            .join(Periodo, Evaluacion.periodo_id == Periodo.id)
            .where(
                Evaluacion.estado == EstadoReporte.aprobado,
                Evaluacion.periodo_id.in_(periodo_ids or {-1}),
            )
            .options(
                selectinload(Evaluacion.items).selectinload(ItemEvaluacion.regiones),
                selectinload(Evaluacion.items).selectinload(ItemEvaluacion.responsables_mtpe),
            )
            .order_by(Periodo.anio, Periodo.semestre, Evaluacion.id)
        ).unique()
    )


def item(item) -> ItemInforme:
    """An Anexo 5 item as the report's plain data."""
    return ItemInforme(
        texto=item.texto,
        regiones=tuple(r.nombre for r in item.regiones),
        responsable=item.responsable,
        clasificacion=item.clasificacion.value if item.clasificacion else None,
    )


def evaluacion_informe(ev) -> EvaluacionInforme:
    """An Anexo 5 as the report's plain data: its conclusions and recommendations."""
    items = sorted(ev.items, key=lambda i: (i.orden, i.id or 0))
    return EvaluacionInforme(
        unidad=ev.unidad.nombre,
        unidad_sigla=ev.unidad.sigla,
        direccion_general=direccion_general(ev.unidad),
        estado=ev.estado.value,
        veredicto=ev.veredicto or None,
        conclusiones=tuple(item(i) for i in items if i.tipo is TipoItem.conclusion),
        recomendaciones=tuple(item(i) for i in items if i.tipo is TipoItem.recomendacion),
    )


def actividades_matriz(periodo: Periodo) -> dict[int, tuple[str, tuple[ActividadMatriz, ...]]]:
    """Per IdG number: the lead sentence and the MTPE activities of the capacity-building
    programme the semester's recommendations feed (next year's for a II semester).

    Reads only the programme's activities with their runs (the report takes the Anexo 5
    recommendations from its own query).
    """
    anio = periodo.anio + 1 if periodo.semestre == 2 else periodo.anio
    programa = programacion.programa_por_anio(anio)
    if programa is None:
        return {}
    total = db.session.scalar(sa.select(sa.func.count(Region.id)))
    por_idg: dict[int, list] = {}
    for actividad in programacion.actividades_resumidas(programa):
        por_idg.setdefault(actividad.indicador_numero, []).append(actividad)
    resultado = {}
    for numero, lista in por_idg.items():
        filas = [
            programacion.ActividadMatriz(
                a, cronograma(a), programacion.detalle(a, total_regiones=total)
            )
            for a in lista
        ]
        # The matrix row's own wording of the lead sentence (it only reads the IdG number).
        fila = programacion.FilaMatriz(SimpleNamespace(numero=numero), [], filas)
        actividades = tuple(
            ActividadMatriz(
                nombre=f"{a.actividad.numero}. {a.actividad.nombre}",
                meses=tuple(sorted(a.meses)),
                detalle=a.detalle,
            )
            for a in filas
        )
        resultado[numero] = (fila.enunciado(programa), actividades)
    return resultado


def matriz(
    periodo: Periodo,
    indicadores: list[IndicadorInforme],
    evaluaciones: dict[int, EvaluacionInforme],
) -> tuple[FilaMatriz, ...]:
    """Rows of the recommendation implementation matrix, one per IdG."""
    actividades = actividades_matriz(periodo)
    filas = []
    for ind in indicadores:
        ev = evaluaciones.get(ind.numero)
        sector = (
            f"INDICADOR DE GESTIÓN DEL {ind.viceministerio_sigla}"
            if ind.viceministerio_sigla
            else "INDICADOR DE GESTIÓN"
        )
        recomendaciones = tuple(
            RecomendacionMatriz(texto=r.texto, responsable=r.responsable)
            for r in (ev.recomendaciones if ev else ())
        )
        enunciado, propias = actividades.get(ind.numero, ("", ()))
        filas.append(
            FilaMatriz(
                sector=sector,
                numero=ind.numero,
                denominacion=ind.nombre_sin_punto,
                proponente=ind.proponente,
                recomendaciones=recomendaciones,
                actividades=propias,
                nota_actividades=enunciado,
            )
        )
    return tuple(filas)
