"""The recommendation matrix on screen (issue 19): one section per IdG, filters by region, IdG,
unit and month, a drtpe user's own region, the print view and no empty table headers.

The expected contents are worked out from the database (the seeded II-2020 Anexo 5 and 2021
programme), never from hard-coded counts.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.roles import Rol
from app.convenios.models import Periodo
from app.extensions import db
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.queries.evaluaciones import recomendaciones_aprobadas
from app.mejora_continua.services import programacion as services
from seed.anexo5 import cargar_anexo5_demo
from seed.programacion import cargar_programa_demo
from tests.conftest import usuario_demo

URL = "/mejora-continua/matriz?anio=2021"
LORETO = "drtpe.loreto@demo.trabajo.gob.pe"


# --- A small DOM over html.parser (the suite has no HTML library) ---------------------------

VACIOS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class Nodo:
    """An element: tag, attributes, children (elements and text)."""

    def __init__(self, tag: str, attrs: dict[str, str | None], padre: Nodo | None):
        self.tag, self.attrs, self.padre, self.hijos = tag, attrs, padre, []

    @property
    def clases(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def texto(self) -> str:
        partes = [h if isinstance(h, str) else h.texto for h in self.hijos]
        return re.sub(r"\s+", " ", " ".join(partes)).strip()

    def todos(self, tag: str | None = None, clase: str | None = None) -> list[Nodo]:
        """Every descendant element with that tag and/or class, in document order."""
        encontrados = []
        for hijo in self.hijos:
            if isinstance(hijo, Nodo):
                if (tag is None or hijo.tag == tag) and (clase is None or clase in hijo.clases):
                    encontrados.append(hijo)
                encontrados += hijo.todos(tag, clase)
        return encontrados

    def por_id(self, ident: str) -> Nodo | None:
        for nodo in self.todos():
            if nodo.attrs.get("id") == ident:
                return nodo
        return None


class _Arbol(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.raiz = self.actual = Nodo("#documento", {}, None)

    def handle_starttag(self, tag, attrs):
        nodo = Nodo(tag, dict(attrs), self.actual)
        self.actual.hijos.append(nodo)
        if tag not in VACIOS:
            self.actual = nodo

    def handle_endtag(self, tag):
        nodo = self.actual
        while nodo is not None and nodo.tag != tag:
            nodo = nodo.padre
        if nodo is not None and nodo.padre is not None:
            self.actual = nodo.padre

    def handle_data(self, data):
        self.actual.hijos.append(data)


def dom(html: str) -> Nodo:
    arbol = _Arbol()
    arbol.feed(html)
    return arbol.raiz


def secciones(raiz: Nodo) -> dict[int, Nodo]:
    """IdG number → its section."""
    return {int(s.attrs["id"].removeprefix("idg-")): s for s in raiz.todos("section", "mz-idg")}


def actividades_de(seccion: Nodo) -> set[int]:
    """Ids of the activities a section lists (from their links)."""
    ids = set()
    for nodo in seccion.todos("th", "mz-actividad-nombre"):
        for enlace in nodo.todos("a"):
            ids.add(int(enlace.attrs["href"].rstrip("/").rsplit("/", 1)[1]))
    return ids


def actividades_en(raiz: Nodo) -> set[int]:
    return set().union(*(actividades_de(s) for s in secciones(raiz).values()))


# --- Data ----------------------------------------------------------------------------------


@pytest.fixture
def datos(demo):
    """The demo semesters and Anexo 4, the approved II-2020 Anexo 5 and the 2021 programme."""
    cargar_anexo5_demo()
    cargar_programa_demo()
    db.session.commit()
    return db


def _programa() -> ProgramaCapacidades:
    return db.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=2021))


def _actividades() -> list[Actividad]:
    return list(db.session.scalars(sa.select(Actividad).filter_by(programa_id=_programa().id)))


def _vigentes(actividad: Actividad, region_id: int | None = None) -> list[ProgramacionRegional]:
    return [
        p
        for p in actividad.programaciones
        if p.estado is not EstadoProgramacion.cancelada
        and (region_id is None or p.region_id == region_id)
    ]


def _region(codigo: str) -> Region:
    return db.session.scalar(sa.select(Region).filter_by(codigo=codigo))


def _recomendaciones():
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    return recomendaciones_aprobadas(periodo)


def _pagina(client, consulta: str = "") -> Nodo:
    respuesta = client.get(URL + consulta)
    assert respuesta.status_code == 200
    return dom(respuesta.text)


# --- Sections per IdG ----------------------------------------------------------------------


def test_each_idg_is_a_section_headed_by_its_identity(datos, client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get(URL).text
    raiz = dom(html)
    indicadores = list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.id.in_(sa.select(Actividad.indicador_id)))
            .order_by(Indicador.numero)
        )
    )
    assert indicadores
    por_numero = secciones(raiz)
    assert sorted(por_numero) == [i.numero for i in indicadores]
    for indicador in indicadores:
        cabecera = por_numero[indicador.numero].todos("h3")[0].texto
        assert f"IdG N° {indicador.numero}" in cabecera
        assert indicador.nombre.rstrip(".") in cabecera
        assert indicador.viceministerio.sigla in cabecera
        datos_cabecera = por_numero[indicador.numero].todos("p", "mz-idg-datos")[0].texto
        assert indicador.proponente.nombre in datos_cabecera
    # The annex's 22-column table is gone: no table wider than a section, no "None".
    assert "None" not in html
    assert not raiz.todos("table", "matriz")


def test_recommendations_and_activities_sit_under_their_idg(datos, client, sesion):
    sesion.entrar(Rol.revisor)
    por_numero = secciones(_pagina(client))
    for actividad in _actividades():
        seccion = por_numero[actividad.indicador.numero]
        assert actividad.id in actividades_de(seccion)
        otras = [s for n, s in por_numero.items() if n != actividad.indicador.numero]
        assert all(actividad.id not in actividades_de(s) for s in otras)
    recomendaciones = _recomendaciones()
    assert recomendaciones
    for r in recomendaciones:
        textos = [li.texto for li in por_numero[r.idg].todos("li")]
        assert any(r.texto in t for t in textos), (r.idg, r.texto[:40])
        if r.responsable:
            assert any(r.responsable in t for t in textos)


def _fila_de(raiz: Nodo, actividad: Actividad) -> Nodo:
    """The tbody of one activity."""
    return next(
        t
        for t in raiz.todos("tbody", "mz-actividad")
        if actividad.id in actividades_de(_envolver(t))
    )


def _marcados(fila: Nodo) -> dict[int, str]:
    """Month → state class of the marked cells of an activity's strip."""
    celdas = fila.todos("td", "mz-mes")
    assert len(celdas) == 12
    estados = ("mz-programado", "mz-parcial", "mz-ejecutado")
    return {m: e for m, c in enumerate(celdas, start=1) for e in estados if e in c.clases}


def test_month_strip_marks_programmed_and_executed_months(datos, client, sesion):
    loreto = _region("loreto")

    def compartido(p: ProgramacionRegional) -> bool:
        """Loreto's run shares its month with other regions' runs."""
        return sum(q.mes_vigente == p.mes_vigente for q in _vigentes(p.actividad)) > 1

    run = next(
        p
        for a in _actividades()
        if len({q.mes_vigente for q in _vigentes(a)}) > 1
        for p in _vigentes(a, loreto.id)
        if compartido(p)
    )
    actividad, mes = run.actividad, run.mes_vigente
    services.registrar_ejecucion(
        run,
        fecha=date(2021, mes, 10),
        participantes=12,
        usuario=usuario_demo(Rol.odes),
        hoy=date(2021, 12, 31),
        ahora=datetime(2021, 12, 31, 12, tzinfo=UTC),
    )
    db.session.commit()
    db.session.expire_all()
    total = len(_vigentes(actividad))

    # ODES: every region's months; the month is executed in part (◐), the others programmed.
    sesion.entrar(Rol.odes)
    fila = _fila_de(_pagina(client), actividad)
    marcados = _marcados(fila)
    assert set(marcados) == {p.mes_vigente for p in _vigentes(actividad)}
    assert marcados[mes] == "mz-parcial"
    assert {e for m, e in marcados.items() if m != mes} == {"mz-programado"}
    assert f"Ejecutadas: 1 de {total} ({round(100 / total)} %)" in fila.texto

    # Loreto: only its own months, and that one executed (✓).
    sesion.salir()
    sesion.entrar(Rol.drtpe, LORETO)
    fila = _fila_de(_pagina(client), actividad)
    propios = _vigentes(actividad, loreto.id)
    assert set(_marcados(fila)) == {p.mes_vigente for p in propios}
    assert _marcados(fila)[mes] == "mz-ejecutado"
    assert "✓" in fila.texto
    hechas = round(100 / len(propios))
    assert f"Ejecutadas: 1 de {len(propios)} ({hechas} %)" in fila.texto


def _envolver(nodo: Nodo) -> Nodo:
    """A section-like wrapper so actividades_de() reads one tbody."""
    envoltura = Nodo("section", {}, None)
    envoltura.hijos.append(nodo)
    return envoltura


# --- Filters -------------------------------------------------------------------------------


def test_region_filter_keeps_that_regions_activities_and_recommendations(datos, client, sesion):
    sesion.entrar(Rol.odes)
    puno = _region("puno")
    esperadas = {a.id for a in _actividades() if _vigentes(a, puno.id)}
    todas = {a.id for a in _actividades()}
    assert esperadas and esperadas != todas
    raiz = _pagina(client, "&region=puno")
    assert actividades_en(raiz) == esperadas
    texto = raiz.texto
    for r in _recomendaciones():
        nombrada = not r.regiones or "Puno" in r.regiones
        assert (r.texto in texto) == nombrada, (r.idg, r.regiones)
    # The month strip and DETALLE count only Puno's runs.
    for detalle in raiz.todos("span", "mz-detalle"):
        assert detalle.texto.startswith("Regiones y meses: Puno (")


def test_idg_filter_shows_only_that_section(datos, client, sesion):
    sesion.entrar(Rol.odes)
    raiz = _pagina(client, "&idg=6")
    assert list(secciones(raiz)) == [6]
    assert actividades_en(raiz) == {a.id for a in _actividades() if a.indicador.numero == 6}


def test_unit_filter_keeps_the_activities_that_unit_runs(datos, client, sesion):
    sesion.entrar(Rol.odes)
    disel = db.session.scalar(sa.select(UnidadMTPE).filter_by(sigla="DISEL"))
    esperadas = {a.id for a in _actividades() if a.unidad_id == disel.id}
    assert esperadas
    raiz = _pagina(client, "&unidad=DISEL")
    assert actividades_en(raiz) == esperadas
    assert set(secciones(raiz)) == {a.indicador.numero for a in _actividades() if a.id in esperadas}


def test_month_filter_keeps_the_activities_running_that_month(datos, client, sesion):
    sesion.entrar(Rol.odes)
    esperadas = {a.id for a in _actividades() if any(p.mes_vigente == 3 for p in _vigentes(a))}
    assert esperadas and esperadas != {a.id for a in _actividades()}
    raiz = _pagina(client, "&mes=3")
    assert actividades_en(raiz) == esperadas
    # The chosen month is marked in every strip.
    for fila in raiz.todos("tbody", "mz-actividad"):
        assert "mz-mes-elegido" in fila.todos("td", "mz-mes")[2].clases
    # Combined with a region: that region's runs in that month.
    lima = _region("lima")
    ambas = {a.id for a in _actividades() if any(p.mes_vigente == 3 for p in _vigentes(a, lima.id))}
    assert actividades_en(_pagina(client, "&mes=3&region=lima")) == ambas


def test_filters_keep_their_value_and_unknown_values_are_ignored(datos, client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get(URL + "&region=puno&unidad=DISEL&mes=2").text
    for nombre, valor in (("region", "puno"), ("unidad", "DISEL"), ("mes", "2")):
        assert re.search(rf'name="{nombre}">.*?value="{valor}" selected', html, re.S), nombre
    todo = actividades_en(_pagina(client))
    assert actividades_en(_pagina(client, "&region=atlantida&unidad=XX&mes=13")) == todo


# --- Scope of a drtpe user -----------------------------------------------------------------


def test_drtpe_sees_only_its_regions_activities(datos, client, sesion):
    sesion.entrar(Rol.drtpe, LORETO)
    loreto = _region("loreto")
    esperadas = {a.id for a in _actividades() if _vigentes(a, loreto.id)}
    assert esperadas
    for consulta in ("", "&region=puno", "&region="):
        raiz = _pagina(client, consulta)
        assert actividades_en(raiz) == esperadas, consulta
        for detalle in raiz.todos("span", "mz-detalle"):
            assert detalle.texto.startswith("Regiones y meses: Loreto (")
        texto = raiz.texto
        for r in _recomendaciones():
            if r.regiones and "Loreto" not in r.regiones:
                assert r.texto not in texto
    # The region filter offers only Loreto.
    html = client.get(URL).text
    selector = html.split('name="region"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"', selector) == ["loreto"]


# --- Print view and accessibility ----------------------------------------------------------


def test_print_view_has_no_menu_nor_filters(datos, client, sesion):
    sesion.entrar(Rol.odes)
    normal = client.get(URL + "&region=puno").text
    enlace = re.search(r'href="([^"]*vista=imprimir[^"]*)"', normal)
    assert enlace and "Vista para imprimir" in normal
    assert "/mejora-continua/matriz/excel?anio=2021" in normal
    respuesta = client.get(enlace.group(1).replace("&amp;", "&"))
    assert respuesta.status_code == 200
    html = respuesta.text
    assert html.lstrip().startswith("<!doctype html>")
    assert "nav-principal" not in html and "Cerrar sesión" not in html
    assert 'class="filtros"' not in html and 'class="migas"' not in html
    assert 'class="mz-imprimible"' in html
    raiz = dom(html)
    assert raiz.todos("h1")[0].texto.startswith("MATRIZ DE IMPLEMENTACIÓN")
    assert actividades_en(raiz) == actividades_en(dom(normal))
    assert "Filtros: Región: Puno" in html
    assert "Volver a la matriz" in html


def test_every_table_header_has_text(datos, client, sesion):
    sesion.entrar(Rol.odes)
    for consulta in ("", "&vista=imprimir", "&mes=5&region=lima"):
        raiz = _pagina(client, consulta)
        encabezados = raiz.todos("th")
        assert encabezados
        assert all(th.texto for th in encabezados), consulta
    sesion.salir()
    sesion.entrar(Rol.drtpe, LORETO)
    assert all(th.texto for th in _pagina(client).todos("th"))


def test_annex_headers_are_explained_and_excel_kept(datos, client, sesion):
    """Users of the printed annex find where each of its columns went."""
    from app.mejora_continua.exportacion.programacion import ENCABEZADOS_MATRIZ

    sesion.entrar(Rol.direccion)
    html = client.get(URL).text
    guia = html.split('class="tarjeta mz-guia"', 1)[1]
    for encabezado in ENCABEZADOS_MATRIZ:
        assert encabezado in guia
    assert client.get("/mejora-continua/matriz/excel?anio=2021").status_code == 200


def test_programme_state_and_dates_read_dd_mm_aaaa(datos, client, sesion):
    programa = _programa()
    programa.aprobado_en = datetime(2021, 1, 15, 15, 30, tzinfo=UTC)
    db.session.commit()
    sesion.entrar(Rol.revisor)
    html = client.get(URL).text
    estado = dom(html).todos("p", "mz-estado")[0].texto
    assert programa.estado.etiqueta in estado
    assert re.search(r"aprobada el 15/01/2021 \d{2}:\d{2}", estado)
    assert "None" not in html and "2021-01-15" not in html
