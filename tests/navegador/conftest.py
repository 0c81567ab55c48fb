"""Browser journeys: the real app served on loopback, driven by Playwright in Debian's Chromium.

The server runs in a thread over its own SQLite file, migrated and seeded like `make run`.
Without Chromium the journeys are skipped with a visible reason (CI installs it first: .ci/run).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTEFACTOS = Path(os.environ.get("ARTEFACTOS_DIR", "artifacts")) / "capturas"
CLAVE = "demo-convenios-2020"
#: Folder for the user guide's images (`make capturas-guia` sets it to docs/guia); unset = none.
GUIA = os.environ.get("GUIA_CAPTURAS")
#: The guide's images are cut at this height (px) to stay small.
ALTO_GUIA = 1200
#: Each guide image at a laptop's and a phone's width (issue 19): «x.jpg», «x-telefono.jpg».
ANCHOS_GUIA = (("", 1366, 900), ("-telefono", 390, 844))
#: axe-core, vendored from the npm registry (tests/navegador/vendor/README.md).
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
#: The widths every visited page is checked at: a laptop and a phone (issue 19).
ANCHOS_AXE = ((1366, 900), (390, 844))
#: Run axe on the page; answer its serious and critical violations, each with a few targets.
AXE_REVISAR = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impacto: v.impact, ayuda: v.help,
                nodos: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def pytest_collection_modifyitems(config, items):
    """Skip the journeys, saying why, when there is no browser or they already ran."""
    motivo = None
    if not Path(CHROMIUM).exists():
        motivo = f"No hay Chromium en {CHROMIUM}: instálelo con 'apt-get install chromium'."
    elif "postgresql" in (os.environ.get("TEST_DATABASE_URL") or ""):
        motivo = "Los recorridos usan su propia base SQLite: ya corren en la pasada sin PostgreSQL."
    if motivo and os.environ.get("EXIGIR_NAVEGADOR") and "Chromium" in motivo:
        raise pytest.UsageError(motivo)  # CI must run the journeys, never skip them
    if motivo:
        for item in items:
            if "navegador" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=motivo))


@pytest.fixture(scope="session")
def servidor(tmp_path_factory):
    """Serve a migrated, seeded copy of the app on a free loopback port; yield its base URL."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig
    from seed import carga
    from seed.comandos import _cargar_mejora_continua

    carpeta = tmp_path_factory.mktemp("e2e")

    class ConfigE2E(DevelopmentConfig):
        DEBUG = False
        TESTING = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{carpeta / 'e2e.db'}"
        ARCHIVOS_DIR = str(carpeta / "archivos")

    app = create_app(ConfigE2E)
    with app.app_context():
        upgrade()
        carga.cargar_catalogo()
        carga.cargar_convenios()
        carga.cargar_usuarios_demo()
        carga.cargar_periodos_demo()
        carga.cargar_anexo4_demo()
        _cargar_mejora_continua()
        db.session.commit()
    servidor = make_server("127.0.0.1", 0, app, threaded=True)
    hilo = threading.Thread(target=servidor.serve_forever, daemon=True)
    hilo.start()
    yield f"http://127.0.0.1:{servidor.server_port}"
    servidor.shutdown()


@pytest.fixture(scope="session")
def navegador():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _sin_fragmento(url: str) -> str:
    return url.split("#", 1)[0]


class Recorrido:
    """A logged-in page plus helpers to take named screenshots.

    Every page the journey visits is checked with axe-core at 1366 px and at 390 px: before the
    journey leaves it through a helper (ir, entrar, menu, captura) and, for pages it only
    passed through by clicking, by opening them again when the journey ends (`revisar_todo`).
    A serious or critical violation fails the journey.
    """

    def __init__(self, pagina, base: str, nombre: str):
        self.pagina = pagina
        self.base = base
        self.nombre = nombre
        self.numero = 0
        self.visitadas: list[str] = []
        self.revisadas: set[str] = set()
        self.violaciones: dict[str, list] = {}
        pagina.on("load", lambda: self.visitadas.append(_sin_fragmento(pagina.url)))

    def revisar_accesibilidad(self) -> None:
        """Run axe on the current page (once per address) at both widths; record violations."""
        url = _sin_fragmento(self.pagina.url)
        if not url.startswith(self.base) or url in self.revisadas:
            return
        self.revisadas.add(url)
        tamano = self.pagina.viewport_size
        try:
            # evaluate runs over DevTools, outside the page's Content-Security-Policy.
            if not self.pagina.evaluate("() => typeof axe !== 'undefined'"):
                self.pagina.evaluate(AXE)
            for ancho, alto in ANCHOS_AXE:
                self.pagina.set_viewport_size({"width": ancho, "height": alto})
                self.pagina.wait_for_timeout(250)  # js/tablas.js re-lays tables 150 ms after
                encontradas = self.pagina.evaluate(AXE_REVISAR)
                if encontradas:
                    self.violaciones[f"{url} @ {ancho}px"] = encontradas
        finally:
            # Back to the journey's width, once the page's resize handlers (menu, tables) ran.
            self.pagina.set_viewport_size(tamano)
            self.pagina.wait_for_timeout(250)

    def revisar_todo(self) -> None:
        """Check the pages visited but not yet checked (opened again), then fail on violations."""
        self.revisar_accesibilidad()
        for url in dict.fromkeys(self.visitadas):
            if url not in self.revisadas and url.startswith(self.base):
                respuesta = self.pagina.goto(url)
                if respuesta is not None and respuesta.ok:
                    self.revisar_accesibilidad()
        assert not self.violaciones, "axe: violaciones graves o críticas:\n" + "\n".join(
            f"{pagina}: {v['id']} ({v['impacto']}) {v['ayuda']} → {v['nodos']}"
            for pagina, lista in self.violaciones.items()
            for v in lista
        )

    def ir(self, ruta: str):
        self.revisar_accesibilidad()
        self.pagina.goto(self.base + ruta)
        self.revisar_accesibilidad()
        return self.pagina

    def entrar(self, email: str):
        self.ir("/login")
        self.pagina.get_by_label("Correo electrónico").fill(email)
        self.pagina.get_by_label("Contraseña").fill(CLAVE)
        self.pagina.get_by_role("button", name="Ingresar").click()
        self.pagina.wait_for_url("**/tablero")

    def menu(self, texto: str):
        """Follow a main-menu link as a user would, opening the menu and group that hold it."""
        self.revisar_accesibilidad()
        nav = self.pagina.locator("nav.nav-principal, nav[aria-label='Navegación principal']")
        # CSS, not get_by_role: a link inside a closed <details> is not in the accessibility tree.
        nombre = self.pagina.locator("a", has_text=re.compile(rf"^\s*{re.escape(texto)}\s*$"))
        enlace = nav.locator(nombre).first
        for _ in range(3):  # the phone menu, then the group
            if enlace.is_visible():
                break
            cerrado = nav.locator("details:not([open])", has=nombre).first
            if not cerrado.count():
                break
            cerrado.locator("> summary").click()
        enlace.click()
        return self.pagina

    def captura(self, titulo: str, guia: str | None = None):
        """Save a full-page PNG artifact; with `guia` and GUIA_CAPTURAS, also the guide's JPEG."""
        self.revisar_accesibilidad()
        self.numero += 1
        ARTEFACTOS.mkdir(parents=True, exist_ok=True)
        # A full-page capture of a long page on a loaded 2-core CI machine can take more than
        # the journeys' 15 s default (seen once in CI): the artefact gets a minute.
        self.pagina.screenshot(
            path=str(ARTEFACTOS / f"{self.nombre}-{self.numero:02d}-{titulo}.png"),
            full_page=True,
            timeout=60_000,
        )
        if guia and GUIA:
            self.captura_guia(guia)

    def captura_guia(self, guia: str):
        """Write the guide's JPEGs of this page at both widths, then restore the viewport."""
        Path(GUIA).mkdir(parents=True, exist_ok=True)
        original = self.pagina.viewport_size
        try:
            for sufijo, ancho, alto_vista in ANCHOS_GUIA:
                self.pagina.set_viewport_size({"width": ancho, "height": alto_vista})
                self.pagina.wait_for_timeout(150)  # let the layout settle at the new width
                alto = self.pagina.evaluate("document.documentElement.scrollHeight")
                self.pagina.screenshot(
                    path=str(Path(GUIA) / f"{guia}{sufijo}.jpg"),
                    type="jpeg",
                    quality=70,
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": ancho, "height": min(alto, ALTO_GUIA)},
                    caret="hide",
                )
        finally:
            self.pagina.set_viewport_size(original)


@pytest.fixture
def recorrido(navegador, servidor, request):
    """A fresh browser context (no cookies) for one journey."""
    contexto = navegador.new_context(viewport={"width": 1280, "height": 900}, locale="es-PE")
    pagina = contexto.new_page()
    pagina.set_default_timeout(15000)
    recorrido = Recorrido(pagina, servidor, request.node.name.removeprefix("test_"))
    yield recorrido
    try:
        if paso(request):
            recorrido.revisar_todo()
    finally:
        contexto.close()


def paso(request) -> bool:
    """Whether the journey itself passed (its failure is the one to report, not axe's)."""
    informe = getattr(request.node, "rep_call", None)
    return informe is not None and informe.passed


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, for the fixtures' teardown to read."""
    informe = yield
    setattr(item, f"rep_{informe.when}", informe)
    return informe


@pytest.fixture
def otra_sesion(navegador, servidor, request):
    """Factory of logged-in journeys for a second actor (own context, closed at the end)."""
    contextos = []
    abiertos: list[Recorrido] = []

    def abrir(email: str, sufijo: str) -> Recorrido:
        contexto = navegador.new_context(viewport={"width": 1280, "height": 900}, locale="es-PE")
        contextos.append(contexto)
        pagina = contexto.new_page()
        pagina.set_default_timeout(15000)
        nombre = request.node.name.removeprefix("test_")
        otro = Recorrido(pagina, servidor, f"{nombre}-{sufijo}")
        abiertos.append(otro)
        otro.entrar(email)
        return otro

    try:
        yield abrir
        if paso(request):
            for otro in abiertos:
                otro.revisar_todo()
    finally:
        for contexto in contextos:
            contexto.close()


def chromium_disponible() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
