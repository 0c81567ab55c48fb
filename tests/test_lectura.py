"""Reading on screens (issue 19, first items): no internal values, Spanish errors, contrast,
no breadcrumb into a 403."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from app.comun.auditoria import registrar_evento
from app.comun.roles import Rol
from app.convenios.models import Periodo
from app.extensions import db
from app.web import valor_auditado

RAIZ = Path(__file__).resolve().parent.parent


def test_audited_values_read_as_text():
    """None, booleans, ISO dates, codes and lists as a person reads them."""
    assert valor_auditado(None) == "—"
    assert valor_auditado("None") == "—"
    assert valor_auditado(True) == "Sí" and valor_auditado(False) == "No"
    assert valor_auditado("2026-12-05") == "05/12/2026"
    assert valor_auditado("no_aplica") == "no aplica"
    assert valor_auditado(["valor", "sin_meta"]) == "valor, sin meta"
    assert valor_auditado("50.00") == "50.00"
    assert valor_auditado("Texto libre con_guion bajo") == "Texto libre con_guion bajo"


def test_a_history_never_shows_none(demo, client, sesion):
    """A field that had no value before is shown as «—» (was «None»)."""
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    registrar_evento(
        "editar",
        "periodo",
        periodo.id,
        antes={"fecha_limite_anexo4": None, "abierto": True},
        despues={"fecha_limite_anexo4": "2021-07-31", "abierto": False},
    )
    db.session.commit()
    sesion.entrar(Rol.odes)
    pagina = client.get(f"/convenios/periodos/{periodo.id}").text
    historial = pagina.split("Historial de cambios", 1)[1]
    assert ">None<" not in historial and ": None" not in historial and "True" not in historial
    assert "fecha limite anexo4</strong>: —" in historial
    assert "fecha limite anexo4</strong>: 31/07/2021" in historial
    assert "abierto</strong>: Sí" in historial and "abierto</strong>: No" in historial


def test_a_missing_csrf_token_is_explained_in_spanish(app, client, sesion, monkeypatch):
    """The 400 page says what happened in Spanish, never Flask-WTF's English text."""
    sesion.entrar(Rol.odes)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    respuesta = client.post("/logout")
    assert respuesta.status_code == 400
    assert "CSRF" not in respuesta.text and "missing" not in respuesta.text
    assert "El formulario caducó" in respuesta.text


def test_the_pending_label_has_enough_contrast():
    """WCAG AA (4.5:1) for the amber text on its pale label (was 4.41:1)."""
    css = (RAIZ / "app" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    aviso = re.search(r"--aviso:\s*(#[0-9a-fA-F]{6})", css).group(1)
    fondo = re.search(r"\.etiqueta-pendiente\s*{\s*background:\s*(#[0-9a-fA-F]{6})", css).group(1)

    def luminancia(color: str) -> float:
        canales = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lineal = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in canales]
        return 0.2126 * lineal[0] + 0.7152 * lineal[1] + 0.0722 * lineal[2]

    claro, oscuro = sorted((luminancia(aviso), luminancia(fondo)), reverse=True)
    assert (claro + 0.05) / (oscuro + 0.05) >= 4.5


def test_a_breadcrumb_never_links_to_a_page_the_user_cannot_open(demo, client, sesion):
    """The reviewer reads Completitud but not the Anexo 4 list: its crumb is plain text."""
    sesion.entrar(Rol.revisor)
    pagina = client.get("/convenios/anexo4/completitud").text
    migas = pagina.split('class="migas"', 1)[1].split("</nav>", 1)[0]
    assert "Anexo 4" in migas and "/convenios/anexo4?" not in migas
    assert 'href="/tablero"' in migas or "/tablero" in migas  # Inicio stays a link
    sesion.salir()
    sesion.entrar(Rol.odes)
    migas = client.get("/convenios/anexo4/completitud").text.split('class="migas"', 1)[1]
    assert "/convenios/anexo4?" in migas.split("</nav>", 1)[0]


def test_the_anexo_4_list_names_the_origin_not_its_code(demo, client, sesion):
    """The demo's imported reports read «Importación» in the Origen column."""
    sesion.entrar(Rol.odes)
    pagina = client.get("/convenios/anexo4?periodo=2020-2").text
    assert "<td>Importación</td>" in pagina and "<td>importacion</td>" not in pagina


def test_numbers_typed_with_a_decimal_comma_are_read(demo):
    """ "60,5" and "60.5" are the same percentage; counts and goals too; a thousands separator
    (or a comma before exactly three digits, "1,200") is refused with a Spanish message."""
    from decimal import Decimal

    import pytest

    from app.convenios.forms import leer_conteo, leer_decimal, leer_meta

    assert leer_decimal("60,5") == leer_decimal("60.5") == Decimal("60.50")
    assert leer_decimal("-22,75 %") == Decimal("-22.75")
    assert leer_conteo("12,5") == Decimal("12.50")
    assert leer_meta("70,25") == Decimal("70.25")
    for texto in ("1,250.5", "1,234", "1,2,3"):
        with pytest.raises(ValueError, match="separador de miles"):
            leer_decimal(texto)
    with pytest.raises(ValueError, match="separador de miles"):
        leer_conteo("1,200")


def test_a_history_names_the_action_in_words(demo, client, sesion):
    """«cargar demo» was the demo loader's code with its underscore removed."""
    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    registrar_evento("cargar_demo", "periodo", periodo.id, despues={"abierto": True})
    db.session.commit()
    sesion.entrar(Rol.odes)
    pagina = client.get(f"/convenios/periodos/{periodo.id}").text
    historial = pagina.split("Historial de cambios")[1]
    assert "carga de los datos de demostración" in historial
    assert "cargar demo" not in historial and "cargar_demo" not in historial


def test_opening_a_locked_anexo4_for_editing_says_why_once(demo, client, sesion):
    """The approval notice was shown twice (a flash and the page's own banner)."""
    from app.convenios.models import Convenio, Reporte

    loreto = sesion.entrar(Rol.drtpe)
    reporte = db.session.scalar(
        sa.select(Reporte)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .where(Convenio.region_id == loreto.region_id)
    )
    pagina = client.get(f"/convenios/anexo4/{reporte.id}/editar", follow_redirects=True).text
    assert pagina.count("El Anexo 4 está aprobado y bloqueado") == 1


def test_user_guide_images_exist_at_both_widths():
    """Every screenshot the guide shows exists, and each laptop capture has its phone twin."""
    guia = (RAIZ / "docs" / "guia-usuario.md").read_text(encoding="utf-8")
    citadas = set(re.findall(r"\(guia/([a-z0-9-]+\.jpg)\)", guia))
    assert citadas, "the guide shows no screenshot"
    en_disco = {p.name for p in (RAIZ / "docs" / "guia").glob("*.jpg")}
    assert sorted(citadas - en_disco) == []
    assert sorted(en_disco - citadas) == [], "images nobody shows"
    portatil = {n for n in en_disco if not n.endswith("-telefono.jpg")}
    assert sorted(n for n in portatil if n.replace(".jpg", "-telefono.jpg") not in en_disco) == []
