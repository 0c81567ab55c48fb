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
#: The guide's images are cut at this height (px) to stay small; the viewport is 1280 wide.
ALTO_GUIA = 1200


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


class Recorrido:
    """A logged-in page plus helpers to take named screenshots."""

    def __init__(self, pagina, base: str, nombre: str):
        self.pagina = pagina
        self.base = base
        self.nombre = nombre
        self.numero = 0

    def ir(self, ruta: str):
        self.pagina.goto(self.base + ruta)
        return self.pagina

    def entrar(self, email: str):
        self.ir("/login")
        self.pagina.get_by_label("Correo electrónico").fill(email)
        self.pagina.get_by_label("Contraseña").fill(CLAVE)
        self.pagina.get_by_role("button", name="Ingresar").click()
        self.pagina.wait_for_url("**/tablero")

    def menu(self, texto: str):
        """Follow a main-menu link as a user would, opening the menu and group that hold it."""
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
        self.numero += 1
        ARTEFACTOS.mkdir(parents=True, exist_ok=True)
        self.pagina.screenshot(
            path=str(ARTEFACTOS / f"{self.nombre}-{self.numero:02d}-{titulo}.png"), full_page=True
        )
        if guia and GUIA:
            Path(GUIA).mkdir(parents=True, exist_ok=True)
            ancho = self.pagina.viewport_size["width"]
            alto = self.pagina.evaluate("document.documentElement.scrollHeight")
            self.pagina.screenshot(
                path=str(Path(GUIA) / f"{guia}.jpg"),
                type="jpeg",
                quality=70,
                full_page=True,
                clip={"x": 0, "y": 0, "width": ancho, "height": min(alto, ALTO_GUIA)},
                caret="hide",
            )


@pytest.fixture
def recorrido(navegador, servidor, request):
    """A fresh browser context (no cookies) for one journey."""
    contexto = navegador.new_context(viewport={"width": 1280, "height": 900}, locale="es-PE")
    pagina = contexto.new_page()
    pagina.set_default_timeout(15000)
    yield Recorrido(pagina, servidor, request.node.name.removeprefix("test_"))
    contexto.close()


@pytest.fixture
def otra_sesion(navegador, servidor, request):
    """Factory of logged-in journeys for a second actor (own context, closed at the end)."""
    contextos = []

    def abrir(email: str, sufijo: str) -> Recorrido:
        contexto = navegador.new_context(viewport={"width": 1280, "height": 900}, locale="es-PE")
        contextos.append(contexto)
        pagina = contexto.new_page()
        pagina.set_default_timeout(15000)
        nombre = request.node.name.removeprefix("test_")
        otro = Recorrido(pagina, servidor, f"{nombre}-{sufijo}")
        otro.entrar(email)
        return otro

    yield abrir
    for contexto in contextos:
        contexto.close()


def chromium_disponible() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
