"""Login, accounts and the command line."""

import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from tests.conftest import CLAVE


def test_login_with_wrong_password_is_refused_and_audited(client, bd):
    respuesta = client.post(
        "/login", data={"email": "odes@demo.trabajo.gob.pe", "clave": "mala"}, follow_redirects=True
    )
    assert "Correo o contraseña incorrectos." in respuesta.text
    assert bd.session.scalar(sa.select(Evento).filter_by(accion="login_fallido")) is not None


def test_login_redirects_only_to_local_paths(client):
    respuesta = client.post(
        "/login?next=https://malo.example/",
        data={"email": "odes@demo.trabajo.gob.pe", "clave": CLAVE},
    )
    assert respuesta.location.endswith("/tablero")


def test_passwords_are_hashed(bd):
    usuario = bd.session.scalar(sa.select(Usuario))
    assert CLAVE not in usuario.password_hash and usuario.check_password(CLAVE)


def test_inactive_account_cannot_log_in(client, bd):
    usuario = bd.session.scalar(sa.select(Usuario).filter_by(rol=Rol.revisor))
    usuario.activo = False
    bd.session.commit()
    respuesta = client.post("/login", data={"email": usuario.email, "clave": CLAVE})
    assert respuesta.status_code == 200


def test_odes_creates_a_drtpe_user_bound_to_a_region(client, sesion, bd):
    sesion.entrar(Rol.odes)
    region = bd.session.scalar(sa.select(Region).filter_by(codigo="tacna"))
    datos = {
        "email": "Nueva@Tacna.gob.pe",
        "nombre": "Ana",
        "rol": "drtpe",
        "region_id": 0,
        "unidad_id": 0,
        "clave": "clave-segura-1",
        "activo": "y",
    }
    respuesta = client.post("/usuarios/nuevo", data=datos)
    assert "debe estar asignado a una región" in respuesta.text
    respuesta = client.post("/usuarios/nuevo", data=datos | {"region_id": region.id})
    assert respuesta.status_code == 302
    usuario = bd.session.scalar(sa.select(Usuario).filter_by(email="nueva@tacna.gob.pe"))
    assert usuario.region.nombre == "Tacna"
    respuesta = client.post("/usuarios/nuevo", data=datos | {"region_id": region.id})
    assert "Ya existe una cuenta con ese correo" in respuesta.text


def test_weak_password_is_refused(client, sesion):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/usuarios/nuevo",
        data={
            "email": "x@y.pe",
            "nombre": "X",
            "rol": "revisor",
            "region_id": 0,
            "unidad_id": 0,
            "clave": "abcdefghijk",
        },
    )
    assert "combinar letras con números" in respuesta.text


def test_role_change_clears_stale_scope(client, sesion, bd):
    sesion.entrar(Rol.odes)
    usuario = bd.session.scalar(
        sa.select(Usuario).filter_by(email="drtpe.puno@demo.trabajo.gob.pe")
    )
    respuesta = client.post(
        f"/usuarios/{usuario.id}",
        data={
            "email": usuario.email,
            "nombre": usuario.nombre,
            "rol": "revisor",
            "region_id": usuario.region_id,
            "unidad_id": 0,
            "activo": "y",
        },
    )
    assert respuesta.status_code == 302
    bd.session.refresh(usuario)
    assert usuario.rol is Rol.revisor and usuario.region_id is None


def test_cli_creates_user_with_region_alias(runner, bd):
    resultado = runner.invoke(
        args=[
            "usuarios",
            "crear",
            "--email",
            "cli@x.pe",
            "--nombre",
            "CLI",
            "--rol",
            "drtpe",
            "--region",
            "Madre de Dos",
            "--clave",
            "otra-clave-9",
        ],
    )
    assert resultado.exit_code == 0, resultado.output
    usuario = bd.session.scalar(sa.select(Usuario).filter_by(email="cli@x.pe"))
    assert usuario.region.codigo == "madre-de-dios"
    resultado = runner.invoke(
        args=[
            "usuarios",
            "crear",
            "--email",
            "cli2@x.pe",
            "--nombre",
            "CLI",
            "--rol",
            "drtpe",
            "--region",
            "Narnia",
            "--clave",
            "otra-clave-9",
        ],
    )
    assert resultado.exit_code != 0 and "No se reconoce la región" in resultado.output
