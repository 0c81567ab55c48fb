"""AMC plans: the seeded Puno 2015 plan, budget rules, follow-up, permissions and Excel."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.comun.auditoria import Evento
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.mejora_continua import acceso
from app.mejora_continua.exportacion.planes import COLUMNAS_PRESUPUESTO
from app.mejora_continua.models.planes import (
    EstadoSeguimiento,
    FilaMatrizLogica,
    LineaPresupuesto,
    NivelCausa,
    NivelGobierno,
    PlanMejora,
    Problema,
    SeguimientoAccion,
    TipoFila,
    total_general,
    totales_por_nivel,
)
from app.mejora_continua.queries import planes as queries
from app.mejora_continua.services import planes as services
from app.mejora_continua.services import planes_presupuesto as presupuesto
from app.web import numero
from seed.planes import cargar_plan_puno
from tests.conftest import usuario_demo

PUNO = "drtpe.puno@demo.trabajo.gob.pe"
CISTPE_1016 = "Aprobar el Reglamento de la Comisión Intergubernamental del Sector Trabajo"
CISTPE_1041 = "Propuesta de actualizar del Reglamento de la CISTPE"


@pytest.fixture
def plan(bd) -> PlanMejora:
    """The Puno 2015 plan of document 002, seeded (approved), reopened as a draft to edit it."""
    cargado = cargar_plan_puno()
    cargado.estado = EstadoReporte.borrador
    bd.session.commit()
    return bd.session.get(PlanMejora, cargado.id)


def _linea(plan: PlanMejora, inicio: str) -> LineaPresupuesto:
    return next(x for x in plan.lineas_principales if x.actividad.startswith(inicio))


def _accion(plan: PlanMejora, nivel: NivelGobierno) -> FilaMatrizLogica:
    return next(f for f in plan.acciones if f.nivel is nivel)


def _datos_linea(**cambios) -> dict:
    datos = {
        "padre_id": None,
        "actividad": "Taller de prueba",
        "nivel": NivelGobierno.nacional,
        "orden": 999,
        "unidad_medida": "Servicio",
        "costo_unitario": Decimal("100.00"),
        "cantidad": Decimal("3"),
        "total_declarado": None,
        "especificacion_gasto": "2.3.2.7.2.99",
        "no_determinado": False,
        "moneda": "PEN",
        "nota": None,
    }
    datos.update(cambios)
    return datos


# --- The seeded plan -----------------------------------------------------------------------


def test_parent_activities_total_from_their_cost_lines(plan):
    sovio = _linea(plan, 'Difundir el Módulo "Proyecto de Vida"')
    charlas = _linea(plan, "Desarrollar charlas, exposiciones y cursos")
    assert [h.actividad for h in sovio.hijos][:3] == [
        "Especialista",
        "Apoyo Administrativo",
        "Experto",
    ]
    assert len(sovio.hijos) == 7 and len(charlas.hijos) == 2
    assert sovio.total == Decimal("20000.00") == sum(h.total for h in sovio.hijos)
    assert charlas.total == Decimal("41700.00") == sum(h.total for h in charlas.hijos)
    # The printed totals are kept and agree with the sums.
    assert (sovio.total_declarado, charlas.total_declarado) == (Decimal("20000"), Decimal("41700"))
    assert sovio.nivel is NivelGobierno.regional and charlas.nivel is NivelGobierno.nacional
    assert {h.nivel_efectivo for h in charlas.hijos} == {NivelGobierno.nacional}


def test_totals_per_level_of_government(plan):
    totales = totales_por_nivel(plan.lineas)
    assert totales[NivelGobierno.nacional] == Decimal("119700.00")
    assert totales[NivelGobierno.regional] == Decimal("20000.00")
    assert total_general(plan.lineas) == Decimal("139700.00")
    resumen = queries.resumen_presupuesto(plan)
    assert resumen.total == Decimal("139700.00")
    assert resumen.monedas == {"PEN"}


def test_every_line_with_quantity_is_unit_cost_times_quantity(plan):
    con_cantidad = [x for x in plan.lineas if x.cantidad is not None]
    assert len(con_cantidad) == 9
    for linea in con_cantidad:
        assert linea.total == linea.costo_unitario * linea.cantidad
        assert linea.total_declarado is None  # computed, never stored
    break_ = next(x for x in plan.lineas if x.actividad == "Break")
    assert (break_.costo_unitario, break_.cantidad, break_.total) == (
        Decimal("2400.00"),
        Decimal("3.00"),
        Decimal("7200.00"),
    )
    assert break_.especificacion_gasto == "2.3.2.7.10.1"


def test_printed_amounts_and_placeholders_are_parsed(plan):
    lineas = plan.lineas
    assert len(lineas) == 64 and len(plan.lineas_principales) == 55
    reglamento = _linea(plan, CISTPE_1041)
    assert reglamento.total_declarado == Decimal("6000.00")  # printed "6 000.000"
    assert reglamento.cantidad is None and reglamento.costo_unitario == Decimal("6000.00")
    tdr = _linea(plan, "Términos de referencia para la convocatoria")
    assert (tdr.total, tdr.unidad_medida, tdr.especificacion_gasto) == (
        Decimal("8000.00"),
        "Servicio tercero",
        "2.3.2.7.2.99",
    )
    assert sum(x.no_determinado for x in lineas) == 27
    sin_monto = [x for x in plan.lineas_principales if x.total is None]
    assert all(x.costo_unitario is None and x.especificacion_gasto is None for x in sin_monto)
    assert {x.moneda for x in lineas} == {"PEN"}


def test_seeded_diagnosis_keeps_the_documents_letters(plan):
    assert [p.numero for p in plan.problemas] == [1, 2, 3, 4]
    p3 = plan.problemas[2]
    assert (
        p3.texto
        == "Débil gestión descentralizada y enfoque territorial en la producción del servicio"
    )
    assert [c.letra for c in p3.causas_de(NivelCausa.mtpe)] == list("abcdefghijk")
    # DRTPE reuses the MTPE letters and skips c and d; l is only in the narrative.
    assert [c.letra for c in p3.causas_de(NivelCausa.drtpe)] == list("abefghijkl")
    assert "narrativa" in p3.causas_de(NivelCausa.drtpe)[-1].nota
    filas = queries.tabla_causal(p3)
    assert [f.letra for f in filas] == list("abcdefghijkl")
    assert filas[2].mtpe is not None and filas[2].drtpe is None
    # Alternatives numbered within the cause letter, prioritised as in section 9.
    b = [a for a in plan.problemas[0].alternativas_de(NivelCausa.mtpe) if a.letra == "b"]
    assert [(a.numero, a.priorizada) for a in b] == [(1, True), (2, False)]
    priorizadas = [a for p in plan.problemas for a in p.alternativas if a.priorizada]
    assert all(a.plazo_detalle == "Año 2015" for a in priorizadas)
    # The P3 DRTPE alternative printed "b" answers no DRTPE cause (MTPE d's equivalent).
    sin_causa = [a for a in p3.alternativas if a.causa is None]
    assert len(sin_causa) == 1 and "«b»" in sin_causa[0].nota


def test_seeded_logic_matrix_and_responsible_organs(plan):
    matriz = queries.matriz(plan)
    assert len(matriz[NivelGobierno.nacional][TipoFila.actividad]) == 37
    assert len(matriz[NivelGobierno.regional][TipoFila.actividad]) == 19
    for nivel in NivelGobierno:
        for tipo in (TipoFila.resultado_final, TipoFila.resultado_intermedio, TipoFila.producto):
            assert len(matriz[nivel][tipo]) == 1
    assert sum(1 for f in plan.filas if f.objetivo is None) == 2
    assert all(f.meta is None and f.linea_base is None for f in plan.filas)
    regionales = matriz[NivelGobierno.regional][TipoFila.actividad]
    assert {f.responsable.organo for f in regionales} == {
        "Dirección de Promoción del Empleo y Formación Profesional"
    }
    siglas = {r.unidad.sigla for r in plan.responsables if r.unidad}
    assert siglas == {"VMPECL", "DGPE", "DGSNE"}
    assert all(f.estado is EstadoSeguimiento.pendiente for f in plan.acciones)


def test_loading_the_plan_twice_changes_nothing(plan, bd):
    tablas = [
        "plan_mejora",
        "problema_plan",
        "causa_plan",
        "alternativa_plan",
        "fila_matriz_logica",
        "linea_presupuesto",
        "responsable_accion",
        "seccion_plan",
    ]

    def contenido():
        return {
            t: sorted(
                tuple(str(v) for k, v in fila._mapping.items() if k != "actualizado_en")
                for fila in bd.session.execute(sa.text(f"SELECT * FROM {t}"))
            )
            for t in tablas
        }

    antes = contenido()
    cargar_plan_puno()
    bd.session.commit()
    assert contenido() == antes


# --- Budget rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texto, esperado",
    [
        ("8 000.00", Decimal("8000.00")),
        ("6 000.000", Decimal("6000.00")),
        ("20000.00", Decimal("20000.00")),
        ("41 700.00", Decimal("41700.00")),
        ("8,000.00", Decimal("8000.00")),
        ("2", Decimal("2.00")),
        # Typed in Peru either way (issue 19): a decimal comma, Spain's thousands point, a
        # comma before three digits (only thousands: an amount has two decimals at most).
        ("8000,50", Decimal("8000.50")),
        ("1,5", Decimal("1.50")),
        ("8.000,50", Decimal("8000.50")),
        ("119,700", Decimal("119700.00")),
        ("1.200.000", Decimal("1200000.00")),
        ("8 000,50", Decimal("8000.50")),
        ("-1 200,5", Decimal("-1200.50")),
        ("-", None),
        ("", None),
        ("No se ha determinado", None),
    ],
)
def test_printed_amounts_are_read(texto, esperado):
    assert presupuesto.leer_importe(texto) == esperado


@pytest.mark.parametrize(
    "texto",
    ["8.005", "1,234,5", "1.20,50", "1,2345", "12,34.5", "ocho mil", "8 00.00", "1e3", "1,5.5.5"],
)
def test_malformed_amounts_are_refused(texto):
    with pytest.raises(ValueError):
        presupuesto.leer_importe(texto)


@pytest.mark.parametrize("campo", ["costo_unitario", "cantidad"])
def test_negative_amounts_are_refused(plan, campo):
    with pytest.raises(services.ErrorPlan) as error:
        presupuesto.crear_linea(plan, _datos_linea(**{campo: Decimal("-1")}), usuario_id=None)
    assert error.value.campo == campo
    assert "negativ" in error.value.mensaje


def test_negative_lump_sum_is_refused(plan):
    datos = _datos_linea(cantidad=None, total_declarado=Decimal("-5"))
    with pytest.raises(services.ErrorPlan, match="no puede ser negativo"):
        presupuesto.crear_linea(plan, datos, usuario_id=None)


def test_total_must_be_unit_cost_times_quantity(plan):
    with pytest.raises(services.ErrorPlan) as error:
        presupuesto.crear_linea(plan, _datos_linea(total_declarado=Decimal("301")), usuario_id=None)
    assert error.value.campo == "total_declarado" and "300.00" in error.value.mensaje
    linea, avisos = presupuesto.crear_linea(plan, _datos_linea(), usuario_id=None)
    assert linea.total == Decimal("300.00") and linea.total_declarado is None
    assert avisos == []


def test_no_determinado_lines_carry_no_amounts(plan):
    datos = _datos_linea(no_determinado=True)
    with pytest.raises(services.ErrorPlan, match="No se ha determinado"):
        presupuesto.crear_linea(plan, datos, usuario_id=None)


def test_cost_lines_belong_to_an_activity_of_the_same_level(plan):
    sovio = _linea(plan, 'Difundir el Módulo "Proyecto de Vida"')
    with pytest.raises(services.ErrorPlan) as error:
        presupuesto.crear_linea(
            plan, _datos_linea(padre_id=sovio.id, nivel=NivelGobierno.nacional), usuario_id=None
        )
    assert error.value.campo == "nivel"
    hijo, _avisos = presupuesto.crear_linea(
        plan, _datos_linea(padre_id=sovio.id, nivel=None), usuario_id=None
    )
    assert hijo.nivel is None and hijo.nivel_efectivo is NivelGobierno.regional
    plan_actual = hijo.plan
    assert totales_por_nivel(plan_actual.lineas)[NivelGobierno.regional] == Decimal("20300.00")
    # An activity with cost lines adds them up: it can't take a quantity of its own.
    with pytest.raises(services.ErrorPlan, match="suma de ellas"):
        presupuesto.editar_linea(
            plan,
            sovio,
            _datos_linea(actividad=sovio.actividad, nivel=NivelGobierno.regional),
            usuario_id=None,
        )


def test_seeded_budget_flags_the_cistpe_regulation_budgeted_twice(plan):
    duplicados = queries.posibles_duplicados(plan.lineas)
    assert len(duplicados) == 1
    par = {duplicados[0].primera.actividad[:51], duplicados[0].segunda.actividad[:51]}
    assert par == {CISTPE_1016[:51], CISTPE_1041[:51]}
    # Same text at the two levels (the GR line has no cost) is not a duplicate.
    assert all(d.primera.nivel is d.segunda.nivel for d in duplicados)


def test_adding_a_duplicate_activity_warns_but_saves(plan):
    datos = _datos_linea(
        actividad="Actualizar el Reglamento de la CISTPE incorporando procesos que involucren "
        "dinámicas de trabajo permanente con carácter intergubernamental.",
        cantidad=None,
        costo_unitario=None,
        total_declarado=Decimal("6000"),
    )
    linea, avisos = presupuesto.crear_linea(plan, datos, usuario_id=None)
    assert linea.id and len(avisos) == 2
    assert all("Posible actividad duplicada" in a for a in avisos)
    # An exact repeat of an uncosted activity at the same level is flagged too.
    _linea2, avisos2 = presupuesto.crear_linea(
        plan,
        _datos_linea(
            actividad="Brindar información sobre las necesidades de capacitación.",
            nivel=NivelGobierno.regional,
            cantidad=None,
            costo_unitario=None,
        ),
        usuario_id=None,
    )
    assert len(avisos2) == 1


# --- Web: ODES edits, the others read ------------------------------------------------------


def test_odes_adds_a_budget_line_through_the_form(client, sesion, plan, bd):
    sesion.entrar(Rol.odes)
    url = f"/mejora-continua/planes/{plan.id}/presupuesto/nuevo"
    assert client.get(url).status_code == 200
    formulario = {
        "padre_id": "0",
        "actividad": "Propuesta de actualizar del Reglamento de la CISTPE (segunda versión)",
        "nivel": "nacional",
        "orden": "60",
        "unidad_medida": "Servicio tercero",
        "costo_unitario": "6 000.00",
        "cantidad": "",
        "total_declarado": "6 000.00",
        "especificacion_gasto": "2.3.2.7.2.99",
        "moneda": "PEN",
    }
    respuesta = client.post(url, data=formulario, follow_redirects=True)
    assert respuesta.status_code == 200
    assert "Línea de presupuesto guardado" in respuesta.text
    assert "Posible actividad duplicada" in respuesta.text
    assert totales_por_nivel(bd.session.get(PlanMejora, plan.id).lineas)[
        NivelGobierno.nacional
    ] == Decimal("125700.00")
    assert bd.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="plan_mejora", objeto_id=plan.id, accion="crear")
    )


def test_negative_amount_in_the_form_is_shown_next_to_the_field(client, sesion, plan, bd):
    sesion.entrar(Rol.odes)
    antes = len(plan.lineas)
    respuesta = client.post(
        f"/mejora-continua/planes/{plan.id}/presupuesto/nuevo",
        data={
            "padre_id": "0",
            "actividad": "X",
            "nivel": "nacional",
            "costo_unitario": "-50",
            "cantidad": "2",
            "moneda": "PEN",
        },
    )
    assert respuesta.status_code == 200
    assert "El costo unitario no puede ser negativo." in respuesta.text
    bd.session.expire_all()
    assert len(bd.session.get(PlanMejora, plan.id).lineas) == antes


def test_odes_edits_a_problem_and_cannot_delete_it_while_it_has_causes(client, sesion, plan, bd):
    sesion.entrar(Rol.odes)
    p1 = plan.problemas[0]
    url = f"/mejora-continua/planes/{plan.id}/problema/{p1.id}/editar"
    assert "Servicio de Empleo a nivel nacional" in client.get(url).text
    respuesta = client.post(url, data={"numero": "1", "texto": "Texto corregido."})
    assert respuesta.status_code == 302
    assert bd.session.get(Problema, p1.id).texto == "Texto corregido."
    eliminar = f"/mejora-continua/planes/{plan.id}/problema/{p1.id}/eliminar"
    client.post(eliminar, data={})  # without confirmation: nothing happens
    client.post(eliminar, data={"confirmar": "y"})  # has causes: refused
    assert bd.session.get(Problema, p1.id) is not None


def test_odes_adds_a_problem_and_deletes_it(client, sesion, plan, bd):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        f"/mejora-continua/planes/{plan.id}/problema/nuevo", data={"numero": "5", "texto": "Nuevo"}
    )
    assert respuesta.status_code == 302
    nuevo = bd.session.scalar(sa.select(Problema).filter_by(plan_id=plan.id, numero=5))
    repetido = client.post(
        f"/mejora-continua/planes/{plan.id}/problema/nuevo", data={"numero": "5", "texto": "Otro"}
    )
    assert "Ya existe el problema P5" in repetido.text
    client.post(
        f"/mejora-continua/planes/{plan.id}/problema/{nuevo.id}/eliminar", data={"confirmar": "y"}
    )
    bd.session.expire_all()
    assert bd.session.get(Problema, nuevo.id) is None


def test_plan_page_shows_sections_and_totals(client, sesion, plan):
    sesion.entrar(Rol.direccion)
    pagina = client.get(f"/mejora-continua/planes/{plan.id}").text
    for texto in (
        "Análisis causal",
        "Matriz lógica — Gobierno Regional",
        "Presupuesto",
        "Seguimiento de las acciones",
        "Posible actividad duplicada",
    ):
        assert texto in pagina
    for monto in ("119700", "20000", "139700", "41700"):
        assert numero(Decimal(monto), 2) in pagina
    assert "Agregar problema" not in pagina  # read only
    lista = client.get("/mejora-continua/planes").text
    assert "PROMOCIÓN DEL EMPLEO E IGUALDAD DE OPORTUNIDADES" in lista


def test_revisor_and_direccion_read_only(client, sesion, plan):
    for rol in (Rol.revisor, Rol.direccion):
        sesion.entrar(rol)
        assert client.get(f"/mejora-continua/planes/{plan.id}").status_code == 200
        assert client.get(f"/mejora-continua/planes/{plan.id}/excel").status_code == 200
        assert client.get(f"/mejora-continua/planes/{plan.id}/editar").status_code == 403
        assert (
            client.post(
                f"/mejora-continua/planes/{plan.id}/problema/nuevo",
                data={"numero": "9", "texto": "x"},
            ).status_code
            == 403
        )
        accion = _accion(plan, NivelGobierno.regional)
        url = f"/mejora-continua/planes/{plan.id}/acciones/{accion.id}/seguimiento"
        assert client.get(url).status_code == 403
        sesion.salir()


# --- Follow-up -----------------------------------------------------------------------------


def test_drtpe_of_puno_updates_its_regional_actions(client, sesion, plan, bd):
    sesion.entrar(Rol.drtpe, PUNO)
    assert client.get(f"/mejora-continua/planes/{plan.id}").status_code == 200
    accion = _accion(plan, NivelGobierno.regional)
    url = f"/mejora-continua/planes/{plan.id}/acciones/{accion.id}/seguimiento"
    assert client.get(url).status_code == 200
    hoy = date.today().isoformat()
    respuesta = client.post(url, data={"estado": "en_proceso", "fecha": hoy, "nota": "Avanza"})
    assert respuesta.status_code == 302
    bd.session.expire_all()
    fila = bd.session.get(FilaMatrizLogica, accion.id)
    assert fila.estado is EstadoSeguimiento.en_proceso
    assert fila.seguimiento_actual.usuario.email == PUNO
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="plan_mejora", accion="seguimiento")
    )
    assert evento.antes == {"estado": "Pendiente"} and evento.despues["estado"] == "En proceso"
    # The national actions and the plan's parts are not theirs.
    nacional = _accion(plan, NivelGobierno.nacional)
    otra = f"/mejora-continua/planes/{plan.id}/acciones/{nacional.id}/seguimiento"
    assert client.get(otra).status_code == 404
    assert client.get(f"/mejora-continua/planes/{plan.id}/matriz/nuevo").status_code == 403


def test_drtpe_of_loreto_gets_404_on_punos_plan(client, sesion, plan, bd):
    sesion.entrar(Rol.drtpe)  # Loreto
    accion = _accion(plan, NivelGobierno.regional)
    url = f"/mejora-continua/planes/{plan.id}/acciones/{accion.id}/seguimiento"
    assert client.get(url).status_code == 404
    hoy = date.today().isoformat()
    assert client.post(url, data={"estado": "implementada", "fecha": hoy}).status_code == 404
    assert client.get(f"/mejora-continua/planes/{plan.id}").status_code == 404
    assert client.get(f"/mejora-continua/planes/{plan.id}/excel").status_code == 404
    assert "IGUALDAD DE OPORTUNIDADES" not in client.get("/mejora-continua/planes").text
    assert bd.session.scalar(sa.select(sa.func.count()).select_from(SeguimientoAccion)) == 0


def test_follow_up_rules(plan, bd):
    odes = usuario_demo(Rol.odes)
    accion = _accion(plan, NivelGobierno.nacional)
    hoy = date.today()
    with pytest.raises(services.ErrorPlan, match="por qué"):
        presupuesto.registrar_seguimiento(
            accion,
            {"estado": EstadoSeguimiento.no_implementada, "fecha": hoy},
            usuario=odes,
            hoy=hoy,
        )
    with pytest.raises(services.ErrorPlan, match="posterior a hoy"):
        presupuesto.registrar_seguimiento(
            accion,
            {"estado": EstadoSeguimiento.implementada, "fecha": hoy + timedelta(days=1)},
            usuario=odes,
            hoy=hoy,
        )
    presupuesto.registrar_seguimiento(
        accion, {"estado": EstadoSeguimiento.implementada, "fecha": hoy}, usuario=odes, hoy=hoy
    )
    assert accion.estado is EstadoSeguimiento.implementada
    assert queries.conteo_estados(plan)[EstadoSeguimiento.implementada] == 1
    with pytest.raises(services.ErrorPlan, match="seguimiento registrado"):
        services.eliminar(plan, accion, "fila", usuario_id=odes.id)
    puno = usuario_demo(Rol.drtpe, PUNO)
    assert not acceso.puede_seguir_accion(accion, puno)
    assert acceso.puede_seguir_accion(_accion(plan, NivelGobierno.regional), puno)


# --- Excel ---------------------------------------------------------------------------------


def _libro(client, plan):
    respuesta = client.get(f"/mejora-continua/planes/{plan.id}/excel")
    assert respuesta.status_code == 200
    assert respuesta.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(respuesta.data))


def test_excel_budget_has_the_documents_columns_and_totals(client, sesion, plan):
    sesion.entrar(Rol.revisor)
    libro = _libro(client, plan)
    assert libro.sheetnames == [
        "Secciones",
        "Problemas y causas",
        "Alternativas",
        "Matriz lógica",
        "Presupuesto",
        "Seguimiento",
        "Alineamiento",
        "Roles",
        "Indicadores (13)",
        "Cronograma",
    ]
    hoja = libro["Presupuesto"]
    assert [c.value for c in hoja[1]] == COLUMNAS_PRESUPUESTO
    assert COLUMNAS_PRESUPUESTO == [
        "Actividad",
        "Nivel de Gobierno",
        "Unidad de Medida",
        "Costeo Unitario",
        "Cantidad",
        "Total",
        "Especificación del gasto",
        "Total por Nivel de Gobierno",
    ]
    filas = {fila[0].value: fila for fila in hoja.iter_rows(min_row=2) if fila[0].value}
    assert filas["Total Gobierno Nacional"][7].value == 119700
    assert filas["Total Gobierno Regional"][7].value == 20000
    assert filas["Total general"][7].value == 139700
    assert filas["Total general"][7].number_format == "#,##0.00"
    charlas = next(v for k, v in filas.items() if k.startswith("Desarrollar charlas"))
    assert (charlas[1].value, charlas[7].value) == ("Gobierno Nacional", 41700)
    curso = filas["Curso Capacitación"]
    assert [c.value for c in curso[2:7]] == [
        "Servicio tercero",
        11500,
        3,
        34500,
        "2.3.2.7.11.99",
    ]
    assert isinstance(curso[3].value, int | float) and curso[3].number_format == "#,##0.00"
    directiva = next(v for k, v in filas.items() if k.startswith("Directiva General N° 001"))
    assert [c.value for c in directiva[2:8]] == ["-"] * 5 + ["No se ha determinado"]


def test_excel_sheets_follow_the_documents_tables(client, sesion, plan):
    sesion.entrar(Rol.odes)
    libro = _libro(client, plan)
    causas = libro["Problemas y causas"]
    assert (causas["A1"].value, causas["B1"].value, causas["B2"].value, causas["C2"].value) == (
        "PROBLEMAS",
        "ANÁLISIS CAUSAL",
        "MTPE",
        "DRTPE",
    )
    assert causas["A3"].value.startswith("1. Servicio de Empleo a nivel nacional")
    assert causas["C3"].value.startswith("a. Ausencia de voluntad política del Gobierno Regional")
    matriz = libro["Matriz lógica"]
    assert matriz["A1"].value == "MATRIZ LÓGICA GOBIERNO NACIONAL"
    assert [c.value for c in matriz[2]][:3] == [
        "OBJETIVOS",
        "INDICADORES",
        "MEDIOS DE VERIFICACIÓN",
    ]
    assert matriz["A3"].value == "RESULTADO FINAL"
    seguimiento = libro["Seguimiento"]
    estados = [f[3].value for f in seguimiento.iter_rows() if f[3].value in ("Pendiente",)]
    assert len(estados) == 56


def test_excel_neutralises_formula_like_text(client, sesion, plan, bd):
    p1 = plan.problemas[0]
    for numero_, texto in enumerate(["=1+1", "+51 999", "-2+3", "@SUMA(A1)"], start=3):
        services.crear_alternativa(
            plan,
            {
                "problema_id": p1.id,
                "nivel": NivelCausa.mtpe,
                "causa_id": None,
                "letra": "c",
                "numero": numero_,
                "texto": texto,
                "priorizada": False,
                "texto_priorizado": None,
                "plazo": None,
                "plazo_detalle": None,
                "nota": None,
            },
            usuario_id=None,
        )
    bd.session.commit()
    sesion.entrar(Rol.odes)
    hoja = _libro(client, plan)["Alternativas"]
    textos = [
        fila[3].value
        for fila in hoja.iter_rows(min_row=2)
        if fila[2].value in ("c.3", "c.4", "c.5", "c.6")
    ]
    assert textos == ["'=1+1", "'+51 999", "'-2+3", "'@SUMA(A1)"]
    assert all(c.data_type != "f" for fila in hoja.iter_rows() for c in fila)
