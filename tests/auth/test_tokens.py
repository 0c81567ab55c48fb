"""Personal access tokens for the REST API (issue 20): shown once, stored hashed, expiry,
revocation, last use, scope per user, audit, the pages and the migration."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.auth import services
from app.auth.models import TokenAcceso
from app.comun import version_datos
from app.comun.auditoria import Evento
from app.comun.base import ahora
from app.comun.roles import Rol
from app.extensions import db
from config import TestingConfig
from tests.conftest import restaurar, usuario_demo
from tests.seguridad.hostiles import AJUSTES, INGLES, foto, leer_html, texto
from tests.test_migraciones import bd_vacia  # noqa: F401 (fixture)

PATRON = re.compile(r"cg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def _crear(rol: Rol = Rol.drtpe, **datos) -> tuple[TokenAcceso, str]:
    usuario = usuario_demo(rol)
    token, texto_token = services.crear_token(
        usuario,
        nombre=datos.get("nombre", "Sistema regional"),
        solo_lectura=datos.get("solo_lectura", True),
        dias=datos.get("dias", 90),
        creado_por=datos.get("creado_por", usuario),
    )
    db.session.commit()
    return token, texto_token


def _todo_el_texto() -> str:
    """Every value of every row of every table, as text."""
    partes = []
    with db.engine.connect() as conexion:
        for tabla in db.metadata.sorted_tables:
            for fila in conexion.execute(tabla.select()):
                partes.extend(str(v) for v in fila)
    return "\n".join(partes)


# --- The service -----------------------------------------------------------------------------


def test_the_text_is_stored_only_as_its_hash():
    token, texto_token = _crear()
    assert PATRON.fullmatch(texto_token)
    assert texto_token.startswith(f"cg_{token.prefijo}_") and len(token.prefijo) == 8
    assert token.hash_secreto == hashlib.sha256(texto_token.encode()).hexdigest()
    secreto = texto_token.split("_", 2)[2]
    volcado = _todo_el_texto()
    assert texto_token not in volcado and secreto not in volcado
    assert token.vigente and token.estado == "vigente" and token.visible.endswith("_…")


def test_authentication_accepts_the_right_text_and_refuses_a_changed_character():
    token, texto_token = _crear()
    assert services.autenticar_token(texto_token) is token
    ultimo = texto_token[-1]
    cambiado = texto_token[:-1] + ("A" if ultimo != "A" else "B")
    assert services.autenticar_token(cambiado) is None
    # Another prefix, malformed texts and non-strings are refused before any lookup.
    otro_prefijo = texto_token.replace(token.prefijo, "00000000", 1)
    for malo in (otro_prefijo, "", "cg_", texto_token + "x", " " + texto_token, None, 12):
        assert services.autenticar_token(malo) is None


def test_expired_revoked_and_inactive_users_tokens_are_refused():
    vencido, texto_vencido = _crear(nombre="Vencido")
    vencido.expira_en = ahora() - timedelta(seconds=1)
    revocado, texto_revocado = _crear(nombre="Revocado")
    services.revocar_token(revocado, por=usuario_demo(Rol.drtpe))
    db.session.commit()
    assert services.autenticar_token(texto_vencido) is None and vencido.estado == "vencido"
    assert services.autenticar_token(texto_revocado) is None and revocado.estado == "revocado"
    with pytest.raises(services.ErrorToken, match="ya estaba revocado"):
        services.revocar_token(revocado, por=usuario_demo(Rol.drtpe))

    inactivo, texto_inactivo = _crear(Rol.revisor)
    assert services.autenticar_token(texto_inactivo) is inactivo
    inactivo.usuario.activo = False
    db.session.commit()
    assert services.autenticar_token(texto_inactivo) is None
    assert not inactivo.vigente and inactivo.estado == "inactivo"


@pytest.mark.parametrize(
    ("datos", "campo", "mensaje"),
    [
        ({"dias": 0}, "dias", "La vigencia debe ser de 1 a 365 días."),
        ({"dias": 366}, "dias", "La vigencia debe ser de 1 a 365 días."),
        ({"dias": -5}, "dias", "La vigencia debe ser de 1 a 365 días."),
        ({"nombre": "   "}, "nombre", "Indique para qué es el token."),
        ({"nombre": "x" * 81}, "nombre", "como máximo 80 caracteres"),
    ],
)
def test_out_of_range_days_and_bad_names_are_refused_in_spanish(datos, campo, mensaje):
    antes = db.session.scalar(sa.select(sa.func.count()).select_from(TokenAcceso))
    with pytest.raises(services.ErrorToken) as error:
        _crear(**datos)
    assert error.value.campo == campo and mensaje in error.value.mensaje
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TokenAcceso)) == antes


def test_create_and_revoke_are_audited_without_the_secret():
    odes = usuario_demo(Rol.odes)
    token, texto_token = _crear(Rol.drtpe, creado_por=odes)
    services.revocar_token(token, por=odes)
    db.session.commit()
    eventos = db.session.scalars(
        sa.select(Evento).filter_by(objeto_tipo="token_acceso", objeto_id=token.id)
    ).all()
    assert [(e.accion, e.usuario_id) for e in eventos] == [
        ("crear", odes.id),
        ("revocar", odes.id),
    ]
    assert eventos[0].despues["prefijo"] == token.prefijo
    secreto = texto_token.split("_", 2)[2]
    for evento in eventos:
        escrito = f"{evento.antes} {evento.despues} {evento.motivo}"
        assert secreto not in escrito and token.hash_secreto not in escrito
    assert token.revocado_por_id == odes.id and token.creado_por_id == odes.id


def test_last_use_is_recorded_once_a_minute_and_keeps_the_data_version():
    token, texto_token = _crear()
    version = version_datos.actual()
    assert services.autenticar_token(texto_token) is token
    db.session.commit()
    primero = token.ultimo_uso_en
    assert primero is not None
    assert services.autenticar_token(texto_token) is token
    db.session.commit()
    assert token.ultimo_uso_en == primero  # within the minute: no second write
    token.ultimo_uso_en = ahora() - timedelta(minutes=2)
    db.session.commit()
    assert services.autenticar_token(texto_token) is token
    db.session.commit()
    assert token.ultimo_uso_en != primero
    assert version_datos.actual() == version  # only token_acceso was written


# --- The pages -------------------------------------------------------------------------------


def test_creating_on_the_page_shows_the_text_once(client, sesion):
    usuario = sesion.entrar(Rol.drtpe)
    pagina = client.get("/cuenta/tokens")
    assert pagina.status_code == 200
    assert 'name="solo_lectura"' in pagina.text and "checked" in pagina.text
    assert 'value="90"' in pagina.text
    respuesta = client.post(
        "/cuenta/tokens", data={"nombre": "Sistema de Loreto", "solo_lectura": "y", "dias": "30"}
    )
    assert respuesta.status_code == 200
    assert "no-store" in respuesta.headers["Cache-Control"]
    assert "Copie este token ahora: no se volverá a mostrar." in respuesta.text
    (texto_token,) = set(PATRON.findall(respuesta.text))
    token = db.session.scalar(sa.select(TokenAcceso).filter_by(usuario_id=usuario.id))
    assert token.nombre == "Sistema de Loreto" and token.solo_lectura
    assert texto_token not in _todo_el_texto()
    # Never again: not on the next page, not in the session cookie.
    otra = client.get("/cuenta/tokens")
    assert texto_token not in otra.text and f"cg_{token.prefijo}_…" in otra.text
    cookie = client.get_cookie("session")
    assert cookie is None or texto_token.split("_", 2)[2] not in cookie.value
    assert "Solo lectura" in otra.text and "Vigente" in otra.text


def test_days_out_of_range_on_the_page_get_a_spanish_message(client, sesion):
    sesion.entrar(Rol.revisor)
    respuesta = client.post("/cuenta/tokens", data={"nombre": "X", "dias": "400"})
    assert respuesta.status_code == 200
    assert "La vigencia debe ser de 1 a 365 días." in respuesta.text
    assert not PATRON.search(respuesta.text)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TokenAcceso)) == 0


def test_a_drtpe_user_cannot_see_or_revoke_another_users_token(client, sesion):
    ajeno, _texto = _crear(Rol.direccion, nombre="Token ajeno de DNCCL")
    sesion.entrar(Rol.drtpe)
    assert "Token ajeno de DNCCL" not in client.get("/cuenta/tokens").text
    respuesta = client.post("/cuenta/tokens/revocar", data={"token_id": str(ajeno.id)})
    assert respuesta.status_code == 404
    db.session.expire_all()
    assert ajeno.revocado_en is None
    # The ODES pages are not theirs either.
    assert client.get(f"/usuarios/{ajeno.usuario_id}/tokens").status_code == 403
    assert (
        client.post(
            f"/usuarios/{ajeno.usuario_id}/tokens/revocar", data={"token_id": str(ajeno.id)}
        ).status_code
        == 403
    )


def test_a_user_revokes_their_own_token_and_it_stays_listed(client, sesion):
    token, texto_token = _crear(Rol.drtpe, nombre="Para revocar")
    sesion.entrar(Rol.drtpe)
    respuesta = client.post("/cuenta/tokens/revocar", data={"token_id": str(token.id)})
    assert respuesta.status_code == 302
    pagina = client.get(respuesta.location).text
    assert "Para revocar" in pagina and "Revocado" in pagina and "ya no da acceso" in pagina
    assert services.autenticar_token(texto_token) is None
    again = client.post("/cuenta/tokens/revocar", data={"token_id": str(token.id)})
    assert "ya estaba revocado" in client.get(again.location).text
    bad = client.post("/cuenta/tokens/revocar", data={"token_id": "abc"})
    assert "El token indicado no existe." in client.get(bad.location).text


def test_odes_creates_and_revokes_a_token_for_another_user(client, sesion):
    odes = sesion.entrar(Rol.odes)
    drtpe = usuario_demo(Rol.drtpe)
    url = f"/usuarios/{drtpe.id}/tokens"
    assert f'href="{url}"' in client.get(f"/usuarios/{drtpe.id}").text
    # A write token for another account is refused by the service (review of issue 20): only
    # the account itself may let a system write in its name; the ODES page offers read-only
    # tokens only, whatever the form sends.
    with pytest.raises(services.ErrorToken) as error:
        services.crear_token(drtpe, nombre="x", solo_lectura=False, dias=30, creado_por=odes)
    assert error.value.campo == "solo_lectura" and "solo lectura" in error.value.mensaje
    db.session.rollback()
    respuesta = client.get(url)
    assert "es de solo lectura" in respuesta.text and 'id="solo_lectura"' not in respuesta.text
    assert 'id="solo_lectura"' in client.get("/cuenta/tokens").text  # the own page offers it
    respuesta = client.post(url, data={"nombre": "Integración regional", "dias": "365"})
    assert respuesta.status_code == 200
    (texto_token,) = set(PATRON.findall(respuesta.text))
    token = services.autenticar_token(texto_token)
    assert token.usuario_id == drtpe.id and token.creado_por_id == odes.id
    assert token.solo_lectura
    expira = token.expira_en if token.expira_en.tzinfo else token.expira_en.replace(tzinfo=UTC)
    assert expira > ahora() + timedelta(days=364)
    respuesta = client.post(f"{url}/revocar", data={"token_id": str(token.id)})
    assert respuesta.status_code == 302 and respuesta.location.endswith(url)
    assert services.autenticar_token(texto_token) is None
    # ODES's own token is not one of the drtpe user's.
    propio, _t = _crear(Rol.odes)
    assert client.post(f"{url}/revocar", data={"token_id": str(propio.id)}).status_code == 404


def test_every_account_links_to_its_tokens(client, sesion):
    for rol in Rol:
        sesion.entrar(rol)
        assert 'href="/cuenta/tokens"' in client.get("/tablero").text, rol
        sesion.salir()


@pytest.fixture
def reiniciar(bd, _foto_semilla):
    """A callable that puts the seeded rows back (each example starts from the same data)."""

    def reinicio():
        bd.session.rollback()
        restaurar(_foto_semilla)
        bd.session.expire_all()
        return bd

    return reinicio


@settings(AJUSTES, max_examples=15)
@given(
    nombre=st.one_of(texto, st.just("Sistema")),
    dias=st.one_of(texto, st.sampled_from(["0", "1", "365", "366", "99999999999999999999", "²"])),
    solo_lectura=st.one_of(st.none(), texto),
)
def test_hostile_input_on_the_creation_forms(reiniciar, client, sesion, nombre, dias, solo_lectura):
    """No 500, Spanish messages, all or nothing; an accepted name is stored as typed."""
    reiniciar()
    if getattr(client, "_hostil_dentro", None) != (Rol.odes, None):
        sesion.entrar(Rol.odes)
        client._hostil_dentro = (Rol.odes, None)
    datos = {"nombre": nombre, "dias": dias}
    if solo_lectura is not None:
        datos["solo_lectura"] = solo_lectura
    for url in ("/cuenta/tokens", f"/usuarios/{usuario_demo(Rol.drtpe).id}/tokens"):
        antes = foto()
        respuesta = client.post(url, data=datos)
        assert respuesta.status_code in (200, 400), respuesta.status_code
        for marca in ("<script>alert(1)", "<font color", "<para>"):
            assert marca not in respuesta.text
        mensajes = leer_html(respuesta.text).errores
        for mensaje in mensajes:
            assert mensaje and not INGLES.search(mensaje), mensaje
        creado = PATRON.search(respuesta.text)
        nuevas = {t: c for t, c in foto().items() if c != antes.get(t)}  # tables whose rows changed
        if creado is None:
            assert respuesta.status_code == 400 or mensajes, "rechazado sin mensaje"
            assert not nuevas, f"se rechazó pero cambió: {list(nuevas)}"
        else:
            assert set(nuevas) <= {"token_acceso", "evento", "version_datos"}
            token = db.session.scalar(sa.select(TokenAcceso).order_by(TokenAcceso.id.desc()))
            assert token.nombre == nombre.strip()


# --- The migration ---------------------------------------------------------------------------


def test_migration_0012_upgrades_and_downgrades(bd_vacia):  # noqa: F811
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = bd_vacia

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0011")
        assert "token_acceso" not in sa.inspect(db.engine).get_table_names()
        upgrade(revision="0012")
        inspector = sa.inspect(db.engine)
        columnas = {c["name"] for c in inspector.get_columns("token_acceso")}
        assert {"prefijo", "hash_secreto", "expira_en", "revocado_en", "ultimo_uso_en"} <= columnas
        assert "ix_token_acceso_usuario_id" in {
            i["name"] for i in inspector.get_indexes("token_acceso")
        }
        downgrade(revision="0011")
        assert "token_acceso" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()
