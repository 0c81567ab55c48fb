"""Usability: grouped navigation per role, list search/filters/pagination, breadcrumbs, empty
states and a label for every form control on every page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.comun.roles import Rol
from app.convenios.models import Periodo
from seed.programacion import cargar_programa_demo
from tests.auth.test_permisos import _argumentos, _rutas

# --- HTML helpers ---------------------------------------------------------------------------


class _Controles(HTMLParser):
    """Collect form controls, labels, links and the main menu of a page."""

    SIN_ETIQUETA = {"hidden", "submit", "button", "reset", "image"}

    def __init__(self):
        super().__init__()
        self.controles: list[dict] = []
        self.etiquetas_for: set[str] = set()
        self.dentro_de_label = 0
        self.en_menu = 0
        self.enlaces_menu: list[tuple[str, str, bool]] = []
        self._enlace: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.dentro_de_label += 1
            if a.get("for"):
                self.etiquetas_for.add(a["for"])
        if tag == "nav" and a.get("class") == "nav-principal":
            self.en_menu = 1
        elif tag == "nav" and self.en_menu:
            self.en_menu += 1
        if tag in ("input", "select", "textarea"):
            if tag == "input" and (a.get("type") or "text") in self.SIN_ETIQUETA:
                return
            self.controles.append({**a, "_tag": tag, "_envuelto": self.dentro_de_label > 0})
        if tag == "a" and self.en_menu:
            self._enlace = {"href": a.get("href"), "actual": a.get("aria-current") == "page"}
            self._texto = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self.dentro_de_label = max(self.dentro_de_label - 1, 0)
        if tag == "nav" and self.en_menu:
            self.en_menu -= 1
        if tag == "a" and self._enlace is not None:
            e = self._enlace
            self.enlaces_menu.append((self._texto.strip(), e["href"], e["actual"]))
            self._enlace = None

    def handle_data(self, data):
        if self._enlace is not None:
            self._texto += data

    def sin_etiqueta(self) -> list[str]:
        """Controls with neither a <label> (for= or wrapping) nor an aria-label."""
        return [
            f"<{c['_tag']} name={c.get('name')!r} id={c.get('id')!r}>"
            for c in self.controles
            if not (
                c["_envuelto"]
                or c.get("aria-label")
                or c.get("aria-labelledby")
                or (c.get("id") and c["id"] in self.etiquetas_for)
            )
        ]


def _analizar(html: str) -> _Controles:
    analizador = _Controles()
    analizador.feed(html)
    return analizador


def _resultados(html: str) -> int | None:
    m = re.search(r'class="total-resultados"[^>]*>(\d+) resultados?', html)
    return int(m.group(1)) if m else None


# --- Navigation -----------------------------------------------------------------------------

MENU_POR_ROL = {
    Rol.odes: {
        "Inicio",
        "Convenios",
        "Periodos",
        "Anexo 4",
        "Anexo 5",
        "Resultados",
        "Tendencias",
        "Completitud",
        "Matriz",
        "Programación",
        "Planes de mejora",
        "Informe",
        "Catálogo",
        "Ciclos",
        "Programación de metas",
        "Reprogramaciones",
        "Usuarios",
        "Correos enviados",
    },
    Rol.drtpe: {
        "Inicio",
        "Convenios",
        "Anexo 4",
        "Resultados",
        "Tendencias",
        "Matriz",
        "Programación",
        "Planes de mejora",
        "Informe",
        "Catálogo",
        "Ciclos",
        "Programación de metas",
        "Reprogramaciones",
    },
    Rol.direccion: {
        "Inicio",
        "Convenios",
        "Anexo 4",
        "Anexo 5",
        "Resultados",
        "Tendencias",
        "Completitud",
        "Matriz",
        "Programación",
        "Planes de mejora",
        "Informe",
        "Catálogo",
        "Ciclos",
        "Programación de metas",
        "Reprogramaciones",
    },
    Rol.revisor: {
        "Inicio",
        "Convenios",
        "Anexo 5",
        "Resultados",
        "Tendencias",
        "Completitud",
        "Matriz",
        "Programación",
        "Planes de mejora",
        "Informe",
        "Catálogo",
        "Ciclos",
        "Programación de metas",
        "Reprogramaciones",
    },
}


@pytest.mark.parametrize("rol", list(Rol), ids=lambda r: r.value)
def test_menu_shows_each_role_exactly_its_destinations(client, sesion, rol):
    sesion.entrar(rol)
    respuesta = client.get("/tablero")
    menu = _analizar(respuesta.text).enlaces_menu
    assert {texto for texto, _, _ in menu} == MENU_POR_ROL[rol]
    # Every destination opens for that role (the menu never offers a page that answers 403).
    for texto, href, _ in menu:
        assert client.get(href).status_code == 200, (rol, texto, href)


def test_menu_groups_collapse_without_inline_script_and_mark_the_current_section(client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get("/convenios/periodos/nuevo").text
    assert '<details class="menu-principal"' in html and "<summary" in html
    assert 'src="/static/js/navegacion.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    actuales = [t for t, _, actual in _analizar(html).enlaces_menu if actual]
    assert actuales == ["Periodos"]
    assert '<summary class="actual">Convenios</summary>' in html
    actuales = [
        t
        for t, _, actual in _analizar(client.get("/catalogo/regiones").text).enlaces_menu
        if actual
    ]
    assert actuales == ["Catálogo"]


def test_visitors_get_no_menu(client):
    assert "nav-principal" not in client.get("/login").text


# --- Lists: search, filters, pagination, empty states ---------------------------------------


def _cuentas(bd, n: int) -> None:
    for i in range(n):
        bd.session.add(
            Usuario(
                email=f"persona{i:02d}@demo.trabajo.gob.pe",
                nombre=f"Persona de prueba {i:02d}",
                rol=Rol.revisor,
                activo=True,
                password_hash="x",
            )
        )
    bd.session.commit()


def test_users_list_searches_filters_and_pages_keeping_the_filters(client, sesion, bd):
    _cuentas(bd, 30)
    sesion.entrar(Rol.odes)
    html = client.get("/usuarios?rol=revisor").text
    total = bd.session.scalar(
        sa.select(sa.func.count()).select_from(Usuario).where(Usuario.rol == Rol.revisor)
    )
    assert _resultados(html) == total > 25
    assert 'href="/usuarios?rol=revisor&amp;page=2"' in html  # page 2 keeps the filter
    html2 = client.get("/usuarios?rol=revisor&page=2").text
    assert html2.count("<tr>") - 1 == total - 25
    assert "odes@demo" not in html2
    # Search narrows to the matching rows only.
    html = client.get("/usuarios?q=Persona+de+prueba+07").text
    assert _resultados(html) == 1 and "persona07@" in html and "persona08@" not in html
    # A page past the end shows the last page, not an empty list.
    assert "persona" in client.get("/usuarios?rol=revisor&page=99").text


def test_no_match_says_what_to_do(client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get("/usuarios?q=nadie-se-llama-asi").text
    assert "No hay resultados para «nadie-se-llama-asi»." in html
    assert "Quite filtros" in html and 'href="/usuarios"' in html


@pytest.mark.parametrize(
    ("url", "filtro", "dentro", "fuera"),
    [
        ("/convenios/periodos", "anio=2020", "II Semestre 2020", "I Semestre 2021"),
        ("/convenios/", "q=lore", "Loreto", "Puno"),
        (
            "/convenios/anexo4/resultados?periodo=2020-2",
            "q=loreto",
            "<td>Loreto</td>",
            "<td>Puno</td>",
        ),
        (
            "/convenios/anexo4/completitud?periodo=2020-2",
            "situacion=faltante",
            "<td>Tumbes</td>",
            "<td>Loreto</td>",
        ),
        ("/catalogo/regiones", "q=cuzco", None, "Loreto"),
        ("/catalogo/regiones", "q=arequioa", "Arequipa", "Loreto"),
        ("/catalogo/unidades", "q=DNCCL", "DNCCL", "DISEL"),
        ("/catalogo/indicadores", "proponente={dnccl}", "DNCCL", "DISEL"),
        ("/catalogo/funciones", "q=puno", ">Puno</a>", ">Loreto</a>"),
        ("/mejora-continua/anexo5?periodo=2020-2", "unidad=DNCCL", "DNCCL", "<td>DISEL</td>"),
        ("/mejora-continua/programas/2021", "idg=3", "DNCCL", "DISEL"),
        ("/mejora-continua/matriz", "idg=3", "Certificación de Competencias", "SOVIO"),
        ("/mejora-continua/planes", "q=Puno", "Puno", None),
        ("/informes/", "anio=2020", "II Semestre 2020", "I Semestre 2021"),
    ],
)
def test_each_list_filters_in_the_url(demo, client, sesion, bd, url, filtro, dentro, fuera):
    from app.catalogo.models import UnidadMTPE

    cargar_programa_demo()
    bd.session.commit()
    dnccl = bd.session.scalar(sa.select(UnidadMTPE.id).filter_by(sigla="DNCCL"))
    filtro = filtro.format(dnccl=dnccl)
    sesion.entrar(Rol.odes)
    todo = client.get(url)
    assert todo.status_code == 200
    separador = "&" if "?" in url else "?"
    html = client.get(f"{url}{separador}{filtro}").text
    assert 'class="filtros"' in html
    nombre, valor = filtro.split("=")
    # The filter keeps its value in the form.
    assert f'value="{valor}"' in html.replace("+", " ") or f'value="{valor}" selected' in html
    if dentro:
        assert dentro in html
    else:
        assert "No hay resultados para" in html
    if fuera:
        zona = html.split('class="filtros"', 1)[1].split("</form>", 1)[1]
        assert fuera not in zona.split("<footer")[0], (url, fuera)


def test_semester_list_pages_when_rows_exceed_the_page(client, sesion, bd):
    for anio in range(1990, 2005):
        for semestre in (1, 2):
            bd.session.add(Periodo(anio=anio, semestre=semestre, abierto=False))
    bd.session.commit()
    sesion.entrar(Rol.odes)
    html = client.get("/convenios/periodos?estado=cerrado").text
    assert 'href="/convenios/periodos?estado=cerrado&amp;page=2"' in html
    assert "Página 1 de 2" in html
    assert "Página 2 de 2" in client.get("/convenios/periodos?estado=cerrado&page=2").text


def test_empty_lists_tell_what_to_do_with_the_right_button(client, sesion, bd):
    sesion.entrar(Rol.odes)
    html = client.get("/convenios/periodos").text
    assert "Aún no hay periodos de reporte" in html
    assert 'class="boton" href="/convenios/periodos/nuevo"' in html
    html = client.get("/mejora-continua/planes").text
    assert "Aún no hay planes de mejora registrados" in html
    assert 'href="/mejora-continua/planes/nuevo"' in html
    sesion.salir()
    sesion.entrar(Rol.revisor)
    html = client.get("/mejora-continua/planes").text
    assert "Aún no hay planes de mejora registrados" in html
    assert 'href="/mejora-continua/planes/nuevo"' not in html


def test_drtpe_lists_stay_scoped_to_their_region(demo, client, sesion, bd):
    sesion.entrar(Rol.drtpe)
    puno = bd.session.scalar(sa.select(Region).filter_by(codigo="puno"))
    html = client.get(f"/convenios/?region={puno.id}&q=puno").text
    assert "Loreto" in html and ">Puno</a>" not in html
    html = client.get("/convenios/anexo4?periodo=2020-2&q=puno").text
    assert "DRTPE Puno" not in html


# --- Dashboard ------------------------------------------------------------------------------


def test_dashboard_pending_per_role(demo, client, sesion, bd):
    cargar_programa_demo()
    bd.session.commit()
    sesion.entrar(Rol.odes)
    html = client.get("/tablero").text
    assert "Regiones con el Anexo 4 atrasado" in html
    sesion.salir()
    sesion.entrar(Rol.drtpe)
    html = client.get("/tablero").text
    assert "Anexo 4 por presentar" in html and "vence el 31/07/2021" in html
    sesion.salir()
    sesion.entrar(Rol.direccion)
    html = client.get("/tablero").text
    assert "Evaluaciones por presentar (Anexo 5)" in html and "Actividades de DNCCL" in html
    sesion.salir()
    sesion.entrar(Rol.revisor)
    html = client.get("/tablero").text
    assert "Último informe publicado" in html


# --- Every page: breadcrumbs and labels -----------------------------------------------------

#: Top-level pages: no breadcrumb trail needed.
SIN_MIGAS = {"main.tablero", "auth.login", "static"}


@pytest.mark.parametrize("rol", list(Rol), ids=lambda r: r.value)
def test_every_page_has_breadcrumbs_and_labelled_controls(app, client, sesion, bd, rol):
    sesion.entrar(rol)
    argumentos = _argumentos(bd)
    faltan_migas, sin_etiqueta, revisados = [], {}, 0
    for regla, metodo in _rutas(app):
        if metodo != "GET" or regla.endpoint == "static":
            continue
        url = app.url_for(regla.endpoint, **{a: argumentos[a] for a in regla.arguments})
        respuesta = client.get(url)
        if respuesta.status_code != 200 or not respuesta.mimetype == "text/html":
            continue
        html = respuesta.text
        if regla.endpoint not in SIN_MIGAS and 'class="migas"' not in html:
            faltan_migas.append(regla.endpoint)
        controles = _analizar(html)
        revisados += len(controles.controles)
        if malos := controles.sin_etiqueta():
            sin_etiqueta[regla.endpoint] = malos
    assert not faltan_migas, f"páginas sin migas de pan: {faltan_migas}"
    assert not sin_etiqueta, f"controles sin etiqueta: {sin_etiqueta}"
    assert revisados > 20  # the walk really reached pages with forms


@pytest.mark.parametrize(
    "url",
    [
        "/convenios/periodos?anio={n}",
        "/convenios/?region={n}",
        "/informes/?anio={n}",
        "/publicaciones?anio={n}",
        "/mejora-continua/planes?region={n}",
    ],
)
@pytest.mark.parametrize("valor", ["99999999999999999999", "-3", "²", " 12 "])
def test_numeric_filters_ignore_what_is_not_an_id(client, sesion, url, valor):
    """A numeric filter that is no id (huge, negative, a superscript) is ignored, never a 500."""
    sesion.entrar(Rol.odes)
    assert client.get(url.format(n=valor)).status_code == 200


def test_templates_carry_no_inline_styles_or_scripts():
    """The CSP (style-src/script-src 'self') would silently drop inline styles and scripts."""
    import re
    from pathlib import Path

    raiz = Path(__file__).resolve().parent.parent / "app"
    culpables = []
    for plantilla in raiz.rglob("templates/**/*.html"):
        texto = plantilla.read_text(encoding="utf-8")
        if re.search(r"\sstyle\s*=|<style\b|<script(?![^>]*\bsrc=)[^>]*>", texto):
            culpables.append(str(plantilla.relative_to(raiz)))
    assert culpables == []
