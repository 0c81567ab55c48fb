"""Concurrent saves of one object: no 500, every accepted save audited once, the rest told why.

For each editable object, 30 browsers (threads, each with its own test client and login) read
the form once, so they all carry the same version, and post it at the same moment (a barrier),
each with its own value in one field. An object with a version (Anexo 4, Anexo 5, activity,
convenio, report narrative, goal grid) keeps exactly one of them: the others get the concurrency
message and change nothing. An object without one keeps the last save (each is a real change and
is audited). Two first requests creating the same row (an Anexo 4, an Anexo 5, the report) leave
one row: the unique constraint refuses the other inserts, and those requests also get the
concurrency message.

PostgreSQL only: the in-memory SQLite database of the suite has a single connection, so its
writers never overlap (CI runs the suite on PostgreSQL with EXIGIR_POSTGRES=1).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from app.auth.models import Usuario
from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Indicador, Region
from app.comun.auditoria import Evento
from app.comun.concurrencia import MENSAJE_CONCURRENCIA
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio, Meta, ProgramacionMetas, Reporte
from app.convenios.queries import metas as metas_queries
from app.informes.models import Informe
from app.mejora_continua.models.evaluaciones import Evaluacion
from tests.conftest import Sesion, usuario_demo
from tests.seguridad.hostiles import formulario, leer_html
from tests.seguridad.test_formularios_hostiles import (
    LORETO,
    PUNO,
    _a5,
    _actividad,
    _convenio,
    _convenio_2022,
    _ids,
    _metas_2022,
    _periodo,
    _reporte_2021,
)

#: Browsers posting the same form at once
N = 30
#: Seconds a request may take before the test gives up on it
ESPERA = 120


@dataclass
class Caso:
    """One editable object under concurrent saves."""

    nombre: str
    rol: Rol
    #: Page with the form (path), computed from the database
    pagina: Callable[[object], str]
    #: Form action (path); None: the form posts back to its page
    accion: Callable[[object], str] | None
    #: Control each browser fills with its own value (None: the form is posted as read)
    campo: str | None
    valor: Callable[[int], str]
    #: The audited object: (objeto_tipo, id), read after the run
    objeto: Callable[[object], tuple[str, int | None]]
    #: The stored value of `campo` (compared with the accepted browsers' values)
    leer: Callable[[object], str | None]
    email: str | None = None
    #: With a version column: exactly one browser's save is kept
    versionado: bool = False
    #: The first save creates the row: exactly one "crear" audit record, one row
    creacion: bool = False

    def __str__(self):
        return self.nombre


def _texto(i: int) -> str:
    return f"Guardado concurrente {i:02d}"


def _numero(i: int) -> str:
    return str(i + 1)


def _fecha(i: int) -> str:
    return (date(2021, 3, 1) + timedelta(days=i)).isoformat()


def _plano(valor) -> str | None:
    """A stored value as the form sends it (integral decimals without decimals)."""
    if isinstance(valor, Decimal):
        return str(int(valor)) if valor == valor.to_integral() else str(valor)
    return None if valor is None else str(valor)


# --- Objects --------------------------------------------------------------------------------


def _reporte(bd) -> Reporte:
    return bd.session.scalar(
        sa.select(Reporte)
        .where(Reporte.convenio_id == _convenio(bd).id)
        .order_by(Reporte.id.desc())
    )


def _linea0(bd):
    return _reporte(bd).lineas[0].comentario


def _informe(bd) -> Informe | None:
    return bd.session.scalar(sa.select(Informe).filter_by(periodo_id=_periodo(bd).id))


def _narrativa_guardada(bd) -> str:
    """Save the narrative once, so the report exists and its form carries a version."""
    from app.informes import services

    informe = services.informe_de(_periodo(bd), crear=True)
    services.editar_narrativa(
        informe,
        {"objetivo_2": "Texto inicial."},
        lema=informe.lema,
        restaurar=set(),
        usuario=usuario_demo(Rol.odes),
        version=None,
    )
    bd.session.commit()
    return "/informes/2020-2"


def _reporte_puno(bd) -> Reporte | None:
    periodo = _periodo(bd, 2021, 1)
    return bd.session.scalar(
        sa.select(Reporte)
        .join(Convenio)
        .join(Region)
        .where(Region.codigo == "puno", Reporte.periodo_id == periodo.id)
    )


def _idg3(bd) -> Indicador:
    return bd.session.scalar(sa.select(Indicador).filter_by(numero=3).order_by(Indicador.id))


def _evaluacion_2021(bd) -> Evaluacion | None:
    periodo = _periodo(bd, 2021, 1)
    return bd.session.scalar(
        sa.select(Evaluacion).filter_by(periodo_id=periodo.id, indicador_id=_idg3(bd).id)
    )


def _programacion_2022(bd) -> ProgramacionMetas:
    return metas_queries.programacion(_convenio_2022(bd).id, 2022)


def _primera_meta_2022(bd) -> Meta:
    """The goal in the grid's first row (IdG 1, annual)."""
    metas = metas_queries.metas(_convenio_2022(bd).id, 2022).values()
    return min(metas, key=lambda m: (m.indicador.numero, m.semestre))


def _region(bd) -> Region:
    return bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))


def _indicador(bd) -> Indicador:
    """An IdG of a 2022-2023 cycle without reports (a cycle in use keeps its IdG)."""
    ciclo = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2022))
    if ciclo is None:
        base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
        ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
        bd.session.commit()
    return ciclo.indicadores[0]


def _puno(bd) -> Usuario:
    return usuario_demo(Rol.drtpe, PUNO)


def _problema(bd):
    from tests.seguridad.test_formularios_hostiles import _parte

    return _parte(bd, "problema")[1]


_PLAN = "/mejora-continua/planes"

CASOS = [
    Caso(
        "anexo4",
        Rol.drtpe,
        lambda bd: f"/convenios/anexo4/{_reporte_2021(bd).id}/editar",
        None,
        "lineas-0-comentario",
        _texto,
        lambda bd: ("reporte", _reporte(bd).id),
        _linea0,
        email=LORETO,
        versionado=True,
    ),
    Caso(
        "anexo5",
        Rol.direccion,
        lambda bd: f"/mejora-continua/anexo5/{_a5(bd).id}/editar",
        None,
        "veredicto",
        _texto,
        lambda bd: ("evaluacion", _a5(bd).id),
        lambda bd: _a5(bd).veredicto,
        versionado=True,
    ),
    Caso(
        "programacion_metas",
        Rol.drtpe,
        lambda bd: _metas_2022(bd, EstadoReporte.borrador),
        None,
        "metas-0-programado",
        _numero,
        lambda bd: ("programacion_metas", _programacion_2022(bd).id),
        lambda bd: _plano(_primera_meta_2022(bd).valor),
        email=LORETO,
        versionado=True,
    ),
    Caso(
        "actividad",
        Rol.direccion,
        lambda bd: f"/mejora-continua/actividades/{_actividad(bd).id}/editar",
        None,
        "nombre",
        _texto,
        lambda bd: ("actividad_programa", _actividad(bd).id),
        lambda bd: _actividad(bd).nombre,
        versionado=True,
    ),
    Caso(
        "plan_problema",
        Rol.odes,
        lambda bd: "{}/{}/problema/{}/editar".format(_PLAN, *_ids(bd, "problema")),
        None,
        "texto",
        _texto,
        lambda bd: ("plan_mejora", _ids(bd, "problema")[0]),
        lambda bd: _problema(bd).texto,
    ),
    Caso(
        "region",
        Rol.odes,
        lambda bd: "/catalogo/regiones/loreto/editar",
        None,
        "macro_region",
        _texto,
        lambda bd: ("region", _region(bd).id),
        lambda bd: _region(bd).macro_region,
    ),
    Caso(
        "indicador",
        Rol.odes,
        lambda bd: f"/catalogo/indicadores/{_indicador(bd).id}/editar",
        None,
        "nombre",
        _texto,
        lambda bd: ("indicador", _indicador(bd).id),
        lambda bd: _indicador(bd).nombre,
    ),
    Caso(
        "convenio",
        Rol.odes,
        lambda bd: f"/convenios/{_convenio(bd).id}/editar",
        None,
        "documento",
        _texto,
        lambda bd: ("convenio", _convenio(bd).id),
        lambda bd: _convenio(bd).documento,
        versionado=True,
    ),
    Caso(
        "periodo",
        Rol.odes,
        lambda bd: f"/convenios/periodos/{_periodo(bd).id}",
        None,
        "fecha_limite_anexo5",
        _fecha,
        lambda bd: ("periodo", _periodo(bd).id),
        lambda bd: _plano(_periodo(bd).fecha_limite_anexo5),
    ),
    Caso(
        "usuario",
        Rol.odes,
        lambda bd: f"/usuarios/{_puno(bd).id}",
        None,
        "nombre",
        _texto,
        lambda bd: ("usuario", _puno(bd).id),
        lambda bd: _puno(bd).nombre,
    ),
    Caso(
        "narrativa",
        Rol.odes,
        _narrativa_guardada,
        lambda bd: "/informes/2020-2/narrativa",
        "texto-objetivo_2",
        _texto,
        lambda bd: ("informe", _informe(bd).id),
        lambda bd: (_informe(bd).narrativa or {}).get("objetivo_2"),
        versionado=True,
    ),
    # --- First saves creating the same row ---
    Caso(
        "narrativa_primera",
        Rol.odes,
        lambda bd: "/informes/2020-2",
        lambda bd: "/informes/2020-2/narrativa",
        "texto-objetivo_2",
        _texto,
        lambda bd: ("informe", getattr(_informe(bd), "id", None)),
        lambda bd: (_informe(bd).narrativa or {}).get("objetivo_2"),
    ),
    Caso(
        "iniciar_anexo4",
        Rol.drtpe,
        lambda bd: "/convenios/anexo4?periodo=2021-1",
        lambda bd: "/convenios/anexo4/iniciar",
        None,
        _texto,
        lambda bd: ("reporte", getattr(_reporte_puno(bd), "id", None)),
        lambda bd: None,
        email=PUNO,
        creacion=True,
    ),
    Caso(
        "iniciar_anexo5",
        Rol.direccion,
        lambda bd: "/mejora-continua/anexo5?periodo=2021-1",
        lambda bd: "/mejora-continua/anexo5/iniciar",
        None,
        _texto,
        lambda bd: ("evaluacion", getattr(_evaluacion_2021(bd), "id", None)),
        lambda bd: None,
        creacion=True,
    ),
]


# --- Running the browsers -------------------------------------------------------------------


@dataclass
class Resultado:
    """What one browser got: aceptado, conflicto, 500 or otro, and where it was sent."""

    clase: str
    mensajes: list = field(default_factory=list)
    destino: str | None = None


def _datos(campos) -> MultiDict:
    """What a browser sends for a form as read: checked boxes only, every selected option."""
    datos = []
    for campo in campos:
        if campo.tipo in ("checkbox", "radio"):
            if campo.marcado:
                datos.append((campo.nombre, campo.valor or "y"))
        elif campo.tipo == "select" and campo.multiple:
            datos += [(campo.nombre, v) for v in campo.valor.split("\n") if v]
        elif campo.tipo != "file":
            datos.append((campo.nombre, campo.valor))
    return MultiDict(datos)


def _formulario_iniciar(html: str, accion: str, bd) -> MultiDict:
    """The start form of the page (its hidden fields), for the IdG 3 when it names one."""
    formularios = [f for f in leer_html(html).formularios if f.accion.split("?")[0] == accion]
    assert formularios, f"la página no tiene un formulario que envíe a {accion}"
    for f in formularios:
        datos = _datos(f.campos)
        if "indicador_id" not in datos or datos["indicador_id"] == str(_idg3(bd).id):
            return datos
    raise AssertionError("no hay formulario para iniciar el Anexo 5 del IdG 3")


def _resultado(cliente, respuesta) -> Resultado:
    """Classify a response by the messages it flashed (or shows, when it is a page).

    A conflict is a 303 whose only error is the concurrency message; an accepted save a 302
    without errors.
    """
    if respuesta.status_code >= 500:
        return Resultado("500", [respuesta.status_code])
    if respuesta.status_code in (302, 303):
        with cliente.session_transaction() as sesion:
            mensajes = [tuple(m) for m in sesion.get("_flashes", [])]
    else:
        mensajes = [("error", m) for m in leer_html(respuesta.text).errores]
    errores = [m for c, m in mensajes if c == "error"]
    destino = respuesta.headers.get("Location")
    if respuesta.status_code == 303 and errores == [str(MENSAJE_CONCURRENCIA)]:
        return Resultado("conflicto", mensajes, destino)
    if respuesta.status_code == 302 and not errores:
        return Resultado("aceptado", mensajes, destino)
    return Resultado("otro", [respuesta.status_code, *mensajes], destino)


def _contar_eventos(bd, tipo: str, objeto_id: int | None, accion: str | None = None) -> int:
    consulta = sa.select(sa.func.count(Evento.id)).where(
        Evento.objeto_tipo == tipo, Evento.objeto_id == objeto_id
    )
    if accion:
        consulta = consulta.where(Evento.accion == accion)
    return bd.session.scalar(consulta)


@pytest.fixture
def solo_postgres(bd):
    if bd.engine.dialect.name != "postgresql":
        pytest.skip(
            "SQLite serializa a quienes escriben (la base en memoria tiene una sola conexión): "
            "la concurrencia se prueba en PostgreSQL (TEST_DATABASE_URL; CI con EXIGIR_POSTGRES=1)"
        )


@pytest.mark.parametrize("caso", CASOS, ids=str)
def test_thirty_concurrent_saves_never_fail_and_keep_one_or_each(
    solo_postgres, reiniciar, app, caso
):
    bd = reiniciar()
    pagina = caso.pagina(bd)
    accion = caso.accion(bd) if caso.accion else pagina.split("?")[0]
    clientes = [app.test_client() for _ in range(N)]
    for cliente in clientes:
        # Each in its own app context: in the test's, the first login would be the current
        # user of the next ones (Flask-Login keeps it in g), which would get no cookie.
        with app.app_context():
            Sesion(cliente).entrar(caso.rol, caso.email)
    with app.app_context():
        html = clientes[0].get(pagina)
    assert html.status_code == 200, html.status_code
    if caso.creacion:
        base = _formulario_iniciar(html.text, accion, bd)
    else:
        base = _datos(formulario(html.text, accion, pagina).campos)
    campo = caso.campo
    assert campo is None or campo in base, (campo, list(base))
    tipo, objeto_id = caso.objeto(bd)
    antes = _contar_eventos(bd, tipo, objeto_id)
    bd.session.rollback()  # no transaction of the test stays open during the run

    barrera = threading.Barrier(N)
    resultados: list[Resultado] = [Resultado("sin respuesta")] * N

    def navegar(i: int) -> None:
        datos = base.copy()
        if campo:
            datos[campo] = caso.valor(i)
        try:
            barrera.wait(timeout=ESPERA)
            respuesta = clientes[i].post(accion, data=datos)
        except Exception as error:  # noqa: BLE001 - a 500 (propagated in testing), counted
            resultados[i] = Resultado("500", [repr(error)])
            return
        resultados[i] = _resultado(clientes[i], respuesta)

    hilos = [threading.Thread(target=navegar, args=(i,)) for i in range(N)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=ESPERA)
    assert not any(h.is_alive() for h in hilos), "una solicitud no terminó"

    bd.session.expire_all()
    cuenta = Counter(r.clase for r in resultados)
    print(f"{caso.nombre}: {dict(cuenta)}")
    detalle = [r for r in resultados if r.clase not in ("aceptado", "conflicto")]
    assert cuenta["500"] == 0, detalle[:3]
    assert cuenta["aceptado"] + cuenta["conflicto"] == N, detalle[:3]
    aceptados = [i for i, r in enumerate(resultados) if r.clase == "aceptado"]
    conflictos = [i for i, r in enumerate(resultados) if r.clase == "conflicto"]
    assert aceptados, "ningún guardado fue aceptado"
    tipo, objeto_id = caso.objeto(bd)
    assert objeto_id is not None
    if caso.creacion:
        # One row, created once; the others found it (accepted) or lost the race (conflict).
        assert _contar_eventos(bd, tipo, objeto_id, "crear") == 1
    else:
        # Every accepted save changed the object (its own value) and is audited exactly once.
        despues = _contar_eventos(bd, tipo, objeto_id)
        assert despues - antes == len(aceptados), (despues - antes, len(aceptados))
        if caso.versionado:
            # Same version read by all: one save is kept, the others changed nothing.
            assert len(aceptados) == 1, cuenta
        assert caso.leer(bd) in {caso.valor(i) for i in aceptados}
    if conflictos:
        _revisar_y_volver_a_guardar(app, bd, caso, accion, campo, clientes, resultados, conflictos)


def _revisar_y_volver_a_guardar(app, bd, caso, accion, campo, clientes, resultados, conflictos):
    """A browser that lost sees the message on a page with the current data; saving again
    from that page (current version) is accepted."""
    i = conflictos[0]
    with app.app_context():
        pagina = clientes[i].get(resultados[i].destino)
    assert pagina.status_code == 200, (resultados[i].destino, pagina.status_code)
    assert str(MENSAJE_CONCURRENCIA) in leer_html(pagina.text).errores
    if caso.creacion or not caso.versionado:
        return
    destino = resultados[i].destino
    datos = _datos(formulario(pagina.text, accion, destino).campos)
    datos[campo] = caso.valor(i)
    with app.app_context():
        respuesta = clientes[i].post(accion, data=datos)
        resultado = _resultado(clientes[i], respuesta)
    assert resultado.clase == "aceptado", resultado
    bd.session.expire_all()
    assert caso.leer(bd) == caso.valor(i)


# --- The handler, on any database --------------------------------------------------------


def _convenio_leido_y_guardado_por_otro(bd):
    """Loreto's convenio and the version read before someone else saved it."""
    convenio = _convenio(bd)
    version = convenio.version
    convenio.documento = "Guardado por otra persona"
    bd.session.commit()
    return convenio, version


def _form_convenio(client, convenio, version: int) -> MultiDict:
    url = f"/convenios/{convenio.id}/editar"
    datos = _datos(formulario(client.get(url).text, url, url).campos)
    datos["version"] = str(version)
    datos["documento"] = "Mi cambio"
    return datos


def test_a_stale_form_goes_back_to_itself_with_the_message_and_current_data(
    client, sesion, bd, caplog
):
    sesion.entrar(Rol.odes)
    convenio, leida = _convenio_leido_y_guardado_por_otro(bd)
    datos = _form_convenio(client, convenio, leida)
    eventos = bd.session.scalar(sa.select(sa.func.count(Evento.id)))
    url = f"/convenios/{convenio.id}/editar"
    # The app's logger may not propagate to the root (another test may have configured
    # logging), so the capture handler listens on it directly.
    registro = client.application.logger
    registro.addHandler(caplog.handler)
    try:
        with caplog.at_level("WARNING", logger=registro.name):
            respuesta = client.post(url, data=datos)
    finally:
        registro.removeHandler(caplog.handler)
    assert respuesta.status_code == 303 and respuesta.headers["Location"] == url
    assert "Guardado concurrente rechazado: POST " + url in caplog.text
    pagina = client.get(url)
    assert leer_html(pagina.text).errores == [str(MENSAJE_CONCURRENCIA)]
    actual = _datos(formulario(pagina.text, url, url).campos)
    assert actual["documento"] == "Guardado por otra persona"
    assert actual["version"] == str(leida + 1)
    bd.session.expire_all()
    assert _convenio(bd).documento == "Guardado por otra persona"
    assert bd.session.scalar(sa.select(sa.func.count(Evento.id))) == eventos


def test_a_script_asking_for_json_gets_409(client, sesion, bd):
    sesion.entrar(Rol.odes)
    convenio, leida = _convenio_leido_y_guardado_por_otro(bd)
    datos = _form_convenio(client, convenio, leida)
    respuesta = client.post(
        f"/convenios/{convenio.id}/editar", data=datos, headers={"Accept": "application/json"}
    )
    assert respuesta.status_code == 409
    assert respuesta.json == {"error": str(MENSAJE_CONCURRENCIA)}
    bd.session.expire_all()
    assert _convenio(bd).documento == "Guardado por otra persona"


@pytest.mark.parametrize(
    ("referer", "destino"),
    [
        (None, "/convenios/anexo4/1"),  # …/1/enviar → …/1
        ("http://localhost/convenios/anexo4?periodo=2021-1", "/convenios/anexo4?periodo=2021-1"),
        ("http://otro.sitio/convenios/anexo4", "/convenios/anexo4/1"),  # another site: ignored
        ("http://localhost/no/existe", "/convenios/anexo4/1"),
    ],
)
def test_a_post_only_action_goes_back_to_the_page_of_its_form(app, referer, destino):
    from app.comun import concurrencia

    cabeceras = {"Referer": referer} if referer else {}
    with app.test_request_context("/convenios/anexo4/1/enviar", method="POST", headers=cabeceras):
        respuesta = concurrencia.atender(concurrencia.EdicionConcurrente("prueba"))
    assert respuesta.status_code == 303 and respuesta.headers["Location"] == destino


def test_a_page_that_conflicts_answers_409_not_a_redirect(app):
    from app.comun import concurrencia

    with app.test_request_context("/convenios/anexo4/1"):
        html, codigo = concurrencia.atender(concurrencia.EdicionConcurrente("prueba"))
    assert codigo == 409 and str(MENSAJE_CONCURRENCIA) in html


class _Orig(Exception):
    def __init__(self, texto: str, sqlstate: str | None = None):
        super().__init__(texto)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "conflicto"),
    [
        (StaleDataError("UPDATE … 0 were matched"), True),
        (IntegrityError("INSERT", {}, _Orig("duplicate key", "23505")), True),
        (IntegrityError("INSERT", {}, _Orig("UNIQUE constraint failed: informe.periodo_id")), True),
        (IntegrityError("INSERT", {}, _Orig("foreign key violation", "23503")), False),
        (IntegrityError("INSERT", {}, _Orig("NOT NULL constraint failed: evento.accion")), False),
        (OperationalError("UPDATE", {}, _Orig("deadlock detected", "40P01")), True),
        (OperationalError("UPDATE", {}, _Orig("could not serialize access", "40001")), True),
        (OperationalError("SELECT", {}, _Orig("connection refused", "08001")), False),
        (ValueError("otra cosa"), False),
    ],
)
def test_only_a_lost_race_is_a_conflict_the_rest_stays_a_500(app, error, conflicto):
    from app.comun import concurrencia

    assert concurrencia.es_conflicto(error) is conflicto
    if not conflicto:
        with app.test_request_context("/convenios/1/editar", method="POST"):
            with pytest.raises(type(error)):
                concurrencia.atender(error)
