"""Every route × every role: allowed or denied as declared, and no route without a rule."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import ConjuntoIndicadores, FuncionLOGR, Indicador, Region, UnidadMTPE
from app.comun import almacenamiento, tareas
from app.comun.base import ahora
from app.comun.roles import Rol, regla_de
from app.convenios.models import Convenio, EstadoReporte, Periodo
from app.convenios.queries.convenios import convenio_vigente
from app.convenios.services import importacion_tarea
from app.convenios.services.anexo4 import obtener_o_crear_reporte
from app.convenios.services.evidencias import guardar_evidencia
from app.informes.models import (
    ArchivoInforme,
    EstadoGeneracion,
    EstadoInforme,
    GeneracionInforme,
    Informe,
)
from app.informes.services.archivos import CARPETA as CARPETA_INFORMES
from app.mejora_continua.models.planes import (
    FilaMatrizLogica,
    NivelGobierno,
    PlanMejora,
    SeccionPlan,
    TipoFila,
)
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoPrograma,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.services.evaluaciones import obtener_o_crear_evaluacion
from app.mejora_continua.services.programacion import registrar_ejecucion
from app.notificaciones.models import EnvioCorreo, EstadoEnvio, Notificacion, TipoNotificacion
from tests.conftest import usuario_demo

ODES = Rol.odes
TODOS = set(Rol)
PUBLICO = "publico"
PDF_MUESTRA = b"%PDF-1.4\n%%EOF\n"

#: The access table, written independently of the code: endpoint → roles allowed.
ESPERADO: dict[str, set[Rol] | str] = {
    "static": PUBLICO,
    "main.inicio": PUBLICO,
    "main.salud": PUBLICO,
    "main.salud_lista": PUBLICO,
    "main.tablero": TODOS,
    "auth.login": PUBLICO,
    "auth.logout": TODOS,
    "auth.usuarios": {ODES},
    "auth.nuevo_usuario": {ODES},
    "auth.editar_usuario": {ODES},
    "auth.cerrar_sesiones": {ODES},
    "auth.tokens": TODOS,
    "auth.revocar_token": TODOS,
    "auth.tokens_usuario": {ODES},
    "auth.revocar_token_usuario": {ODES},
    # The REST API (issue 20): walked with a token of each role instead of a session.
    "api_documentacion.openapi": PUBLICO,
    "api_documentacion.documentacion": PUBLICO,
    "api_catalogo.regiones": TODOS,
    "api_catalogo.unidades": TODOS,
    "api_catalogo.objetivos": TODOS,
    "api_catalogo.servicios": TODOS,
    "api_catalogo.ciclos": TODOS,
    "api_catalogo.ciclo": TODOS,
    "api_convenios.convenios": TODOS,
    "api_convenios.convenio": TODOS,
    "api_convenios.periodos": TODOS,
    "api_convenios.metas": TODOS,
    "api_anexo4.reportes": {ODES, Rol.drtpe, Rol.direccion},
    "api_anexo4.reporte": {ODES, Rol.drtpe, Rol.direccion},
    "api_anexo4.iniciar": {Rol.drtpe},
    "api_anexo4.guardar_lineas": {Rol.drtpe},
    "api_anexo4.enviar": {Rol.drtpe},
    "api_anexo4.subir_evidencia": {Rol.drtpe},
    "api_cifras.celdas": TODOS,
    "api_cifras.resultados": TODOS,
    "api_cifras.completitud": {ODES, Rol.direccion, Rol.revisor},
    "api_mejora_continua.evaluaciones": {ODES, Rol.direccion, Rol.revisor},
    "api_mejora_continua.programas": TODOS,
    "api_mejora_continua.programa": TODOS,
    "catalogo.indice": TODOS,
    "catalogo.regiones": TODOS,
    "catalogo.region": TODOS,
    "catalogo.editar_region": {ODES},
    "catalogo.funciones": TODOS,
    "catalogo.unidades": TODOS,
    "catalogo.editar_unidad": {ODES},
    "catalogo.objetivos_servicios": TODOS,
    "catalogo.indicadores": TODOS,
    "catalogo.indicador": TODOS,
    "catalogo.editar_indicador": {ODES},
    "catalogo.ciclos": TODOS,
    "catalogo.ciclo": TODOS,
    "catalogo.nuevo_ciclo": {ODES},
    "catalogo.nuevo_indicador": {ODES},
    "catalogo.retirar_indicador": {ODES},
    "catalogo.editar_texto": {ODES},
    "convenios.lista": TODOS,
    "convenios.nuevo": {ODES},
    "convenios.detalle": TODOS,
    "convenios.editar": {ODES},
    "convenios.nueva_adenda": {ODES},
    "convenios.periodos": {ODES},
    "convenios.nuevo_periodo": {ODES},
    "convenios.editar_periodo": {ODES},
    "convenios.prorrogas": {ODES},
    "convenios.importar_ciclo": {ODES},
    "convenios.programaciones": TODOS,
    "convenios.programacion": TODOS,
    "convenios.reprogramaciones": TODOS,
    "convenios.documento_adenda": TODOS,
    "convenios.abrir_programacion": {ODES},
    "convenios.aprobar_programacion": {ODES},
    "convenios.aprobar_reprogramacion": {ODES},
    "convenios.rechazar_reprogramacion": {ODES},
    "convenios.enviar_programacion": {ODES, Rol.drtpe},
    "convenios.reprogramar_meta": {ODES, Rol.drtpe},
    "convenios.observar_programacion": {ODES, Rol.direccion},
    "convenios.anexo4": {ODES, Rol.drtpe, Rol.direccion},
    "convenios.iniciar_anexo4": {Rol.drtpe},
    "convenios.ver_anexo4": {ODES, Rol.drtpe, Rol.direccion},
    "convenios.editar_anexo4": {Rol.drtpe},
    "convenios.enviar_anexo4": {Rol.drtpe},
    "convenios.observar_anexo4": {ODES, Rol.direccion},
    "convenios.aprobar_anexo4": {ODES},
    "convenios.reabrir_anexo4": {ODES},
    "convenios.completitud": {ODES, Rol.direccion, Rol.revisor},
    "convenios.resultados": TODOS,
    "convenios.tendencias": TODOS,
    "convenios.tendencias_excel": TODOS,
    "convenios.subir_evidencia": {Rol.drtpe},
    "convenios.descargar_evidencia": {ODES, Rol.drtpe, Rol.direccion},
    "convenios.eliminar_evidencia": {Rol.drtpe},
    "convenios.plantilla_anexo4": {ODES, Rol.drtpe},
    "convenios.cargar_plantilla": {Rol.drtpe},
    "convenios.importar_anexo4": {ODES},
    "convenios.confirmar_importacion": {ODES},
    "convenios.estado_importacion": {ODES},
    "convenios.exportar_anexo4": {Rol.odes, Rol.direccion, Rol.drtpe},
    "mejora_continua.evaluaciones": {ODES, Rol.direccion, Rol.revisor},
    "mejora_continua.iniciar_evaluacion": {Rol.direccion},
    "mejora_continua.ver_evaluacion": {ODES, Rol.direccion, Rol.revisor},
    "mejora_continua.editar_evaluacion": {Rol.direccion},
    "mejora_continua.aplicar_sugerencias": {Rol.direccion},
    "mejora_continua.enviar_evaluacion": {Rol.direccion},
    "mejora_continua.observar_evaluacion": {ODES},
    "mejora_continua.aprobar_evaluacion": {ODES},
    "mejora_continua.reabrir_evaluacion": {ODES},
    "mejora_continua.programas": TODOS,
    "mejora_continua.nuevo_programa": {ODES},
    "mejora_continua.programa": TODOS,
    "mejora_continua.aprobar_programa": {ODES},
    "mejora_continua.reabrir_programa": {ODES},
    "mejora_continua.programa_excel": TODOS,
    "mejora_continua.calendario": TODOS,
    "mejora_continua.avance": TODOS,
    "mejora_continua.agenda": TODOS,
    "mejora_continua.nueva_actividad": {ODES, Rol.direccion},
    "mejora_continua.actividad": TODOS,
    "mejora_continua.editar_actividad": {ODES, Rol.direccion},
    "mejora_continua.programar_actividad": {ODES, Rol.direccion},
    "mejora_continua.programacion": {ODES, Rol.drtpe, Rol.direccion},
    "mejora_continua.ejecutar_programacion": {ODES, Rol.drtpe, Rol.direccion},
    "mejora_continua.reprogramar_programacion": {ODES, Rol.drtpe, Rol.direccion},
    "mejora_continua.cancelar_programacion": {ODES, Rol.drtpe, Rol.direccion},
    "mejora_continua.evidencia_programacion": {ODES, Rol.drtpe, Rol.direccion},
    "mejora_continua.matriz": TODOS,
    "mejora_continua.matriz_excel": TODOS,
    "mejora_continua.planes": TODOS,
    "mejora_continua.plan_nuevo": {ODES},
    "mejora_continua.plan_ver": TODOS,
    "mejora_continua.plan_editar": {ODES},
    "mejora_continua.plan_parte_nueva": {ODES},
    "mejora_continua.plan_parte_editar": {ODES},
    "mejora_continua.plan_parte_eliminar": {ODES},
    "mejora_continua.plan_seguimiento": {ODES, Rol.drtpe},
    "mejora_continua.plan_excel": TODOS,
    "mejora_continua.plan_seccion_editar": {ODES},
    "mejora_continua.plan_enviar": {ODES},
    "mejora_continua.plan_observar": {ODES},
    "mejora_continua.plan_aprobar": {ODES},
    "mejora_continua.plan_reabrir": {ODES},
    "mejora_continua.plan_enlaces": {ODES},
    "mejora_continua.plan_copiar": {ODES},
    "mejora_continua.plan_comparar": TODOS,
    "informes.indice": TODOS,
    "informes.plan_pdf": TODOS,
    "informes.tablero": TODOS,
    "informes.grafico_region": TODOS,
    "informes.grafico_idg": TODOS,
    "informes.grafico_comparacion": TODOS,
    "informes.grafico_tendencia": TODOS,
    "informes.excel": TODOS,
    "informes.informe": TODOS,
    "informes.editar_narrativa": {ODES},
    "informes.generar": {ODES},
    "informes.generacion": {ODES},
    "informes.publicar": {ODES},
    "informes.despublicar": {ODES},
    "informes.descargar": TODOS,
    "informes.ficha": TODOS,
    "publicaciones.lista": PUBLICO,
    "publicaciones.archivo": PUBLICO,
    "publicaciones.semestre": PUBLICO,
    "publicaciones.diccionario": PUBLICO,
    "publicaciones.datos_csv": PUBLICO,
    "publicaciones.datos_json": PUBLICO,
    "publicaciones.datos_xlsx": PUBLICO,
    "publicaciones.grafico_region": PUBLICO,
    "publicaciones.grafico_idg": PUBLICO,
    "publicaciones.grafico_comparacion": PUBLICO,
    "notificaciones.lista": TODOS,
    "notificaciones.leer": TODOS,
    "notificaciones.leer_todas": TODOS,
    "notificaciones.preferencias": TODOS,
    "notificaciones.envios": {ODES},
    "notificaciones.reintentar": {ODES},
}


def _argumentos(bd) -> dict[str, object]:
    """Sample URL values: objects of Loreto, the demo drtpe user's own region."""
    loreto = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2021, 7, 31))
    bd.session.add(periodo)
    reporte = obtener_o_crear_reporte(convenio_vigente(loreto.id, 2021), periodo, usuario_id=None)
    # A line of IdG proposed by DNCCL, so the demo direccion user may download its evidence.
    linea = next(x for x in reporte.lineas if x.indicador.proponente.sigla == "DNCCL")
    drtpe = bd.session.scalar(sa.select(Usuario).filter_by(region_id=loreto.id))
    evidencia = guardar_evidencia(
        linea, "muestra.pdf", b"%PDF-1.4\n%%EOF\n", usuario=drtpe, hoy=date.today()
    )
    # The Anexo 5 of that IdG, written by the demo DNCCL user; approved, so reviewers read it.
    dnccl = bd.session.scalar(sa.select(Usuario).filter_by(rol=Rol.direccion))
    evaluacion = obtener_o_crear_evaluacion(linea.indicador, periodo, dnccl)
    evaluacion.estado = EstadoReporte.aprobado
    # An AMC plan of Loreto with one regional action, so its drtpe user may follow it up.
    plan = PlanMejora(titulo="Plan de muestra", servicio_evaluado="Servicio", sector="MTPE")
    plan.region = loreto
    accion = FilaMatrizLogica(
        plan=plan, nivel=NivelGobierno.regional, tipo=TipoFila.actividad, objetivo="Acción"
    )
    seccion = SeccionPlan(plan=plan, clave="A.V", titulo="V. FINALIDAD", texto="Texto", orden=1)
    bd.session.add_all([plan, accion, seccion])
    # The semester's report, published with a stored final file, and one build job.
    informe = Informe(periodo=periodo, estado=EstadoInforme.publicado, publicado_en=ahora())
    archivo = ArchivoInforme(
        informe=informe,
        version_datos="0" * 64,
        ruta=almacenamiento.guardar(CARPETA_INFORMES, "pdf", PDF_MUESTRA),
        publicado=True,
        publicado_en=ahora(),
        numero_version=1,
    )
    archivo.tamanio = len(PDF_MUESTRA)
    generacion = GeneracionInforme(informe=informe, estado=EstadoGeneracion.terminado)
    bd.session.add_all([informe, archivo, generacion])
    # A 2021 programme with an activity of the DNCCL's IdG run in Loreto and executed with
    # evidence, so the demo direccion and drtpe users own it.
    programa = ProgramaCapacidades(
        anio=2021, nombre="Programación de muestra", estado=EstadoPrograma.aprobado
    )
    actividad = Actividad(
        programa=programa,
        indicador=linea.indicador,
        unidad=linea.indicador.proponente,
        numero=1,
        nombre="Actividad de muestra",
    )
    corrida = ProgramacionRegional(region=loreto, mes=2)
    actividad.programaciones.append(corrida)
    bd.session.add(programa)
    bd.session.flush()
    registrar_ejecucion(
        corrida,
        fecha=date(2021, 2, 10),
        participantes=5,
        evidencia=("muestra.pdf", PDF_MUESTRA),
        usuario=drtpe,
        hoy=date.today(),
        ahora=ahora(),
    )
    # A failed e-mail of the outbox (the ODES's retry button).
    aviso = Notificacion(
        usuario=drtpe,
        tipo=TipoNotificacion.anexo4_aprobado,
        titulo="Anexo 4 aprobado",
        texto="Texto",
        url="/convenios/anexo4",
    )
    envio = EnvioCorreo(
        notificacion=aviso,
        destinatario=drtpe.email,
        asunto=aviso.titulo,
        estado=EstadoEnvio.fallido,
        intentos=1,
    )
    bd.session.add_all([aviso, envio])
    bd.session.commit()
    return {
        "envio_id": envio.id,
        "reporte_id": reporte.id,
        "periodo_id": periodo.id,
        "anio": 2021,
        "linea_id": linea.id,
        "evidencia_id": evidencia.id,
        "convenio_id": bd.session.scalar(sa.select(Convenio.id).filter_by(region_id=loreto.id)),
        "codigo": "loreto",
        "tipo": "funcion",
        "objeto_id": bd.session.scalar(sa.select(FuncionLOGR.id).filter_by(letra="a")),
        "usuario_id": 1,
        "unidad_id": bd.session.scalar(sa.select(UnidadMTPE.id)),
        "indicador_id": bd.session.scalar(sa.select(Indicador.id)),
        "ciclo_id": bd.session.scalar(sa.select(ConjuntoIndicadores.id)),
        "filename": "css/app.css",
        "evaluacion_id": evaluacion.id,
        "plan_id": plan.id,
        "seccion_id": seccion.id,
        "parte": "matriz",
        "parte_id": accion.id,
        "periodo": periodo.codigo,
        "numero": 1,
        "idg": 1,
        "generacion_id": generacion.id,
        # A queued import (run at once in the tests; its waiting file is gone: it failed).
        "id_tarea": tareas.encolar(importacion_tarea.FUNCION, "0" * 32, "x.csv", drtpe.id),
        "archivo_id": archivo.id,
        "actividad_id": actividad.id,
        "programacion_id": corrida.id,
    }


def test_every_route_declares_a_rule_and_is_in_the_table(app):
    sin_regla = [ep for ep in app.view_functions if regla_de(app, ep) is None]
    assert not sin_regla, f"Rutas sin regla de acceso declarada: {sin_regla}"
    fuera_de_tabla = sorted(set(app.view_functions) - set(ESPERADO))
    assert not fuera_de_tabla, f"Rutas nuevas sin fila en la tabla de permisos: {fuera_de_tabla}"


def test_declared_rules_match_the_table(app):
    for endpoint, esperado in ESPERADO.items():
        declarado = regla_de(app, endpoint)
        if esperado == PUBLICO:
            assert declarado == PUBLICO, endpoint
        else:
            assert set(declarado) == esperado, endpoint


def _rutas(app):
    for regla in app.url_map.iter_rules():
        if regla.endpoint == "static":
            continue
        metodo = next(m for m in ("GET", "POST", "PUT") if m in regla.methods)
        yield regla, metodo


def _token(rol: Rol | None) -> dict:
    """The API's Authorization header for a token of the role (none for anonymous)."""
    if rol is None:
        return {}
    from app.auth.services import crear_token
    from app.extensions import db

    usuario = usuario_demo(rol)
    _fila, texto = crear_token(
        usuario, nombre="rutas", solo_lectura=False, dias=1, creado_por=usuario
    )
    db.session.commit()
    return {"Authorization": f"Bearer {texto}"}


def _revisar_api(regla, rol, respuesta) -> None:
    """An API route answers a token as the web answers a session: 401 without one, 403 to a
    role the view does not admit, and otherwise the view's own answer (a write with an empty
    body is refused for its data, 4xx, never for the role)."""
    esperado, estado = ESPERADO[regla.endpoint], respuesta.status_code
    assert respuesta.mimetype in ("application/json", "text/html"), regla.endpoint
    if esperado == PUBLICO:
        assert estado == 200, (regla.endpoint, rol, estado)
    elif rol is None:
        assert estado == 401, regla.endpoint
    elif rol in esperado:
        assert estado < 500 and estado not in (401, 403), (regla.endpoint, rol, estado)
    else:
        assert estado == 403, (regla.endpoint, rol, estado)


@pytest.mark.parametrize("rol", [None, *Rol], ids=lambda r: r.value if r else "anonimo")
def test_walk_every_route_with_every_role(app, client, sesion, bd, rol):
    if rol:
        sesion.entrar(rol)
    argumentos = _argumentos(bd)
    token = _token(rol)
    for regla, metodo in _rutas(app):
        url = app.url_for(regla.endpoint, **{a: argumentos[a] for a in regla.arguments})
        if regla.endpoint in ("auth.logout", "auth.cerrar_sesiones"):
            continue  # would end the session being walked (user 1 is ODES); covered below
        if regla.rule.startswith("/api/"):
            _revisar_api(regla, rol, client.open(url, method=metodo, json={}, headers=token))
            continue
        respuesta = client.open(url, method=metodo, data={})
        esperado = ESPERADO[regla.endpoint]
        if esperado == PUBLICO:
            assert respuesta.status_code < 400, (regla.endpoint, rol, respuesta.status_code)
        elif rol is None:
            assert respuesta.status_code == 302 and "/login" in respuesta.location, regla.endpoint
        elif rol in esperado:
            assert respuesta.status_code in (200, 302), (regla.endpoint, rol, respuesta.status_code)
        else:
            assert respuesta.status_code == 403, (regla.endpoint, rol, respuesta.status_code)


def test_logout_requires_login_and_post(client, sesion):
    assert client.get("/logout").status_code == 405
    sesion.entrar(Rol.revisor)
    assert client.post("/logout").status_code == 302
    assert client.get("/tablero").status_code == 302


def test_ending_an_accounts_sessions_is_for_odes_only(client, sesion):
    url = f"/usuarios/{usuario_demo(Rol.revisor).id}/cerrar-sesiones"
    assert client.get(url).status_code == 405
    respuesta = client.post(url)
    assert respuesta.status_code == 302 and "/login" in respuesta.location
    for rol in (Rol.drtpe, Rol.direccion, Rol.revisor):
        sesion.entrar(rol)
        assert client.post(url).status_code == 403, rol
        sesion.salir()
    sesion.entrar(Rol.odes)
    assert client.post(url).status_code == 302


def test_drtpe_cannot_read_another_regions_convenio(client, sesion, bd):
    sesion.entrar(Rol.drtpe)  # Loreto
    puno = bd.session.scalar(sa.select(Region).filter_by(codigo="puno"))
    otro = bd.session.scalar(sa.select(Convenio).filter_by(region_id=puno.id))
    propio = bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == "loreto"))
    assert client.get(f"/convenios/{otro.id}").status_code == 404
    assert "Puno" not in client.get(f"/convenios/{otro.id}").text
    assert client.get(f"/convenios/{propio.id}").status_code == 200


def test_drtpe_list_shows_only_own_region_even_when_filtering_another(client, sesion, bd):
    sesion.entrar(Rol.drtpe)
    puno = bd.session.scalar(sa.select(Region).filter_by(codigo="puno"))
    pagina = client.get(f"/convenios/?region={puno.id}").text
    assert "Loreto" in pagina
    assert ">Puno<" not in pagina


def test_region_page_hides_other_regions_convenios_from_drtpe(client, sesion):
    sesion.entrar(Rol.drtpe)
    assert "Sin convenios registrados" in client.get("/catalogo/regiones/puno").text
    assert "2020-2021" in client.get("/catalogo/regiones/loreto").text


def test_view_without_rule_is_refused_at_request_time():
    from app import create_app
    from config import TestingConfig

    otra = create_app(TestingConfig)

    @otra.route("/__sin_regla_prueba")
    def sin_regla():
        return "abierta"

    respuesta = otra.test_client().get("/__sin_regla_prueba")
    assert respuesta.status_code == 403
    assert "abierta" not in respuesta.text
