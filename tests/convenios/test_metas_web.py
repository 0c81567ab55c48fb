"""Goals committed before the semester through the web (issue 15, item 2): ODES opens a year,
the region fills and sends its goals, a directorate observes one of its IdG, the region
corrects them, ODES approves and they lock; a goal is reprogrammed with an adenda whose signed
PDF is uploaded, and the grid shows the original and the current goal."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region
from app.comun.auditoria import Evento
from app.comun.concurrencia import MENSAJE_CONCURRENCIA
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import (
    ANUAL,
    Adenda,
    EstadoCelda,
    EstadoConvenio,
    EstadoSolicitud,
    Meta,
    ProgramacionMetas,
    Reprogramacion,
)
from app.convenios.queries import metas as queries
from app.convenios.services import convenios as convenios_services
from tests.conftest import usuario_demo
from tests.convenios.test_archivos import PDF
from tests.seguridad.hostiles import INGLES, formulario, leer_html

PUNO = "drtpe.puno@demo.trabajo.gob.pe"


@pytest.fixture
def ciclo(bd) -> ConjuntoIndicadores:
    base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
    bd.session.commit()
    return ciclo


@pytest.fixture
def loreto(bd, ciclo):
    region = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    convenio = convenios_services.crear_convenio(
        {
            "region_id": region.id,
            "conjunto_id": ciclo.id,
            "estado": EstadoConvenio.suscrito,
            "fecha_suscripcion": date(2021, 12, 20),
            "documento": None,
            "notas": None,
        },
        usuario_id=None,
        hoy=date(2022, 1, 10),
    )
    bd.session.commit()
    return convenio


def _errores(*paginas: str) -> list[str]:
    """The error messages a page shows; each must be Spanish."""
    mensajes = [m for p in paginas for m in leer_html(p).errores]
    for mensaje in mensajes:
        assert mensaje and not INGLES.search(mensaje), mensaje
    return mensajes


def _texto(pagina: str) -> str:
    """What a reader sees of some HTML: no tags, entities resolved, spaces collapsed."""
    visible = html.unescape(re.sub(r"<[^>]+>", " ", pagina)).replace("\xa0", " ")
    return " ".join(visible.split())


def _seguir(client, respuesta) -> str:
    """The page a redirect leads to (its flashed messages included)."""
    assert respuesta.status_code in (302, 303), respuesta.status_code
    return client.get(respuesta.headers["Location"]).text


def _como(client, sesion, rol: Rol, email: str | None = None) -> None:
    sesion.salir()
    sesion.entrar(rol, email)


def _grilla(client, url: str) -> dict[str, str]:
    """The grid form's controls as a browser would send them (name → value)."""
    pagina = client.get(url)
    assert pagina.status_code == 200
    return {c.nombre: c.valor for c in formulario(pagina.text, url, url).campos}


def _prefijos(campos: dict[str, str], convenio_id: int) -> dict[tuple[int, int], str]:
    """(IdG number, semestre) → the prefix of that goal's controls in the grid form."""
    metas = {m.id: m for m in queries.metas(convenio_id, 2022).values()}
    prefijos = {}
    for nombre, valor in campos.items():
        if nombre.endswith("-meta_id"):
            meta = metas[int(valor)]
            prefijos[(meta.indicador.numero, meta.semestre)] = nombre.removesuffix("meta_id")
    return prefijos


def _meta(convenio_id: int, numero: int, semestre: int) -> Meta:
    return next(
        m
        for m in queries.metas(convenio_id, 2022).values()
        if m.indicador.numero == numero and m.semestre == semestre
    )


def test_the_whole_path_from_opening_to_a_reprogrammed_goal(client, sesion, bd, ciclo, loreto):
    grilla = f"/convenios/{loreto.id}/programacion/2022"

    # --- ODES opens 2022 for the cycle's signed convenios -----------------------------------
    sesion.entrar(Rol.odes)
    lista = client.get(f"/convenios/programacion?ciclo={ciclo.id}&anio=2022").text
    assert "Sin abrir" in lista and "Abrir programación 2022" in lista
    abrir = {"ciclo": ciclo.id, "anio": "2022"}
    pagina = _seguir(client, client.post("/convenios/programacion/abrir", data=abrir))
    assert "Programación 2022 abierta para 1 convenio." in pagina
    programacion = queries.programacion(loreto.id, 2022)
    assert programacion.estado is EstadoReporte.borrador
    # Every IdG of the cycle × (annual, I, II): 12 copied from 2020 → 36 goals.
    assert len(queries.metas(loreto.id, 2022)) == 3 * len(ciclo.indicadores) == 36
    again = client.post("/convenios/programacion/abrir", data=abrir)
    assert "ya tenían su programación 2022" in _seguir(client, again)
    refused = client.post("/convenios/programacion/abrir", data={"ciclo": ciclo.id, "anio": "2024"})
    assert "El año 2024 no pertenece al ciclo 2022-2023." in _errores(_seguir(client, refused))

    # --- The Loreto region fills its goals (decimal comma accepted) and sends them ---------
    _como(client, sesion, Rol.drtpe)
    assert client.get("/convenios/programacion").headers["Location"].endswith(grilla)
    campos = _grilla(client, grilla)
    prefijos = _prefijos(campos, loreto.id)
    assert len(prefijos) == 36
    for prefijo in prefijos.values():
        campos[prefijo + "estado"], campos[prefijo + "programado"] = "valor", "50"
    campos[prefijos[(1, ANUAL)] + "programado"] = "60,5"
    campos[prefijos[(2, 1)] + "estado"], campos[prefijos[(2, 1)] + "programado"] = "no_aplica", ""
    campos[prefijos[(3, 2)] + "programado"] = ""  # still missing: it can't be sent yet

    malos = dict(campos)
    malos[prefijos[(4, 1)] + "programado"] = "1.234,5"
    malos[prefijos[(5, 1)] + "programado"] = "cincuenta"
    respuesta = client.post(grilla, data=malos)
    assert respuesta.status_code == 200
    errores = _errores(respuesta.text)
    assert "Escriba la meta sin separador de miles (por ejemplo 1250.5 o 1250,5)." in errores
    assert "Escriba un número (por ejemplo 60 o 60.5)." in errores
    assert _meta(loreto.id, 1, ANUAL).valor is None  # nothing saved

    pagina = _seguir(client, client.post(grilla, data=campos))
    assert "Metas 2022 guardadas." in pagina
    assert "Falta 1 meta por escribir" in pagina
    bd.session.expire_all()
    assert _meta(loreto.id, 1, ANUAL).valor == Decimal("60.50")
    assert (_meta(loreto.id, 2, 1).estado, _meta(loreto.id, 2, 1).valor) == (
        EstadoCelda.no_aplica,
        None,
    )
    assert _meta(loreto.id, 4, 2).valor == Decimal("50.00")
    envio = client.post(f"{grilla}/enviar")
    texto = _errores(_seguir(client, envio))
    assert texto == [
        "No se puede enviar todavía. IdG 3 (II semestre): escriba la meta o indique que no aplica."
    ]
    # A form read before the last save (an older version) is refused with the shared message.
    viejo = dict(campos, version="1")
    concurrente = client.post(grilla, data=viejo)
    assert concurrente.status_code == 303
    assert str(MENSAJE_CONCURRENCIA) in _seguir(client, concurrente)

    campos = _grilla(client, grilla)
    campos[prefijos[(3, 2)] + "programado"] = "45"
    assert "Metas 2022 guardadas." in _seguir(client, client.post(grilla, data=campos))
    assert "Metas 2022 enviadas a revisión." in _seguir(client, client.post(f"{grilla}/enviar"))
    bd.session.expire_all()
    assert queries.programacion(loreto.id, 2022).estado is EstadoReporte.enviado
    leida = client.get(grilla).text
    assert 'name="metas-0-programado"' not in leida and "60.50 %" in _texto(leida)  # read-only

    # --- The directorate observes one of ITS IdG --------------------------------------------
    _como(client, sesion, Rol.direccion)
    direccion = usuario_demo(Rol.direccion)
    propios = [i for i in ciclo.indicadores if i.proponente_id == direccion.unidad_id]
    ajeno = next(i for i in ciclo.indicadores if i.proponente_id != direccion.unidad_id)
    accion = f"{grilla}/observar"
    form = formulario(client.get(grilla).text, accion, grilla)
    (select,) = [c for c in form.campos if c.nombre == "indicador_id"]
    assert select.opciones == [str(i.id) for i in propios]  # only its own IdG
    sin_motivo = client.post(accion, data={"indicador_id": propios[0].id, "motivo": " "})
    assert _errores(_seguir(client, sin_motivo)) == [
        "Indique el motivo de la observación; la región lo verá."
    ]
    otro = client.post(accion, data={"indicador_id": ajeno.id, "motivo": "No es mío"})
    assert _errores(_seguir(client, otro)) == ["Elija el IdG de su dirección que observa."]
    bien = client.post(accion, data={"indicador_id": propios[0].id, "motivo": "Meta muy baja"})
    assert "Metas 2022 observadas; la región verá el motivo." in _seguir(client, bien)
    bd.session.expire_all()
    programacion = queries.programacion(loreto.id, 2022)
    assert programacion.estado is EstadoReporte.observado
    assert programacion.motivo_observacion == f"{propios[0].etiqueta}: Meta muy baja"

    # --- The region corrects the observed goal and sends again; ODES approves ---------------
    _como(client, sesion, Rol.drtpe)
    pagina = client.get(grilla).text
    assert f"{propios[0].etiqueta}: Meta muy baja" in pagina
    campos = _grilla(client, grilla)
    campos[prefijos[(propios[0].numero, ANUAL)] + "programado"] = "70"
    assert "Metas 2022 guardadas." in _seguir(client, client.post(grilla, data=campos))
    assert "enviadas a revisión" in _seguir(client, client.post(f"{grilla}/enviar"))
    # Only ODES approves.
    assert client.post(f"{grilla}/aprobar").status_code == 403

    _como(client, sesion, Rol.odes)
    assert "Metas 2022 aprobadas: quedan bloqueadas." in _seguir(
        client, client.post(f"{grilla}/aprobar")
    )
    bd.session.expire_all()
    anual = _meta(loreto.id, propios[0].numero, ANUAL)
    assert (anual.valor, anual.valor_original) == (Decimal(70), Decimal(70))

    # --- Approved goals are locked: no form, and a posted change is refused ----------------
    _como(client, sesion, Rol.drtpe)
    leida = client.get(grilla).text
    assert 'name="metas-0-programado"' not in leida and "Solicitar reprogramación" in leida
    bloqueada = client.post(grilla, data=campos)
    assert bloqueada.status_code == 200
    assert _errores(bloqueada.text) == [
        "Las metas 2022 están aprobadas y bloqueadas: para cambiar una, solicite su reprogramación."
    ]

    # --- ODES registers an adenda with its signed PDF ---------------------------------------
    _como(client, sesion, Rol.odes)
    adenda_url = f"/convenios/{loreto.id}/adendas"
    datos = {"fecha": "2022-03-01", "descripcion": "Reajuste de metas 2022", "documento": ""}
    no_pdf = client.post(
        adenda_url,
        data={**datos, "archivo": (io.BytesIO(b"\x89PNG\r\n"), "firma.png")},
        content_type="multipart/form-data",
    )
    assert _errores(_seguir(client, no_pdf)) == [
        "Documento firmado (PDF): El documento firmado de la adenda debe ser un archivo PDF "
        "(máximo 10 MB)."
    ]
    falso = client.post(
        adenda_url,
        data={**datos, "archivo": (io.BytesIO(b"no es un pdf"), "firma.pdf")},
        content_type="multipart/form-data",
    )
    assert "no corresponde a un PDF" in _errores(_seguir(client, falso))[0]
    assert bd.session.scalar(sa.select(sa.func.count(Adenda.id))) == 0  # nothing written
    subida = client.post(
        adenda_url,
        data={**datos, "archivo": (io.BytesIO(PDF), "Adenda 1 firmada.pdf")},
        content_type="multipart/form-data",
    )
    detalle = _seguir(client, subida)
    assert "Adenda N° 1 registrada." in detalle and "Adenda_1_firmada.pdf" in detalle
    adenda = bd.session.scalar(sa.select(Adenda))
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", adenda.archivo)
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="agregar_adenda"))
    assert evento.despues["documento_firmado"] == "Adenda_1_firmada.pdf"
    descarga = client.get(f"/convenios/{loreto.id}/adendas/documento?numero=1")
    assert descarga.status_code == 200 and descarga.data == PDF
    assert descarga.mimetype == "application/pdf"

    # --- The region asks to reprogram IdG 1's I-semester goal with the adenda --------------
    _como(client, sesion, Rol.drtpe)
    assert client.get(f"/convenios/{loreto.id}/adendas/documento?numero=1").data == PDF
    idg1 = _meta(loreto.id, 1, 1)
    pedir = f"{grilla}/reprogramar"
    assert client.get(f"{pedir}?meta={idg1.id}").status_code == 200
    solicitud = {"meta_id": idg1.id, "valor_nuevo": "40", "categoria": "adenda", "motivo": ""}
    sin_nada = client.post(pedir, data={**solicitud, "adenda_id": ""})
    assert sin_nada.status_code == 200
    assert "Explique el motivo de la reprogramación." in _errores(sin_nada.text)
    sin_adenda = client.post(pedir, data={**solicitud, "adenda_id": "", "motivo": "Recorte"})
    assert "Elija la adenda que cambia la meta." in _errores(sin_adenda.text)
    hecha = client.post(
        pedir, data={**solicitud, "adenda_id": adenda.id, "motivo": "Recorte presupuestal"}
    )
    assert "Solicitud de reprogramación registrada" in _seguir(client, hecha)
    assert "Reprogramación pendiente" in client.get(grilla).text
    bd.session.expire_all()
    assert _meta(loreto.id, 1, 1).valor == Decimal(50)  # unchanged until ODES approves

    # --- ODES lists it, refuses a rejection without reason, then approves ------------------
    _como(client, sesion, Rol.odes)
    lista = client.get("/convenios/reprogramaciones?estado=pendiente").text
    assert "50 % → 40 %" in _texto(lista) and "Recorte presupuestal" in lista
    assert f'/convenios/{loreto.id}/adendas/documento?numero=1">Adenda N° 1 (PDF)' in lista
    pedida = bd.session.scalar(sa.select(Reprogramacion))
    rechazo = client.post("/convenios/reprogramaciones/rechazar", data={"solicitud_id": pedida.id})
    assert _errores(_seguir(client, rechazo)) == ["Indique por qué se rechaza la reprogramación."]
    aprobada = client.post("/convenios/reprogramaciones/aprobar", data={"solicitud_id": pedida.id})
    assert "Reprogramación aprobada: la meta vigente cambió." in _seguir(client, aprobada)
    bd.session.expire_all()
    idg1 = _meta(loreto.id, 1, 1)
    assert (idg1.valor, idg1.valor_original) == (Decimal(40), Decimal(50))
    assert bd.session.get(Reprogramacion, pedida.id).estado is EstadoSolicitud.aprobada

    # --- The grid shows the original and the current goal ----------------------------------
    pagina = client.get(grilla).text
    celda = re.search(rf'<td id="meta-{idg1.id}">(.*?)</td>', pagina, re.S).group(1)
    assert _texto(celda).startswith("original 50 % / vigente 40 % Solicitar reprogramación")

    # --- Another region's drtpe user gets 404 everywhere ------------------------------------
    _como(client, sesion, Rol.drtpe, PUNO)
    antes = bd.session.scalar(sa.select(sa.func.count(Evento.id)))
    assert client.get(grilla).status_code == 404
    assert client.get(f"{pedir}?meta={idg1.id}").status_code == 404
    assert client.post(f"{grilla}/enviar").status_code == 404
    assert client.post(grilla, data=campos).status_code == 404
    assert client.get(f"/convenios/{loreto.id}/adendas/documento?numero=1").status_code == 404
    assert "Recorte presupuestal" not in client.get("/convenios/reprogramaciones").text
    assert bd.session.scalar(sa.select(sa.func.count(Evento.id))) == antes


def test_readers_and_empty_states(client, sesion, bd, ciclo, loreto):
    """Reviewers read without forms; a region with no open year is told so, not sent away."""
    grilla = f"/convenios/{loreto.id}/programacion/2022"
    sesion.entrar(Rol.drtpe)
    pagina = client.get("/convenios/programacion")
    assert pagina.status_code == 200
    assert "La ODES aún no abrió la programación de metas" in pagina.text
    assert "La ODES aún no abrió la programación 2022 de este convenio." in client.get(grilla).text
    assert client.get(f"/convenios/{loreto.id}/programacion/2030").status_code == 404
    enviar = client.post(f"{grilla}/enviar")
    assert _errores(_seguir(client, enviar)) == [
        "La ODES aún no abrió la programación 2022 de este convenio."
    ]

    _como(client, sesion, Rol.odes)
    client.post("/convenios/programacion/abrir", data={"ciclo": ciclo.id, "anio": "2022"})
    _como(client, sesion, Rol.revisor)
    lista = client.get(f"/convenios/programacion?ciclo={ciclo.id}&anio=2022").text
    assert "Borrador" in lista and "Abrir programación" not in lista
    pagina = client.get(grilla).text
    assert "<form" not in pagina.split('id="contenido"')[1]  # reads, never edits
    assert client.post(f"{grilla}/aprobar").status_code == 403
    guardar = client.post(grilla, data={})
    assert _errores(guardar.text) == ["Su cuenta no puede editar estas metas ahora."]
    assert bd.session.scalar(sa.select(ProgramacionMetas.estado)) is EstadoReporte.borrador
