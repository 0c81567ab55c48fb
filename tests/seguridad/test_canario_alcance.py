"""Canary crawl: no page or download shows data outside the reader's scope (docs/security.md).

A unique marker is written into every free-text field and distinctive numbers into every figure
that belongs to region B (Puno) and to unit V (a directorate other than the demo DNCCL user's),
in a semester whose report is not published. Then, as the drtpe user of region A (Loreto), as
the direccion user of unit U (DNCCL), as a reviewer and without a session, the test crawls every
page reachable from the dashboard (links, images, every option of every GET filter form) and
every GET URL of ``app.url_map`` filled with the ids of B's and V's objects, reads each body
(HTML, CSV, the text of every Excel cell and of every PDF page) and fails if a marker appears.
Charts carry no text: every PNG a reader may fetch is fetched again after B's and V's figures
change, and must not change. A new page or download is covered without editing this test.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from app.auth.models import Usuario
from app.auth.services import crear_token
from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.auditoria import registrar_evento
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoReporte,
    Evidencia,
    LineaReporte,
    Meta,
    Periodo,
    Reporte,
)
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.models.planes import PlanMejora, Problema
from app.mejora_continua.models.programacion import Actividad, ProgramacionRegional
from app.notificaciones.models import EnvioCorreo, Notificacion, TipoNotificacion
from tests.conftest import CLAVE

#: Pages fetched per reader at most: the crawl is bounded, and says so if it reaches the bound.
LIMITE_PAGINAS = 4000
#: Distinct values a GET filter form's field is tried with.
LIMITE_OPCIONES = 40
#: URLs of one view followed from links and forms (the URL map's are all read).
POR_VISTA = 60


# --- Seeding the canaries --------------------------------------------------------------------


@dataclass
class Canarios:
    """The markers written, by owner, and the ids of the objects that hold them."""

    region_b: Region
    unidad_v: UnidadMTPE
    periodo: Periodo
    #: Marker strings of region B's objects (hidden from the drtpe user of region A)
    de_b: set[str] = field(default_factory=set)
    #: Marker strings of unit V's objects (hidden from the direccion user of unit U)
    de_v: set[str] = field(default_factory=set)
    #: Markers of the unpublished semester's Anexo 4 and of Anexo 5 drafts (hidden from
    #: reviewers and the public)
    no_publicados: set[str] = field(default_factory=set)
    #: Distinctive figures of B and V in the unpublished semester, as Decimals
    cifras_b: set[Decimal] = field(default_factory=set)
    cifras_v: set[Decimal] = field(default_factory=set)
    #: Ids of B's and V's objects by URL argument name (the crawl fills rules with them)
    ids: dict[str, set[int]] = field(default_factory=dict)

    def marca(self, etiqueta: str, *, b: bool, v: bool, no_publicado: bool = False) -> str:
        """A new marker string registered under its owners."""
        texto = f"CANARIO{uuid.uuid4().hex[:10].upper()}{etiqueta}"
        if b:
            self.de_b.add(texto)
        if v:
            self.de_v.add(texto)
        if no_publicado:
            self.no_publicados.add(texto)
        return texto

    def id(self, nombre: str, valor: int) -> None:
        self.ids.setdefault(nombre, set()).add(valor)


def _uno(consulta):
    return db.session.scalar(consulta)


def _sembrar(bd) -> Canarios:
    """Write markers into B's and V's objects of the demo data (semester II-2020, unpublished)."""
    region_a = _uno(sa.select(Region).filter_by(codigo="loreto"))
    region_b = _uno(sa.select(Region).filter_by(codigo="puno"))
    unidad_u = _uno(sa.select(UnidadMTPE).filter_by(sigla="DNCCL"))
    periodo = _uno(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    # Unit V: the proponent of the most IdG other than U (it owns lines in every region).
    unidad_v = _uno(
        sa.select(UnidadMTPE)
        .join(Indicador, Indicador.proponente_id == UnidadMTPE.id)
        .where(UnidadMTPE.id != unidad_u.id)
        .group_by(UnidadMTPE.id)
        .order_by(sa.func.count(Indicador.id).desc(), UnidadMTPE.id)
        .limit(1)
    )
    c = Canarios(region_b=region_b, unidad_v=unidad_v, periodo=periodo)
    c.id("region_id", region_b.id)
    c.id("unidad_id", unidad_v.id)
    c.id("periodo_id", periodo.id)
    cifra = iter(Decimal(f"{n}.{d}") for n in range(61, 99) for d in (17, 29, 43, 71, 83))

    reportes = bd.session.scalars(
        sa.select(Reporte)
        .join(Convenio)
        .where(Reporte.periodo_id == periodo.id, Convenio.region_id.in_([region_a.id, region_b.id]))
    ).all()
    for reporte in reportes:
        es_b = reporte.convenio.region_id == region_b.id
        if es_b:
            c.id("reporte_id", reporte.id)
            c.id("convenio_id", reporte.convenio_id)
            # The reasons given when it was observed live in its history.
            registrar_evento(
                "observar",
                "reporte",
                reporte.id,
                antes={"estado": "enviado"},
                despues={"estado": "observado"},
                motivo=c.marca("MOTIVO", b=True, v=False, no_publicado=True),
            )
        for linea in reporte.lineas:
            de_v = linea.indicador.proponente_id == unidad_v.id
            if not (es_b or de_v):
                continue
            c.id("linea_id", linea.id)
            if es_b:
                c.id("linea_b", linea.id)
            if de_v:
                c.id("linea_v", linea.id)
            c.id("reporte_id", reporte.id)
            linea.comentario = c.marca("COMENTARIO", b=es_b, v=de_v, no_publicado=True)
            if linea.estado is EstadoCelda.valor:
                linea.programado, linea.ejecutado = next(cifra), next(cifra)
                for valor in (linea.programado, linea.ejecutado):
                    (c.cifras_b if es_b else set()).add(valor)
                    (c.cifras_v if de_v else set()).add(valor)
            else:
                linea.motivo_estado = c.marca("MOTIVOCELDA", b=es_b, v=de_v, no_publicado=True)
            nombre = c.marca("EVIDENCIA", b=es_b, v=de_v, no_publicado=True)
            evidencia = Evidencia(
                linea=linea,
                nombre=f"{nombre}.pdf",
                archivo=f"{uuid.uuid4().hex}.pdf",
                tipo="application/pdf",
                tamanio=10,
            )
            bd.session.add(evidencia)
            bd.session.flush()
            c.id("evidencia_id", evidencia.id)
            # The history of the report records the line's old and new text.
            registrar_evento(
                "editar",
                "reporte",
                reporte.id,
                antes={f"{linea.indicador.etiqueta} comentario": "anterior"},
                despues={
                    f"{linea.indicador.etiqueta} comentario": c.marca(
                        "HISTORIAL", b=es_b, v=de_v, no_publicado=True
                    )
                },
            )
            registrar_evento(
                "subir_evidencia",
                "reporte",
                reporte.id,
                despues={"indicador": linea.indicador.etiqueta, "evidencia": f"{nombre}.pdf"},
            )

    # Annual goals of B.
    for meta in bd.session.scalars(
        sa.select(Meta).join(Convenio).where(Convenio.region_id == region_b.id)
    ):
        meta.valor = next(cifra)
        c.cifras_b.add(meta.valor)

    # The Anexo 5 of every IdG of V in the semester, back to draft, with marked items.
    for indicador in bd.session.scalars(
        sa.select(Indicador).filter_by(proponente_id=unidad_v.id).order_by(Indicador.numero)
    ):
        evaluacion = _uno(
            sa.select(Evaluacion).filter_by(indicador_id=indicador.id, periodo_id=periodo.id)
        )
        if evaluacion is None:
            evaluacion = Evaluacion(indicador=indicador, periodo=periodo, unidad=unidad_v)
            bd.session.add(evaluacion)
        evaluacion.estado = EstadoReporte.borrador
        evaluacion.aprobado_en = None
        evaluacion.veredicto = c.marca("VEREDICTO", b=False, v=True, no_publicado=True)
        evaluacion.items.append(
            ItemEvaluacion(
                tipo=TipoItem.recomendacion,
                orden=99,
                texto=c.marca("ANEXO5", b=False, v=True, no_publicado=True),
                regiones=[region_b],
            )
        )
        bd.session.flush()
        c.id("evaluacion_id", evaluacion.id)
        registrar_evento(
            "editar",
            "evaluacion",
            evaluacion.id,
            despues={"veredicto": c.marca("HISTA5", b=False, v=True, no_publicado=True)},
        )

    # Runs of the capacity programme in region B: their execution records belong to B.
    for corrida in bd.session.scalars(
        sa.select(ProgramacionRegional).filter_by(region_id=region_b.id)
    ):
        corrida.observacion = c.marca("EJECUCION", b=True, v=False)
        corrida.evidencia_nombre = c.marca("EVIDEJEC", b=True, v=False) + ".pdf"
        corrida.evidencia_archivo = f"{uuid.uuid4().hex}.pdf"
        c.id("programacion_id", corrida.id)
    # Activities of V: their ids are tried by the crawl (their execution records are B's).
    for actividad_id in bd.session.scalars(
        sa.select(Actividad.id).filter_by(unidad_id=unidad_v.id)
    ):
        c.id("actividad_id", actividad_id)

    # B's improvement plans: every text of the plan and its problems.
    for plan in bd.session.scalars(sa.select(PlanMejora).filter_by(region_id=region_b.id)):
        plan.titulo = c.marca("PLAN", b=True, v=False)
        plan.observaciones = c.marca("PLANOBS", b=True, v=False)
        for problema in bd.session.scalars(sa.select(Problema).filter_by(plan_id=plan.id)):
            problema.texto = c.marca("PROBLEMA", b=True, v=False)
        c.id("plan_id", plan.id)
        registrar_evento(
            "editar",
            "plan_mejora",
            plan.id,
            despues={"titulo": c.marca("HISTPLAN", b=True, v=False)},
        )

    # Notifications of B's and V's accounts, with their e-mails in the outbox.
    for usuario in bd.session.scalars(
        sa.select(Usuario).where(
            sa.or_(Usuario.region_id == region_b.id, Usuario.unidad_id == unidad_v.id)
        )
    ):
        es_b = usuario.region_id == region_b.id
        marca = c.marca("AVISO", b=es_b, v=not es_b)
        aviso = Notificacion(
            usuario_id=usuario.id,
            tipo=TipoNotificacion.anexo4_observado,
            titulo=marca,
            # The same marker (ODES's outbox shows the subject, not the text).
            texto=f"{marca} observado.",
            url="/convenios/anexo4",
        )
        bd.session.add(
            EnvioCorreo(notificacion=aviso, destinatario=usuario.email, asunto=aviso.titulo)
        )
        bd.session.flush()
        c.id("envio_id", bd.session.scalar(sa.select(sa.func.max(EnvioCorreo.id))))
        # An API token of the account, named with a marker (its list: the user and ODES).
        crear_token(
            usuario,
            nombre=c.marca("TOKEN", b=es_b, v=not es_b),
            solo_lectura=True,
            dias=30,
            creado_por=usuario,
        )
        c.id("usuario_id", usuario.id)
    bd.session.commit()
    assert c.de_b and c.de_v and c.cifras_b and c.cifras_v, "no se sembraron canarios"
    return c


def _cambiar_cifras(bd, c: Canarios, lineas_de: str = "linea_id") -> None:
    """Move every figure of B's (linea_b) or V's (linea_v) lines, or both (linea_id)."""
    lineas = sa.select(LineaReporte).where(LineaReporte.id.in_(c.ids[lineas_de]))
    for linea in bd.session.scalars(lineas):
        if linea.estado is EstadoCelda.valor:
            linea.programado, linea.ejecutado = Decimal("3.33"), Decimal("99.99")
    if lineas_de != "linea_v":
        metas = sa.select(Meta).join(Convenio).where(Convenio.region_id == c.region_b.id)
        for meta in bd.session.scalars(metas):
            meta.valor = Decimal("1.11")
    bd.session.commit()


# --- Crawling --------------------------------------------------------------------------------


class _Enlaces(HTMLParser):
    """Links, images and GET forms (with the values each field may take) of a page."""

    def __init__(self):
        super().__init__()
        self.enlaces: list[str] = []
        self.formularios: list[tuple[str, dict[str, list[str]]]] = []
        self._form: tuple[str, dict[str, list[str]]] | None = None
        self._select: str | None = None

    def handle_starttag(self, etiqueta, atributos):
        a = dict(atributos)
        if etiqueta == "a" and a.get("href"):
            self.enlaces.append(a["href"])
        elif etiqueta in ("img", "source") and a.get("src"):
            self.enlaces.append(a["src"])
        elif etiqueta == "form":
            if (a.get("method") or "get").lower() == "get":
                self._form = (a.get("action") or "", {})
                self.formularios.append(self._form)
            else:
                self._form = None
        elif self._form is not None:
            campos = self._form[1]
            if etiqueta == "select" and a.get("name"):
                self._select = a["name"]
                campos.setdefault(self._select, [])
            elif etiqueta == "option" and self._select:
                campos[self._select].append(a.get("value", ""))
            elif etiqueta == "input" and a.get("name") and a.get("type") != "submit":
                campos.setdefault(a["name"], []).append(a.get("value", ""))

    def handle_endtag(self, etiqueta):
        if etiqueta == "select":
            self._select = None
        elif etiqueta == "form":
            self._form = None


def _texto(respuesta) -> str:
    """The readable text of a response: HTML/CSV as is, every Excel cell, every PDF page."""
    tipo = respuesta.mimetype or ""
    cuerpo = respuesta.get_data()
    if tipo == "application/pdf" or cuerpo.startswith(b"%PDF"):
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(cuerpo)).pages)
    if "spreadsheet" in tipo or cuerpo.startswith(b"PK"):
        from openpyxl import load_workbook

        libro = load_workbook(io.BytesIO(cuerpo), read_only=True)
        partes = [hoja.title for hoja in libro.worksheets]
        for hoja in libro.worksheets:
            for fila in hoja.iter_rows(values_only=True):
                partes.extend(str(v) for v in fila if v is not None)
        return "\n".join(partes)
    if tipo.startswith("image/"):
        return ""
    return cuerpo.decode("utf-8", "replace")


def _patron_cifras(cifras: set[Decimal]) -> re.Pattern:
    """A figure as any page prints it: 61.17, 61,17 or 61.2 (never inside a longer number)."""
    formas = set()
    for cifra in cifras:
        entero, decimales = f"{cifra:.2f}".split(".")
        formas.update({rf"{entero}[.,]{decimales}", rf"{entero}[.,]{decimales[0]}(?!\d)"})
    return re.compile(r"(?<![\d.,])(?:" + "|".join(sorted(formas)) + r")(?!\d)")


@dataclass
class Rastreo:
    """What one reader fetched: the text of every body and the hash of every image."""

    textos: dict[str, str] = field(default_factory=dict)
    imagenes: dict[str, str] = field(default_factory=dict)
    estados: dict[str, int] = field(default_factory=dict)
    al_limite: bool = False


def _local(url: str) -> str | None:
    partes = urlsplit(url)
    if partes.scheme not in ("", "http", "https") or (partes.netloc not in ("", "localhost")):
        return None
    if not partes.path.startswith("/") or partes.path.startswith("/static/"):
        return None
    return urlunsplit(("", "", partes.path, partes.query, ""))


def _urls_del_mapa(app, c: Canarios, periodos: list[str], regiones: list[str]) -> list[str]:
    """Every GET rule of the URL map with the ids of B's and V's objects in its arguments."""
    todos = sorted({i for valores in c.ids.values() for i in valores})
    anios = sorted({int(p[:4]) for p in periodos})
    urls = []
    for regla in app.url_map.iter_rules():
        if "GET" not in regla.methods or regla.endpoint == "static":
            continue
        opciones: dict[str, list] = {}
        for nombre in regla.arguments:
            conversor = regla._converters[nombre]
            if isinstance(conversor, IntegerConverter):
                if nombre == "anio":
                    opciones[nombre] = anios
                elif nombre in c.ids:
                    opciones[nombre] = sorted(c.ids[nombre])
                else:
                    # An argument nobody named here gets every id of B and V.
                    opciones[nombre] = todos
            elif nombre == "periodo":
                opciones[nombre] = periodos
            else:
                opciones[nombre] = regiones + periodos + ["conclusion", "recomendacion"]
        combinaciones = [{}]
        for nombre, valores in opciones.items():
            combinaciones = [{**k, nombre: v} for k in combinaciones for v in valores][:400]
        with app.test_request_context():
            from flask import url_for

            for valores in combinaciones:
                try:
                    url = url_for(regla.endpoint, **valores)
                except Exception:  # a value the rule's converter refuses
                    continue
                urls.append(url)
                if regla.rule.startswith("/api/") and "periodo" not in regla.arguments:
                    # The API's lists read the newest semester unless told: every semester,
                    # whole (the API has no forms or links for the crawl to follow).
                    urls += [f"{url}?periodo={p}&por_pagina=500" for p in periodos]
    return urls


def _rastrear(client, semillas: list[str], *, imagenes: bool = True) -> Rastreo:
    """Fetch the seeds and everything reachable from them by GET, within the bounds.

    Links found in pages are followed up to POR_VISTA URLs per view (the seeds always are),
    so a list with many filters or pages cannot make the crawl endless. With imagenes=False
    the charts are listed but not drawn (they carry no text).
    """
    rastreo = Rastreo()
    adaptador = client.application.url_map.bind("localhost")
    pendientes = deque(semillas)
    vistos = set(semillas)
    por_vista: dict[str, int] = {}

    def encolar(url):
        url = _local(url)
        if not url or url in vistos:
            return
        try:
            vista = adaptador.match(urlsplit(url).path)[0]
        except Exception:  # not a route of the app: nothing to read
            return
        if vista == "auth.login" or por_vista.get(vista, 0) >= POR_VISTA:
            return
        por_vista[vista] = por_vista.get(vista, 0) + 1
        vistos.add(url)
        pendientes.append(url)

    while pendientes:
        if len(rastreo.estados) >= LIMITE_PAGINAS:
            rastreo.al_limite = True
            break
        url = pendientes.popleft()
        if not imagenes and urlsplit(url).path.endswith(".png"):
            rastreo.imagenes[url] = ""
            continue
        respuesta = client.get(url)
        rastreo.estados[url] = respuesta.status_code
        if respuesta.status_code in (301, 302, 303, 307, 308):
            encolar(urljoin(url, respuesta.headers["Location"]))
            continue
        if respuesta.status_code != 200:
            continue
        if (respuesta.mimetype or "").startswith("image/"):
            rastreo.imagenes[url] = _huella_imagen(client, url)
            continue
        texto = _texto(respuesta)
        rastreo.textos[url] = texto
        if respuesta.mimetype != "text/html":
            continue
        lector = _Enlaces()
        lector.feed(texto)
        for enlace in lector.enlaces:
            encolar(urljoin(url, enlace))
        # A GET form replaces the query: each field is tried alone with each of its values.
        for accion, campos in lector.formularios:
            destino = urlsplit(urljoin(url, accion or url))
            for nombre, valores in campos.items():
                for valor in list(dict.fromkeys(valores))[:LIMITE_OPCIONES]:
                    if valor:
                        consulta = urlencode({nombre: valor})
                        encolar(urlunsplit(("", "", destino.path, consulta, "")))
    return rastreo


def _sin_version(url: str) -> str:
    """The URL without ?v= (a chart named by its data version is served from that version)."""
    partes = urlsplit(url)
    consulta = urlencode([(k, v) for k, v in parse_qsl(partes.query) if k != "v"])
    return urlunsplit(("", "", partes.path, consulta, ""))


def _huella_imagen(client, url: str) -> str:
    """Hash of the image the URL draws from the current data."""
    return hashlib.sha256(client.get(_sin_version(url)).get_data()).hexdigest()


#: What changes between two readings of the same page without the data changing.
_RUIDO = re.compile(
    r'name="csrf_token"[^>]*|<meta name="csrf-token"[^>]*|[?&](?:amp;)?v=[0-9a-f]{8,}'
    r"|[0-9a-f]{16,}"
    # Flashed messages are shown by whichever page comes next.
    r'|<div class="aviso aviso-[a-z]+" role="[a-z]+">[^<]*</div>'
)


def _normal(texto: str) -> str:
    return "\n".join(linea for linea in _RUIDO.sub("", texto).splitlines() if linea.strip())


def _cambiadas(client, rastreo: Rastreo) -> list[str]:
    """URLs whose body (text, or image drawn afresh) differs from the first reading, each
    with the first line that differs."""
    cambiadas = []
    for url, texto in rastreo.textos.items():
        respuesta = client.get(url)
        antes, ahora = _normal(texto), _normal(_texto(respuesta))
        if respuesta.status_code != 200 or antes != ahora:
            diferencia = next(
                (
                    f"{a.strip()[:120]!r} → {b.strip()[:120]!r}"
                    for a, b in zip(antes.splitlines(), ahora.splitlines(), strict=False)
                    if a != b
                ),
                f"código {respuesta.status_code}",
            )
            cambiadas.append(f"{url} ({diferencia})")
    cambiadas += [u for u, h in rastreo.imagenes.items() if _huella_imagen(client, u) != h]
    return cambiadas


def _entrar(client, usuario: Usuario | None) -> None:
    """Sign the reader in, and give every request its API token too (the API reads with a
    token of the reader's scope, never with the session)."""
    if usuario is None:
        return
    respuesta = client.post("/login", data={"email": usuario.email, "clave": CLAVE})
    assert respuesta.status_code == 302, respuesta.text
    fila, texto = crear_token(
        usuario, nombre="rastreo", solo_lectura=True, dias=1, creado_por=usuario
    )
    # Its last use is set once, ahead: the crawl's own calls must not move the reader's token
    # page between the two readings (that page is compared like every other).
    from datetime import timedelta

    from app.comun.base import ahora

    fila.ultimo_uso_en = ahora() + timedelta(days=1)
    db.session.commit()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {texto}"


def _fugas(rastreo: Rastreo, marcas: set[str], cifras: set[Decimal]) -> list[str]:
    patron = _patron_cifras(cifras) if cifras else None
    fugas = []
    for url, texto in rastreo.textos.items():
        for marca in marcas:
            if marca in texto:
                fugas.append(f"{url}: {marca}")
        if patron:
            for hallada in sorted(set(patron.findall(texto)))[:3]:
                fugas.append(f"{url}: cifra {hallada}")
    return fugas


LECTORES = {
    # reader → (e-mail, which markers it must never see)
    "drtpe_de_otra_region": ("drtpe.loreto@demo.trabajo.gob.pe", "b"),
    "direccion_de_otra_unidad": ("dnccl@demo.trabajo.gob.pe", "v"),
    "revisor": ("revisor@demo.pcm.gob.pe", "no_publicados"),
    "anonimo": (None, "no_publicados"),
}


@pytest.mark.parametrize("lector", list(LECTORES))
def test_no_reader_sees_data_outside_their_scope(reiniciar, app, lector):
    """Crawl every page and download as the reader; no marker of B or V may appear."""
    bd = reiniciar()
    c = _sembrar(bd)
    email, alcance = LECTORES[lector]
    usuario = _uno(sa.select(Usuario).filter_by(email=email)) if email else None
    if alcance == "b":
        marcas, cifras = c.de_b, c.cifras_b
    elif alcance == "v":
        marcas, cifras = c.de_v, c.cifras_v
    else:
        marcas, cifras = c.no_publicados, c.cifras_b | c.cifras_v
    periodos = [p.codigo for p in bd.session.scalars(sa.select(Periodo))]
    regiones = list(bd.session.scalars(sa.select(Region.codigo)))
    semillas = ["/", "/tablero", "/publicaciones"] + _urls_del_mapa(app, c, periodos, regiones)
    client = app.test_client()
    _entrar(client, usuario)
    rastreo = _rastrear(client, semillas)

    assert not rastreo.al_limite, f"el rastreo llegó a {LIMITE_PAGINAS} páginas"
    assert 500 not in rastreo.estados.values(), [u for u, e in rastreo.estados.items() if e == 500]
    fugas = _fugas(rastreo, marcas, cifras)
    assert not fugas, f"{lector} ve datos fuera de su alcance:\n" + "\n".join(sorted(fugas)[:60])

    # Figures shown rounded, averaged or drawn carry no marker: after B's and V's figures move,
    # no page, download or chart this reader can fetch may change.
    _cambiar_cifras(bd, c, {"b": "linea_b", "v": "linea_v"}.get(alcance, "linea_id"))
    cambiadas = _cambiadas(client, rastreo)
    assert not cambiadas, f"{lector} ve cifras ajenas (cambian con ellas): {cambiadas[:20]}"


def test_the_crawl_finds_every_marker_as_odes(reiniciar, app):
    """The crawl itself works: ODES, who may see everything, finds B's and V's markers."""
    bd = reiniciar()
    c = _sembrar(bd)
    periodos = [p.codigo for p in bd.session.scalars(sa.select(Periodo))]
    regiones = list(bd.session.scalars(sa.select(Region.codigo)))
    client = app.test_client()
    _entrar(client, _uno(sa.select(Usuario).filter_by(rol=Rol.odes)))
    semillas = ["/tablero"] + _urls_del_mapa(app, c, periodos, regiones)
    rastreo = _rastrear(client, semillas, imagenes=False)
    assert not rastreo.al_limite, f"el rastreo llegó a {LIMITE_PAGINAS} páginas"
    vistas = {m for m in c.de_b | c.de_v if any(m in t for t in rastreo.textos.values())}
    # Every kind of marker is found somewhere (evidence names, comments, history, Anexo 5,
    # executions, plans), and B's figures are printed.
    etiquetas = {re.sub(r"^CANARIO[0-9A-F]{10}", "", m) for m in vistas}
    faltan = {re.sub(r"^CANARIO[0-9A-F]{10}", "", m) for m in c.de_b | c.de_v} - etiquetas
    assert not faltan, f"el rastreo no encontró marcas de tipo {sorted(faltan)}"
    assert _fugas(rastreo, set(), c.cifras_b), "el rastreo no encontró las cifras de B"
    assert rastreo.imagenes, "el rastreo no encontró gráficos"
    # The API is read with the token: B's figures are in its JSON too.
    api = Rastreo(textos={u: t for u, t in rastreo.textos.items() if u.startswith("/api/")})
    assert _fugas(api, set(), c.cifras_b), "el rastreo no leyó las cifras de B en la API"
    # And the second reading sees figures move where they are shown.
    tablero = f"/informes/tablero?periodo={c.periodo.codigo}"
    antes = Rastreo(textos={tablero: _texto(client.get(tablero))})
    _cambiar_cifras(bd, c)
    assert [u.split(" ")[0] for u in _cambiadas(client, antes)] == [tablero]
