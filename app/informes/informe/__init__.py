"""Everything the situational report (and a region's ficha) needs, as plain frozen data.

`datos_informe()` reads the database once, through the modules' queries and this package's
`queries`, and computes every figure with `app.comun.calculos`; the PDF, the web dashboard and
the Excel only format what it returns and never recompute. `huella()` hashes that data (and
`version_datos()` reads and hashes in one call), so a generated file can be cached and reused
for as long as nothing it shows has changed. The data types are in `datos`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections import Counter
from datetime import date
from decimal import Decimal

from app.auth.permisos import TOTAL, Alcance
from app.catalogo import queries as catalogo_queries
from app.catalogo.models import Region, TipoRegion
from app.comun import calculos
from app.comun import version_datos as version_de_los_datos
from app.convenios.models import Periodo, Semestre
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import convenios as convenios_queries
from app.convenios.queries import periodos as periodos_queries
from app.convenios.queries import tendencias as tendencias_queries
from app.informes.informe import queries as informe_queries
from app.informes.informe.datos import (  # noqa: F401  (re-exported: the public data types)
    VERSION_FORMATO,
    AccionPlanFicha,
    ActividadMatriz,
    Comparacion,
    DatosFicha,
    DatosInforme,
    Escala,
    EvaluacionInforme,
    FilaComparacion,
    FilaConvenio,
    FilaMatriz,
    Funcion,
    FuncionesRegion,
    IndicadorInforme,
    ItemFicha,
    ItemInforme,
    MetaReprogramada,
    PlanVigente,
    PuntoHistorial,
    RecomendacionMatriz,
    ResultadoIdG,
    ResultadoRegion,
    ValorIdG,
)
from app.informes.informe.queries import frase_veredicto, periodo_en_texto  # noqa: F401
from app.informes.narrativa import LEMA_POR_DEFECTO, narrativa_completa
from app.mejora_continua.models.evaluaciones import TipoItem
from app.mejora_continua.models.programacion import EstadoProgramacion
from app.mejora_continua.queries import planes as planes_queries

# --------------------------------------------------------------------------- public API


def datos_informe(
    periodo: Periodo | str,
    *,
    incluir_no_aprobados: bool = False,
    narrativa: dict[str, str] | None = None,
    lema: str | None = None,
    alcance: Alcance = TOTAL,
) -> DatosInforme:
    """Assemble the situational report of a semester from the database.

    Evaluated regions are those with an approved Anexo 4 (any Anexo 4 with
    ``incluir_no_aprobados``, for previews); omitted regions signed a convenio covering the
    semester but have none. ``narrativa`` overrides some of the default texts. ``alcance``
    keeps only the figures a reader may see (its region, or its unit's IdG): every average,
    chart and table is then computed from those alone.
    """
    periodo = informe_queries.resolver_periodo(periodo)
    convenios = anexo4_queries.convenios_esperados(periodo)
    generaciones = Counter((c.anio_inicio, c.anio_fin) for c in convenios)
    generacion = generaciones.most_common(1)[0][0] if generaciones else None
    if generacion is not None:
        convenios = [c for c in convenios if (c.anio_inicio, c.anio_fin) == generacion]
        cobertura = convenios_queries.cobertura(*generacion, al=periodo.fin)
        convenio_periodo = f"{generacion[0]}-{generacion[1]}"
        total_gores, suscritos = cobertura.total_gores, cobertura.suscritos
        pendientes = tuple(cobertura.pendientes)
    else:
        convenio_periodo, total_gores, suscritos, pendientes = "", 0, 0, ()
        total_gores = len(catalogo_queries.regiones(solo_gores=True))

    regiones = {r.nombre: r for r in catalogo_queries.regiones()}
    # Only the expected convenios' reports enter: a convenio signed after the semester ended
    # does not report on it.
    esperadas = {c.region.nombre for c in convenios}
    evaluadas = [
        n
        for n in informe_queries.regiones_con_reporte(periodo, incluir_no_aprobados)
        if n in esperadas
    ]
    completitud = anexo4_queries.completitud(periodo)
    omitidas = [c.region.nombre for c in convenios if c.region.nombre not in evaluadas]

    celdas = [
        c
        for c in anexo4_queries.celdas(
            periodo, solo_aprobados=not incluir_no_aprobados, alcance=alcance
        )
        if c.region in evaluadas
    ]
    # Who reported is known to all; the figures, only within the reader's scope.
    visibles = [n for n in evaluadas if n in regiones and alcance.incluye_region(regiones[n].id)]
    resultados_regiones = informe_queries.resultados_regiones(celdas, visibles, regiones)

    indicadores_orm = informe_queries.indicadores(informe_queries.conjunto(convenios))
    indicadores = [informe_queries.indicador_informe(i) for i in indicadores_orm]
    por_id = {i.id: i.numero for i in indicadores_orm}
    evaluaciones = {
        por_id[ev.indicador_id]: informe_queries.evaluacion_informe(ev)
        for ev in informe_queries.evaluaciones(periodo, incluir_no_aprobados)
        if ev.indicador_id in por_id and alcance.incluye_unidad(ev.unidad_id)
    }

    promedios_idg = calculos.promedios_por_idg(celdas)
    texto_periodo = periodo_en_texto(periodo.nombre)
    resultados_idg = []
    for ind in indicadores:
        prom = promedios_idg.get(ind.numero, calculos.Promedio(None, None, 0))
        codigo = calculos.veredicto(prom)
        resultados_idg.append(
            ResultadoIdG(
                numero=ind.numero,
                nombre=ind.nombre,
                proponente=ind.proponente,
                programado=prom.programado,
                ejecutado=prom.ejecutado,
                n=prom.n,
                veredicto=codigo,
                frase_veredicto=frase_veredicto(codigo, texto_periodo),
                evaluacion=evaluaciones.get(ind.numero),
            )
        )

    comparacion = None
    anterior = informe_queries.periodo_anterior(periodo)
    if anterior is not None and resultados_regiones:
        previas = [
            n
            for n in informe_queries.regiones_con_reporte(anterior, incluir_no_aprobados)
            if n in regiones and alcance.incluye_region(regiones[n].id)
        ]
        celdas_previas = [
            c
            for c in anexo4_queries.celdas(
                anterior, solo_aprobados=not incluir_no_aprobados, alcance=alcance
            )
            if c.region in previas
        ]
        if celdas_previas:
            por_nombre = {
                r.region: r
                for r in informe_queries.resultados_regiones(celdas_previas, previas, regiones)
            }
            comparacion = Comparacion(
                periodo_anterior=anterior.nombre,
                periodo_actual=periodo.nombre,
                semestre_anterior_romano=Semestre(anterior.semestre).romano,
                filas=tuple(
                    FilaComparacion(
                        region=r.region,
                        organo_sigla=r.organo_sigla,
                        anterior=por_nombre.get(r.region),
                        actual=r,
                    )
                    for r in resultados_regiones
                ),
            )

    funciones = tuple(Funcion(f.letra, f.texto) for f in catalogo_queries.funciones())
    letras = informe_queries.letras_transferidas()
    funciones_por_region = tuple(
        FuncionesRegion(
            region=r.nombre, cantidad=len(letras.get(r.id, "")), letras=letras.get(r.id, "")
        )
        for r in regiones.values()
        # Art. 48 LOGR transfers functions to regional governments (and Lima Metropolitana),
        # never to a province or a district.
        if r.tipo in (TipoRegion.gobierno_regional, TipoRegion.municipalidad_metropolitana)
    )

    return DatosInforme(
        anio=periodo.anio,
        semestre=periodo.semestre,
        periodo_codigo=periodo.codigo,
        periodo_nombre=periodo.nombre,
        convenio_periodo=convenio_periodo,
        lema=lema or LEMA_POR_DEFECTO,
        incluir_no_aprobados=incluir_no_aprobados,
        narrativa=narrativa_completa(narrativa),
        regiones_evaluadas=tuple(evaluadas),
        regiones_omitidas=tuple(omitidas),
        convenios=tuple(
            FilaConvenio(numero=i, region=c.region.nombre, fecha_suscripcion=c.fecha_suscripcion)
            for i, c in enumerate(convenios, start=1)
        ),
        total_gores=total_gores,
        convenios_suscritos=suscritos,
        regiones_pendientes=pendientes,
        funciones=funciones,
        funciones_por_region=funciones_por_region,
        indicadores=tuple(indicadores),
        resultados_regiones=resultados_regiones,
        resultados_idg=tuple(resultados_idg),
        comparacion=comparacion,
        matriz=informe_queries.matriz(periodo, indicadores, evaluaciones),
        fecha_limite=periodo.fecha_limite_anexo4,
        tardias=tuple((r, d) for r, d in completitud.tardios if r in evaluadas),
        prorrogas=tuple(
            (p.region.nombre, p.fecha_limite) for p in anexo4_queries.prorrogas(periodo)
        ),
        metas_reprogramadas=informe_queries.metas_reprogramadas(convenios, periodo, evaluadas),
        escala=informe_queries.escala(
            resultados_regiones,
            regiones,
            con_convenio=[c.region.nombre for c in convenios],
            omitidas=omitidas,
            comparacion=comparacion,
        ),
        planes=planes_vigentes(None),
    )


def _canonico(valor):
    """JSON form of the values json cannot write (Decimal, date), stable across runs."""
    if isinstance(valor, Decimal):
        return format(valor.normalize(), "f")
    if isinstance(valor, date):
        return valor.isoformat()
    raise TypeError(f"No serializable: {type(valor)!r}")


@functools.cache
def _campos(clase: type) -> tuple[str, ...] | None:
    """Field names of a dataclass (None for any other type), looked up once per class."""
    if dataclasses.is_dataclass(clase):
        return tuple(f.name for f in dataclasses.fields(clase))
    return None


def _plano(valor):
    """What dataclasses.asdict gives (dataclasses → dicts, recursively), without its deep
    copies: several times faster on a whole report's data."""
    campos = _campos(type(valor))
    if campos is not None:
        return {nombre: _plano(getattr(valor, nombre)) for nombre in campos}
    if isinstance(valor, (list, tuple)):
        return [_plano(v) for v in valor]
    if isinstance(valor, dict):
        return {k: _plano(v) for k, v in valor.items()}
    return valor


def huella(datos: DatosInforme | DatosFicha) -> str:
    """sha256 (hex) of the data as canonical JSON, plus the layout version."""
    contenido = {"formato": VERSION_FORMATO, "datos": _plano(datos)}
    texto = json.dumps(contenido, sort_keys=True, ensure_ascii=False, default=_canonico)
    return hashlib.sha256(texto.encode("utf-8")).hexdigest()


def calculado(periodo: Periodo, alcance: Alcance = TOTAL) -> tuple[DatosInforme, str]:
    """The semester's data (approved Anexo 4 only, the reader's scope) and its fingerprint,
    computed once per data version (version_datos.memorizar) and reused by every page and
    chart that shows them."""

    def calcular() -> tuple[DatosInforme, str]:
        datos = datos_informe(periodo, alcance=alcance)
        return datos, huella(datos)

    return version_de_los_datos.memorizar(("informe", periodo.id, alcance.clave), calcular)


def version_datos(
    periodo: Periodo | str,
    *,
    incluir_no_aprobados: bool = False,
    narrativa: dict[str, str] | None = None,
    lema: str | None = None,
) -> str:
    """A stable hash of every input that changes the report (cells, states, Anexo 5 items,
    catalogue names, narrative, motto and the layout version): equal hash ⇒ equal PDF."""
    return huella(
        datos_informe(
            periodo, incluir_no_aprobados=incluir_no_aprobados, narrativa=narrativa, lema=lema
        )
    )


def _resolver_region(region: Region | str) -> Region:
    """The region itself, or the one of a name or alias (ValueError if none)."""
    if isinstance(region, Region):
        return region
    encontrada = catalogo_queries.region_por_nombre(region)
    if encontrada is None:
        raise ValueError(f"No existe la región «{region}».")
    return encontrada


def datos_ficha(
    region: Region | str,
    periodo: Periodo | str,
    *,
    lema: str | None = None,
    alcance: Alcance = TOTAL,
    lector=None,
):
    """One G/DRTPE's results of the semester (approved Anexo 4), its history of averages and
    its trend per IdG, the Anexo 5 items naming it and the recommendations addressed to it so
    far (for a directorate's ``alcance``, from the IdG it proposes alone; the trend within the
    ``lector``'s scope in each semester, everything without one)."""
    region = _resolver_region(region)
    periodo = informe_queries.resolver_periodo(periodo)
    convenios = anexo4_queries.convenios_esperados(periodo)
    indicadores = [
        informe_queries.indicador_informe(i)
        for i in informe_queries.indicadores(informe_queries.conjunto(convenios))
    ]
    regiones = {region.nombre: region}

    def resultado_de(p: Periodo) -> ResultadoRegion | None:
        """The region's results in semester p, if its Anexo 4 is approved."""
        if region.nombre not in informe_queries.regiones_con_reporte(p, False):
            return None
        # Read this region's cells only (in SQL), whatever the number of entities.
        propias = (
            alcance
            if alcance.region_id is not None
            else dataclasses.replace(alcance, region_id=region.id)
        )
        celdas = [c for c in anexo4_queries.celdas(p, alcance=propias) if c.region == region.nombre]
        return informe_queries.resultados_regiones(celdas, [region.nombre], regiones)[0]

    historial = []
    anteriores = [
        p
        for p in reversed(periodos_queries.periodos())
        if (p.anio, p.semestre) <= (periodo.anio, periodo.semestre)
    ]
    resultado = None
    for p in anteriores:
        r = resultado_de(p)
        if p.id == periodo.id:
            resultado = r
        if r is not None:
            historial.append(
                PuntoHistorial(p.codigo, p.nombre, r.programado_pct, r.ejecutado_pct, r.n)
            )

    items, pendientes = [], []
    for ev in informe_queries.evaluaciones_aprobadas({p.id for p in anteriores}):
        if not alcance.incluye_unidad(ev.unidad_id):
            continue
        for item in sorted(ev.items, key=lambda i: (i.tipo.value, i.orden, i.id or 0)):
            nombra = any(r.id == region.id for r in item.regiones)
            ficha = ItemFicha(
                periodo_nombre=ev.periodo.nombre,
                idg=ev.indicador.numero,
                tipo=item.tipo.etiqueta,
                texto=item.texto,
                responsable=item.responsable,
            )
            if ev.periodo_id == periodo.id and nombra:
                items.append(ficha)
            # Addressed to the region: naming it, or to every G/DRTPE (no region named).
            dirigida = nombra or (not item.regiones and item.responsable_drtpe)
            if item.tipo is TipoItem.recomendacion and dirigida:
                pendientes.append(ficha)

    return DatosFicha(
        region=region.nombre,
        organo_sigla=informe_queries.sigla(region),
        periodo_codigo=periodo.codigo,
        periodo_nombre=periodo.nombre,
        lema=lema or LEMA_POR_DEFECTO,
        indicadores=tuple(indicadores),
        resultado=resultado,
        historial=tuple(historial),
        items_anexo5=tuple(items),
        recomendaciones_pendientes=tuple(pendientes),
        metas_reprogramadas=informe_queries.metas_reprogramadas(
            [c for c in convenios if c.region_id == region.id], periodo, [region.nombre]
        ),
        tendencia=tendencias_queries.tendencia(
            lector,
            region=tendencias_queries.region_tendencia(region),
            hasta=(periodo.anio, periodo.semestre),
        ),
        planes=planes_vigentes(region),
    )


def planes_vigentes(region: Region | None) -> tuple[PlanVigente, ...]:
    """The continuous-improvement plans in force of the region (every one without region),
    with their actions' follow-up and the training actions' runs in that region."""
    resultado = []
    for plan in planes_queries.planes_vigentes(region.id if region else None):
        estados = Counter(a.estado.etiqueta for a in plan.acciones)
        acciones = []
        for accion in plan.acciones_capacitacion:
            corridas = tuple(
                f"{c.mes_nombre} {c.actividad.programa.anio} ({c.region.nombre}): "
                + (
                    f"{c.estado.etiqueta} el {c.fecha_ejecucion:%d/%m/%Y}"
                    if c.estado is EstadoProgramacion.ejecutada and c.fecha_ejecucion
                    else c.estado.etiqueta
                )
                for c in planes_queries.corridas(accion)
                if region is None or c.region_id == region.id
            )
            if corridas:
                acciones.append(
                    AccionPlanFicha(
                        accion=accion.objetivo or accion.indicador or "",
                        estado=accion.estado.etiqueta,
                        corridas=corridas,
                    )
                )
        resultado.append(
            PlanVigente(
                titulo=plan.titulo,
                ambito=plan.ambito,
                servicio=plan.servicio.nombre if plan.servicio else plan.servicio_evaluado,
                anio=plan.anio,
                estados=tuple(sorted(estados.items())),
                acciones=tuple(acciones),
            )
        )
    return tuple(resultado)
