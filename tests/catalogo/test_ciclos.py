"""Agreement cycles and their IdG sets: copy, edit, renumber, retire; a cycle in use is frozen."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo import services
from app.catalogo.models import (
    ConjuntoIndicadores,
    FuncionLOGR,
    Indicador,
    ObjetivoEstrategico,
    Sentido,
    TipoValor,
    UnidadMTPE,
)
from app.comun.auditoria import Evento
from app.comun.roles import Rol

CICLO_2020 = sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020)


def _ciclo_2020(bd) -> ConjuntoIndicadores:
    return bd.session.scalar(CICLO_2020)


def _nuevo_ciclo(bd) -> ConjuntoIndicadores:
    """2022-2023 copied from 2020's set (as ODES opens the next cycle), committed."""
    ciclo = services.crear_ciclo(2022, 2023, base=_ciclo_2020(bd), usuario_id=None)
    bd.session.commit()
    return ciclo


def _idg(ciclo: ConjuntoIndicadores, numero: int) -> Indicador:
    return next(i for i in ciclo.indicadores if i.numero == numero)


def _cuenta(bd, modelo) -> int:
    return bd.session.scalar(sa.select(sa.func.count()).select_from(modelo))


def _ficha(bd, **cambios) -> dict:
    """A complete ficha técnica of a new IdG (a count, proposed by the DNCCL)."""
    datos = {
        "numero": 13,
        "nombre": "Número de trabajadores certificados.",
        "viceministerio_id": None,
        "proponente_id": bd.session.scalar(sa.select(UnidadMTPE.id).filter_by(sigla="DNCCL")),
        "objetivo_id": None,
        "funcion_id": None,
        "servicio_id": None,
        "unidad_medida": "Número",
        "tipo_valor": TipoValor.conteo,
        "admite_negativo": False,
        "sentido": Sentido.ascendente,
        "numerador": None,
        "denominador": None,
        "requiere_evidencia": True,
        "linea_base": None,
    }
    datos.update(cambios)
    return datos


def _formulario(indicador: Indicador, **cambios) -> dict:
    """The edit form's fields as a browser posts them for indicador, with changes."""
    datos = {
        "numero": str(indicador.numero),
        "nombre": indicador.nombre,
        "viceministerio_id": str(indicador.viceministerio_id or 0),
        "proponente_id": str(indicador.proponente_id),
        "objetivo_id": str(indicador.objetivo_id or 0),
        "funcion_id": str(indicador.funcion_id or 0),
        "servicio_id": str(indicador.servicio_id or 0),
        "unidad_medida": indicador.unidad_medida,
        "tipo_valor": indicador.tipo_valor.value,
        "sentido": indicador.sentido.value,
        "numerador": indicador.numerador or "",
        "denominador": indicador.denominador or "",
        "linea_base": "",
    }
    if indicador.admite_negativo:
        datos["admite_negativo"] = "y"
    if indicador.requiere_evidencia:
        datos["requiere_evidencia"] = "y"
    datos.update(cambios)
    return {k: v for k, v in datos.items() if v is not None}


# --- Services ------------------------------------------------------------------------------


def test_a_new_cycle_copies_the_set_as_new_rows_and_editing_the_copy_leaves_the_original(bd):
    base = _ciclo_2020(bd)
    originales = {i.numero: i for i in base.indicadores}
    ciclo = _nuevo_ciclo(bd)
    assert (ciclo.ciclo, ciclo.nombre, ciclo.base_id) == ("2022-2023", "IdG 2022", base.id)
    assert len(ciclo.indicadores) == 12 == len(originales)
    for copia in ciclo.indicadores:
        original = originales[copia.numero]
        assert copia.id != original.id and copia.conjunto_id == ciclo.id
        for campo in services.CAMPOS_FICHA:
            assert getattr(copia, campo) == getattr(original, campo), campo
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="crear_ciclo"))
    assert evento.despues == {
        "ciclo": "2022-2023",
        "nombre": "IdG 2022",
        "copia_de": base.nombre,
        "idg": 12,
    }

    nombre_2020 = originales[2].nombre
    services.editar_ficha(
        _idg(ciclo, 2), {"nombre": "Avance del Plan Regional 2022."}, usuario_id=None
    )
    bd.session.commit()
    bd.session.expire_all()
    assert _idg(ciclo, 2).nombre == "Avance del Plan Regional 2022."
    assert bd.session.get(Indicador, originales[2].id).nombre == nombre_2020
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(accion="editar", objeto_id=_idg(ciclo, 2).id)
    )
    assert evento.antes == {"nombre": nombre_2020}
    assert evento.despues == {"nombre": "Avance del Plan Regional 2022."}


def test_overlapping_or_reversed_years_are_refused_and_nothing_is_written(bd):
    ciclos, eventos = _cuenta(bd, ConjuntoIndicadores), _cuenta(bd, Evento)
    with pytest.raises(services.ErrorCatalogo) as error:
        services.crear_ciclo(2021, 2022, base=_ciclo_2020(bd), usuario_id=None)
    assert error.value.campo == "anio_inicio"
    assert "se cruzan con el ciclo 2020-2021" in error.value.mensaje
    with pytest.raises(services.ErrorCatalogo) as error:
        services.crear_ciclo(2023, 2022, usuario_id=None)
    assert error.value.campo == "anio_fin"
    bd.session.rollback()
    assert (_cuenta(bd, ConjuntoIndicadores), _cuenta(bd, Evento)) == (ciclos, eventos)


def test_renumbering_to_a_number_in_use_is_refused_a_free_one_is_audited(bd):
    ciclo = _nuevo_ciclo(bd)
    idg2 = _idg(ciclo, 2)
    with pytest.raises(services.ErrorCatalogo) as error:
        services.editar_ficha(idg2, {"numero": 3}, usuario_id=None)
    assert (error.value.campo, error.value.mensaje) == ("numero", "El ciclo ya tiene un IdG 3.")
    bd.session.rollback()
    assert bd.session.get(Indicador, idg2.id).numero == 2
    # The same number in another cycle is no conflict: numbers are per cycle.
    services.editar_ficha(idg2, {"numero": 20}, usuario_id=None)
    bd.session.commit()
    assert bd.session.get(Indicador, idg2.id).numero == 20
    assert sorted(i.numero for i in _ciclo_2020(bd).indicadores) == list(range(1, 13))
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="editar", objeto_id=idg2.id))
    assert (evento.antes, evento.despues) == ({"numero": 2}, {"numero": 20})


def test_a_ratio_idg_needs_both_numerator_and_denominator(bd):
    ciclo = _nuevo_ciclo(bd)
    total = len(ciclo.indicadores)
    with pytest.raises(services.ErrorCatalogo) as error:
        services.agregar_indicador(
            ciclo, _ficha(bd, numerador="Trabajadores certificados"), usuario_id=None
        )
    assert error.value.campo == "denominador" and "numerador y denominador" in error.value.mensaje
    with pytest.raises(services.ErrorCatalogo) as error:
        services.editar_ficha(_idg(ciclo, 1), {"denominador": "Personas"}, usuario_id=None)
    assert error.value.campo == "numerador"
    bd.session.rollback()
    bd.session.expire_all()
    assert len(ciclo.indicadores) == total and _idg(ciclo, 1).denominador is None

    nuevo = services.agregar_indicador(
        ciclo,
        _ficha(
            bd,
            tipo_valor=TipoValor.porcentaje,
            unidad_medida="Porcentaje (%)",
            numerador="Trabajadores certificados",
            denominador="Trabajadores evaluados",
            linea_base=Decimal("60.5"),
        ),
        usuario_id=None,
    )
    bd.session.commit()
    assert nuevo.es_razon and nuevo.linea_base == Decimal("60.50")
    assert len(ciclo.indicadores) == total + 1
    assert len(_ciclo_2020(bd).indicadores) == 12


def test_retiring_removes_the_idg_and_audits_the_reason_and_ficha(bd):
    ciclo = _nuevo_ciclo(bd)
    idg5 = _idg(ciclo, 5)
    idg5_id, nombre = idg5.id, idg5.nombre
    with pytest.raises(services.ErrorCatalogo) as error:
        services.retirar_indicador(idg5, motivo="   ", usuario_id=None)
    assert error.value.campo == "motivo"
    bd.session.rollback()
    services.retirar_indicador(
        idg5, motivo="La DGSNE lo reemplaza por un IdG de razón.", usuario_id=None
    )
    bd.session.commit()
    bd.session.expire_all()
    assert bd.session.get(Indicador, idg5_id) is None
    assert sorted(i.numero for i in ciclo.indicadores) == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]
    assert len(_ciclo_2020(bd).indicadores) == 12
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="retirar_idg"))
    assert (evento.objeto_tipo, evento.objeto_id) == ("conjunto_indicadores", ciclo.id)
    assert evento.motivo == "La DGSNE lo reemplaza por un IdG de razón."
    assert evento.antes["idg"] == f"IdG 5 – {nombre}"
    assert evento.antes["proponente"] == "DGSNE" and evento.antes["tipo_valor"] == "Porcentaje"
    assert evento.antes["requiere_evidencia"] == "No" and "servicio" not in evento.antes


def test_an_idg_other_records_point_at_is_not_retired(bd):
    from app.mejora_continua.models.programacion import Actividad, ProgramaCapacidades

    ciclo = _nuevo_ciclo(bd)
    idg1 = _idg(ciclo, 1)
    # A training activity planned for the new IdG (any record pointing at it would do).
    programa = ProgramaCapacidades(anio=2022, nombre="Programación 2022")
    bd.session.add(
        Actividad(
            programa=programa, indicador=idg1, unidad=idg1.proponente, numero=1, nombre="Taller"
        )
    )
    bd.session.commit()
    eventos = _cuenta(bd, Evento)
    with pytest.raises(services.ErrorCatalogo) as error:
        services.retirar_indicador(idg1, motivo="Ya no aplica.", usuario_id=None)
    assert "IdG 1 ya tiene datos registrados" in error.value.mensaje
    bd.session.rollback()
    assert bd.session.get(Indicador, idg1.id) is not None and _cuenta(bd, Evento) == eventos


def test_a_cycle_in_use_changes_nothing(demo):
    bd = demo
    ciclo = _ciclo_2020(bd)
    idg3 = _idg(ciclo, 3)
    nombre = idg3.nombre
    antes = (_cuenta(bd, Indicador), _cuenta(bd, Evento))
    intentos = [
        lambda: services.editar_ficha(idg3, {"nombre": "Otro nombre"}, usuario_id=None),
        lambda: services.editar_indicador(idg3, {"nombre": "Otro nombre"}, usuario_id=None),
        lambda: services.agregar_indicador(ciclo, _ficha(bd), usuario_id=None),
        lambda: services.retirar_indicador(idg3, motivo="Cambio de ciclo.", usuario_id=None),
    ]
    for intento in intentos:
        with pytest.raises(services.ErrorCatalogo) as error:
            intento()
        assert "El ciclo 2020-2021 ya tiene Anexos 4" in error.value.mensaje
        bd.session.rollback()
    bd.session.expire_all()
    assert bd.session.get(Indicador, idg3.id).nombre == nombre
    assert (_cuenta(bd, Indicador), _cuenta(bd, Evento)) == antes
    # The copy of the in-use set is open: the next cycle is where the changes go.
    copia = _nuevo_ciclo(bd)
    services.editar_ficha(_idg(copia, 3), {"nombre": "Otro nombre"}, usuario_id=None)
    bd.session.commit()
    assert _idg(copia, 3).nombre == "Otro nombre" and _idg(ciclo, 3).nombre == nombre


# --- Pages ---------------------------------------------------------------------------------


def test_cycle_pages_for_odes_and_readers(client, sesion, demo):
    bd = demo
    nuevo = _nuevo_ciclo(bd)
    ciclo_2020 = _ciclo_2020(bd)
    sesion.entrar(Rol.odes)
    pagina = client.get("/catalogo/ciclos").text
    assert "2022-2023" in pagina and "2020-2021" in pagina
    assert pagina.index("2022-2023") < pagina.index("2020-2021")  # newest first
    assert "con Anexos 4; el conjunto ya no cambia" in pagina
    assert "Nuevo ciclo" in pagina
    assert 'href="/catalogo/ciclos"' in client.get("/catalogo/").text

    pagina = client.get(f"/catalogo/ciclos/{ciclo_2020.id}").text
    assert "ya tiene Anexos 4 registrados" in pagina
    assert "Agregar IdG" not in pagina and "/retirar" not in pagina
    pagina = client.get(f"/catalogo/ciclos/{nuevo.id}").text
    assert "Agregar IdG" in pagina and "ya tiene Anexos 4" not in pagina
    assert pagina.count("/retirar") == 12 and "DNCCL" in pagina
    assert "Historial de cambios" in pagina

    sesion.salir()
    for rol in (Rol.drtpe, Rol.direccion, Rol.revisor):
        sesion.entrar(rol)
        assert "2022-2023" in client.get("/catalogo/ciclos").text
        pagina = client.get(f"/catalogo/ciclos/{nuevo.id}").text
        assert "Agregar IdG" not in pagina and "/retirar" not in pagina
        assert "Historial de cambios" not in pagina
        idg = _idg(nuevo, 1)
        for url in (
            "/catalogo/ciclos/nuevo",
            f"/catalogo/ciclos/{nuevo.id}/indicadores/nuevo",
            f"/catalogo/indicadores/{idg.id}/editar",
            f"/catalogo/indicadores/{idg.id}/retirar",
        ):
            assert client.get(url).status_code == 403, (rol, url)
            assert client.post(url, data={}).status_code == 403, (rol, url)
        sesion.salir()
    assert bd.session.get(Indicador, _idg(nuevo, 1).id) is not None


def test_new_cycle_form(client, sesion, bd):
    sesion.entrar(Rol.odes)
    pagina = client.get("/catalogo/ciclos/nuevo").text
    assert "Copiar los IdG de" in pagina and "— Empezar vacío —" in pagina
    # Proposed: the years right after the newest cycle, copying it.
    assert 'value="2022"' in pagina and 'value="2023"' in pagina
    base = _ciclo_2020(bd)
    assert f'<option selected value="{base.id}">' in pagina

    respuesta = client.post(
        "/catalogo/ciclos/nuevo", data={"anio_inicio": "2021", "anio_fin": "2022", "base_id": "0"}
    )
    assert respuesta.status_code == 200
    assert "Los años se cruzan con el ciclo 2020-2021" in respuesta.text
    respuesta = client.post(
        "/catalogo/ciclos/nuevo", data={"anio_inicio": "2024", "anio_fin": "", "base_id": "0"}
    )
    assert "Este campo es obligatorio." in respuesta.text
    assert _cuenta(bd, ConjuntoIndicadores) == 1

    respuesta = client.post(
        "/catalogo/ciclos/nuevo",
        data={"anio_inicio": "2022", "anio_fin": "2023", "nombre": "", "base_id": str(base.id)},
        follow_redirects=True,
    )
    assert "Ciclo 2022-2023 creado con 12 IdG." in respuesta.text
    ciclo = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2022))
    assert ciclo.nombre == "IdG 2022" and ciclo.base_id == base.id
    assert len(ciclo.indicadores) == 12

    client.post(
        "/catalogo/ciclos/nuevo",
        data={"anio_inicio": "2024", "anio_fin": "2025", "nombre": "IdG nuevos", "base_id": "0"},
    )
    vacio = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2024))
    assert vacio.nombre == "IdG nuevos" and vacio.base_id is None and vacio.indicadores == []


def test_add_edit_and_retire_through_the_forms(client, sesion, bd):
    ciclo = _nuevo_ciclo(bd)
    sesion.entrar(Rol.odes)
    url = f"/catalogo/ciclos/{ciclo.id}/indicadores/nuevo"
    pagina = client.get(url).text
    assert 'value="13"' in pagina  # the next free number is proposed
    dnccl = bd.session.scalar(sa.select(UnidadMTPE).filter_by(sigla="DNCCL"))
    datos = {
        "numero": "13",
        "nombre": "Porcentaje de trabajadores certificados.",
        "viceministerio_id": "0",
        "proponente_id": str(dnccl.id),
        "objetivo_id": "0",
        "funcion_id": "0",
        "servicio_id": "0",
        "unidad_medida": "Porcentaje (%)",
        "tipo_valor": "porcentaje",
        "sentido": "ascendente",
        "numerador": "Trabajadores certificados",
        "denominador": "",
        "requiere_evidencia": "y",
        "linea_base": "60,5",
    }
    respuesta = client.post(url, data=datos)
    assert respuesta.status_code == 200
    assert "Un IdG de razón necesita numerador y denominador" in respuesta.text
    respuesta = client.post(url, data={**datos, "numero": "3", "denominador": "Evaluados"})
    assert "El ciclo ya tiene un IdG 3." in respuesta.text
    respuesta = client.post(url, data={**datos, "denominador": "Evaluados", "linea_base": "6o"})
    assert "Escriba un número (por ejemplo 60 o 60,5)." in respuesta.text
    assert len(ciclo.indicadores) == 12

    respuesta = client.post(
        url, data={**datos, "denominador": "Trabajadores evaluados"}, follow_redirects=True
    )
    assert "IdG 13 agregado al ciclo 2022-2023." in respuesta.text
    bd.session.expire_all()
    nuevo = _idg(ciclo, 13)
    assert (nuevo.numerador, nuevo.denominador) == (
        "Trabajadores certificados",
        "Trabajadores evaluados",
    )
    assert nuevo.linea_base == Decimal("60.50") and nuevo.requiere_evidencia
    assert nuevo.tipo_valor is TipoValor.porcentaje and not nuevo.admite_negativo

    # Edit the whole ficha of a copied IdG: renumber, reword, realign, baseline with a point.
    idg4 = _idg(ciclo, 4)
    oes = bd.session.scalar(sa.select(ObjetivoEstrategico).filter_by(numero=1))
    funcion = bd.session.scalar(sa.select(FuncionLOGR).filter_by(letra="k"))
    editar = f"/catalogo/indicadores/{idg4.id}/editar"
    assert idg4.nombre in client.get(editar).text
    respuesta = client.post(
        editar,
        data=_formulario(
            idg4,
            numero="14",
            nombre="Variación de buscadores de empleo inscritos.",
            objetivo_id=str(oes.id),
            funcion_id=str(funcion.id),
            tipo_valor="variacion",
            sentido="descendente",
            linea_base="-3.25",
            admite_negativo="y",
        ),
        follow_redirects=True,
    )
    assert "IdG 14 actualizado." in respuesta.text
    bd.session.expire_all()
    idg4 = bd.session.get(Indicador, idg4.id)
    assert (idg4.numero, idg4.nombre) == (14, "Variación de buscadores de empleo inscritos.")
    assert (idg4.objetivo_id, idg4.funcion_id) == (oes.id, funcion.id)
    assert idg4.tipo_valor is TipoValor.variacion and idg4.sentido is Sentido.descendente
    assert idg4.linea_base == Decimal("-3.25")
    original = _idg(_ciclo_2020(bd), 4)
    assert original.nombre != idg4.nombre and original.tipo_valor is TipoValor.incremento
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="editar", objeto_id=idg4.id))
    assert evento.antes["numero"] == 4 and evento.despues["numero"] == 14
    assert evento.despues["funcion"] == "k)" and evento.despues["objetivo"] == "OES 1"
    assert evento.antes["tipo_valor"] == "Incremento"
    assert evento.despues["tipo_valor"] == "Variación porcentual"

    # A negative baseline needs an IdG that admits negatives.
    respuesta = client.post(editar, data=_formulario(idg4, linea_base="-1", admite_negativo=None))
    assert "no admite valores negativos" in respuesta.text

    retirar = f"/catalogo/indicadores/{idg4.id}/retirar"
    assert "Motivo del retiro" in client.get(retirar).text
    respuesta = client.post(retirar, data={"motivo": "Duplicado."})
    assert "Marque la casilla para confirmar el retiro." in respuesta.text
    respuesta = client.post(retirar, data={"confirmar": "y", "motivo": ""})
    assert "Indique el motivo del retiro." in respuesta.text
    assert bd.session.get(Indicador, idg4.id) is not None
    respuesta = client.post(
        retirar, data={"confirmar": "y", "motivo": "Duplicado."}, follow_redirects=True
    )
    assert "IdG 14 retirado del ciclo 2022-2023." in respuesta.text
    bd.session.expire_all()
    assert bd.session.get(Indicador, idg4.id) is None
    assert "Duplicado." in client.get(f"/catalogo/ciclos/{ciclo.id}").text  # in the history


def test_forms_of_a_cycle_in_use_show_why_and_refuse(client, sesion, demo):
    bd = demo
    ciclo = _ciclo_2020(bd)
    idg2 = _idg(ciclo, 2)
    nombre = idg2.nombre
    sesion.entrar(Rol.odes)
    eventos = _cuenta(bd, Evento)  # after the login, which is audited too
    for url in (
        f"/catalogo/indicadores/{idg2.id}/editar",
        f"/catalogo/indicadores/{idg2.id}/retirar",
        f"/catalogo/ciclos/{ciclo.id}/indicadores/nuevo",
    ):
        pagina = client.get(url).text
        assert "ya tiene Anexos 4 registrados" in pagina and "disabled" in pagina, url
    pagina = client.get(f"/catalogo/indicadores/{idg2.id}").text
    assert "ya tiene Anexos 4 registrados" in pagina
    assert f"/catalogo/indicadores/{idg2.id}/editar" not in pagina

    respuesta = client.post(
        f"/catalogo/indicadores/{idg2.id}/editar", data=_formulario(idg2, nombre="Otro")
    )
    assert respuesta.status_code == 200 and "aviso-error" in respuesta.text
    respuesta = client.post(
        f"/catalogo/indicadores/{idg2.id}/retirar", data={"confirmar": "y", "motivo": "x"}
    )
    assert "aviso-error" in respuesta.text
    bd.session.expire_all()
    assert bd.session.get(Indicador, idg2.id).nombre == nombre
    assert len(ciclo.indicadores) == 12 and _cuenta(bd, Evento) == eventos


def test_official_texts_shown_by_a_cycle_in_use_do_not_change(client, sesion, demo):
    bd = demo
    sesion.entrar(Rol.odes)
    # OES 1 is the alignment of 2020 IdG (Cuadro 03 of its reports prints it).
    oes = bd.session.scalar(sa.select(ObjetivoEstrategico).filter_by(numero=1))
    texto = oes.texto
    url = f"/catalogo/textos/objetivo/{oes.id}"
    assert "ciclo 2020-2021" in client.get(url).text
    respuesta = client.post(url, data={"texto": "Otro texto."})
    assert respuesta.status_code == 200 and "aviso-error" in respuesta.text
    bd.session.expire_all()
    assert bd.session.get(ObjetivoEstrategico, oes.id).texto == texto
    # Function k) is aligned to no IdG: its text may still be corrected.
    funcion = bd.session.scalar(sa.select(FuncionLOGR).filter_by(letra="k"))
    assert not bd.session.scalar(sa.select(Indicador.id).filter_by(funcion_id=funcion.id))
    respuesta = client.post(
        f"/catalogo/textos/funcion/{funcion.id}",
        data={"texto": "Texto corregido."},
        follow_redirects=True,
    )
    assert "actualizado" in respuesta.text
    assert bd.session.get(FuncionLOGR, funcion.id).texto == "Texto corregido."
