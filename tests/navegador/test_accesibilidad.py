"""Keyboard-only use with visible focus, and the phone layout (390 × 844) of the DRTPE pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.navegador.conftest import CLAVE, Recorrido

LORETO = "drtpe.loreto@demo.trabajo.gob.pe"

#: What the focused element looks like: tag, text, whether :focus-visible applies, its ring.
FOCO = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const detalles = e.tagName === 'SUMMARY' ? e.parentElement : null;
  return {
    tag: e.tagName, texto: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),
    focoVisible: e.matches(':focus-visible'),
    anillo: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
    enMain: !!e.closest('main'), cerrado: !!detalles && !detalles.open,
  };
}"""

#: Horizontal overflow of the page (0 = no sideways scroll).
DESBORDE = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def _tab(pagina) -> dict:
    pagina.keyboard.press("Tab")
    foco = pagina.evaluate(FOCO)
    assert foco["focoVisible"] and foco["anillo"], f"foco sin indicador visible: {foco}"
    return foco


def test_keyboard_only_login_skip_link_visible_focus_and_menu(recorrido):
    pagina = recorrido.pagina
    recorrido.ir("/login")
    # Login with the keyboard: the e-mail field has the focus, Tab to the password, Enter.
    assert pagina.evaluate("() => document.activeElement.type") == "email"
    pagina.keyboard.type("odes@demo.trabajo.gob.pe")
    assert _tab(pagina)["tag"] == "INPUT"
    pagina.keyboard.type(CLAVE)
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/tablero")

    # The skip link comes first, shows its focus ring and jumps over the menu.
    foco = _tab(pagina)
    assert foco["tag"] == "A" and foco["texto"] == "Saltar al contenido", foco
    expect(pagina.get_by_role("link", name="Saltar al contenido")).to_be_in_viewport()
    recorrido.captura("saltar-al-contenido")
    pagina.keyboard.press("Enter")
    assert pagina.url.endswith("#contenido")
    assert _tab(pagina)["enMain"], "tras «Saltar al contenido» el foco sigue en el menú"

    # Back at the top: Tab through the menu (every stop shows its ring), open the group that
    # holds «Anexo 4» with Enter and follow the link.
    recorrido.ir("/tablero")
    for _ in range(40):
        foco = _tab(pagina)
        if foco["tag"] == "SUMMARY" and foco["cerrado"]:
            grupo = pagina.evaluate("() => document.activeElement.parentElement.textContent")
            if "Anexo 4" in grupo:
                pagina.keyboard.press("Enter")
        elif foco["tag"] == "A" and foco["texto"] == "Anexo 4":
            recorrido.captura("menu-teclado")
            pagina.keyboard.press("Enter")
            break
        assert not foco["enMain"], "se llegó al contenido sin pasar por «Anexo 4» en el menú"
    else:
        raise AssertionError("«Anexo 4» no se alcanza con Tab desde el menú")
    expect(pagina).to_have_url(re.compile(r"/convenios/anexo4"))


def _destinos_del_menu(recorrido) -> list[tuple[str, str]]:
    """(text, href) of every main-menu link, hidden or not."""
    return recorrido.pagina.evaluate(
        """() => Array.from(document.querySelectorAll('header nav a'))
              .map(a => [a.innerText.trim() || a.textContent.trim(), a.getAttribute('href')])"""
    )


def test_phone_layout_has_no_sideways_scroll_and_every_menu_entry_is_reachable(navegador, servidor):
    contexto = navegador.new_context(
        viewport={"width": 390, "height": 844}, locale="es-PE", is_mobile=True, has_touch=True
    )
    try:
        pagina = contexto.new_page()
        pagina.set_default_timeout(15000)
        recorrido = Recorrido(pagina, servidor, "telefono")
        recorrido.entrar(LORETO)
        assert pagina.evaluate(DESBORDE) <= 1, "el tablero se desplaza hacia los lados"
        recorrido.captura("tablero")

        destinos = _destinos_del_menu(recorrido)
        assert len(destinos) >= 5, destinos
        for texto, href in destinos:
            recorrido.ir("/tablero")
            recorrido.menu(texto)
            expect(pagina).to_have_url(re.compile(re.escape(href.split("?")[0])))
        # With the menu and all its groups open, every link fits in the phone's width.
        recorrido.ir("/tablero")
        nav = pagina.locator("header nav")
        for summary in nav.locator("summary").all():
            if summary.is_visible() and summary.evaluate("s => !s.parentElement.open"):
                summary.click()
        for enlace in nav.locator("a").all():
            caja = enlace.bounding_box()
            assert caja and caja["x"] >= 0 and caja["x"] + caja["width"] <= 391, enlace
        recorrido.captura("menu-abierto")

        # The Anexo 4 list of the semester and Loreto's report: wide tables scroll inside.
        recorrido.menu("Anexo 4")
        assert pagina.evaluate(DESBORDE) <= 1, "la lista del Anexo 4 se desplaza hacia los lados"
        recorrido.captura("anexo4-lista")
        recorrido.ir("/convenios/anexo4?periodo=2020-2")
        pagina.get_by_role("link", name=re.compile("DRTPE Loreto")).first.click()
        expect(
            pagina.get_by_role("heading", name=re.compile("Anexo 4 · DRTPE Loreto"))
        ).to_be_visible()
        assert pagina.evaluate(DESBORDE) <= 1, "el Anexo 4 se desplaza hacia los lados"
        recorrido.captura("anexo4")
    finally:
        contexto.close()
