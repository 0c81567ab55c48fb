"""Convenio registry: rules, coverage, forms, history and concurrency."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region
from app.comun.auditoria import Evento
from app.comun.concurrencia import MENSAJE_CONCURRENCIA
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoConvenio
from app.convenios.queries import convenios as queries
from app.convenios.services import convenios as services

HOY = date(2026, 11, 23)


def _region(bd, codigo):
    return bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))


def _convenio(bd, codigo):
    return bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == codigo))


def _ciclo(bd, anio_inicio: int, anio_fin: int) -> ConjuntoIndicadores:
    """The cycle of those years; 2022–2023 is opened as a copy of 2020–2021's IdG."""
    ciclo = bd.session.scalar(
        sa.select(ConjuntoIndicadores).filter_by(anio_inicio=anio_inicio, anio_fin=anio_fin)
    )
    if ciclo is None:
        base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
        ciclo = catalogo_services.crear_ciclo(anio_inicio, anio_fin, base=base, usuario_id=None)
    return ciclo


def _datos(region_id, anio_inicio=2022, anio_fin=2023, **cambios):
    from app.extensions import db

    datos = {
        "region_id": region_id,
        "conjunto_id": _ciclo(db, anio_inicio, anio_fin).id,
        "estado": EstadoConvenio.suscrito,
        "fecha_suscripcion": date(2021, 12, 30),
        "documento": None,
        "notas": None,
    }
    datos.update(cambios)
    return datos


def test_cuadro_01_dates_and_coverage(bd):
    cobertura = queries.cobertura(2020, 2021)
    assert (cobertura.suscritos, cobertura.total_gores) == (21, 25)
    assert round(cobertura.porcentaje) == 84
    assert sorted(cobertura.pendientes) == ["Ancash", "Huánuco", "Junín", "La Libertad"]
    assert _convenio(bd, "apurimac").fecha_suscripcion == date(2019, 12, 19)
    assert _convenio(bd, "lima").fecha_suscripcion == date(2020, 2, 27)
    assert _convenio(bd, "san-martin").fecha_suscripcion == date(2020, 6, 28)
    fechas = [
        c.fecha_suscripcion
        for c in bd.session.scalars(
            sa.select(Convenio).where(Convenio.fecha_suscripcion.is_not(None))
        )
    ]
    assert sum(1 for f in fechas if f.year == 2019) == 17
    assert sum(1 for f in fechas if f.year == 2020) == 4


def test_coverage_counts_by_data_not_by_constant(bd):
    services.editar_convenio(
        _convenio(bd, "junin"),
        _datos(
            _region(bd, "junin").id,
            anio_inicio=2020,
            anio_fin=2021,
            fecha_suscripcion=date(2020, 3, 1),
        ),
        usuario_id=None,
        hoy=HOY,
    )
    bd.session.commit()
    cobertura = queries.cobertura(2020, 2021)
    assert cobertura.suscritos == 22 and "Junín" not in cobertura.pendientes
    assert round(cobertura.porcentaje) == 88


def test_second_convenio_same_region_and_period_is_refused(bd):
    with pytest.raises(services.ErrorConvenio, match="ya tiene un convenio"):
        services.crear_convenio(
            _datos(_region(bd, "loreto").id, anio_inicio=2020, anio_fin=2021),
            usuario_id=None,
            hoy=HOY,
        )


def test_database_backs_the_unique_rule(bd):
    bd.session.add(
        Convenio(
            region_id=_region(bd, "loreto").id,
            anio_inicio=2020,
            anio_fin=2021,
            estado=EstadoConvenio.pendiente,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        bd.session.flush()
    bd.session.rollback()


@pytest.mark.parametrize(
    "cambios, campo",
    [
        ({"fecha_suscripcion": HOY + timedelta(days=1)}, "fecha_suscripcion"),
        ({"fecha_suscripcion": date(2019, 1, 1)}, "fecha_suscripcion"),
        ({"fecha_suscripcion": None}, "fecha_suscripcion"),
        ({"estado": EstadoConvenio.pendiente}, "fecha_suscripcion"),
        ({"conjunto_id": None}, "conjunto_id"),
    ],
)
def test_bad_convenios_are_refused(bd, cambios, campo):
    with pytest.raises(services.ErrorConvenio) as error:
        services.crear_convenio(
            _datos(_region(bd, "loreto").id, **cambios), usuario_id=None, hoy=HOY
        )
    assert error.value.campo == campo


def test_new_convenio_through_the_form_is_audited(client, sesion, bd):
    odes = sesion.entrar(Rol.odes)
    region = _region(bd, "loreto")
    respuesta = client.post(
        "/convenios/nuevo",
        data={
            "region_id": region.id,
            "conjunto_id": _ciclo(bd, 2022, 2023).id,
            "estado": "suscrito",
            "fecha_suscripcion": "2021-12-30",
            "documento": "Conv. 001",
        },
    )
    assert respuesta.status_code == 302
    nuevo = bd.session.scalar(sa.select(Convenio).filter_by(region_id=region.id, anio_inicio=2022))
    assert nuevo.documento == "Conv. 001"
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="convenio", objeto_id=nuevo.id)
    )
    assert evento.usuario_id == odes.id and evento.accion == "crear"


def test_duplicate_through_the_form_shows_spanish_error_and_writes_nothing(client, sesion, bd):
    sesion.entrar(Rol.odes)
    antes = bd.session.scalar(sa.select(sa.func.count(Convenio.id)))
    respuesta = client.post(
        "/convenios/nuevo",
        data={
            "region_id": _region(bd, "loreto").id,
            "conjunto_id": _ciclo(bd, 2020, 2021).id,
            "estado": "suscrito",
            "fecha_suscripcion": "2019-12-31",
        },
    )
    assert respuesta.status_code == 200
    assert "ya tiene un convenio registrado para el periodo 2020-2021" in respuesta.text
    assert bd.session.scalar(sa.select(sa.func.count(Convenio.id))) == antes
    assert bd.session.scalar(sa.select(sa.func.count(Evento.id))) == 1  # only the login


def test_form_errors_are_next_to_the_field(client, sesion):
    sesion.entrar(Rol.odes)
    respuesta = client.post("/convenios/nuevo", data={"region_id": 0, "conjunto_id": ""})
    assert respuesta.status_code == 200
    assert "Este campo es obligatorio." in respuesta.text
    assert 'class="campo con-error"' in respuesta.text


def test_edit_records_old_and_new_values_with_reason(client, sesion, bd):
    sesion.entrar(Rol.odes)
    convenio = _convenio(bd, "ancash")
    respuesta = client.post(
        f"/convenios/{convenio.id}/editar",
        data={
            "region_id": convenio.region_id,
            "conjunto_id": _ciclo(bd, 2020, 2021).id,
            "estado": "suscrito",
            "fecha_suscripcion": "2021-03-15",
            "motivo": "Firmado en marzo",
            "version": convenio.version,
        },
    )
    assert respuesta.status_code == 302
    pagina = client.get(f"/convenios/{convenio.id}").text
    assert "Firmado en marzo" in pagina and "pendiente" in pagina and "suscrito" in pagina


def test_a_reason_typed_without_any_change_is_refused_not_dropped(client, sesion, bd):
    """The reason is stored with the audit event of a change: with nothing changed the page
    said «Cambios guardados» and lost it."""
    sesion.entrar(Rol.odes)
    convenio = _convenio(bd, "ancash")
    eventos = sa.select(sa.func.count(Evento.id)).filter_by(
        objeto_tipo="convenio", objeto_id=convenio.id
    )
    antes = bd.session.scalar(eventos)
    igual = {
        "region_id": convenio.region_id,
        "conjunto_id": convenio.conjunto_id,
        "estado": convenio.estado.value,
        "fecha_suscripcion": convenio.fecha_suscripcion.isoformat()
        if convenio.fecha_suscripcion
        else "",
        "documento": convenio.documento or "",
        "notas": convenio.notas or "",
        "version": convenio.version,
    }

    respuesta = client.post(
        f"/convenios/{convenio.id}/editar", data=igual | {"motivo": "Revisión anual"}
    )

    assert respuesta.status_code == 200
    assert "No cambió ningún dato del convenio" in respuesta.text
    assert bd.session.scalar(eventos) == antes
    # The same reason with a change is kept with it.
    respuesta = client.post(
        f"/convenios/{convenio.id}/editar",
        data=igual | {"notas": "Con observaciones", "motivo": "Revisión anual"},
    )
    assert respuesta.status_code == 302
    ultimo = bd.session.scalar(
        sa.select(Evento)
        .filter_by(objeto_tipo="convenio", objeto_id=convenio.id)
        .order_by(Evento.id.desc())
        .limit(1)
    )
    assert (ultimo.motivo, ultimo.despues) == ("Revisión anual", {"notas": "Con observaciones"})


def test_stale_edit_is_refused_not_overwritten(client, sesion, bd):
    sesion.entrar(Rol.odes)
    convenio = _convenio(bd, "loreto")
    version_leida = convenio.version
    services.editar_convenio(
        convenio,
        {"documento": "Primero"}
        | _datos(
            convenio.region_id,
            anio_inicio=2020,
            anio_fin=2021,
            fecha_suscripcion=date(2019, 12, 31),
            documento="Primero",
        ),
        usuario_id=None,
        hoy=HOY,
    )
    bd.session.commit()
    respuesta = client.post(
        f"/convenios/{convenio.id}/editar",
        data={
            "region_id": convenio.region_id,
            "conjunto_id": _ciclo(bd, 2020, 2021).id,
            "estado": "suscrito",
            "fecha_suscripcion": "2019-12-31",
            "documento": "Segundo",
            "version": version_leida,
        },
        follow_redirects=True,
    )
    assert str(MENSAJE_CONCURRENCIA) in respuesta.text
    bd.session.refresh(convenio)
    assert convenio.documento == "Primero"


def test_adendas_are_numbered_and_checked(client, sesion, bd):
    sesion.entrar(Rol.odes)
    convenio = _convenio(bd, "loreto")
    for descripcion in ("Renovación", "Ajuste de metas"):
        respuesta = client.post(
            f"/convenios/{convenio.id}/adendas",
            data={"fecha": "2020-06-01", "descripcion": descripcion},
            follow_redirects=True,
        )
        assert "registrada" in respuesta.text
    bd.session.refresh(convenio)
    assert [a.numero for a in convenio.adendas] == [1, 2]
    respuesta = client.post(
        f"/convenios/{convenio.id}/adendas",
        data={"fecha": "2019-01-01", "descripcion": "Antes de firmar"},
        follow_redirects=True,
    )
    assert "anterior a la suscripción" in respuesta.text
    pendiente = _convenio(bd, "ancash")
    respuesta = client.post(
        f"/convenios/{pendiente.id}/adendas",
        data={"fecha": "2020-06-01", "descripcion": "x"},
        follow_redirects=True,
    )
    assert "Solo se registran adendas de convenios suscritos" in respuesta.text


def test_list_filters_and_coverage_sentence(client, sesion):
    sesion.entrar(Rol.revisor)
    pagina = client.get("/convenios/?periodo=2020-2021").text
    assert "21 de 25" in pagina and "84 %" in pagina
    assert "Huánuco" in pagina
    assert "Registrar convenio" not in pagina
    pendientes = client.get("/convenios/?periodo=2020-2021&estado=pendiente").text
    assert ">Junín</a>" in pendientes and ">Loreto</a>" not in pendientes
    assert "Loreto" in client.get("/convenios/?q=lore").text
    assert "31/12/2019" in pagina
