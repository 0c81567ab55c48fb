"""Published means frozen (issue 15, item 6): a published report and its data do not change;
a correction is a new version with a note on its cover, and earlier versions stay public."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.catalogo.models import Indicador
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import EstadoReporte, Reporte
from app.convenios.services import anexo4 as anexo4_services
from app.informes.services import contenido_archivo
from app.mejora_continua.services import evaluaciones as evaluaciones_services
from tests.conftest import usuario_demo
from tests.informes.test_publicacion import (
    PERIODO,
    _archivos,
    _cambiar_dato,
    _generar,
    _informe,
    _periodo,
    _publicar,
)


@pytest.fixture
def sincrono(app, monkeypatch):
    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")


def _texto(archivo) -> str:
    paginas = PdfReader(io.BytesIO(contenido_archivo(archivo))).pages[:2]
    return " ".join(" ".join(p.extract_text() for p in paginas).split())


def _sha(archivo) -> str:
    return hashlib.sha256(contenido_archivo(archivo)).hexdigest()


def _final(bd):
    return [a for a in _archivos(bd, borrador=False)]


def test_published_semester_refuses_reopening_its_data(demo, client, sesion, sincrono):
    periodo = _periodo(demo)
    periodo.abierto = True
    idg3 = demo.session.scalar(sa.select(Indicador).filter_by(numero=3))
    evaluacion = evaluaciones_services.obtener_o_crear_evaluacion(
        idg3, periodo, usuario_demo(Rol.direccion)
    )
    evaluacion.estado = EstadoReporte.aprobado
    demo.session.commit()
    sesion.entrar(Rol.odes)
    _generar(client)
    (v1,) = _final(demo)
    _publicar(client, v1.id)
    odes = usuario_demo(Rol.odes)
    reporte = demo.session.scalar(
        sa.select(Reporte).filter_by(periodo_id=_periodo(demo).id, estado=EstadoReporte.aprobado)
    )
    with pytest.raises(anexo4_services.ErrorAnexo4, match="está publicado"):
        anexo4_services.reabrir(reporte, usuario=odes, motivo="Corregir el IdG 1")
    with pytest.raises(evaluaciones_services.ErrorEvaluacion, match="está publicado"):
        evaluaciones_services.reabrir(evaluacion, usuario=odes, motivo="Corregir")
    # Once withdrawn (with a reason), ODES may reopen to correct.
    client.post(f"/informes/{PERIODO}/despublicar", data={"motivo": "Error en Loreto, IdG 1."})
    demo.session.expire_all()
    anexo4_services.reabrir(reporte, usuario=odes, motivo="Corregir el IdG 1")
    assert reporte.estado is EstadoReporte.observado


def test_a_correction_is_a_new_version_with_a_note_and_the_first_stays_public(
    demo, client, sesion, sincrono
):
    sesion.entrar(Rol.odes)
    _generar(client)
    (v1,) = _final(demo)
    _publicar(client, v1.id)
    demo.session.expire_all()
    assert (v1.numero_version, v1.nota_version) == (1, None)
    huella_v1 = _sha(v1)
    assert "Versión 2" not in _texto(v1)

    client.post(f"/informes/{PERIODO}/despublicar", data={"motivo": "Error en Loreto, IdG 1."})
    _cambiar_dato(demo, "Loreto", 1, Decimal(61))
    # Without saying what it corrects, the new version is refused and nothing is built.
    respuesta = _generar(client)
    assert "indique qué corrige la nueva versión" in client.get(respuesta.location).text
    assert len(_final(demo)) == 1
    nota = "Corrige la ejecución del IdG 1 de Loreto (61 %)."
    client.post(
        f"/informes/{PERIODO}/generar", data={"tipo": "final", "nota_version": nota}
    ).close()
    v2 = next(a for a in _final(demo) if a.id != v1.id)
    assert (v2.numero_version, v2.nota_version) == (2, nota)
    portada = _texto(v2)
    assert "Versión 2" in portada and f"Nota de versión: {nota}" in portada
    assert "Reemplaza a la versión 1" in portada
    evento = demo.session.scalar(sa.select(Evento).filter_by(accion="nota_version"))
    assert evento.despues == {"nota_version": nota}

    _publicar(client, v2.id)
    demo.session.expire_all()
    informe = _informe(demo)
    assert informe.publicado and informe.archivo_publicado.id == v2.id
    assert informe.nota_version is None  # the next correction writes its own note
    assert [a.numero_version for a in informe.versiones_publicadas] == [2, 1]
    sesion.salir()
    publica = client.get("/publicaciones").text
    assert f"/publicaciones/{v1.id}.pdf" in publica and f"/publicaciones/{v2.id}.pdf" in publica
    assert "reemplazada" in publica and "vigente" in publica and nota in publica
    # The first version's file never changed.
    viejo = client.get(f"/publicaciones/{v1.id}.pdf")
    assert viejo.status_code == 200
    assert hashlib.sha256(viejo.data).hexdigest() == huella_v1
