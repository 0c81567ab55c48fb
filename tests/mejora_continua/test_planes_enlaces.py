"""AMC plans as documents, part two: Part B's tables from seed 002, links to the convenio,
copies and their comparison, and training actions scheduled in the capacity programme whose
execution flows back into the plan's follow-up and timeline."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.catalogo.models import Indicador, Region
from app.comun.auditoria import Evento
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.mejora_continua.models.evaluaciones import ItemEvaluacion, TipoItem
from app.mejora_continua.models.planes import (
    EstadoSeguimiento,
    FilaMatrizLogica,
    LineaPresupuesto,
    PlanMejora,
    total_general,
    totales_por_nivel,
)
from app.mejora_continua.models.planes_diseno import FaseRol
from app.mejora_continua.models.programacion import (
    ProgramaCapacidades,
)
from app.mejora_continua.queries import planes as queries
from app.mejora_continua.services import planes as services
from app.mejora_continua.services import planes_enlaces
from app.mejora_continua.services import programacion as programacion_services
from app.mejora_continua.services import programacion_actividades as actividades
from seed.anexo5 import cargar_anexo5_demo
from seed.planes import cargar_plan_puno
from seed.programacion import cargar_programa_demo
from tests.conftest import usuario_demo

AHORA = datetime(2021, 8, 20, 15, 0, tzinfo=UTC)
HOY = date(2021, 8, 20)
LORETO = "drtpe.loreto@demo.trabajo.gob.pe"


@pytest.fixture
def plan(bd) -> PlanMejora:
    """The Puno 2015 plan of seed 002 (approved: a signed document)."""
    cargado = cargar_plan_puno()
    bd.session.commit()
    return bd.session.get(PlanMejora, cargado.id)


@pytest.fixture
def programa(bd) -> ProgramaCapacidades:
    """The 2021 capacity programme of the seeds."""
    cargar_programa_demo()
    bd.session.commit()
    return bd.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=2021))


def _region(bd, codigo: str) -> Region:
    return bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))


def _copia(bd, plan: PlanMejora, region: str = "cusco", **cambios) -> PlanMejora:
    datos = {
        "titulo": plan.titulo,
        "servicio_evaluado": plan.servicio_evaluado,
        "sector": plan.sector,
        "region_id": _region(bd, region).id,
        "periodo_evaluado": "2020",
        "anio": 2021,
        "metodologia": plan.metodologia,
        "equipo": None,
        "observaciones": None,
        **cambios,
    }
    copia = planes_enlaces.copiar_plan(plan, datos, usuario_id=usuario_demo(Rol.odes).id)
    bd.session.commit()
    return copia


# --- Part B's tables, seeded with the document's own figures --------------------------------


def test_alignment_tables_hold_the_documents_figures(plan):
    """11.2: the two Plan Bicentenario tables, figures exactly as printed in seed 002."""
    filas = [
        (a.numero, a.indicador, a.linea_base, a.tendencia, a.meta_intermedia, a.meta_final)
        for a in plan.alineamientos
    ]
    assert filas == [
        ("15", "Porcentaje de trabajo asalariado", "42,7%", "45%", None, "60%"),
        ("16", "Porcentaje de empleo adecuado", "51,6% (2009)", "69%", None, "75%"),
        ("4", "Tasa de informalidad del empleo", "68.6%", None, "64.5%", "60%"),
    ]
    assert plan.alineamientos[0].objetivo.startswith("Objetivo específico 5:")
    assert plan.alineamientos[2].encabezados == "Línea de base (2012)|Meta 2016|Meta 2021"


def test_roles_table_has_every_row_by_phase(plan):
    """12: 42 rows — política 8, planeamiento 2, financiamiento 1, ejecución 30, M&E 1."""
    assert Counter(r.fase for r in plan.roles) == {
        FaseRol.politica: 8,
        FaseRol.planeamiento: 2,
        FaseRol.financiamiento: 1,
        FaseRol.ejecucion: 30,
        FaseRol.monitoreo: 1,
    }
    # The phases run in the document's order, and the local column is empty in seed 002.
    orden = [r.fase for r in plan.roles]
    assert orden == sorted(orden, key=list(FaseRol).index)
    assert all(r.local is None for r in plan.roles)
    # A row the source printed one column to the left is read as the national role.
    precisar = next(r for r in plan.roles if (r.nacional or "").startswith("Precisar acciones"))
    assert precisar.fase is FaseRol.ejecucion and precisar.regional is None
    # Rows with both a national and a regional role, counted by hand in the document's four
    # printed tables: política 1, planeamiento 1, financiamiento 1, ejecución 5 + 2 + 4.
    compartidas = [r for r in plan.roles if r.nacional and r.regional]
    assert len(compartidas) == 14


def test_indicator_summary_and_training_actions(plan):
    """13: five indicators of the value chain; 14: six MTPE training / assistance actions."""
    assert [i.meta for i in plan.indicadores_resumen] == [
        "3",
        "44 Asistencia Técnica y Capacitaciones.",
        "08 Gobiernos Regionales",
        "3 procesos a ser actualizados en las matrices de gestión descentralizadas aprobados "
        "por la CISTPE",
        "80% de ejecución.",
    ]
    assert all(i.rol_local is None for i in plan.indicadores_resumen)
    capacitacion = plan.acciones_capacitacion
    assert len(capacitacion) == 6
    assert all(a.nivel.value == "nacional" for a in capacitacion)
    assert plan.servicio.nombre == "Promoción del Empleo e Igualdad de Oportunidades"
    assert plan.anio == 2015


def test_outline_puts_each_table_after_its_heading(plan):
    """The outline is data: every table hangs from the heading the document prints it under."""
    tablas = {s.clave: s.tabla for s in plan.secciones if s.tabla}
    assert tablas == {
        "A.XII": "responsables",
        "B.6": "problemas",
        "B.7": "causas",
        "B.8": "alternativas",
        "B.9": "priorizadas",
        "B.11.2": "alineamiento",
        "B.12": "roles",
        "B.13": "indicadores",
        "B.13.1": "matriz_nacional",
        "B.13.2": "matriz_regional",
        "B.13.3": "presupuesto",
        "B.14": "asistencia",
        "B.18": "cronograma",
    }
    profundidad = {s.clave: s.profundidad for s in plan.secciones}
    assert (profundidad["B"], profundidad["B.II"], profundidad["B.7"], profundidad["B.13.1"]) == (
        0,
        1,
        2,
        3,
    )


def test_reloading_changes_nothing(plan, bd):
    antes = [(r.id, r.fase, r.nacional) for r in plan.roles]
    cargar_plan_puno()
    bd.session.commit()
    bd.session.expire_all()
    assert [(r.id, r.fase, r.nacional) for r in plan.roles] == antes
    assert len(plan.alineamientos) == 3 and len(plan.indicadores_resumen) == 5


# --- Copy and compare ----------------------------------------------------------------------


def test_copy_is_a_complete_independent_draft(plan, bd):
    """A copy holds every section and table of its origin, re-pointed to its own rows."""
    copia = _copia(bd, plan)
    assert copia.estado is EstadoReporte.borrador and copia.plan_origen_id == plan.id
    assert copia.region.codigo == "cusco" and copia.anio == 2021
    for coleccion in (
        "secciones",
        "problemas",
        "filas",
        "lineas",
        "responsables",
        "alineamientos",
        "roles",
        "indicadores_resumen",
    ):
        assert len(getattr(copia, coleccion)) == len(getattr(plan, coleccion)), coleccion
    causas = [c for p in copia.problemas for c in p.causas]
    alternativas = [a for p in copia.problemas for a in p.alternativas]
    assert len(causas) == sum(len(p.causas) for p in plan.problemas)
    assert len(alternativas) == 74
    # Every reference points inside the copy, never back into Puno's rows.
    propias_causas = {c.id for c in causas}
    assert all(a.causa_id is None or a.causa_id in propias_causas for a in alternativas)
    propios = {r.id for r in copia.responsables}
    assert all(f.responsable_id is None or f.responsable_id in propios for f in copia.filas)
    propias_lineas = {x.id for x in copia.lineas}
    assert all(x.padre_id is None or x.padre_id in propias_lineas for x in copia.lineas)
    # Same budget: GN 119,700 + GR 20,000 = 139,700.
    assert total_general(copia.lineas) == total_general(plan.lineas) == 139700
    assert [str(v) for v in totales_por_nivel(copia.lineas).values()] == ["119700.00", "20000.00"]
    # No follow-up is copied, and Puno is untouched.
    assert all(not f.seguimientos for f in copia.filas)
    assert bd.session.scalar(
        sa.select(sa.func.count(LineaPresupuesto.id)).filter_by(plan_id=plan.id)
    ) == len(plan.lineas)
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="plan_mejora", objeto_id=copia.id, accion="crear")
    )
    assert evento.despues["copia_de"] == plan.titulo


def test_copy_refuses_the_same_title_scope_and_period(plan, bd):
    with pytest.raises(services.ErrorPlan, match="Ya existe un plan"):
        _copia(bd, plan, region="puno", periodo_evaluado="2014")


def test_compare_shows_what_the_copy_changed(plan, bd):
    copia = _copia(bd, plan)
    assert all(d.estado == "igual" for d in planes_enlaces.comparar(copia, plan))
    finalidad = next(s for s in copia.secciones if s.clave == "A.V")
    finalidad.texto = finalidad.texto.replace("Sector Trabajo", "Sector Trabajo de Cusco", 1)
    copia.roles[0].nacional = "Otra directiva nacional."
    bd.session.commit()
    cambios = {d.clave: d for d in planes_enlaces.comparar(copia, plan) if d.estado != "igual"}
    assert set(cambios) == {"A.V", "tabla:roles"}
    assert ("+", "de Cusco") in cambios["A.V"].texto
    assert cambios["tabla:roles"].filas_agregadas == ["POLÍTICA: Otra directiva nacional. | "]
    assert len(cambios["tabla:roles"].filas_quitadas) == 1


# --- Links ---------------------------------------------------------------------------------


def _recomendacion(bd) -> ItemEvaluacion:
    return bd.session.scalar(
        sa.select(ItemEvaluacion).filter_by(tipo=TipoItem.recomendacion).order_by(ItemEvaluacion.id)
    )


def test_links_are_saved_and_audited(plan, demo):
    bd = demo
    cargar_anexo5_demo()
    bd.session.commit()
    copia = _copia(bd, plan)
    indicador = bd.session.scalar(sa.select(Indicador).filter_by(numero=1))
    recomendacion = _recomendacion(bd)
    planes_enlaces.enlazar(
        copia,
        servicio_id=plan.servicio_id,
        indicador_ids=[indicador.id],
        recomendacion_ids=[recomendacion.id],
        usuario_id=usuario_demo(Rol.odes).id,
    )
    bd.session.commit()
    assert copia.indicadores == [indicador] and copia.recomendaciones == [recomendacion]
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="plan_mejora", objeto_id=copia.id, accion="editar")
    )
    assert evento.despues["indicadores"] == "IdG 1"
    assert evento.despues["recomendaciones"].startswith(
        f"IdG {recomendacion.evaluacion.indicador.numero} · "
    )
    # A conclusion is not a recommendation; an approved plan is read-only.
    conclusion = bd.session.scalar(sa.select(ItemEvaluacion).filter_by(tipo=TipoItem.conclusion))
    with pytest.raises(services.ErrorPlan, match="recomendaciones de la lista"):
        planes_enlaces.enlazar(
            copia,
            servicio_id=None,
            indicador_ids=[],
            recomendacion_ids=[conclusion.id],
            usuario_id=None,
        )
    with pytest.raises(services.ErrorPlan, match="aprobado"):
        planes_enlaces.enlazar(
            plan, servicio_id=None, indicador_ids=[], recomendacion_ids=[], usuario_id=None
        )


# --- Training actions in the capacity programme --------------------------------------------


def _programar(bd, accion: FilaMatrizLogica, programa: ProgramaCapacidades, regiones_meses):
    odes = usuario_demo(Rol.odes)
    indicador = bd.session.scalar(sa.select(Indicador).filter_by(numero=1))
    actividad = actividades.crear_actividad(
        programa,
        {
            "indicador_id": indicador.id,
            "unidad_id": accion.responsable.unidad_id if accion.responsable else 1,
            "nombre": accion.objetivo,
            "accion_plan_id": accion.id,
        },
        usuario=odes,
    )
    actividades.fijar_programacion(
        actividad,
        {_region(bd, c).id: meses for c, meses in regiones_meses.items()},
        usuario=odes,
        motivo="Acción del plan de mejora continua",
    )
    bd.session.commit()
    return actividad


def test_execution_flows_back_into_the_follow_up_and_timeline(plan, programa, bd):
    copia = _copia(bd, plan)
    accion = copia.acciones_capacitacion[0]
    actividad = _programar(bd, accion, programa, {"cusco": [3, 9]})
    assert actividad.accion_plan is accion and accion.estado is EstadoSeguimiento.pendiente
    assert {
        anio: [f.meses for f in filas] for anio, filas in queries.cronograma(copia).items()
    } == {2021: [{3: "X", 9: "X"}]}
    marzo, setiembre = sorted(actividad.programaciones, key=lambda p: p.mes)
    odes = usuario_demo(Rol.odes)
    programacion_services.registrar_ejecucion(
        marzo, fecha=date(2021, 3, 18), participantes=25, usuario=odes, hoy=HOY, ahora=AHORA
    )
    bd.session.commit()
    bd.session.expire_all()
    assert accion.estado is EstadoSeguimiento.en_proceso
    nota = accion.seguimiento_actual.nota
    assert "Cusco" in nota and "18/03/2021" in nota and "25 participantes" in nota
    assert queries.cronograma(copia)[2021][0].meses == {3: "E", 9: "X"}
    programacion_services.registrar_ejecucion(
        setiembre, fecha=date(2021, 8, 2), participantes=10, usuario=odes, hoy=HOY, ahora=AHORA
    )
    bd.session.commit()
    bd.session.expire_all()
    # Every run executed: the action is implemented (executed in August, ahead of September).
    assert accion.estado is EstadoSeguimiento.implementada
    assert queries.cronograma(copia)[2021][0].meses == {3: "E", 8: "E"}
    assert [s.estado for s in accion.seguimientos] == [
        EstadoSeguimiento.implementada,
        EstadoSeguimiento.en_proceso,
    ]
    # Puno's own action is untouched.
    original = next(f for f in plan.acciones_capacitacion if f.orden == accion.orden)
    assert original.seguimientos == []


def test_planned_months_show_in_the_timeline_of_the_plans_year(plan, bd):
    copia = _copia(bd, plan)
    accion = copia.acciones_capacitacion[1]
    datos = {
        c: getattr(accion, c)
        for c in (
            "nivel",
            "tipo",
            "orden",
            "problema_id",
            "objetivo",
            "indicador",
            "linea_base",
            "meta",
            "medio_verificacion",
            "responsable_id",
            "nota",
            "capacitacion",
        )
    }
    services.editar_fila(copia, accion, {**datos, "mes_inicio": 4, "mes_fin": 6}, usuario_id=None)
    bd.session.commit()
    assert queries.cronograma(copia)[2021][0].meses == {4: "P", 5: "P", 6: "P"}
    with pytest.raises(services.ErrorPlan, match="anterior al de inicio"):
        services.editar_fila(
            copia, accion, {**datos, "mes_inicio": 6, "mes_fin": 4}, usuario_id=None
        )


def test_only_training_actions_can_be_scheduled(plan, programa, bd):
    otra = next(f for f in plan.acciones if not f.capacitacion)
    with pytest.raises(actividades.ErrorProgramacion, match="asistencia técnica o capacitación"):
        _programar(bd, otra, programa, {"puno": [5]})


# --- Pages ---------------------------------------------------------------------------------


def test_pages_for_odes_and_scope(plan, programa, bd, client, sesion):
    sesion.entrar(Rol.odes)
    pagina = client.get(f"/mejora-continua/planes/{plan.id}")
    assert pagina.status_code == 200
    texto = pagina.text
    assert "Promoción del Empleo e Igualdad de Oportunidades" in texto
    assert "51,6% (2009)" in texto and "Copiar como plan nuevo" in texto
    assert "Programar en 2021" in texto
    accion = plan.acciones_capacitacion[0]
    nueva = client.get(f"/mejora-continua/programas/2021/actividades/nueva?accion_plan={accion.id}")
    assert nueva.status_code == 200 and "Esta actividad programa la acción" in nueva.text
    otra = next(f for f in plan.acciones if not f.capacitacion)
    assert (
        client.get(
            f"/mejora-continua/programas/2021/actividades/nueva?accion_plan={otra.id}"
        ).status_code
        == 404
    )
    copiar = client.get(f"/mejora-continua/planes/{plan.id}/copiar")
    assert copiar.status_code == 200 and "copia completa" in copiar.text
    sesion.salir()
    sesion.entrar(Rol.drtpe, LORETO)
    assert (
        client.get(f"/mejora-continua/planes/{plan.id}/comparar?con={plan.id}").status_code == 404
    )
    assert client.get(
        f"/mejora-continua/programas/2021/actividades/nueva?accion_plan={accion.id}"
    ).status_code in (403, 404)


def _texto_pdf(contenido: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(contenido)).pages
    )


def test_the_regions_ficha_shows_its_plans_in_force(plan, programa, demo, client, sesion):
    """An approved plan for Cusco, its training action executed there: the ficha lists both."""
    bd = demo
    copia = _copia(bd, plan, titulo="Plan de mejora del servicio de empleo – Cusco")
    accion = copia.acciones_capacitacion[0]
    actividad = _programar(bd, accion, programa, {"cusco": [3], "loreto": [4]})
    corrida = next(p for p in actividad.programaciones if p.region.codigo == "cusco")
    programacion_services.registrar_ejecucion(
        corrida,
        fecha=date(2021, 3, 18),
        participantes=25,
        usuario=usuario_demo(Rol.odes),
        hoy=HOY,
        ahora=AHORA,
    )
    bd.session.commit()
    sesion.entrar(Rol.odes)
    periodo = "2020-2"
    assert "Planes de mejora continua vigentes" in _texto_pdf(
        client.get(f"/informes/ficha/cusco?periodo={periodo}").data
    )
    # A draft is not in force: only once approved does the ficha list it.
    assert "Plan de mejora del servicio de empleo" not in _texto_pdf(
        client.get(f"/informes/ficha/cusco?periodo={periodo}").data
    )
    copia.estado = EstadoReporte.aprobado
    bd.session.commit()
    texto = _texto_pdf(client.get(f"/informes/ficha/cusco?periodo={periodo}").data)
    assert "Plan de mejora del servicio de empleo – Cusco" in texto
    assert "Marzo 2021 (Cusco): Ejecutada el 18/03/2021" in texto
    assert "En proceso: 1" in texto  # Loreto's run is still pending
    # Loreto's ficha does not list Cusco's plan; Puno's own plan is Puno's.
    otro = _texto_pdf(client.get(f"/informes/ficha/loreto?periodo={periodo}").data)
    assert "Cusco" not in otro.split("Planes de mejora continua vigentes")[1]
    puno = _texto_pdf(client.get(f"/informes/ficha/puno?periodo={periodo}").data)
    assert "PROMOCIÓN DEL EMPLEO" in puno.split("Planes de mejora continua vigentes")[1]


def test_the_situational_report_annexes_the_plans_in_force(plan, demo):
    """The report lists every approved plan (Puno's, seeded approved) before the matrix annex;
    a draft plan is not in force."""
    import io

    from pypdf import PdfReader

    from app.informes import pdf
    from app.informes.informe import datos_informe, huella

    _copia(demo, plan, titulo="Borrador de Cusco")
    datos = datos_informe("2020-2")
    assert [p.ambito for p in datos.planes] == ["Puno"]
    assert dict(datos.planes[0].estados) == {"Pendiente": len(plan.acciones)}
    contenido = pdf.informe_pdf(datos)
    texto = _texto_pdf(contenido)
    anexo = texto.index("ANEXO: PLANES DE MEJORA CONTINUA VIGENTES")
    # The annex opens its own page (after the heading and the header lines, nothing before it).
    paginas = PdfReader(io.BytesIO(contenido)).pages
    propia = next(
        p.extract_text()
        for p in paginas
        if "PLANES DE MEJORA CONTINUA VIGENTES" in (p.extract_text() or "")
        and "ÍNDICE" not in (p.extract_text() or "").upper()
    )
    assert "GRÁFICO" not in propia
    assert anexo < texto.index("ANEXO: MATRIZ DE IMPLEMENTACIÓN")
    assert "Promoción del Empleo e Igualdad de Oportunidades" in texto[anexo:]
    assert "Borrador de Cusco" not in texto
    # Approving the copy puts it in force: the report's data, and so its fingerprint, change.
    copia = demo.session.scalar(sa.select(PlanMejora).filter_by(titulo="Borrador de Cusco"))
    copia.estado = EstadoReporte.aprobado
    demo.session.commit()
    despues = datos_informe("2020-2")
    assert sorted(p.ambito for p in despues.planes) == sorted(["Puno", copia.ambito])
    assert huella(despues) != huella(datos)


def test_odes_edits_part_bs_tables_of_a_draft_only(plan, bd, client, sesion):
    """Roles, alignment and indicator rows go through the plan's parts: audited, refused once
    the plan is approved, a role row without any role refused in Spanish."""
    copia = _copia(bd, plan)
    sesion.entrar(Rol.odes)
    base = f"/mejora-continua/planes/{copia.id}"
    respuesta = client.post(
        f"{base}/rol/nuevo",
        data={"fase": "monitoreo", "orden": "99", "regional": "Reportar avances a la ODES."},
    )
    assert respuesta.status_code == 302
    nuevo = copia.roles[-1]
    assert (nuevo.fase, nuevo.regional, nuevo.nacional) == (
        FaseRol.monitoreo,
        "Reportar avances a la ODES.",
        None,
    )
    vacio = client.post(f"{base}/rol/nuevo", data={"fase": "politica", "orden": "1"})
    assert "Escriba el rol de al menos un nivel de gobierno." in vacio.text
    fila = copia.alineamientos[0]
    respuesta = client.post(
        f"{base}/alineamiento/{fila.id}/editar",
        data={
            "orden": "1",
            "objetivo": fila.objetivo,
            "numero": "15",
            "indicador": fila.indicador,
            "linea_base": "44,0%",
            "meta_final": "60%",
            "encabezados": "Línea de base|Meta 2021",
        },
    )
    assert respuesta.status_code == 302
    bd.session.expire_all()
    assert (fila.linea_base, fila.tendencia) == ("44,0%", None)
    evento = bd.session.scalar(
        sa.select(Evento)
        .filter_by(objeto_tipo="plan_mejora", objeto_id=copia.id, accion="editar")
        .order_by(Evento.id.desc())
    )
    assert evento.antes["linea_base"] == "42,7%" and evento.despues["linea_base"] == "44,0%"
    # Puno's plan is approved: its tables are read-only.
    negado = client.post(
        f"/mejora-continua/planes/{plan.id}/indicador/nuevo",
        data={"orden": "9", "indicador": "Otro indicador"},
    )
    assert "El plan está aprobado" in negado.text
    assert len(plan.indicadores_resumen) == 5
