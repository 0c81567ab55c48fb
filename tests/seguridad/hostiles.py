"""Helpers of the hostile-input tests: strategies, a form reader and a database snapshot."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from app.extensions import db

AJUSTES = settings(
    max_examples=6,
    deadline=None,
    database=None,
    # No shrinking: a failure is reported at once with the drawn values.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: The text every export must render literally.
HOSTIL_EXPORTE = (
    "<script>alert(1)</script> & <font color=red>x</font> <para> \u200f\u202eabc\u202c 😀 "
    + "y" * 2000
)
HOSTILES = [
    "<script>alert(1)</script>",
    "Tom & Jerry <b>",
    "<b>sin cerrar",
    '<font color="red">x</font><para>y</para>',
    "</para><para>",
    "&amp; &lt; &#0; &bogus;",
    '=HYPERLINK("http://x")',
    "+1-2",
    "@SUM(A1)",
    "\u202eevil\u202c 😀",
    "\u200fנתון\u200f",
    "🇵🇪👩🏽‍💻",
    "x" * 5000,
    ("<b>" + "ñ" * 300 + "</b>") * 3,
    "'; DROP TABLE convenio; --",
    "   ",
    "\x00nul",
    "línea 1\r\nlínea 2\n\n",
]
#: Text without surrogates (a browser can't send them in a form).
texto = st.one_of(
    st.sampled_from(HOSTILES),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=190, max_size=320),
)
NUMEROS = [
    "-1",
    "-0",
    "0",
    "-99999999999",
    "99999999999999999999999999999999",
    "1e400",
    "1E-400",
    "NaN",
    "inf",
    "-Infinity",
    "1,5",
    "1.234,56",
    "12 345",
    "0x10",
    "١٢",
    "½",
    "1_000",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "12.345678",
]
numero = st.one_of(
    st.sampled_from(NUMEROS),
    st.integers(-(10**12), 10**12).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    texto,
)
FECHAS = [
    "2020-02-30",
    "31/12/2020",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2020-13-01",
    "-2020-01-01",
    "2020-1-1",
    "",
]
fecha = st.one_of(st.sampled_from(FECHAS), st.dates().map(date.isoformat), texto)
IDS = ["0", "-1", "999999", "2147483648", str(10**20), "abc", "1.5", ""]

#: Default English messages of WTForms/Werkzeug that must never reach a Spanish user.
INGLES = re.compile(
    r"Not a valid|This field|Field must|Invalid (value|choice|Choice)|is required|"
    r"must be|Bad Request|Internal Server Error|Not Found",
)

CAMPOS_NUMERICOS = re.compile(
    r"(^|[-_])(anio|numero|orden|participantes|programado|ejecutado|costo_unitario|cantidad|"
    r"total_declarado|version)$|^meta-\d+$"
)


@dataclass
class Campo:
    """One control of an HTML form."""

    nombre: str
    tipo: str  # text, textarea, hidden, checkbox, radio, select, date, number, file, ...
    valor: str = ""
    marcado: bool = False
    opciones: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Formulario:
    """An HTML form: where it posts and its controls."""

    accion: str
    campos: list[Campo] = field(default_factory=list)


class _Lector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formularios: list[Formulario] = []
        self._form: Formulario | None = None
        self._select: Campo | None = None
        self._area: Campo | None = None
        self.errores: list[str] = []
        self._error: list[str] | None = None
        self._profundidad = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        clases = (a.get("class") or "").split()
        if self._error is not None:
            self._profundidad += 1
        elif {"error-campo", "aviso-error", "error-pagina"} & set(clases):
            self._error, self._profundidad = [], 1
        if tag == "form":
            self._form = Formulario(a.get("action") or "")
            self.formularios.append(self._form)
            return
        if tag == "option" and self._select is not None:
            valor = a.get("value", "")
            self._select.opciones.append(valor)
            if "selected" in a:
                if self._select.multiple:
                    self._select.valor += ("\n" if self._select.valor else "") + valor
                else:
                    self._select.valor = valor
                self._select.marcado = True
            return
        if self._form is None or not a.get("name") or "disabled" in a:
            return
        if tag == "input":
            tipo = (a.get("type") or "text").lower()
            if tipo in ("submit", "button", "reset", "image"):
                return
            self._form.campos.append(Campo(a["name"], tipo, a.get("value") or "", "checked" in a))
        elif tag == "textarea":
            self._area = Campo(a["name"], "textarea")
            self._form.campos.append(self._area)
        elif tag == "select":
            self._select = Campo(a["name"], "select", multiple="multiple" in a)
            self._form.campos.append(self._select)

    def handle_endtag(self, tag):
        if self._error is not None:
            self._profundidad -= 1
            if self._profundidad <= 0:
                self.errores.append(" ".join("".join(self._error).split()))
                self._error = None
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._area = None
        elif tag == "select":
            if self._select is not None and not self._select.marcado and self._select.opciones:
                if not self._select.multiple:
                    self._select.valor = self._select.opciones[0]
            self._select = None

    def handle_data(self, data):
        if self._error is not None:
            self._error.append(data)
        if self._area is not None:
            self._area.valor += data


def leer_html(html: str) -> _Lector:
    """Parse a page: its forms and the error messages it shows."""
    lector = _Lector()
    lector.feed(html)
    lector.close()
    for formulario in lector.formularios:
        for campo in formulario.campos:
            if campo.tipo == "textarea":
                # WTForms writes a line break after the tag, which a browser drops.
                campo.valor = campo.valor.removeprefix("\r\n").removeprefix("\n")
    return lector


def formulario(html: str, accion: str, pagina: str) -> Formulario:
    """The form of a page that posts to accion (a path; an empty action posts to the page)."""
    for f in leer_html(html).formularios:
        if (urlsplit(f.accion).path or urlsplit(pagina).path) == accion:
            return f
    raise AssertionError(f"la página no tiene un formulario que envíe a {accion}")


def estrategia(campo: Campo, otros_ids: list[str]):
    """What a hostile user may type in a control (half of the time: its current value)."""
    nombre = campo.nombre
    if nombre == "csrf_token" or campo.tipo == "file":
        return st.just(campo.valor)
    if campo.tipo in ("checkbox", "radio"):
        return st.sampled_from([campo.valor or "y", None])
    if campo.tipo == "select":
        validas = list(campo.opciones) or [""]
        hostil = st.sampled_from(IDS + otros_ids)
        if campo.multiple:
            return st.lists(st.one_of(st.sampled_from(validas), hostil), max_size=4)
        return st.one_of(st.sampled_from(validas), hostil)
    if campo.tipo == "date":
        hostil = fecha
    elif campo.tipo == "number" or CAMPOS_NUMERICOS.search(nombre):
        hostil = numero
    elif campo.tipo == "hidden":
        hostil = st.one_of(st.sampled_from(IDS), texto)
    else:
        hostil = texto
    return st.one_of(st.just(campo.valor), hostil)


# --- Database snapshot ---------------------------------------------------------------------


def foto() -> dict[str, Counter]:
    """Every table's rows (as tuples), to tell what a request changed."""
    db.session.expire_all()
    with db.engine.connect() as conexion:
        return {
            tabla.name: Counter(
                tuple(_congelar(v) for v in fila) for fila in conexion.execute(tabla.select())
            )
            for tabla in db.metadata.sorted_tables
        }


def _congelar(valor):
    """Make JSON values hashable (dicts become sorted tuples of pairs)."""
    if isinstance(valor, dict):
        return tuple(sorted((k, _congelar(v)) for k, v in valor.items()))
    if isinstance(valor, list):
        return tuple(_congelar(v) for v in valor)
    return valor


def filas_nuevas(antes: dict[str, Counter], despues: dict[str, Counter]):
    """(table, row) pairs present after and not before (inserted or changed)."""
    for nombre, filas in despues.items():
        for fila in filas - antes.get(nombre, Counter()):
            yield db.metadata.tables[nombre], fila


def _cadenas(valor):
    if isinstance(valor, str):
        yield valor
    elif isinstance(valor, dict):
        for v in valor.values():
            yield from _cadenas(v)
    elif isinstance(valor, list | tuple):
        for v in valor:
            yield from _cadenas(v)


def cadenas(despues: dict[str, Counter]) -> set[str]:
    """Every text value stored anywhere (JSON columns included)."""
    return {c for filas in despues.values() for fila in filas for c in _cadenas(fila)}


def fuera_de_columna(antes, despues) -> list[str]:
    """Stored values that PostgreSQL would refuse: too long, too many digits, int overflow."""
    problemas = []
    for tabla, fila in filas_nuevas(antes, despues):
        for columna, valor in zip(tabla.columns, fila, strict=True):
            tipo = columna.type
            if valor is None:
                continue
            if isinstance(tipo, sa.Enum):
                continue
            if isinstance(tipo, sa.String) and tipo.length and len(valor) > tipo.length:
                problemas.append(f"{tabla.name}.{columna.name}: {len(valor)} > {tipo.length}")
            elif isinstance(tipo, sa.Numeric) and not isinstance(tipo, sa.Float):
                if tipo.precision and abs(Decimal(valor)) >= Decimal(10) ** (
                    tipo.precision - (tipo.scale or 0)
                ):
                    problemas.append(f"{tabla.name}.{columna.name}: {valor}")
            elif isinstance(tipo, sa.Integer) and not isinstance(valor, bool):
                limite = 2**63 if isinstance(tipo, sa.BigInteger) else 2**31
                if not -limite <= valor < limite:
                    problemas.append(f"{tabla.name}.{columna.name}: {valor}")
            elif isinstance(tipo, sa.Date) and not 1 <= valor.year <= 9999:
                problemas.append(f"{tabla.name}.{columna.name}: {valor}")
    return problemas


def ecos(valor: str) -> set[str]:
    """The forms in which the app may store a typed text (it trims, collapses, lowercases)."""
    unido = valor.replace("\r\n", "\n").replace("\r", "\n")
    return {
        valor,
        valor.strip(),
        unido.strip(),
        " ".join(valor.split()),
        valor.strip().lower(),
    }
