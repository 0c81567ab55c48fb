"""The situational report: narrative, generation with reuse, progress, publication, fichas."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo.models import Indicador, Region
from app.comun.almacenamiento import disco
from app.comun.auditoria import Evento
from app.comun.base import ahora
from app.comun.concurrencia import MENSAJE_CONCURRENCIA
from app.comun.roles import Rol
from app.convenios.models import Convenio, LineaReporte, Periodo, Reporte
from app.informes import informe as datos_informe
from app.informes import pdf
from app.informes.models import (
    ArchivoInforme,
    EstadoGeneracion,
    EstadoInforme,
    GeneracionInforme,
    Informe,
)
from app.informes.narrativa import NARRATIVA_POR_DEFECTO
from app.informes.services.archivos import CARPETA, contenido_archivo
from app.informes.services.narrativa import informe_de, narrativa_efectiva

PERIODO = "2020-2"


class Constructor:
    """Stand-in for pdf.informe_pdf: records every call, reports progress, returns a tiny PDF."""

    def __init__(self):
        self.llamadas: list = []
        self.versiones: list = []
        self.fallar = False

    def __call__(self, datos, *, borrador=False, progreso=None, version=None, nota_version=None):
        self.llamadas.append((datos, borrador))
        self.versiones.append((version, nota_version))
        if progreso:
            progreso(0.5, "Dibujando los gráficos")
            progreso(1.0, "Informe generado")
        if self.fallar:
            raise RuntimeError("fallo simulado del generador")
        marca = b" BORRADOR" if borrador else b""
        return b"%PDF-1.4\n% prueba " + datos.periodo_codigo.encode() + marca + b"\n%%EOF\n"


@pytest.fixture
def constructor(app, monkeypatch):
    """Build synchronously (deterministic tests) with the recording stand-in builder."""
    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")
    falso = Constructor()
    monkeypatch.setattr(pdf, "informe_pdf", falso)
    return falso


def _periodo(bd) -> Periodo:
    return bd.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))


def _informe(bd) -> Informe | None:
    bd.session.expire_all()
    return bd.session.scalar(sa.select(Informe).filter_by(periodo_id=_periodo(bd).id))


def _archivos(bd, **filtro) -> list[ArchivoInforme]:
    bd.session.expire_all()
    return list(bd.session.scalars(sa.select(ArchivoInforme).filter_by(**filtro)))


def _generar(client, tipo="final"):
    return client.post(f"/informes/{PERIODO}/generar", data={"tipo": tipo})


def _publicar(client, archivo_id):
    return client.post(f"/informes/{PERIODO}/publicar", data={"archivo_id": archivo_id})


def _cambiar_dato(bd, region="Loreto", idg=1, ejecutado=Decimal(61)):
    """Change an approved cell directly (as a reopened and corrected Anexo 4 would)."""
    linea = bd.session.scalar(
        sa.select(LineaReporte)
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Region, Convenio.region_id == Region.id)
        .join(Indicador, LineaReporte.indicador_id == Indicador.id)
        .where(
            Region.nombre == region,
            Indicador.numero == idg,
            Reporte.periodo_id == _periodo(bd).id,
        )
    )
    linea.ejecutado = ejecutado
    bd.session.commit()


# --- Narrative -------------------------------------------------------------------------------


def test_narrative_edit_is_audited_and_used_in_the_next_build(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    nuevo = "Contexto del semestre redactado por ODES para {periodo}."
    respuesta = client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"texto-contexto_vii": nuevo, "lema": "AÑO DEL BICENTENARIO"},
    )
    assert respuesta.status_code == 302
    informe = _informe(demo)
    assert informe.narrativa == {"contexto_vii": nuevo}
    evento = demo.session.scalar(sa.select(Evento).filter_by(accion="editar_narrativa"))
    assert evento.objeto_id == informe.id
    assert evento.antes["contexto_vii"] == NARRATIVA_POR_DEFECTO["contexto_vii"]
    assert evento.despues["contexto_vii"] == nuevo
    assert evento.despues["lema"] == "AÑO DEL BICENTENARIO"
    assert "antecedentes" not in evento.despues  # only what changed is audited

    _generar(client)
    datos, borrador = constructor.llamadas[-1]
    assert not borrador
    assert datos.narrativa["contexto_vii"] == nuevo
    assert datos.narrativa["antecedentes"] == NARRATIVA_POR_DEFECTO["antecedentes"]
    assert datos.lema == "AÑO DEL BICENTENARIO"


def test_restoring_a_section_goes_back_to_the_2020_text(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    client.post(f"/informes/{PERIODO}/narrativa", data={"texto-objetivo_2": "Otro objetivo."})
    assert _informe(demo).narrativa == {"objetivo_2": "Otro objetivo."}
    pagina = client.get(f"/informes/{PERIODO}").text
    assert "Restaurar el texto de 2020" in pagina and "(modificada)" in pagina
    client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"texto-objetivo_2": "Otro objetivo.", "restaurar-objetivo_2": "1"},
    )
    assert _informe(demo).narrativa == {}


def test_an_empty_section_is_refused_with_a_message(demo, client, sesion):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"texto-antecedentes": "   ", "texto-objetivo_2": "Cambio que no se guarda."},
    )
    assert respuesta.status_code == 422
    assert "La sección no puede quedar vacía" in respuesta.text
    assert "no se guardó nada" in respuesta.text
    informe = _informe(demo)
    assert informe is None or informe.narrativa == {}


def test_a_refused_first_save_leaves_no_report_row(demo, client, sesion):
    # Regression: on SQLite the row was inserted in a savepoint whose release committed it, so
    # the refusal's rollback left an empty report behind.
    sesion.entrar(Rol.odes)
    assert demo.session.scalar(sa.select(sa.func.count()).select_from(Informe)) == 0
    primera = next(iter(NARRATIVA_POR_DEFECTO))
    respuesta = client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"lema": "", f"texto-{primera}": "x" * 20_001},
    )
    assert respuesta.status_code == 422
    assert "supera el máximo" in respuesta.text
    demo.session.expire_all()
    assert demo.session.scalar(sa.select(sa.func.count()).select_from(Informe)) == 0


def test_narrative_saved_meanwhile_by_someone_else_is_not_overwritten(demo, client, sesion):
    sesion.entrar(Rol.odes)
    client.post(f"/informes/{PERIODO}/narrativa", data={"texto-objetivo_2": "Primera versión."})
    version_vieja = _informe(demo).version
    client.post(f"/informes/{PERIODO}/narrativa", data={"texto-objetivo_2": "Segunda versión."})
    respuesta = client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"texto-objetivo_2": "Versión basada en la vieja.", "version": version_vieja},
        follow_redirects=True,
    )
    assert str(MENSAJE_CONCURRENCIA) in respuesta.text
    assert _informe(demo).narrativa == {"objetivo_2": "Segunda versión."}


# --- Generation ------------------------------------------------------------------------------


def test_generation_stores_the_file_with_its_data_version_and_reuses_it(
    demo, client, sesion, constructor
):
    sesion.entrar(Rol.odes)
    assert _generar(client).status_code == 302
    (archivo,) = _archivos(demo)
    informe = _informe(demo)
    esperada = datos_informe.version_datos(
        _periodo(demo), narrativa=narrativa_efectiva(informe), lema=None
    )
    assert archivo.version_datos == esperada and not archivo.borrador
    ruta = disco.ruta(CARPETA, archivo.ruta)
    assert ruta.is_file() and ruta.read_bytes().startswith(b"%PDF")
    assert ruta.parent.name == "informes" and archivo.tamanio == len(ruta.read_bytes())
    assert contenido_archivo(archivo) == ruta.read_bytes()
    assert len(constructor.llamadas) == 1

    # Same data, same narrative: the stored file is reused, the builder is not called.
    respuesta = _generar(client)
    assert len(constructor.llamadas) == 1
    assert len(_archivos(demo)) == 1
    pagina = client.get(respuesta.location).text
    assert "el archivo guardado está listo para descargar" in pagina
    assert archivo.version_corta in pagina
    descarga = client.get(f"/informes/archivos/{archivo.id}")
    assert descarga.status_code == 200 and descarga.data == ruta.read_bytes()
    assert "informe_situacional_2020-2.pdf" in descarga.headers["Content-Disposition"]

    # A change in the approved data gives a new version and a new build.
    _cambiar_dato(demo)
    _generar(client)
    assert len(constructor.llamadas) == 2
    versiones = {a.version_datos for a in _archivos(demo)}
    assert len(versiones) == 2 and esperada in versiones


def test_a_narrative_change_also_gives_a_new_file(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    _generar(client)
    client.post(f"/informes/{PERIODO}/narrativa", data={"texto-contexto_ix": "Nuevo texto."})
    _generar(client)
    assert len(constructor.llamadas) == 2 and len(_archivos(demo)) == 2


def test_preview_includes_unapproved_data_and_is_kept_apart(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    _generar(client, "borrador")
    _generar(client, "final")
    datos_borrador, borrador = constructor.llamadas[0]
    assert borrador and datos_borrador.incluir_no_aprobados
    datos_final, borrador = constructor.llamadas[1]
    assert not borrador and not datos_final.incluir_no_aprobados
    assert sorted(a.borrador for a in _archivos(demo)) == [False, True]
    (previa,) = _archivos(demo, borrador=True)
    descarga = client.get(f"/informes/archivos/{previa.id}")
    assert "BORRADOR" in descarga.headers["Content-Disposition"]


def test_omitted_regions_are_listed_not_averaged(demo):
    datos = datos_informe.datos_informe(PERIODO)
    assert datos.regiones_omitidas == ("Arequipa", "Ayacucho", "Tumbes")
    assert not set(datos.regiones_omitidas) & {r.region for r in datos.resultados_regiones}
    assert datos.n_evaluadas == 18


def test_progress_endpoint_reports_terminado(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    _generar(client)
    generacion = demo.session.scalar(sa.select(GeneracionInforme))
    datos = client.get(f"/informes/generaciones/{generacion.id}").get_json()
    (archivo,) = _archivos(demo)
    assert datos["estado"] == "terminado" and datos["fraccion"] == 1.0
    assert datos["archivo"] == {
        "id": archivo.id,
        "url": f"/informes/archivos/{archivo.id}",
        "version": archivo.version_corta,
    }
    sesion.salir()
    sesion.entrar(Rol.revisor)
    assert client.get(f"/informes/generaciones/{generacion.id}").status_code == 403


def test_a_failed_build_leaves_no_file_and_records_the_error(
    app, demo, client, sesion, constructor
):
    sesion.entrar(Rol.odes)
    carpeta = disco.ruta(CARPETA, "0" * 32 + ".pdf").parent
    carpeta.mkdir(parents=True, exist_ok=True)
    antes = set(carpeta.iterdir())
    constructor.fallar = True
    pagina = client.get(_generar(client).location).text
    assert "No se pudo generar el informe: fallo simulado del generador" in pagina
    generacion = demo.session.scalar(sa.select(GeneracionInforme))
    assert generacion.estado is EstadoGeneracion.error
    assert "fallo simulado" in generacion.error
    assert _archivos(demo) == [] and set(carpeta.iterdir()) == antes
    # The next attempt builds again.
    constructor.fallar = False
    _generar(client)
    assert len(_archivos(demo)) == 1


def test_without_redis_the_build_runs_in_a_background_thread(
    app, demo, client, sesion, monkeypatch
):
    """Mode "hilo" (make run, no Redis): the request returns before the build starts; the
    thread uses its own app context; the page polls the job's state."""
    monkeypatch.setitem(app.config, "TAREAS_MODO", "hilo")
    falso = Constructor()
    monkeypatch.setattr(pdf, "informe_pdf", falso)
    hilos: list[threading.Thread] = []
    Hilo = threading.Thread

    class HiloDiferido(Hilo):
        def start(self):  # started by the test, once the request has answered
            hilos.append(self)

    monkeypatch.setattr("app.comun.tareas.threading.Thread", HiloDiferido)
    sesion.entrar(Rol.odes)
    respuesta = _generar(client)
    assert respuesta.status_code == 302
    pagina = client.get(respuesta.location).text
    assert "puede seguir trabajando" in pagina
    generacion = demo.session.scalar(sa.select(GeneracionInforme))
    assert f'data-progreso-url="/informes/generaciones/{generacion.id}"' in pagina
    assert "js/progreso.js" in pagina and "<script>" not in pagina
    estado = client.get(f"/informes/generaciones/{generacion.id}").get_json()
    assert estado["estado"] == "pendiente" and estado["etiqueta"] == "En cola"
    # Asking again while it waits joins the same job instead of starting another.
    _generar(client)
    assert demo.session.scalar(sa.select(sa.func.count(GeneracionInforme.id))) == 1

    (hilo,) = hilos
    Hilo.start(hilo)
    hilo.join(30)
    demo.session.expire_all()
    assert client.get(f"/informes/generaciones/{generacion.id}").get_json()["estado"] == (
        "terminado"
    )
    assert len(falso.llamadas) == 1 and len(_archivos(demo)) == 1


def test_a_build_interrupted_by_a_restart_does_not_block_new_ones(
    demo, client, sesion, constructor
):
    sesion.entrar(Rol.odes)
    informe = informe_de(_periodo(demo), crear=True)
    hace_una_hora = ahora() - timedelta(hours=1)
    muerta = GeneracionInforme(
        informe=informe,
        estado=EstadoGeneracion.en_curso,
        fraccion=0.4,
        creado_en=hace_una_hora,
        actualizado_en=hace_una_hora,
    )
    demo.session.add(muerta)
    demo.session.commit()
    datos = client.get(f"/informes/generaciones/{muerta.id}").get_json()
    assert datos["estado"] == "error" and "se interrumpió" in datos["error"]
    assert "data-progreso-url" not in client.get(f"/informes/{PERIODO}").text
    _generar(client)
    assert len(constructor.llamadas) == 1 and len(_archivos(demo)) == 1
    demo.session.expire_all()
    assert demo.session.get(GeneracionInforme, muerta.id).estado is EstadoGeneracion.error


# --- Publication -----------------------------------------------------------------------------


def test_publication_makes_the_report_visible_to_reviewers_and_the_public(
    demo, client, sesion, constructor
):
    sesion.entrar(Rol.odes)
    _generar(client, "borrador")
    _generar(client, "final")
    (final,) = _archivos(demo, borrador=False)
    (previa,) = _archivos(demo, borrador=True)
    sesion.salir()

    # Not published yet: reviewers and the public see nothing.
    sesion.entrar(Rol.revisor)
    assert client.get(f"/informes/archivos/{final.id}").status_code == 404
    assert "aún no se ha publicado" in client.get(f"/informes/{PERIODO}").text
    sesion.salir()
    assert client.get(f"/publicaciones/{final.id}.pdf").status_code == 404
    assert "Aún no hay informes publicados" in client.get("/publicaciones").text

    sesion.entrar(Rol.odes)
    respuesta = _publicar(client, final.id)
    assert "Informe publicado" in client.get(respuesta.location).text
    informe = _informe(demo)
    assert informe.estado is EstadoInforme.publicado and informe.publicado_en is not None
    evento = demo.session.scalar(sa.select(Evento).filter_by(accion="publicar_informe"))
    assert evento.despues == {"archivo": final.id, "version": final.version_corta}
    sesion.salir()

    sesion.entrar(Rol.revisor)
    assert client.get(f"/informes/archivos/{final.id}").status_code == 200
    assert client.get(f"/informes/archivos/{previa.id}").status_code == 404
    assert f"/informes/archivos/{final.id}" in client.get(f"/informes/{PERIODO}").text
    sesion.salir()

    publica = client.get("/publicaciones")  # no login
    assert publica.status_code == 200
    assert "II Semestre 2020" in publica.text and f"/publicaciones/{final.id}.pdf" in publica.text
    descarga = client.get(f"/publicaciones/{final.id}.pdf")
    assert descarga.status_code == 200 and descarga.mimetype == "application/pdf"
    assert descarga.data == contenido_archivo(final)
    assert client.get(f"/publicaciones/{previa.id}.pdf").status_code == 404

    # Withdrawn with a reason: hidden again, and the reason is audited.
    sesion.entrar(Rol.odes)
    client.post(f"/informes/{PERIODO}/despublicar", data={"motivo": ""})
    assert _informe(demo).publicado
    client.post(f"/informes/{PERIODO}/despublicar", data={"motivo": "Error en el Cuadro 04."})
    assert not _informe(demo).publicado
    evento = demo.session.scalar(sa.select(Evento).filter_by(accion="despublicar_informe"))
    assert evento.motivo == "Error en el Cuadro 04."
    sesion.salir()
    # Its figures stop being public, but the PDF once published stays readable (issue 15:
    # published means frozen; the next version replaces it, never erases it).
    assert client.get(f"/publicaciones/{final.id}.pdf").status_code == 200
    assert "en corrección" in client.get("/publicaciones").text
    sesion.entrar(Rol.revisor)
    assert client.get(f"/informes/archivos/{final.id}").status_code == 200


def test_a_borrador_file_cannot_be_published(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    _generar(client, "borrador")
    (previa,) = _archivos(demo, borrador=True)
    pagina = client.get(_publicar(client, previa.id).location).text
    assert "Una vista previa (BORRADOR) no se puede publicar" in pagina
    assert not _informe(demo).publicado
    assert not _archivos(demo, publicado=True)


def test_a_file_built_before_a_data_change_cannot_be_published(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    _generar(client)
    (viejo,) = _archivos(demo)
    _cambiar_dato(demo)
    pagina = client.get(_publicar(client, viejo.id).location).text
    assert "cambiaron después de generar este archivo" in pagina
    assert not _informe(demo).publicado


def test_a_published_report_narrative_is_locked(demo, client, sesion, constructor):
    sesion.entrar(Rol.odes)
    _generar(client)
    (final,) = _archivos(demo)
    _publicar(client, final.id)
    respuesta = client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"texto-objetivo_2": "Cambio tardío."},
        follow_redirects=True,
    )
    assert "despublíquelo" in respuesta.text
    assert _informe(demo).narrativa == {}


# --- Ficha per region ------------------------------------------------------------------------


def test_drtpe_gets_its_own_ficha_and_404_for_another_region(demo, client, sesion):
    sesion.entrar(Rol.drtpe)  # Loreto
    respuesta = client.get(f"/informes/ficha/loreto?periodo={PERIODO}")
    assert respuesta.status_code == 200 and respuesta.mimetype == "application/pdf"
    assert respuesta.data.startswith(b"%PDF")
    assert "ficha_loreto_2020-2.pdf" in respuesta.headers["Content-Disposition"]
    assert client.get(f"/informes/ficha/puno?periodo={PERIODO}").status_code == 404
    assert client.get(f"/informes/ficha/no-existe?periodo={PERIODO}").status_code == 404


def test_reviewer_gets_a_ficha_only_once_the_semester_is_published(
    demo, client, sesion, constructor
):
    sesion.entrar(Rol.revisor)
    assert client.get(f"/informes/ficha/puno?periodo={PERIODO}").status_code == 404
    sesion.salir()
    sesion.entrar(Rol.direccion)
    assert client.get(f"/informes/ficha/puno?periodo={PERIODO}").status_code == 200
    sesion.salir()
    sesion.entrar(Rol.odes)
    _generar(client)
    (final,) = _archivos(demo)
    _publicar(client, final.id)
    sesion.salir()
    sesion.entrar(Rol.revisor)
    assert client.get(f"/informes/ficha/puno?periodo={PERIODO}").status_code == 200


def test_the_next_semester_starts_from_the_previous_reports_texts_and_motto(
    demo, client, sesion, constructor
):
    """I-2021's report starts from II-2020's edited texts and motto (copied: a later edit of
    II-2020 leaves I-2021 alone), and the page says where they come from until they are
    revised."""
    sesion.entrar(Rol.odes)
    client.post(
        f"/informes/{PERIODO}/narrativa",
        data={"texto-contexto_vii": "Contexto 2020 editado.", "lema": "LEMA DE PRUEBA"},
    )
    siguiente = demo.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    assert informe_de(siguiente) is None
    # Before its row exists the page already shows the inherited texts; a build copies them.
    pagina = client.get("/informes/2021-1").text
    assert "Contexto 2020 editado." in pagina and 'value="LEMA DE PRUEBA"' in pagina
    assert "parten de los del informe II Semestre 2020" in pagina
    client.post("/informes/2021-1/generar", data={"tipo": "borrador"})
    datos, _borrador = constructor.llamadas[-1]
    assert datos.narrativa["contexto_vii"] == "Contexto 2020 editado."
    assert datos.lema == "LEMA DE PRUEBA"

    creado = informe_de(siguiente)
    assert creado.narrativa == {"contexto_vii": "Contexto 2020 editado."}
    assert creado.lema == "LEMA DE PRUEBA"
    client.post(f"/informes/{PERIODO}/narrativa", data={"texto-contexto_vii": "Cambio tardío."})
    demo.session.expire_all()
    assert narrativa_efectiva(informe_de(siguiente))["contexto_vii"] == "Contexto 2020 editado."
    # Once I-2021's own texts are revised the notice goes.
    client.post("/informes/2021-1/narrativa", data={"texto-contexto_vii": "Contexto 2021."})
    assert "parten de los del informe" not in client.get("/informes/2021-1").text


def test_with_the_queue_down_generating_says_so_and_nothing_waits_forever(
    app, demo, client, sesion, monkeypatch
):
    """Redis unreachable: a Spanish error on the page, no 500, no job left «en cola»."""
    monkeypatch.setitem(app.config, "TAREAS_MODO", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    from redis import Redis

    monkeypatch.setitem(app.extensions, "tareas_redis", Redis.from_url("redis://127.0.0.1:1/0"))
    sesion.entrar(Rol.odes)
    respuesta = _generar(client)
    assert respuesta.status_code == 302
    pagina = client.get(respuesta.location).text
    assert "La cola de tareas no responde" in pagina
    activas = demo.session.scalars(
        sa.select(GeneracionInforme).where(
            GeneracionInforme.estado.in_([EstadoGeneracion.pendiente, EstadoGeneracion.en_curso])
        )
    ).all()
    assert activas == []
