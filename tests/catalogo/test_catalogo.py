"""Catalogue contents against the documents (004 Cuadros 01–03, art. 48 LOGR)."""

import sqlalchemy as sa

from app.catalogo import queries
from app.catalogo.models import Indicador, Region, TipoRegion, TipoValor, UnidadMTPE
from app.comun.roles import Rol


def _region(bd, codigo):
    return bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))


def test_25_regional_governments_plus_lima_metropolitana(bd):
    regiones = queries.regiones()
    assert len(regiones) == 26
    assert len(queries.regiones(solo_gores=True)) == 25
    lm = _region(bd, "lima-metropolitana")
    assert lm.tipo is TipoRegion.municipalidad_metropolitana
    assert lm.funciones_transferidas == []


def test_18_functions_with_exact_text(bd):
    funciones = queries.funciones()
    assert [f.letra for f in funciones] == list("abcdefghijklmnopqr")
    assert funciones[10].texto == "Promover la igualdad de oportunidades en el acceso al empleo."
    assert funciones[0].texto.startswith("Formular, aprobar, ejecutar, evaluar, dirigir")


def test_callao_and_lima_received_14_functions_without_g_n_o_r(bd):
    for codigo in ("callao", "lima"):
        letras = {t.funcion.letra for t in _region(bd, codigo).funciones_transferidas}
        assert len(letras) == 14
        assert not letras & set("gnor")
    assert len(_region(bd, "loreto").funciones_transferidas) == 18


def test_gerencias_are_cusco_lambayeque_moquegua(bd):
    gerencias = {r.nombre for r in queries.regiones() if r.organo_sigla == "GRTPE"}
    assert gerencias == {"Cusco", "Lambayeque", "Moquegua"}
    assert _region(bd, "loreto").organo == "DRTPE Loreto"


def test_aliases_resolve_typos_and_accents(bd):
    assert queries.region_por_nombre("Arequioa").codigo == "arequipa"
    assert queries.region_por_nombre("Madre de Dos").codigo == "madre-de-dios"
    assert queries.region_por_nombre("LIMA PROVINCIAS").codigo == "lima"
    assert queries.region_por_nombre("Lima _Metropolitana").codigo == "lima-metropolitana"
    assert queries.region_por_nombre("san martin").codigo == "san-martin"
    assert queries.region_por_nombre("APURIMAC").codigo == "apurimac"
    assert queries.region_por_nombre("Narnia") is None


def test_12_idg_2020_with_proponents(bd):
    idg = {i.numero: i for i in bd.session.scalars(sa.select(Indicador))}
    assert sorted(idg) == list(range(1, 13))
    assert idg[3].proponente.sigla == "DNCCL"
    assert idg[3].proponente.nombre == (
        "Dirección de Normalización y Certificación de Competencias Laborales"
    )
    assert idg[11].proponente.sigla == "DSST"
    assert idg[10].funcion is None  # "No aplica."
    assert idg[1].servicio.nombre.startswith("Orientación Vocacional e Información Ocupacional")
    assert {i.viceministerio.sigla for n, i in idg.items() if n <= 6} == {"VMPECL"}
    assert {i.viceministerio.sigla for n, i in idg.items() if n >= 7} == {"VMT"}
    assert idg[4].tipo_valor is TipoValor.incremento and idg[4].admite_negativo
    assert idg[10].tipo_valor is TipoValor.variacion
    assert idg[1].tipo_valor is TipoValor.porcentaje and not idg[1].admite_negativo
    assert (
        idg[6].nombre == "Porcentaje de usuarios orientados en información de mercado de trabajo."
    )


def test_units_hierarchy(bd):
    dnccl = bd.session.scalar(sa.select(UnidadMTPE).filter_by(sigla="DNCCL"))
    assert dnccl.padre.sigla == "DGNFECCL"
    assert dnccl.viceministerio.sigla == "VMPECL"


def test_catalogue_pages_render_for_readers(client, sesion):
    sesion.entrar(Rol.revisor)
    assert "Callao" in client.get("/catalogo/regiones").text
    pagina = client.get("/catalogo/funciones").text
    assert "Promover la igualdad de oportunidades en el acceso al empleo." in pagina
    pagina = client.get("/catalogo/indicadores").text
    assert "DNCCL" in pagina and "IdG 2020 (12 indicadores)" in pagina
    assert "Editar" not in client.get("/catalogo/regiones/callao").text
    assert "14 de 18" in client.get("/catalogo/regiones/callao").text


def test_region_search_uses_aliases(client, sesion):
    sesion.entrar(Rol.odes)
    pagina = client.get("/catalogo/regiones?q=Arequioa").text
    assert "Arequipa" in pagina and "Loreto" not in pagina


def test_odes_edits_region_aliases_with_history(client, sesion, bd):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/catalogo/regiones/puno/editar",
        data={"organo_tipo": "Gerencia", "macro_region": "Macro 3 Sur", "aliases": "Pun\nPunoo"},
    )
    assert respuesta.status_code == 302
    puno = _region(bd, "puno")
    bd.session.refresh(puno)
    assert puno.organo_sigla == "GRTPE"
    assert queries.region_por_nombre("Punoo").codigo == "puno"
    pagina = client.get("/catalogo/regiones/puno").text
    assert "Historial de cambios" in pagina and "Punoo" in pagina


def test_alias_of_another_region_is_refused(client, sesion, bd):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/catalogo/regiones/puno/editar",
        data={"organo_tipo": "Dirección", "macro_region": "", "aliases": "Arequioa"},
    )
    assert respuesta.status_code == 200
    assert "ya pertenece a Arequipa" in respuesta.text
    assert queries.region_por_nombre("Arequioa").codigo == "arequipa"


def test_alias_longer_than_the_catalogue_keeps_is_refused(client, sesion, bd):
    """An alias of 81 characters is refused with a message, not a database error (PostgreSQL)."""
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/catalogo/regiones/puno/editar",
        data={"organo_tipo": "Dirección", "macro_region": "", "aliases": "Punoo\n" + "x" * 81},
    )
    assert respuesta.status_code == 200
    assert "hasta 80 caracteres" in respuesta.text and "tiene 81" in respuesta.text
    assert queries.region_por_nombre("Punoo") is None  # nothing stored


def test_odes_edits_indicator_and_unit(client, sesion, demo):
    from app.catalogo import services
    from app.catalogo.models import ConjuntoIndicadores

    bd = demo
    sesion.entrar(Rol.odes)
    ciclo_2020 = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    idg = next(i for i in ciclo_2020.indicadores if i.numero == 2)
    nombre = idg.nombre
    assert client.get(f"/catalogo/indicadores/{idg.id}/editar").status_code == 200

    def datos(indicador):
        return {
            "numero": indicador.numero,
            "nombre": "Nuevo nombre",
            "viceministerio_id": indicador.viceministerio_id or 0,
            "proponente_id": indicador.proponente_id,
            "objetivo_id": indicador.objetivo_id,
            "funcion_id": indicador.funcion_id,
            "servicio_id": 0,
            "unidad_medida": "Porcentaje (%)",
            "tipo_valor": "porcentaje",
            "sentido": "ascendente",
        }

    # 2020-2021 has Anexos 4: its IdG no longer change (its reports regenerate identical).
    respuesta = client.post(f"/catalogo/indicadores/{idg.id}/editar", data=datos(idg))
    assert respuesta.status_code == 200
    assert "El ciclo 2020-2021 ya tiene Anexos 4 registrados" in respuesta.text
    bd.session.refresh(idg)
    assert idg.nombre == nombre
    # The same edit on the next cycle's copy is accepted, and 2020's IdG stays as it was.
    ciclo = services.crear_ciclo(2022, 2023, base=ciclo_2020, usuario_id=None)
    bd.session.commit()
    copia = next(i for i in ciclo.indicadores if i.numero == 2)
    respuesta = client.post(f"/catalogo/indicadores/{copia.id}/editar", data=datos(copia))
    assert respuesta.status_code == 302
    bd.session.refresh(copia)
    bd.session.refresh(idg)
    assert (copia.nombre, idg.nombre) == ("Nuevo nombre", nombre)
    unidad = bd.session.scalar(sa.select(UnidadMTPE).filter_by(sigla="DSST"))
    respuesta = client.post(
        f"/catalogo/unidades/{unidad.id}/editar",
        data={"sigla": "DNCCL", "nombre": unidad.nombre, "padre_id": 0},
    )
    assert "Ya existe otra unidad con esa sigla." in respuesta.text


def test_odes_corrects_official_texts_with_history(client, sesion, bd):
    from app.catalogo.models import FuncionLOGR, ObjetivoEstrategico

    sesion.entrar(Rol.odes)
    funcion = bd.session.scalar(sa.select(FuncionLOGR).filter_by(letra="k"))
    url = f"/catalogo/textos/funcion/{funcion.id}"
    assert "Promover la igualdad" in client.get(url).text
    assert "Este campo es obligatorio." in client.post(url, data={"texto": "  "}).text
    respuesta = client.post(url, data={"texto": "Texto corregido."}, follow_redirects=True)
    assert "actualizado" in respuesta.text and "Texto corregido." in respuesta.text
    assert "Promover la igualdad" in client.get(url).text  # old value in the history
    oes = bd.session.scalar(sa.select(ObjetivoEstrategico).filter_by(numero=1))
    assert (
        client.post(f"/catalogo/textos/objetivo/{oes.id}", data={"texto": "OES"}).status_code == 302
    )
    assert client.get("/catalogo/textos/otra/1").status_code == 404
    sesion.salir()
    sesion.entrar(Rol.revisor)
    assert client.get(url).status_code == 403
    assert "Editar" not in client.get("/catalogo/funciones").text
