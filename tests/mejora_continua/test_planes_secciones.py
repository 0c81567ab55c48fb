"""AMC plans as documents: the prose sections of seed 002, their editing and the workflow."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.comun.auditoria import Evento
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.mejora_continua.models.planes import PlanMejora, SeccionPlan
from app.mejora_continua.services import planes as services
from seed.planes import cargar_plan_puno
from tests.conftest import usuario_demo
from tests.plan_puno import ESQUEMA, PROSA

DOCUMENTO = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_5d9082fd9ca67189.txt"
LORETO = "drtpe.loreto@demo.trabajo.gob.pe"
#: Part B headings whose content is structured data, not prose: the sector and the service
#: (the plan's heading fields), and the problems, causes, alternatives, prioritisation,
#: alignment, roles and logic matrix / budget tables.
ESTRUCTURADAS = {1, 2, 7, 8, 9, 11, 12, 13}
ROMANO = re.compile(r"^([IVX]+)\. ")
NUMERO = re.compile(r"^(\d+)\.? (?=\S)")

con_documento = pytest.mark.skipif(not DOCUMENTO.exists(), reason="seed 002 not available")
#: The prose headings of seed 002 in document order, as printed there (checked against the
#: document itself below when the document is at hand, e.g. outside a clone in another folder).
ENCABEZADOS = [(clave, titulo) for clave, titulo in ESQUEMA if clave in PROSA]


def _limpio(linea: str) -> str:
    """A heading line without its Markdown marks."""
    return re.sub(r"^#+\s*", "", linea.strip()).replace("**", "").strip()


def _lineas() -> list[str]:
    return DOCUMENTO.read_text(encoding="utf-8").split("\n")


def _encabezados_en_prosa() -> list[tuple[str, str]]:
    """(key, heading) of every prose section of seed 002, parsed from the document itself.

    The body's headings: the introduction, Part A's own text and its Roman sections, Part B's
    numbered sections (upper case) except the structured ones; then the numbered entries of
    the contents that have no heading in the body (18 CRONOGRAMA).
    """
    lineas = _lineas()
    inicio = next(i for i, x in enumerate(lineas) if _limpio(x) == "INTRODUCCIÓN" and "#" in x)
    encontrados, parte, numeros = [], None, set()
    for linea in lineas[inicio:]:
        if not linea.lstrip().startswith(("#", "**")):
            continue
        texto = _limpio(linea)
        if texto == "INTRODUCCIÓN":
            encontrados.append(("INTRO", texto))
        elif re.match(r"^[AB]\. ", texto):
            parte = texto[0]
            if parte == "A":
                encontrados.append(("A", texto))
        elif parte == "A" and ROMANO.match(texto):
            encontrados.append((f"A.{ROMANO.match(texto).group(1)}", texto))
        elif parte == "B" and NUMERO.match(texto) and texto == texto.upper():
            numero = int(NUMERO.match(texto).group(1))
            numeros.add(numero)
            if numero not in ESTRUCTURADAS:
                encontrados.append((f"B.{numero}", texto))
    contenido = lineas[:inicio]
    for linea in contenido:
        entrada = linea.split("\t")[0].strip()
        coincide = NUMERO.match(entrada)
        if coincide and int(coincide.group(1)) not in numeros | ESTRUCTURADAS:
            numero = int(coincide.group(1))
            if numero > max(numeros):
                encontrados.append((f"B.{numero}", entrada.rstrip(". ")))
    return encontrados


def _texto_tras(encabezado: str) -> str:
    """The first paragraph after a heading of the document."""
    lineas = _lineas()
    i = next(i for i, x in enumerate(lineas) if _limpio(x) == encabezado)
    return next(x.strip() for x in lineas[i + 1 :] if x.strip())


@pytest.fixture
def plan(bd) -> PlanMejora:
    """The Puno 2015 plan of document 002, seeded (approved: a signed document)."""
    cargado = cargar_plan_puno()
    bd.session.commit()
    return bd.session.get(PlanMejora, cargado.id)


def _seccion(plan: PlanMejora, clave: str) -> SeccionPlan:
    return next(s for s in plan.secciones if s.clave == clave)


def _eventos(bd, plan: PlanMejora, accion: str | None = None) -> list[Evento]:
    consulta = sa.select(Evento).filter_by(objeto_tipo="plan_mejora", objeto_id=plan.id)
    if accion:
        consulta = consulta.filter_by(accion=accion)
    return list(bd.session.scalars(consulta.order_by(Evento.id)))


def _reabrir(bd, plan: PlanMejora) -> None:
    plan.estado = EstadoReporte.borrador
    bd.session.commit()


# --- Seeded text ---------------------------------------------------------------------------


def test_every_prose_heading_is_seeded_in_order(plan):
    """The document's prose headings are seeded, in its order (between the table headings)."""
    prosa = dict(ENCABEZADOS)
    assert [(s.clave, s.titulo) for s in plan.secciones if s.clave in prosa] == ENCABEZADOS
    assert [s.orden for s in plan.secciones] == list(range(1, len(plan.secciones) + 1))
    assert plan.estado is EstadoReporte.aprobado


@con_documento
def test_the_transcribed_headings_are_the_documents(plan):
    """The list above, parsed again from seed 002 itself."""
    esperados = _encabezados_en_prosa()
    assert esperados == ENCABEZADOS
    prosa = dict(esperados)
    assert [(s.clave, s.titulo) for s in plan.secciones if s.clave in prosa] == esperados
    assert plan.estado is EstadoReporte.aprobado


def test_sections_hold_the_documents_text(plan):
    """Texts checked by value (words transcribed from seed 002) and by shape."""
    finalidad = _seccion(plan, "A.V")
    assert finalidad.titulo == "V. FINALIDAD"
    assert finalidad.texto.startswith(
        "Impulsar la gestión descentralizada en el Sector Trabajo y Promoción del Empleo"
    )
    assert _seccion(plan, "A.IX").texto.startswith(
        "Desarrollo de procesos de gestión en el marco de la cadena de valor"
    )
    normas = _seccion(plan, "A.I").texto.split("\n")
    assert len(normas) == 22 and all(n.startswith("- ") for n in normas)
    assert "**" not in "".join(s.texto for s in plan.secciones)
    resultados = _seccion(plan, "A.VIII").texto
    for literal in "abcdef":
        assert f"\n\n{literal}) En materia de" in f"\n\n{resultados}"
    # A paragraph cut by a page break is joined: "no promueven o impulsan el desarrollo".
    assert "no promueven o impulsan el desarrollo de la gestión" in resultados
    assert "figura" in _seccion(plan, "B.10").texto
    assert "figura" in _seccion(plan, "B.6").texto
    assert "sin texto" in _seccion(plan, "B.18").texto


@con_documento
def test_sections_equal_the_documents_text(plan):
    """Whole sections against seed 002 itself, when the document is at hand."""
    assert _seccion(plan, "A.V").texto == _texto_tras("V. FINALIDAD")
    assert _seccion(plan, "A.IX").texto == _texto_tras("IX. RESULTADOS ESPERADOS")


def test_reloading_keeps_the_sections(plan, bd):
    antes = [(s.id, s.clave, s.titulo, s.texto) for s in plan.secciones]
    cargar_plan_puno()
    bd.session.commit()
    bd.session.expire_all()
    assert [(s.id, s.clave, s.titulo, s.texto) for s in plan.secciones] == antes


def test_plan_page_shows_the_sections_under_their_headings(client, sesion, plan):
    sesion.entrar(Rol.revisor)
    pagina = client.get(f"/mejora-continua/planes/{plan.id}").text
    posiciones = [pagina.index(s.titulo) for s in plan.secciones]
    assert posiciones == sorted(posiciones)
    assert "Editar</a>" not in pagina.split('id="secciones"')[1].split("</section>")[0]


# --- Editing a section ---------------------------------------------------------------------


def _editar(client, plan, seccion, texto, version=None, titulo=None):
    return client.post(
        f"/mejora-continua/planes/{plan.id}/secciones/{seccion.id}/editar",
        data={
            "titulo": titulo or seccion.titulo,
            "texto": texto,
            "version": str(plan.version if version is None else version),
        },
    )


def test_odes_edits_a_section_and_it_is_audited(client, sesion, plan, bd):
    _reabrir(bd, plan)
    seccion = _seccion(plan, "A.IV")
    anterior = seccion.texto
    sesion.entrar(Rol.odes)
    formulario = client.get(f"/mejora-continua/planes/{plan.id}/secciones/{seccion.id}/editar")
    assert formulario.status_code == 200 and "Texto" in formulario.text
    respuesta = _editar(client, plan, seccion, "Nuevo alcance.\r\n\r\nSegundo párrafo.")
    assert respuesta.status_code == 302
    bd.session.expire_all()
    assert seccion.texto == "Nuevo alcance.\n\nSegundo párrafo."
    evento = _eventos(bd, plan, "editar")[-1]
    assert evento.despues["parte"] == "Sección A.IV"
    assert evento.antes["texto"] == anterior
    assert evento.despues["texto"] == "Nuevo alcance.\n\nSegundo párrafo."
    pagina = client.get(f"/mejora-continua/planes/{plan.id}").text
    assert "Segundo párrafo." in pagina


def test_section_edit_is_for_odes_only(client, sesion, plan, bd):
    _reabrir(bd, plan)
    seccion = _seccion(plan, "A.IV")
    for rol in (Rol.direccion, Rol.revisor, Rol.drtpe):
        sesion.entrar(rol)
        url = f"/mejora-continua/planes/{plan.id}/secciones/{seccion.id}/editar"
        assert client.get(url).status_code == 403
        assert _editar(client, plan, seccion, "x").status_code == 403
        sesion.salir()
    sesion.entrar(Rol.drtpe, LORETO)
    assert client.get(f"/mejora-continua/planes/{plan.id}").status_code == 404
    sesion.salir()
    # A section of another plan is not found through this plan.
    sesion.entrar(Rol.odes)
    otro = PlanMejora(titulo="Otro", servicio_evaluado="S", sector="MTPE")
    bd.session.add(otro)
    bd.session.commit()
    assert (
        client.get(f"/mejora-continua/planes/{otro.id}/secciones/{seccion.id}/editar").status_code
        == 404
    )
    bd.session.expire_all()
    assert seccion.texto != "x"


def test_an_approved_plan_is_read_only(client, sesion, plan, bd):
    seccion = _seccion(plan, "A.IV")
    anterior = seccion.texto
    sesion.entrar(Rol.odes)
    pagina = client.get(f"/mejora-continua/planes/{plan.id}").text
    assert "Agregar problema" not in pagina and "Reabrir el plan aprobado" in pagina
    respuesta = _editar(client, plan, seccion, "Cambio")
    assert respuesta.status_code == 200
    assert "El plan está aprobado y no se puede modificar" in respuesta.text
    bd.session.expire_all()
    assert seccion.texto == anterior
    with pytest.raises(services.ErrorPlan):
        services.crear_problema(plan, {"numero": 9, "texto": "x"}, usuario_id=None)
    bd.session.rollback()


def test_stale_section_edit_is_refused(client, sesion, plan, bd):
    _reabrir(bd, plan)
    seccion = _seccion(plan, "A.IV")
    leida = plan.version
    sesion.entrar(Rol.odes)
    assert _editar(client, plan, seccion, "Primera", version=leida).status_code == 302
    respuesta = _editar(client, plan, seccion, "Segunda", version=leida)
    assert respuesta.status_code == 303
    bd.session.expire_all()
    assert seccion.texto == "Primera"


# --- Workflow ------------------------------------------------------------------------------


def _paso(client, plan, accion, version=None, **datos):
    datos["version"] = str(plan.version if version is None else version)
    return client.post(f"/mejora-continua/planes/{plan.id}/{accion}", data=datos)


def test_workflow_send_observe_resend_approve_reopen(client, sesion, plan, bd):
    _reabrir(bd, plan)
    sesion.entrar(Rol.odes)
    url = f"/mejora-continua/planes/{plan.id}"
    assert "Registrar como concordado" in client.get(url).text
    assert _paso(client, plan, "enviar").status_code == 302
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.enviado and plan.enviado_en is not None
    assert "Concordado por el equipo técnico intergubernamental" in client.get(url).text

    # Observing needs a reason.
    respuesta = _paso(client, plan, "observar", motivo="  ")
    assert respuesta.status_code == 302
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.enviado
    _paso(client, plan, "observar", motivo="Falta el cronograma.")
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.observado
    assert "Falta el cronograma." in client.get(url).text

    _paso(client, plan, "enviar")
    _paso(client, plan, "aprobar")
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.aprobado
    assert plan.aprobado_por_id == usuario_demo(Rol.odes).id

    respuesta = _paso(client, plan, "reabrir", motivo="")
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.aprobado
    _paso(client, plan, "reabrir", motivo="Actualizar metas 2016.")
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.observado
    assert "Actualizar metas 2016." in plan.motivo_observacion

    pasos = [
        e.accion
        for e in _eventos(bd, plan)
        if e.accion in ("enviar", "observar", "aprobar", "reabrir")
    ]
    assert pasos == ["enviar", "observar", "enviar", "aprobar", "reabrir"]
    reapertura = _eventos(bd, plan, "reabrir")[-1]
    assert reapertura.motivo == "Actualizar metas 2016."
    assert reapertura.antes == {"estado": "aprobado"}


def test_workflow_steps_refused_in_the_wrong_state_or_role(client, sesion, plan, bd):
    sesion.entrar(Rol.odes)
    _paso(client, plan, "aprobar")  # already approved
    _paso(client, plan, "enviar")
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.aprobado
    sesion.salir()
    for rol in (Rol.direccion, Rol.revisor, Rol.drtpe):
        sesion.entrar(rol)
        assert _paso(client, plan, "reabrir", motivo="x").status_code == 403
        sesion.salir()


def test_a_stale_workflow_step_is_refused(client, sesion, plan, bd):
    _reabrir(bd, plan)
    leida = plan.version
    sesion.entrar(Rol.odes)
    _editar(client, plan, _seccion(plan, "A.IV"), "Cambio leído por otra persona")
    respuesta = _paso(client, plan, "enviar", version=leida)
    assert respuesta.status_code == 303
    assert "Otra persona guardó cambios" in client.get(respuesta.location).text
    bd.session.expire_all()
    assert plan.estado is EstadoReporte.borrador


# --- Excel ---------------------------------------------------------------------------------


def _libro(client, plan):
    respuesta = client.get(f"/mejora-continua/planes/{plan.id}/excel")
    assert respuesta.status_code == 200
    return load_workbook(io.BytesIO(respuesta.data))


def test_excel_has_the_sections_sheet(client, sesion, plan):
    sesion.entrar(Rol.revisor)
    hoja = _libro(client, plan)["Secciones"]
    filas = [[c.value for c in fila] for fila in hoja.iter_rows()]
    assert filas[0] == ["Clave", "Título", "Texto"]
    assert [f[:2] for f in filas[1:]] == [[s.clave, s.titulo] for s in plan.secciones]
    assert filas[1 + [s.clave for s in plan.secciones].index("A.V")][2] == (
        _seccion(plan, "A.V").texto
    )


def test_excel_neutralises_formula_like_section_text(client, sesion, plan, bd):
    _reabrir(bd, plan)
    sesion.entrar(Rol.odes)
    _editar(client, plan, _seccion(plan, "A.IV"), '=HYPERLINK("http://x","y")', titulo="+1+1")
    hoja = _libro(client, plan)["Secciones"]
    fila = next(f for f in hoja.iter_rows(min_row=2) if f[0].value == "A.IV")
    assert fila[1].value == "'+1+1"
    assert fila[2].value == '\'=HYPERLINK("http://x","y")'
    assert all(c.data_type != "f" for f in hoja.iter_rows() for c in f)
