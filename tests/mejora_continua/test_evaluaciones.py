"""Anexo 5: draft from the Anexo 4, validation, contradictions, workflow, access, seed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.auditoria import Evento, historial
from app.comun.concurrencia import EdicionConcurrente
from app.comun.roles import Rol
from app.convenios.models import EstadoReporte, Periodo
from app.mejora_continua.models.evaluaciones import Clasificacion, Evaluacion, TipoItem
from app.mejora_continua.queries import evaluaciones as queries
from app.mejora_continua.queries import evaluaciones_contraste as contraste
from app.mejora_continua.services import evaluaciones as services
from app.mejora_continua.services import evaluaciones_contenido as contenido
from seed.anexo5 import cargar_anexo5_demo
from tests.conftest import usuario_demo

AHORA = datetime(2021, 2, 20, 15, 0, tzinfo=UTC)
TEXTO_LORETO = "Las G/DRTPE de Ica, Lima y Loreto han cumplido la meta programada”"
REC_IDG3 = (
    "Realizar o continuar las visitas para sensibilizar a instituciones públicas y privadas de "
    "la importancia de la Certificación de Competencias Laborales y cumplir con las metas "
    "programadas."
)
REC_EMPLEOS_PERU = (
    "Continuar fortaleciendo la difusión del portal Empleos Perú, modalidad virtual de la Bolsa "
    "de Trabajo, para que más usuarios, tanto ciudadanos y empresas, puedan atender sus "
    "necesidades de búsqueda de empleo y dotación de personal, respectivamente."
)


def _periodo(bd, anio=2020, semestre=2) -> Periodo:
    return bd.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))


def _idg(bd, numero: int) -> Indicador:
    return bd.session.scalar(sa.select(Indicador).filter_by(numero=numero))


def _region(bd, nombre: str) -> Region:
    return bd.session.scalar(sa.select(Region).filter_by(nombre=nombre))


def _ids(bd, *nombres: str) -> list[int]:
    return [_region(bd, n).id for n in nombres]


def _unidad(bd, sigla: str) -> UnidadMTPE:
    return bd.session.scalar(sa.select(UnidadMTPE).filter_by(sigla=sigla))


@pytest.fixture
def ii_2020(demo):
    """II-2020 (with its approved Anexo 4) reopened so the directorates can write."""
    periodo = _periodo(demo)
    periodo.abierto = True
    demo.session.commit()
    return periodo


@pytest.fixture
def eval_idg3(demo, ii_2020):
    """The DNCCL draft Anexo 5 of IdG 3, II-2020."""
    evaluacion = services.obtener_o_crear_evaluacion(
        _idg(demo, 3), ii_2020, usuario_demo(Rol.direccion)
    )
    demo.session.commit()
    return evaluacion


def _guardar(bd, evaluacion, items, veredicto="En promedio no se cumplió lo programado."):
    services.guardar_evaluacion(
        evaluacion,
        veredicto,
        items,
        usuario=usuario_demo(Rol.direccion),
        version=evaluacion.version,
    )
    bd.session.commit()


def _usuario_de(bd, sigla: str) -> Usuario:
    """A direccion account of another unit."""
    usuario = Usuario(
        email=f"{sigla.lower()}@prueba.gob.pe",
        nombre=f"Especialista {sigla}",
        rol=Rol.direccion,
        unidad=_unidad(bd, sigla),
    )
    usuario.set_password("clave-de-prueba")
    bd.session.add(usuario)
    bd.session.flush()
    return usuario


def _conclusion(texto, clasificacion=None, regiones=()):
    return {
        "tipo": TipoItem.conclusion,
        "texto": texto,
        "clasificacion": clasificacion,
        "regiones": list(regiones),
    }


def _recomendacion(texto, regiones=(), drtpe=True, unidades=()):
    return {
        "tipo": TipoItem.recomendacion,
        "texto": texto,
        "regiones": list(regiones),
        "responsable_drtpe": drtpe,
        "responsables": list(unidades),
    }


# --- Draft from the Anexo 4 -----------------------------------------------------------------


def test_spanish_list_joining():
    assert contraste.unir(["Loreto"]) == "Loreto"
    assert contraste.unir(["Ica", "Loreto"]) == "Ica y Loreto"
    assert contraste.unir(["Cajamarca", "Ica", "Loreto"]) == "Cajamarca, Ica y Loreto"
    assert contraste.unir(["Cajamarca", "Ica"]) == "Cajamarca e Ica"


def test_draft_groups_regions_by_what_the_anexo4_says(eval_idg3):
    sugerencias = {s.clasificacion: s for s in contraste.borrador_sugerido(eval_idg3)}
    nombres = {c: [r.nombre for r in s.regiones] for c, s in sugerencias.items()}
    # Loreto programmed 70 % and executed 30 %: it did NOT meet the goal.
    assert "Loreto" in nombres[Clasificacion.no_cumplio_meta]
    assert nombres[Clasificacion.cumplio_meta] == ["Ica", "Lima"]
    assert nombres[Clasificacion.sin_meta] == ["Apurímac", "Moquegua"]
    assert len(nombres[Clasificacion.no_cumplio_meta]) == 14  # the 13 of the report + Loreto
    assert sugerencias[Clasificacion.cumplio_meta].texto == (
        "Las G/DRTPE de Ica y Lima cumplieron la meta programada."
    )
    assert sugerencias[Clasificacion.sin_meta].texto == (
        "Las G/DRTPE de Apurímac y Moquegua no tenían meta programada en el II Semestre 2020."
    )
    assert sugerencias[None].texto == (
        "Las G/DRTPE de Arequipa, Ayacucho y Tumbes no remitieron el Anexo 4 del II Semestre 2020."
    )
    assert sugerencias[None].regiones == []


def test_draft_knows_no_goal_not_applicable_and_not_sent(demo, ii_2020):
    idg1 = services.obtener_o_crear_evaluacion(_idg(demo, 1), ii_2020, None)
    idg8 = services.obtener_o_crear_evaluacion(_idg(demo, 8), ii_2020, None)
    grupos1 = {
        s.clasificacion: [r.nombre for r in s.regiones] for s in contraste.borrador_sugerido(idg1)
    }
    grupos8 = {
        s.clasificacion: [r.nombre for r in s.regiones] for s in contraste.borrador_sugerido(idg8)
    }
    assert grupos1[Clasificacion.no_remitio] == ["Amazonas", "Lambayeque", "San Martín"]
    assert grupos8[Clasificacion.no_aplica] == [
        "Apurímac",
        "Callao",
        "Huancavelica",
        "Lima",
        "Pasco",
    ]


def test_applying_the_draft_adds_editable_conclusions_once(demo, eval_idg3):
    dnccl = usuario_demo(Rol.direccion)
    agregadas, omitidas = services.aplicar_borrador(eval_idg3, usuario=dnccl)
    demo.session.commit()
    assert agregadas == 4 and omitidas == []
    assert [i.clasificacion for i in eval_idg3.conclusiones][:3] == [
        Clasificacion.cumplio_meta,
        Clasificacion.no_cumplio_meta,
        Clasificacion.sin_meta,
    ]
    assert eval_idg3.veredicto.startswith("En el II Semestre 2020, en promedio la ejecución (")
    assert "es menor que la programación" in eval_idg3.veredicto
    assert contraste.contradicciones(eval_idg3) == []
    assert services.aplicar_borrador(eval_idg3, usuario=dnccl) == (0, [])
    assert [e.accion for e in historial("evaluacion", eval_idg3.id)] == [
        "aplicar_borrador",
        "crear",
    ]


def test_draft_suggestions_that_contradict_the_author_are_left_out(demo, eval_idg3):
    _guardar(
        demo,
        eval_idg3,
        [
            _conclusion(
                TEXTO_LORETO, Clasificacion.cumplio_meta, _ids(demo, "Ica", "Lima", "Loreto")
            )
        ],
    )
    agregadas, omitidas = services.aplicar_borrador(eval_idg3, usuario=usuario_demo(Rol.direccion))
    assert agregadas == 3  # Ica y Lima (met), Apurímac y Moquegua (no goal), the missing reports
    assert len(omitidas) == 1 and "Loreto ya figura en la conclusión 1" in omitidas[0]


# --- Validation -----------------------------------------------------------------------------


def test_contradiction_with_the_anexo4_is_flagged_but_does_not_block(demo, eval_idg3):
    _guardar(
        demo,
        eval_idg3,
        [
            _conclusion(
                TEXTO_LORETO, Clasificacion.cumplio_meta, _ids(demo, "Ica", "Lima", "Loreto")
            ),
            _recomendacion(REC_IDG3, unidades=[_unidad(demo, "DGNFECCL").id]),
        ],
    )
    avisos = contraste.contradicciones(eval_idg3)
    assert avisos == [
        "Conclusión 1 («Cumplieron la meta»), Loreto: el Anexo 4 registra 30 % ejecutado "
        "frente a 70 % programado."
    ]
    services.enviar(eval_idg3, usuario=usuario_demo(Rol.direccion), ahora=AHORA)
    services.aprobar(eval_idg3, usuario=usuario_demo(Rol.odes), ahora=AHORA)
    demo.session.commit()
    aprobacion = historial("evaluacion", eval_idg3.id)[0]
    assert aprobacion.accion == "aprobar"
    assert "Loreto" in aprobacion.despues["contradicciones con el Anexo 4"]


@pytest.mark.parametrize(
    ("clasificacion", "region", "fragmento"),
    [
        (
            Clasificacion.no_cumplio_meta,
            "Ica",
            "28 % ejecutado frente a 24 % programado (sí la cumplió)",
        ),
        (Clasificacion.sin_meta, "Loreto", "registra 70 % programado"),
        (Clasificacion.no_aplica, "Apurímac", None),  # the cell has no goal: compatible
        (Clasificacion.cumplio_meta, "Moquegua", "figura como «Sin meta en el semestre»"),
        (Clasificacion.no_ejecuto, "Lima", "registra 41 % ejecutado"),
    ],
)
def test_each_classification_is_checked_against_the_cell(
    demo, eval_idg3, clasificacion, region, fragmento
):
    _guardar(demo, eval_idg3, [_conclusion("Texto de prueba.", clasificacion, _ids(demo, region))])
    avisos = contraste.contradicciones(eval_idg3)
    if fragmento is None:
        assert avisos == []
    else:
        assert len(avisos) == 1 and region in avisos[0] and fragmento in avisos[0]


def test_a_conclusion_names_only_regions_evaluated_that_semester(demo, eval_idg3):
    with pytest.raises(services.ErrorEvaluacion) as error:
        _guardar(
            demo,
            eval_idg3,
            [_conclusion("Tumbes no informó.", Clasificacion.otra, _ids(demo, "Tumbes"))],
        )
    assert "Tumbes no fue evaluada en el II Semestre 2020" in error.value.errores[0]["regiones"]
    demo.session.rollback()
    assert eval_idg3.items == []
    # A recommendation (an action) may name any of the 25 regions and Lima Metropolitana.
    _guardar(
        demo,
        eval_idg3,
        [
            _recomendacion(
                "Sensibilizar también a Tumbes.", _ids(demo, "Tumbes", "Lima Metropolitana")
            )
        ],
    )
    assert [r.nombre for r in eval_idg3.recomendaciones[0].regiones] == [
        "Tumbes",
        "Lima Metropolitana",
    ]


def test_a_region_cannot_be_in_two_conflicting_groups(demo, eval_idg3):
    loreto = _ids(demo, "Loreto")
    with pytest.raises(services.ErrorEvaluacion) as error:
        _guardar(
            demo,
            eval_idg3,
            [
                _conclusion("Cumplieron.", Clasificacion.cumplio_meta, loreto),
                _conclusion("Sin meta.", Clasificacion.sin_meta, loreto),
            ],
        )
    assert error.value.errores == {
        1: {
            "regiones": "Loreto ya figura en la conclusión 1 como «Cumplieron la meta»; no puede "
            "figurar también como «Sin meta programada en el semestre»."
        }
    }
    demo.session.rollback()
    # Free-text groups may repeat regions (IdG 6 names them in conclusions and actions).
    _guardar(
        demo,
        eval_idg3,
        [
            _conclusion("No cumplieron.", Clasificacion.no_cumplio_meta, loreto),
            _conclusion("Deben continuar.", None, loreto),
            _conclusion("No ejecutaron acciones.", Clasificacion.no_ejecuto, _ids(demo, "Puno")),
            _conclusion("Tampoco cumplieron.", Clasificacion.no_cumplio_meta, _ids(demo, "Puno")),
        ],
    )


def test_duplicate_recommendation_is_refused(demo, bd, ii_2020):
    evaluacion = services.obtener_o_crear_evaluacion(_idg(demo, 4), ii_2020, None)
    dgsne = [_unidad(demo, "DGSNE").id]
    with pytest.raises(services.ErrorEvaluacion) as error:
        services.guardar_evaluacion(
            evaluacion,
            "La ejecución promedio es mayor a la programación.",
            [
                _recomendacion("Continuar con las coordinaciones.", drtpe=False, unidades=dgsne),
                _recomendacion(REC_EMPLEOS_PERU, drtpe=False, unidades=dgsne),
                # As printed the second time, in quotes: still the same recommendation.
                _recomendacion(f"“{REC_EMPLEOS_PERU[:-1]}”.", drtpe=False, unidades=dgsne),
            ],
            usuario=_usuario_de(bd, "DGSNE"),
            version=None,
        )
    assert error.value.errores == {
        2: {"texto": "Repite el texto de la recomendación 2: no se admiten textos duplicados."}
    }


def test_recommendations_need_a_responsible_and_conclusions_have_none(demo, eval_idg3):
    with pytest.raises(services.ErrorEvaluacion) as error:
        _guardar(
            demo,
            eval_idg3,
            [
                {**_conclusion("Texto."), "responsable_drtpe": True},
                _recomendacion(REC_IDG3, drtpe=False),
                {**_recomendacion("Otra."), "clasificacion": Clasificacion.cumplio_meta},
                _conclusion("", Clasificacion.no_cumplio_meta),
            ],
        )
    errores = error.value.errores
    assert "solo las recomendaciones" in errores[0]["responsables"]
    assert "al menos un responsable" in errores[1]["responsables"]
    assert errores[2] == {"clasificacion": "Las recomendaciones no llevan clasificación."}
    assert errores[3]["texto"] == "Escriba el texto de la conclusión."
    assert "al menos una región" in errores[3]["regiones"]


def test_responsible_string_as_the_matrix_prints_it(demo, eval_idg3):
    _guardar(
        demo,
        eval_idg3,
        [
            _recomendacion(
                "A.", unidades=[_unidad(demo, "CONSSAT").id, _unidad(demo, "DGDFSST").id]
            ),
            _recomendacion("B.", drtpe=False, unidades=[_unidad(demo, "DGSNE").id]),
            _recomendacion("C."),
        ],
    )
    demo.session.expire_all()
    assert [i.responsable for i in eval_idg3.recomendaciones] == [
        "DRTPE/MTPE-DGDFSST-CONSSAT",
        "MTPE/DGSNE",
        "DRTPE",
    ]


def test_items_are_updated_in_place_and_removed(demo, eval_idg3):
    _guardar(
        demo,
        eval_idg3,
        [
            _conclusion("Primera.", Clasificacion.cumplio_meta, _ids(demo, "Ica")),
            _recomendacion("Única.", _ids(demo, "Tumbes")),
        ],
    )
    conclusion, recomendacion = eval_idg3.items
    datos = [{**contenido.DatosItem.del_item(recomendacion).__dict__, "texto": "Única, corregida."}]
    _guardar(demo, eval_idg3, datos)
    demo.session.expire_all()
    assert [(i.id, i.texto) for i in eval_idg3.items] == [(recomendacion.id, "Única, corregida.")]
    assert demo.session.get(type(conclusion), conclusion.id) is None
    cambio = historial("evaluacion", eval_idg3.id)[0]
    assert cambio.antes["Conclusión 1"].startswith("Primera.")
    assert cambio.despues == {
        "Conclusión 1": None,
        "Recomendación 1": cambio.despues["Recomendación 1"],
    }


def test_saving_with_a_stale_version_is_refused(demo, eval_idg3):
    version = eval_idg3.version
    _guardar(demo, eval_idg3, [_conclusion("Primera versión.")])
    assert eval_idg3.version > version
    with pytest.raises(EdicionConcurrente):
        services.guardar_evaluacion(
            eval_idg3, "", [], usuario=usuario_demo(Rol.direccion), version=version
        )


# --- Workflow and access --------------------------------------------------------------------


def _sin_errores(respuesta):
    assert "aviso-error" not in respuesta.text, respuesta.text
    return respuesta


def test_workflow_through_the_web(demo, client, sesion, bd):
    periodo = _periodo(bd, 2021, 1)  # open, no approved Anexo 4 yet
    idg3 = _idg(bd, 3)
    sesion.entrar(Rol.direccion)
    respuesta = client.post(
        "/mejora-continua/anexo5/iniciar", data={"periodo": "2021-1", "indicador_id": idg3.id}
    )
    evaluacion = bd.session.scalar(sa.select(Evaluacion).filter_by(periodo_id=periodo.id))
    assert respuesta.location.endswith(f"/mejora-continua/anexo5/{evaluacion.id}/editar")
    base = f"/mejora-continua/anexo5/{evaluacion.id}"
    pagina = client.get(base + "/editar").text
    assert "Borrador sugerido" in pagina and "Agregar conclusión" in pagina
    # "Agregar recomendación" adds an empty item without saving.
    pagina = client.post(base + "/editar", data={"accion": "agregar_recomendacion"}).text
    assert "Ítem 1 · Recomendación" in pagina
    # Sending an empty evaluation is refused with the reasons.
    client.post(base + "/enviar", data={})
    assert "Escriba el veredicto." in client.get(base).text
    datos = {
        "version": str(evaluacion.version),
        "veredicto": "En el I semestre 2021 la ejecución fue menor a lo programado.",
        "items-0-tipo": "conclusion",
        "items-0-texto": "Las visitas se reanudaron de forma virtual.",
        "items-0-clasificacion": "",
        "items-1-tipo": "recomendacion",
        "items-1-texto": REC_IDG3,
        "items-1-clasificacion": "",
        "items-1-responsable_drtpe": "y",
        "items-1-responsables": str(_unidad(bd, "DGNFECCL").id),
        "items-1-regiones": [str(r) for r in _ids(bd, "Tumbes", "Loreto")],
        "accion": "guardar",
    }
    _sin_errores(client.post(base + "/editar", data=datos, follow_redirects=True))
    _sin_errores(client.post(base + "/enviar", data={}, follow_redirects=True))
    # Sent: locked for the unit.
    assert "está en revisión" in client.get(base + "/editar", follow_redirects=True).text
    sesion.salir()
    sesion.entrar(Rol.odes)
    assert (
        "Indique el motivo"
        in client.post(base + "/observar", data={"motivo": " "}, follow_redirects=True).text
    )
    _sin_errores(
        client.post(
            base + "/observar", data={"motivo": "Precise las regiones."}, follow_redirects=True
        )
    )
    sesion.salir()
    sesion.entrar(Rol.direccion)
    assert "Precise las regiones." in client.get(base + "/editar").text
    _sin_errores(client.post(base + "/enviar", data={}, follow_redirects=True))
    sesion.salir()
    sesion.entrar(Rol.odes)
    _sin_errores(client.post(base + "/aprobar", data={}, follow_redirects=True))
    client.post(base + "/reabrir", data={"motivo": "Corregir el veredicto."})
    bd.session.expire_all()
    assert evaluacion.estado is EstadoReporte.observado
    assert evaluacion.motivo_observacion == "Reabierto por la ODES: Corregir el veredicto."
    acciones = [e.accion for e in historial("evaluacion", evaluacion.id)]
    assert acciones == ["reabrir", "aprobar", "enviar", "observar", "enviar", "editar", "crear"]
    assert evaluacion.recomendaciones[0].responsable == "DRTPE/MTPE-DGNFECCL"
    assert [r.nombre for r in evaluacion.recomendaciones[0].regiones] == ["Loreto", "Tumbes"]


def test_form_shows_errors_next_to_the_item_and_saves_nothing(demo, client, sesion, bd, eval_idg3):
    sesion.entrar(Rol.direccion)
    datos = {
        "version": str(eval_idg3.version),
        "veredicto": "Veredicto.",
        "items-0-tipo": "conclusion",
        "items-0-texto": "Tumbes cumplió.",
        "items-0-clasificacion": "cumplio_meta",
        "items-0-regiones": str(_region(bd, "Tumbes").id),
        "accion": "guardar",
    }
    respuesta = client.post(f"/mejora-continua/anexo5/{eval_idg3.id}/editar", data=datos)
    assert respuesta.status_code == 200
    assert "Tumbes no fue evaluada en el II Semestre 2020" in respuesta.text
    bd.session.expire_all()
    assert eval_idg3.items == [] and eval_idg3.veredicto is None


def test_suggestions_button(demo, client, sesion, bd, eval_idg3):
    sesion.entrar(Rol.direccion)
    pagina = client.post(
        f"/mejora-continua/anexo5/{eval_idg3.id}/sugerencias", data={}, follow_redirects=True
    ).text
    assert "Se agregaron 4 conclusiones sugeridas" in pagina
    bd.session.expire_all()
    assert len(eval_idg3.conclusiones) == 4


def test_directorate_writes_only_its_own_idg(demo, client, sesion, bd, ii_2020, eval_idg3):
    idg1 = services.obtener_o_crear_evaluacion(_idg(bd, 1), ii_2020, None)  # DFECL's
    bd.session.commit()
    sesion.entrar(Rol.direccion)  # DNCCL
    assert client.get(f"/mejora-continua/anexo5/{eval_idg3.id}/editar").status_code == 200
    assert client.get(f"/mejora-continua/anexo5/{idg1.id}/editar").status_code == 404
    assert client.get(f"/mejora-continua/anexo5/{idg1.id}").status_code == 404  # a draft
    assert client.post(f"/mejora-continua/anexo5/{idg1.id}/enviar").status_code == 404
    assert client.post(f"/mejora-continua/anexo5/{idg1.id}/sugerencias").status_code == 404
    pagina = client.post(
        "/mejora-continua/anexo5/iniciar",
        data={"periodo": "2020-2", "indicador_id": _idg(bd, 2).id},
        follow_redirects=True,
    ).text
    assert "Solo la unidad proponente del IdG 2 (DFECL)" in pagina
    assert queries.evaluacion_de(_idg(bd, 2), ii_2020) is None
    # ODES reviews but does not write; a directorate does not approve.
    sesion.salir()
    sesion.entrar(Rol.odes)
    assert client.get(f"/mejora-continua/anexo5/{eval_idg3.id}/editar").status_code == 403
    with pytest.raises(services.ErrorEvaluacion):
        services.guardar_evaluacion(
            eval_idg3, "x", [], usuario=usuario_demo(Rol.odes), version=None
        )
    with pytest.raises(services.ErrorEvaluacion, match="Solo la ODES aprueba"):
        services.aprobar(eval_idg3, usuario=usuario_demo(Rol.direccion), ahora=AHORA)


def test_reviewer_reads_only_approved_evaluations(demo, client, sesion, bd, eval_idg3):
    sesion.entrar(Rol.revisor)
    assert client.get(f"/mejora-continua/anexo5/{eval_idg3.id}").status_code == 404
    eval_idg3.estado = EstadoReporte.aprobado
    bd.session.commit()
    pagina = client.get(f"/mejora-continua/anexo5/{eval_idg3.id}")
    assert pagina.status_code == 200 and "Reabrir" not in pagina.text
    assert client.post(f"/mejora-continua/anexo5/{eval_idg3.id}/aprobar").status_code == 403


def test_closed_period_and_approval_lock_the_evaluation(demo, bd, eval_idg3):
    dnccl = usuario_demo(Rol.direccion)
    eval_idg3.periodo.abierto = False
    with pytest.raises(services.ErrorEvaluacion, match="está cerrado"):
        services.guardar_evaluacion(eval_idg3, "x", [], usuario=dnccl, version=None)
    eval_idg3.periodo.abierto = True
    eval_idg3.estado = EstadoReporte.aprobado
    with pytest.raises(services.ErrorEvaluacion, match="aprobado y bloqueado"):
        services.aplicar_borrador(eval_idg3, usuario=dnccl)


def test_lateness_is_measured_against_the_anexo5_due_date(demo, eval_idg3):
    eval_idg3.enviado_en = datetime(2021, 3, 2, 15, 0, tzinfo=UTC)  # limit 28/02/2021
    assert services.dias_de_retraso(eval_idg3) == 2
    eval_idg3.enviado_en = datetime(2021, 3, 1, 3, 0, tzinfo=UTC)  # 28/02 22:00 in Lima
    assert services.dias_de_retraso(eval_idg3) is None


# --- Completeness, seed and dashboard -------------------------------------------------------


def test_completeness_by_unit_twelve_per_semester(demo, eval_idg3):
    unidades = {u.unidad.sigla: u for u in queries.completitud_por_unidad(_periodo(demo))}
    assert sum(u.esperadas for u in unidades.values()) == 12
    assert {s: u.esperadas for s, u in unidades.items()} == {
        "DFECL": 2,
        "DNCCL": 1,
        "DGSNE": 2,
        "DISEL": 1,
        "DPFLCNL": 2,
        "DPSCLRSEL": 1,
        "DSSML": 1,
        "DSST": 1,
        "DPPDFL": 1,
    }
    assert unidades["DNCCL"].recibidas == 0  # a draft is not received
    eval_idg3.estado = EstadoReporte.enviado
    unidades = {u.unidad.sigla: u for u in queries.completitud_por_unidad(_periodo(demo))}
    assert (unidades["DNCCL"].recibidas, unidades["DNCCL"].pendientes) == (1, [])
    assert [i.numero for i in unidades["DGSNE"].pendientes] == [4, 5]


def test_seeded_demo_has_the_twelve_approved_evaluations_of_the_report(demo):
    assert cargar_anexo5_demo() == 12
    demo.session.commit()
    periodo = _periodo(demo)
    resumen = queries.resumen(periodo)
    assert (resumen.esperadas, resumen.recibidas, resumen.aprobadas) == (12, 12, 12)
    filas = {f.indicador.numero: f.evaluacion for f in queries.evaluaciones(periodo)}
    assert len(filas[4].recomendaciones) == 2  # printed three times in Section VIII
    assert len(filas[8].recomendaciones) == 4
    assert filas[3].conclusiones[2].texto == TEXTO_LORETO
    # The only contradiction of the published Anexo 5: Loreto, IdG 3.
    avisos = [a for e in filas.values() for a in contraste.contradicciones(e)]
    assert len(avisos) == 1 and "Loreto" in avisos[0]
    recomendaciones = queries.recomendaciones_aprobadas(periodo)
    assert len(recomendaciones) == 23
    idg11 = next(r for r in recomendaciones if r.idg == 11)
    assert idg11.responsable == "DRTPE/MTPE-DGDFSST-CONSSAT" and idg11.proponente.sigla == "DSST"
    idg6 = [r for r in recomendaciones if r.idg == 6]
    assert [len(r.regiones) for r in idg6] == [8, 8, 2]
    assert {r.responsable for r in idg6} == {"DRTPE/MTPE-DGPE"}
    # Idempotent: a second load changes nothing.
    eventos = demo.session.scalar(sa.select(sa.func.count()).select_from(Evento))
    assert cargar_anexo5_demo() == 0
    demo.session.commit()
    assert demo.session.scalar(sa.select(sa.func.count()).select_from(Evento)) == eventos


def test_dashboard_card_and_list_page(demo, client, sesion):
    cargar_anexo5_demo()
    demo.session.commit()
    sesion.entrar(Rol.odes)
    # The home page opens on the newest semester with data (II-2020: every evaluation in) …
    pagina = client.get("/tablero").text
    assert "Anexo 5 · II Semestre 2020" in pagina and "12 de 12" in pagina
    # … and the open semester, one click away, lists who has yet to send theirs.
    pagina = client.get("/tablero?periodo=2021-1").text
    assert "Anexo 5 · I Semestre 2021" in pagina and "0 de 12" in pagina
    assert "DNCCL: IdG 3" in pagina
    pagina = client.get("/mejora-continua/anexo5?periodo=2020-2").text
    assert "<strong>12 de 12</strong> evaluaciones aprobadas" in pagina
    sesion.salir()
    sesion.entrar(Rol.direccion)
    pagina = client.get("/tablero").text
    assert "Evaluaciones por presentar" in pagina and "IdG 3 · I Semestre 2021" in pagina
    pagina = client.get("/mejora-continua/anexo5?periodo=2021-1").text
    assert "Iniciar Anexo 5" in pagina and pagina.count("Iniciar Anexo 5") == 1
    sesion.salir()
    sesion.entrar(Rol.revisor)
    pagina = client.get("/mejora-continua/anexo5?periodo=2020-2").text
    assert pagina.count(">Ver</a>") == 12
    evaluacion = queries.evaluacion_de(_idg(demo, 3), _periodo(demo))
    pagina = client.get(f"/mejora-continua/anexo5/{evaluacion.id}").text
    assert "han cumplido la meta programada" in pagina and "Contradicciones" not in pagina
    sesion.salir()
    sesion.entrar(Rol.odes)
    pagina = client.get(f"/mejora-continua/anexo5/{evaluacion.id}").text
    assert "Contradicciones con el Anexo 4" in pagina and "30 % ejecutado frente a 70 %" in pagina
