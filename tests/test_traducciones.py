"""Every UI string goes through Flask-Babel: templates, flash messages and form labels.

The scans fail listing file:line for whatever was left as a plain literal; the behaviour test
installs a pseudo-translation and checks that the marked strings really come out translated.
"""

from __future__ import annotations

import ast
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import NullTranslations

from app.comun.roles import Rol

RAIZ = Path(__file__).resolve().parents[1]
APP = RAIZ / "app"
PLANTILLAS = sorted(APP.glob("**/templates/**/*.html"))
MODULOS = sorted(p for p in APP.glob("**/*.py"))

#: Text allowed without marking (symbols are always allowed; this is for real words only).
PERMITIDOS: set[str] = set()
#: Attributes whose value the user reads (tooltips, alternative text, screen readers, hints).
ATRIBUTOS = {"title", "alt", "aria-label", "placeholder"}
MARCADOR = "\x00"
LETRA = re.compile(r"[^\W\d_]")


def _esqueleto(app, fuente: str) -> str:
    """The template's literal text with every Jinja construct replaced by a marker.

    Line numbers are kept, so the HTML parser reports the template's own lines. Text inside
    `{% trans %}…{% endtrans %}` counts as marked.
    """
    partes: list[str] = []
    linea = 1
    en_trans = False
    previo = None
    for numero, tipo, valor in app.jinja_env.lex(fuente):
        if numero > linea:
            partes.append("\n" * (numero - linea))
            linea = numero
        if tipo == "data":
            if not en_trans:
                partes.append(valor)
            else:
                partes.append("\n" * valor.count("\n"))
            linea += valor.count("\n")
        elif tipo == "variable_begin":
            partes.append(MARCADOR)
        elif tipo in ("block_begin", "comment_begin"):
            partes.append(" ")
        elif tipo == "name" and previo == "block_begin":
            if valor in ("trans", "pluralize"):
                en_trans = True
            elif valor == "endtrans":
                en_trans = False
        if tipo != "whitespace":
            previo = tipo
    return "".join(partes)


class _Revisor(HTMLParser):
    """Collect visible text and user-facing attribute values that contain letters."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hallazgos: list[tuple[int, str]] = []
        self._pila: list[str] = []

    def _revisar(self, texto: str, donde: str = "") -> None:
        limpio = texto.replace(MARCADOR, " ").strip()
        if LETRA.search(limpio) and limpio not in PERMITIDOS:
            self.hallazgos.append((self.getpos()[0], f"{donde}{limpio[:70]!r}"))

    def handle_starttag(self, tag, attrs):
        valores = dict(attrs)
        for nombre, valor in attrs:
            if valor is None:
                continue
            if nombre in ATRIBUTOS:
                self._revisar(valor, f"<{tag} {nombre}> ")
            elif nombre == "value" and tag == "input":
                # The value of a submit/reset button is its visible caption.
                if (valores.get("type") or "").lower() in ("submit", "button", "reset"):
                    self._revisar(valor, f"<{tag} value> ")
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self._pila.append(tag)

    def handle_endtag(self, tag):
        while self._pila:
            if self._pila.pop() == tag:
                break

    def handle_data(self, data):
        if self._pila and self._pila[-1] in ("script", "style"):
            return
        self._revisar(html.unescape(data))


def _sin_marcar(app, ruta: Path) -> list[str]:
    revisor = _Revisor()
    revisor.feed(_esqueleto(app, ruta.read_text(encoding="utf-8")))
    revisor.close()
    relativa = ruta.relative_to(RAIZ)
    return [f"{relativa}:{linea}: {texto}" for linea, texto in revisor.hallazgos]


def test_hay_plantillas():
    """The glob finds the templates (a moved folder must not make the scan vacuous)."""
    assert len(PLANTILLAS) >= 50


@pytest.mark.parametrize("ruta", PLANTILLAS, ids=lambda p: str(p.relative_to(APP)))
def test_plantillas_sin_texto_sin_marcar(app, ruta):
    """No visible text or user-facing attribute in a template escapes `_()`/`ngettext()`."""
    hallazgos = _sin_marcar(app, ruta)
    assert not hallazgos, "Texto sin marcar para traducción:\n" + "\n".join(hallazgos)


#: String literals inside Jinja expressions that are not UI text (matched against details).
CADENAS_NO_UI = {"browser (or proxy)", "PEN"}
LLAMADAS_GETTEXT = {"_", "gettext", "ngettext"}


def _cadenas_sin_marcar(app, fuente: str) -> list[tuple[int, str]]:
    """String literals in `{{ }}`/`{% %}` that read like UI text and are not a gettext message.

    Heuristic: a literal with a space, an accented letter or a capital first letter counts as
    text; literals inside url_for()/filter arguments, compared with ==/!=/in, or in
    extends/import statements are code.
    """
    hallazgos = []
    pila: list[tuple[str, bool]] = []
    previos: list[tuple[str, str]] = []
    sentencia = None
    for numero, tipo, valor in app.jinja_env.lex(fuente):
        if tipo == "whitespace":
            continue
        if tipo in ("variable_begin", "block_begin"):
            pila, previos, sentencia = [], [], None
            if tipo == "block_begin":
                sentencia = ""
            continue
        if tipo == "name" and sentencia == "":
            sentencia = valor
        if tipo == "operator" and valor in "([{":
            nombre = previos[-1][1] if previos and previos[-1][0] == "name" else ""
            filtro = len(previos) >= 2 and previos[-2][1] == "|" and valor == "("
            # `x in ('a', 'b')`: a tuple of codes to compare with
            comparado = bool(previos) and previos[-1][1] in ("in", "==", "!=")
            pila.append((nombre if valor == "(" else "", filtro or comparado))
        elif tipo == "operator" and valor in ")]}":
            if pila:
                pila.pop()
        elif tipo == "string":
            texto = valor[1:-1]
            parece_texto = LETRA.search(texto) and (
                re.search(r"\s", texto)
                or texto[:1].isupper()
                or re.search(r"[áéíóúñÁÉÍÓÚÑ¿¡]", texto)
            )
            codigo = (
                sentencia in ("extends", "include", "import", "from")
                or any(nombre == "url_for" or filtro for nombre, filtro in pila)
                or (previos and previos[-1][1] in ("==", "!=", "in", "not"))
                or texto in CADENAS_NO_UI
            )
            mensaje = (
                len(previos) >= 2 and previos[-1][1] == "(" and previos[-2][1] in LLAMADAS_GETTEXT
            ) or (pila and pila[-1][0] == "ngettext" and previos[-1][1] == ",")
            if parece_texto and not codigo and not mensaje:
                hallazgos.append((numero, texto))
        previos.append((tipo, valor))
    return hallazgos


@pytest.mark.parametrize("ruta", PLANTILLAS, ids=lambda p: str(p.relative_to(APP)))
def test_plantillas_sin_cadenas_visibles_sin_marcar(app, ruta):
    """Text written as a string in a Jinja expression (breadcrumbs, `'a' if x else 'b'`)."""
    hallazgos = [
        f"{ruta.relative_to(RAIZ)}:{linea}: {texto!r}"
        for linea, texto in _cadenas_sin_marcar(app, ruta.read_text(encoding="utf-8"))
    ]
    assert not hallazgos, "Cadenas sin marcar para traducción:\n" + "\n".join(hallazgos)


def test_el_escaneo_detecta_cadenas_sin_marcar(app):
    """Breadcrumb labels and conditional texts are flagged; codes and messages are not."""
    fuente = (
        "{% extends 'base.html' %}{{ migas([('Inicio', url_for('main.tablero'))]) }}"
        "{{ 'Sí' if x else _('No') }}{% if rol == 'Odes' or t in ('Hidden', 'Otro') %}{% endif %}"
        "{{ ngettext('%(num)s día', '%(num)s días', n) }}{{ x|replace('_', ' ') }}"
    )
    assert [t for _n, t in _cadenas_sin_marcar(app, fuente)] == ["Inicio", "Sí"]


def test_el_escaneo_detecta_texto_sin_marcar(app, tmp_path):
    """The scanner itself flags plain text, attributes and button values, and accepts _()."""
    ruta = RAIZ / "app" / "templates" / "_prueba_no_existe.html"
    fuente = (
        "{% block x %}<h1>Título</h1><a title=\"Ver {{ x }}\">{{ _('Ir') }}</a>"
        '<input type="submit" value="Guardar"><img alt="{{ _(\'Logo\') }}">'
        "<p>{{ n }} · — ({{ m }})</p>{# Comentario #}<span>&nbsp;</span>{% endblock %}"
    )
    esqueleto = _esqueleto(app, fuente)
    revisor = _Revisor()
    revisor.feed(esqueleto)
    textos = [t for _linea, t in revisor.hallazgos]
    assert textos == ["'Título'", "<a title> 'Ver'", "<input value> 'Guardar'"], ruta


# --- Python: flash() and WTForms labels ---

CAMPOS_WTFORMS = {
    "BooleanField",
    "CampoNumerico",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "FileField",
    "FloatField",
    "IntegerField",
    "MultipleFileField",
    "PasswordField",
    "RadioField",
    "SelectField",
    "SelectMultipleField",
    "StringField",
    "SubmitField",
    "TextAreaField",
    "TimeField",
}


def _es_literal(nodo: ast.AST) -> bool:
    """A plain string, an f-string or a concatenation that contains one."""
    if isinstance(nodo, ast.Constant):
        return isinstance(nodo.value, str) and bool(LETRA.search(nodo.value))
    if isinstance(nodo, ast.JoinedStr):
        return True
    if isinstance(nodo, ast.BinOp) and isinstance(nodo.op, ast.Add):
        return _es_literal(nodo.left) or _es_literal(nodo.right)
    return False


def _nombre(funcion: ast.AST) -> str:
    if isinstance(funcion, ast.Name):
        return funcion.id
    if isinstance(funcion, ast.Attribute):
        return funcion.attr
    return ""


def _literales_sin_marcar(ruta: Path) -> list[str]:
    arbol = ast.parse(ruta.read_text(encoding="utf-8"))
    hallazgos = []
    for nodo in ast.walk(arbol):
        if not isinstance(nodo, ast.Call):
            continue
        nombre = _nombre(nodo.func)
        if nombre == "flash" and nodo.args and _es_literal(nodo.args[0]):
            hallazgos.append(f"{ruta.relative_to(RAIZ)}:{nodo.lineno}: flash() con literal")
        elif nombre in CAMPOS_WTFORMS:
            etiquetas = list(nodo.args[:1]) + [
                k.value for k in nodo.keywords if k.arg in ("label", "description")
            ]
            if any(_es_literal(e) for e in etiquetas):
                hallazgos.append(f"{ruta.relative_to(RAIZ)}:{nodo.lineno}: {nombre} con literal")
    return hallazgos


def test_python_sin_flash_ni_etiquetas_literales():
    """flash() messages and WTForms labels/descriptions go through gettext/lazy_gettext."""
    hallazgos = [h for ruta in MODULOS for h in _literales_sin_marcar(ruta)]
    assert not hallazgos, "Mensajes sin marcar para traducción:\n" + "\n".join(hallazgos)


def test_el_escaneo_python_detecta_literales(tmp_path):
    """The AST scan flags literal flash() messages and labels, and accepts _()/_l()."""
    ruta = RAIZ / "app" / "_prueba.py"
    codigo = (
        "flash('Hola', 'exito')\nflash(f'Hola {x}')\nflash(_('Hola'))\n"
        "a = StringField('Nombre')\nb = StringField(_l('Nombre'), description='Ayuda')\n"
        "c = SelectField(_l('Rol'))\n"
    )
    arbol = ast.parse(codigo)
    lineas = sorted(
        n.lineno
        for n in ast.walk(arbol)
        if isinstance(n, ast.Call)
        and (
            (_nombre(n.func) == "flash" and _es_literal(n.args[0]))
            or (
                _nombre(n.func) in CAMPOS_WTFORMS
                and any(
                    _es_literal(e)
                    for e in list(n.args[:1])
                    + [k.value for k in n.keywords if k.arg in ("label", "description")]
                )
            )
        )
    )
    assert lineas == [1, 2, 4, 5], ruta


# --- Behaviour: the marks are wired to Flask-Babel ---


class _Seudo(NullTranslations):
    """A pseudo-translation: every message comes back between ⟦ and ⟧."""

    def gettext(self, message):
        return f"⟦{message}⟧"

    def ngettext(self, singular, plural, n):
        return f"⟦{singular if n == 1 else plural}⟧"

    ugettext = gettext
    ungettext = ngettext


@pytest.fixture
def seudotraduccion(monkeypatch):
    """Install the pseudo-translation for templates (Jinja i18n) and Python (gettext/_l)."""
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: _Seudo())


def test_login_sale_traducido(client, seudotraduccion):
    """The login page's title, button and form labels come from the translation catalogue."""
    texto = client.get("/login").get_data(as_text=True)
    assert "⟦Iniciar sesión⟧" in texto
    assert "⟦Ingresar⟧" in texto
    assert "⟦Correo electrónico⟧" in texto  # lazy_gettext form label


def test_lista_y_flash_salen_traducidos(client, sesion, seudotraduccion):
    """A list page (and the layout) and a flash message come out translated."""
    sesion.entrar(Rol.odes)
    texto = client.get("/convenios/").get_data(as_text=True)
    assert "⟦Cerrar sesión⟧" in texto
    assert "⟦Convenios⟧" in texto
    respuesta = client.post("/logout", follow_redirects=True)
    assert "⟦Sesión cerrada.⟧" in respuesta.get_data(as_text=True)


def test_etiquetas_de_estados_y_roles_salen_traducidas(client, sesion, seudotraduccion):
    """The labels of states and roles (enumerations in the models) are translated where shown."""
    sesion.entrar(Rol.odes)
    texto = client.get("/convenios/").get_data(as_text=True)
    assert "⟦Suscrito⟧" in texto  # EstadoConvenio.etiqueta in the list
    assert "⟦Coordinador/a ODES⟧" in texto  # Rol.etiqueta in the header


def test_sin_traduccion_el_texto_es_el_original(client):
    """With no catalogue (es_PE source strings) the page shows the Spanish text unchanged."""
    texto = client.get("/login").get_data(as_text=True)
    assert "Iniciar sesión" in texto and "⟦" not in texto


def test_servicios_funcionan_fuera_de_una_peticion():
    """gettext outside any app context (CLI, scripts) returns the Spanish source string."""
    assert flask_babel.gettext("Hay %(n)s errores.", n=2) == "Hay 2 errores."
    assert str(flask_babel.lazy_gettext("Sesión cerrada.")) == "Sesión cerrada."


# --- Extraction ---

PALABRAS = {
    "_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "N_": None,  # the labels of the domain's enumerations (app/comun/i18n.py)
}


def test_extraccion_del_catalogo():
    """babel.cfg's extractors (as `make traducciones` runs them over app/) find the marked
    strings of templates, routes and forms."""
    with (RAIZ / "babel.cfg").open(encoding="utf-8") as archivo:
        metodos, opciones = parse_mapping_cfg(archivo)
    assert {m for _patron, m in metodos} == {"python", "jinja2"}
    mensajes = set()
    for _archivo, _linea, mensaje, _comentarios, _contexto in extract_from_dir(
        str(APP), metodos, opciones, keywords=PALABRAS
    ):
        mensajes.add(mensaje if isinstance(mensaje, str) else mensaje[0])
    assert "Cerrar sesión" in mensajes  # base.html
    assert "Correo electrónico" in mensajes  # auth/forms.py (lazy_gettext)
    assert "Sesión cerrada." in mensajes  # auth/routes.py (flash)
    assert "Pendiente de suscripción" in mensajes  # convenios/models.py (N_, an enum label)
    assert "Reprogramada" in mensajes  # mejora_continua/models/programacion.py
    assert len(mensajes) > 800
