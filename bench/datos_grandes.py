"""The benchmark datasets: the real-size demo and a large generated history around it.

`preparar_real(url)` migrates an empty database and loads the documents' demo (26 regions,
12 IdG, 2020–2021). `poblar(url)` does the same and then adds, deterministically and with bulk
inserts, 20 years × 2 semesters of convenios, annual goals, Anexo 4 reports and cells, Anexo 5
evaluations (with the recommendations the matrix lists) and capacity programmes, for 26 regions
and 30 IdG. `generar(...)` is the part that adds data to the current session; the query-count
test uses it with small numbers.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import (
    ConjuntoIndicadores,
    Indicador,
    Region,
    TipoRegion,
    TipoUnidad,
    TipoValor,
    UnidadMTPE,
)
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoConvenio,
    EstadoReporte,
    LineaReporte,
    Meta,
    Periodo,
    Reporte,
)
from app.extensions import db
from app.mejora_continua.models.evaluaciones import (
    Clasificacion,
    Evaluacion,
    ItemEvaluacion,
    TipoItem,
    item_region,
    item_responsable,
)
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoPrograma,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    actividad_recomendacion,
)
from bench.comun import aplicacion

#: The last year of the history: the demo's convenio generation is 2020–2021.
ULTIMO_ANIO = 2021
SEMILLA = 2020
LOTE = 2000


def cargar_demo() -> None:
    """Load the documents' demo (catalogue, convenios, 2020 Anexo 4, users, Anexo 5, plans)."""
    from seed import carga
    from seed.comandos import _cargar_mejora_continua

    carga.cargar_catalogo()
    carga.cargar_convenios()
    carga.cargar_usuarios_demo()
    carga.cargar_periodos_demo()
    carga.cargar_anexo4_demo()
    _cargar_mejora_continua()
    db.session.commit()


def preparar_real(url: str) -> None:
    """Migrate the empty database at `url` and load the real-size demo data."""
    from flask_migrate import upgrade

    app = aplicacion(url)
    with app.app_context():
        upgrade()
        cargar_demo()
        _vacuum()
        db.session.remove()
        db.engine.dispose()


def poblar(url: str, *, anios: int = 20, regiones: int = 26, indicadores: int = 30) -> None:
    """Migrate the empty database at `url`, load the demo and add the generated history."""
    from flask_migrate import upgrade

    app = aplicacion(url)
    with app.app_context():
        upgrade()
        cargar_demo()
        generar(anios=anios, regiones=regiones, indicadores=indicadores)
        db.session.commit()
        _vacuum()
        db.session.remove()
        db.engine.dispose()


def _vacuum() -> None:
    """PostgreSQL: fresh statistics and visibility map, as autovacuum leaves them after a while."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conexion:
            conexion.execute(sa.text("VACUUM ANALYZE"))


def _insertar(modelo, filas: list[dict], *, ids: bool = False) -> list[int]:
    """Bulk-insert rows in chunks; return the new ids (in row order) when asked."""
    nuevos: list[int] = []
    for inicio in range(0, len(filas), LOTE):
        lote = filas[inicio : inicio + LOTE]
        if ids:
            consulta = sa.insert(modelo).returning(modelo.id, sort_by_parameter_order=True)
            nuevos.extend(db.session.scalars(consulta, lote).all())
        elif lote:
            db.session.execute(sa.insert(modelo), lote)
    return nuevos


def _tabla(tabla: sa.Table, filas: list[dict]) -> None:
    for inicio in range(0, len(filas), LOTE):
        if filas[inicio : inicio + LOTE]:
            db.session.execute(tabla.insert(), filas[inicio : inicio + LOTE])


def _azar(semilla: int, *clave) -> random.Random:
    """A generator of its own for one piece of data (a report, a year's goals, an activity), so
    a semester gets the same figures whatever the number of years generated around it (the
    report's 20-years-vs-1 comparison draws the same report from both databases)."""
    return random.Random(":".join(str(parte) for parte in (semilla, *clave)))


def _momento(dia: date) -> datetime:
    return datetime(dia.year, dia.month, dia.day, 17, 0, tzinfo=UTC)


def _limites(anio: int, semestre: int) -> tuple[date, date]:
    """Anexo 4 and Anexo 5 due dates, like the demo's: a month and two after the semester."""
    if semestre == 1:
        return date(anio, 7, 31), date(anio, 8, 31)
    return date(anio + 1, 1, 31), date(anio + 1, 2, 28)


def _regiones(total: int) -> list[Region]:
    """Up to `total` governments: the demo's, then municipalities under the regional ones.

    Each regional government receives its share in turn: a provincial municipality, then eight
    districts under it, and so on, with ubigeos that nest (department dd0000, province ddpp00,
    district ddppxx), as INEI's codes do.
    """
    existentes = list(db.session.scalars(sa.select(Region).order_by(Region.orden)))
    gores = [r for r in existentes if r.tipo is TipoRegion.gobierno_regional]
    por_region: dict[int, list] = defaultdict(list)
    provincias: list[dict] = []
    distritos: list[tuple[dict, int]] = []  # (row, index of its province in `provincias`)
    usados = {r.ubigeo for r in existentes if r.ubigeo}  # Lima Metropolitana holds 150100
    ultima_provincia: dict[int, int] = defaultdict(int)
    for n in range(len(existentes) + 1, total + 1):
        region = gores[n % len(gores)]
        propias = por_region[region.id]
        departamento = (region.ubigeo or f"{region.id % 100:02d}")[:2]
        fila = {
            "tipo": TipoRegion.municipalidad_distrital,
            "organo_tipo": None,
            "organo_sigla": None,
            "macro_region": region.macro_region,
            "orden": 1000 + n,
        }
        if len(propias) % 9 == 0:
            numero = ultima_provincia[region.id] + 1
            while f"{departamento}{numero:02d}00" in usados:
                numero += 1
            ultima_provincia[region.id] = numero
            fila |= {
                "codigo": f"mp-{n:04d}",
                "nombre": f"Municipalidad Provincial Sintética {n:04d}",
                "tipo": TipoRegion.municipalidad_provincial,
                "ubigeo": f"{departamento}{numero:02d}00",
                "padre_id": region.id,
            }
            provincias.append(fila)
        else:
            provincia = propias[len(propias) // 9 * 9]
            fila |= {
                "codigo": f"md-{n:04d}",
                "nombre": f"Municipalidad Distrital Sintética {n:04d}",
                "ubigeo": f"{provincia['ubigeo'][:4]}{len(propias) % 9:02d}",
            }
            distritos.append((fila, provincias.index(provincia)))
        propias.append(fila)
    ids = _insertar(Region, provincias, ids=True)
    for fila, provincia in distritos:
        fila["padre_id"] = ids[provincia]
    _insertar(Region, [fila for fila, _p in distritos])
    return list(db.session.scalars(sa.select(Region).order_by(Region.orden)))


def _sintetica(codigo: str) -> bool:
    """Whether the government was generated here (the demo's have no such prefix)."""
    return codigo.startswith(("mp-", "md-"))


def _indicadores(total: int, conjunto: ConjuntoIndicadores) -> list[Indicador]:
    actuales = list(db.session.scalars(sa.select(Indicador).filter_by(conjunto_id=conjunto.id)))
    direcciones = list(
        db.session.scalars(
            sa.select(UnidadMTPE)
            .where(UnidadMTPE.tipo == TipoUnidad.direccion)
            .order_by(UnidadMTPE.sigla)
        )
    )
    ultimo = max((i.numero for i in actuales), default=0)
    filas = []
    for k, numero in enumerate(range(ultimo + 1, ultimo + 1 + total - len(actuales))):
        unidad = direcciones[k % len(direcciones)]
        incremento = numero % 5 == 0
        filas.append(
            {
                "conjunto_id": conjunto.id,
                "numero": numero,
                "nombre": f"Indicador sintético {numero}: porcentaje de avance de la meta "
                "regional de servicios de trabajo y promoción del empleo.",
                "viceministerio_id": unidad.viceministerio_id,
                "proponente_id": unidad.id,
                "unidad_medida": "Porcentaje (%)",
                "tipo_valor": TipoValor.incremento if incremento else TipoValor.porcentaje,
                "admite_negativo": incremento,
            }
        )
    _insertar(Indicador, filas)
    return list(
        db.session.scalars(
            sa.select(Indicador).filter_by(conjunto_id=conjunto.id).order_by(Indicador.numero)
        )
    )


def _periodos(anios: list[int]) -> list[Periodo]:
    existentes = {(p.anio, p.semestre) for p in db.session.scalars(sa.select(Periodo))}
    filas = []
    for anio in anios:
        for semestre in (1, 2):
            if (anio, semestre) in existentes:
                continue
            limite4, limite5 = _limites(anio, semestre)
            filas.append(
                {
                    "anio": anio,
                    "semestre": semestre,
                    "fecha_limite_anexo4": limite4,
                    "fecha_limite_anexo5": limite5,
                    "abierto": anio == ULTIMO_ANIO,
                }
            )
    _insertar(Periodo, filas)
    return list(
        db.session.scalars(
            sa.select(Periodo)
            .where(Periodo.anio.in_(anios))
            .order_by(Periodo.anio, Periodo.semestre)
        )
    )


def _convenios(
    regiones: list[Region], anios: list[int], conjunto: ConjuntoIndicadores
) -> list[Convenio]:
    """Two-year convenios covering every year for every region (the demo's kept as they are)."""
    existentes = {(c.region_id, c.anio_inicio) for c in db.session.scalars(sa.select(Convenio))}
    filas = []
    primero = min(anios)
    for region in regiones:
        inicio = ULTIMO_ANIO - 1
        while inicio + 1 >= primero:
            # The demo's 2020–2021 generation stays as the documents give it.
            real = inicio == ULTIMO_ANIO - 1 and not _sintetica(region.codigo)
            if (region.id, inicio) not in existentes and not real:
                filas.append(
                    {
                        "region_id": region.id,
                        "anio_inicio": inicio,
                        "anio_fin": inicio + 1,
                        "estado": EstadoConvenio.vencido
                        if inicio + 1 < ULTIMO_ANIO
                        else EstadoConvenio.suscrito,
                        "fecha_suscripcion": date(inicio - 1, 12, 20),
                        "documento": f"Convenio de Gestión {inicio}-{inicio + 1} (sintético)",
                        "conjunto_id": conjunto.id,
                    }
                )
            inicio -= 2
    _insertar(Convenio, filas)
    return list(
        db.session.scalars(
            sa.select(Convenio).where(
                Convenio.estado != EstadoConvenio.pendiente,
                Convenio.anio_fin >= primero,
            )
        )
    )


def _metas(convenios: list[Convenio], indicadores: list[Indicador], semilla: int):
    existentes = set(
        db.session.execute(
            sa.select(Meta.convenio_id, Meta.indicador_id, Meta.anio).where(Meta.semestre == 0)
        ).all()
    )
    filas = []
    for convenio in convenios:
        for anio in range(convenio.anio_inicio, convenio.anio_fin + 1):
            azar = _azar(semilla, "metas", convenio.region.codigo, anio)
            for indicador in indicadores:
                if (convenio.id, indicador.id, anio) in existentes:
                    continue
                valor = Decimal(azar.randrange(4000, 10000)) / 100
                filas.append(
                    {
                        "convenio_id": convenio.id,
                        "indicador_id": indicador.id,
                        "anio": anio,
                        "valor": valor,
                        "valor_original": valor,
                    }
                )
    _insertar(Meta, filas)


def _celda(indicador: Indicador, azar: random.Random) -> dict:
    """One Anexo 4 cell: mostly figures, sometimes not applicable / without goal / not sent."""
    suerte = azar.random()
    if suerte < 0.04:
        return {"estado": EstadoCelda.no_aplica, "motivo_estado": "No aplica en la región."}
    if suerte < 0.07:
        return {"estado": EstadoCelda.sin_meta, "motivo_estado": "Sin meta en el semestre."}
    if suerte < 0.09:
        return {"estado": EstadoCelda.no_remitido}
    if indicador.tipo_valor is TipoValor.porcentaje:
        programado = Decimal(azar.randrange(2000, 10000)) / 100
        ejecutado = (programado * Decimal(azar.randrange(40, 125)) / 100).quantize(Decimal("0.01"))
    else:
        programado = Decimal(azar.randrange(100, 2500)) / 100
        ejecutado = Decimal(azar.randrange(-500, 3000)) / 100
    return {
        "estado": EstadoCelda.valor,
        "programado": programado,
        "ejecutado": ejecutado,
        "programado_original": programado,
        "comentario": "Avance según el informe de la G/DRTPE." if azar.random() < 0.3 else None,
    }


def _reportes(
    convenios: list[Convenio],
    periodos: list[Periodo],
    indicadores: list[Indicador],
    semilla: int,
) -> dict[tuple[int, int], tuple[list[int], list[int]]]:
    """Reports for every signed convenio × semester it covers, a line per IdG each.

    Returns, per (periodo_id, indicador_id), the regions that met and missed the goal (what
    the generated Anexo 5 conclusions name).
    """
    ultimo = periodos[-1]
    existentes = {
        (r.convenio_id, r.periodo_id): r.id for r in db.session.scalars(sa.select(Reporte))
    }
    # Semesters the demo already reports (2020) keep their real set of reports.
    reales = {periodo_id for _c, periodo_id in existentes}
    sinteticas = {c.id for c in convenios if _sintetica(c.region.codigo)}
    # The demo's regional accounts find their latest report still in draft, ready to edit.
    con_cuenta = set(
        db.session.scalars(sa.select(Usuario.region_id).where(Usuario.region_id.is_not(None)))
    )
    filas, claves = [], []
    for periodo in periodos:
        limite, _ = _limites(periodo.anio, periodo.semestre)
        for convenio in convenios:
            if not convenio.anio_inicio <= periodo.anio <= convenio.anio_fin:
                continue
            if (convenio.id, periodo.id) in existentes:
                continue
            if periodo.id in reales and convenio.id not in sinteticas:
                continue
            azar = _azar(semilla, "reporte", convenio.region.codigo, periodo.codigo)
            if periodo.id == ultimo.id and convenio.region_id in con_cuenta:
                estado = EstadoReporte.borrador
            elif periodo.id == ultimo.id:
                estado = azar.choice(list(EstadoReporte))
            else:
                estado = EstadoReporte.aprobado
            enviado = _momento(limite - timedelta(days=azar.randrange(0, 20)))
            filas.append(
                {
                    "convenio_id": convenio.id,
                    "periodo_id": periodo.id,
                    "estado": estado,
                    "enviado_en": None if estado is EstadoReporte.borrador else enviado,
                    "aprobado_en": enviado + timedelta(days=10)
                    if estado is EstadoReporte.aprobado
                    else None,
                    "motivo_observacion": "Complete los comentarios de los IdG sin avance."
                    if estado is EstadoReporte.observado
                    else None,
                    "origen": "formulario",
                }
            )
            claves.append((convenio.id, periodo.id))
    for clave, nuevo in zip(claves, _insertar(Reporte, filas, ids=True), strict=True):
        existentes[clave] = nuevo
    region_de = {c.id: c.region_id for c in convenios}
    codigo_de = {c.id: c.region.codigo for c in convenios}
    codigo_periodo = {p.id: p.codigo for p in periodos}
    con_lineas = defaultdict(set)
    for reporte_id, indicador_id in db.session.execute(
        sa.select(LineaReporte.reporte_id, LineaReporte.indicador_id)
    ):
        con_lineas[reporte_id].add(indicador_id)
    resultados: dict[tuple[int, int], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    lineas = []
    for (convenio_id, periodo_id), reporte_id in sorted(existentes.items()):
        if convenio_id not in region_de:
            continue
        azar = _azar(
            semilla,
            "celdas",
            codigo_de[convenio_id],
            codigo_periodo.get(periodo_id, periodo_id),
        )
        for indicador in indicadores:
            if indicador.id in con_lineas[reporte_id]:
                continue
            celda = _celda(indicador, azar)
            if celda["estado"] is EstadoCelda.valor:
                cumplio = celda["ejecutado"] >= celda["programado"]
                resultados[periodo_id, indicador.id][0 if cumplio else 1].append(
                    region_de[convenio_id]
                )
            lineas.append(
                {
                    "reporte_id": reporte_id,
                    "indicador_id": indicador.id,
                    "indicador_numero": indicador.numero,
                    **celda,
                }
            )
    _insertar(LineaReporte, lineas)
    return resultados


def _evaluaciones(
    periodos: list[Periodo],
    indicadores: list[Indicador],
    resultados: dict[tuple[int, int], tuple[list[int], list[int]]],
) -> dict[tuple[int, int, int], int]:
    """An approved Anexo 5 per IdG × closed semester: two conclusions and one recommendation.

    Returns the recommendation item id per (anio, semestre, indicador_id).
    """
    existentes = set(
        db.session.execute(sa.select(Evaluacion.indicador_id, Evaluacion.periodo_id)).all()
    )
    filas, claves = [], []
    for periodo in periodos:
        if periodo.abierto:
            continue
        _, limite5 = _limites(periodo.anio, periodo.semestre)
        for indicador in indicadores:
            if (indicador.id, periodo.id) in existentes:
                continue
            filas.append(
                {
                    "indicador_id": indicador.id,
                    "periodo_id": periodo.id,
                    "unidad_id": indicador.proponente_id,
                    "veredicto": "Avance heterogéneo entre las regiones evaluadas.",
                    "estado": EstadoReporte.aprobado,
                    "enviado_en": _momento(limite5 - timedelta(days=3)),
                    "aprobado_en": _momento(limite5),
                }
            )
            claves.append((periodo, indicador))
    ids = _insertar(Evaluacion, filas, ids=True)
    items, regiones_items, quien = [], [], []
    for (periodo, indicador), evaluacion_id in zip(claves, ids, strict=True):
        cumplieron, no_cumplieron = resultados.get((periodo.id, indicador.id), ([], []))
        for orden, (clasificacion, nombradas) in enumerate(
            (
                (Clasificacion.cumplio_meta, cumplieron),
                (Clasificacion.no_cumplio_meta, no_cumplieron),
            ),
            start=1,
        ):
            items.append(
                {
                    "evaluacion_id": evaluacion_id,
                    "tipo": TipoItem.conclusion,
                    "orden": orden,
                    "texto": f"{clasificacion.etiqueta} en el {periodo.nombre}.",
                    "clasificacion": clasificacion,
                    "responsable_drtpe": False,
                }
            )
            regiones_items.append(nombradas[:6])
            quien.append(None)
        items.append(
            {
                "evaluacion_id": evaluacion_id,
                "tipo": TipoItem.recomendacion,
                "orden": 1,
                "texto": "Fortalecer la asistencia técnica a las G/DRTPE con menor avance.",
                "clasificacion": None,
                "responsable_drtpe": True,
            }
        )
        regiones_items.append([])
        quien.append((periodo.anio, periodo.semestre, indicador.id, indicador.proponente_id))
    item_ids = _insertar(ItemEvaluacion, items, ids=True)
    enlaces, responsables, recomendaciones = [], [], {}
    for item_id, nombradas, dueno in zip(item_ids, regiones_items, quien, strict=True):
        enlaces.extend({"item_id": item_id, "region_id": r} for r in nombradas)
        if dueno:
            anio, semestre, indicador_id, unidad_id = dueno
            responsables.append({"item_id": item_id, "unidad_id": unidad_id})
            recomendaciones[anio, semestre, indicador_id] = item_id
    _tabla(item_region, enlaces)
    _tabla(item_responsable, responsables)
    return recomendaciones


def _programas(
    anios: list[int],
    regiones: list[Region],
    indicadores: list[Indicador],
    recomendaciones: dict[tuple[int, int, int], int],
    semilla: int,
) -> None:
    """A capacity programme per year: one activity per IdG, planned in a few regions × months.

    Each activity answers the recommendation of its IdG's Anexo 5 of the previous II semester.
    """
    con_programa = set(db.session.scalars(sa.select(ProgramaCapacidades.anio)))
    nuevos = [a for a in anios if a not in con_programa]
    ids = _insertar(
        ProgramaCapacidades,
        [
            {
                "anio": anio,
                "nombre": "Programación Anual de Fortalecimiento de Capacidades a favor de "
                f"las regiones {anio}",
                "estado": EstadoPrograma.aprobado,
                "aprobado_en": _momento(date(anio, 1, 15)),
            }
            for anio in nuevos
        ],
        ids=True,
    )
    actividades, claves = [], []
    for anio, programa_id in zip(nuevos, ids, strict=True):
        for indicador in indicadores:
            actividades.append(
                {
                    "programa_id": programa_id,
                    "indicador_id": indicador.id,
                    "unidad_id": indicador.proponente_id,
                    "numero": 1,
                    "nombre": f"Asistencia técnica sobre el IdG {indicador.numero}",
                    "descripcion": "Taller virtual con los equipos de las G/DRTPE.",
                }
            )
            claves.append((anio, indicador.id))
    actividad_ids = _insertar(Actividad, actividades, ids=True)
    corridas, enlaces = [], []
    numero_de = {i.id: i.numero for i in indicadores}
    for (anio, indicador_id), actividad_id in zip(claves, actividad_ids, strict=True):
        azar = _azar(semilla, "programa", anio, numero_de[indicador_id])
        item = recomendaciones.get((anio - 1, 2, indicador_id))
        if item:
            enlaces.append({"actividad_id": actividad_id, "item_id": item})
        for region in azar.sample(regiones, min(6, len(regiones))):
            for mes in sorted(azar.sample(range(1, 13), 2)):
                suerte = azar.random()
                fila = {
                    "actividad_id": actividad_id,
                    "region_id": region.id,
                    "mes": mes,
                    "estado": EstadoProgramacion.programada,
                    "mes_reprogramado": None,
                    "motivo": None,
                    "fecha_ejecucion": None,
                    "participantes": None,
                }
                if anio < ULTIMO_ANIO and suerte < 0.85:
                    fila |= {
                        "estado": EstadoProgramacion.ejecutada,
                        "fecha_ejecucion": date(anio, mes, 15),
                        "participantes": azar.randrange(5, 60),
                    }
                elif suerte < 0.93:
                    fila |= {
                        "estado": EstadoProgramacion.cancelada,
                        "motivo": "Cancelada por falta de presupuesto.",
                    }
                corridas.append(fila)
    _tabla(actividad_recomendacion, enlaces)
    _insertar(ProgramacionRegional, corridas)


def generar(
    *, anios: int = 20, regiones: int = 26, indicadores: int = 30, semilla: int = SEMILLA
) -> None:
    """Add the generated history to the session's database (the demo must be loaded first).

    `anios` years ending in 2021, up to `regiones` regions and `indicadores` IdG in the
    convenios' indicator set. Deterministic for a given seed; flushes but does not commit.
    """
    lista_anios = list(range(ULTIMO_ANIO - anios + 1, ULTIMO_ANIO + 1))
    conjunto = db.session.scalar(
        sa.select(ConjuntoIndicadores).order_by(
            ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc()
        )
    )
    todas = _regiones(regiones)
    idg = _indicadores(indicadores, conjunto)
    periodos = _periodos(lista_anios)
    convenios = _convenios(todas, lista_anios, conjunto)
    _metas(convenios, idg, semilla)
    resultados = _reportes(convenios, periodos, idg, semilla)
    recomendaciones = _evaluaciones(periodos, idg, resultados)
    _programas(lista_anios, todas, idg, recomendaciones, semilla)
    db.session.flush()
    db.session.expire_all()


def contar_filas(url: str) -> dict[str, int]:
    """Row counts of the main tables of the database at `url`."""
    motor = sa.create_engine(url)
    tablas = (
        "region",
        "indicador",
        "convenio",
        "periodo",
        "meta",
        "reporte",
        "linea_reporte",
        "evaluacion",
        "item_evaluacion",
        "actividad_programa",
        "programacion_regional",
    )
    try:
        with motor.connect() as conexion:
            return {
                t: conexion.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in tablas
            }
    finally:
        motor.dispose()
