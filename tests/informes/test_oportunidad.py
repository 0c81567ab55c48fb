"""The report states timeliness and writes Spanish that agrees with its counts (issue 15,
items 5 and 7): read back from the PDF's text."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from pypdf import PdfReader

from app.comun.roles import Rol
from app.convenios.services import periodos as periodos_services
from app.informes import informe
from app.informes.narrativa import cantidad, concordar, de_los, numero_con_cifra
from app.informes.pdf import informe_pdf
from app.informes.pdf.situacional import nota_entregas, presentaron
from tests.conftest import usuario_demo
from tests.convenios.test_plazos import _region_id, _reporte_aprobado, i_2021  # noqa: F401


def _texto(contenido: bytes) -> str:
    paginas = PdfReader(io.BytesIO(contenido)).pages
    return " ".join(" ".join(p.extract_text() for p in paginas).split())


@pytest.mark.parametrize(
    "n, masculino, femenino",
    [
        (1, "un (01) Convenio", "una (01) G/DRTPE"),
        (2, "dos (02) Convenios", "dos (02) G/DRTPE"),
        (21, "veintiún (21) Convenios", "veintiuna (21) G/DRTPE"),
        (201, "doscientos un (201) Convenios", "doscientas una (201) G/DRTPE"),
    ],
)
def test_counts_agree_in_number_and_gender(n, masculino, femenino):
    assert cantidad(n, "Convenio", "Convenios") == masculino
    assert cantidad(n, "G/DRTPE", "G/DRTPE", femenino=True) == femenino


def test_articles_agree_with_one():
    assert de_los(1, "IdG", "IdG") == "del IdG"
    assert de_los(12, "IdG", "IdG") == "de los doce (12) IdG"
    assert de_los(1, "G/DRTPE", "G/DRTPE", femenino=True) == "de la G/DRTPE"
    uno = numero_con_cifra(1, femenino=True)
    assert concordar(f"las {uno} G/DRTPE") == "la única G/DRTPE"
    assert concordar("cada uno de los un (01) IdG") == "cada uno del único IdG"


def test_the_published_semester_keeps_its_wording(demo):
    d = informe.datos_informe("2020-2")
    assert d.tardias == () and d.prorrogas == ()
    assert nota_entregas(d) == (
        "Fueron 21 Convenios de Gestión 2020-2021 suscritos, de los cuales las G/DRTPE de "
        "Arequipa, Ayacucho y Tumbes omitieron remitir sus respectivos informes."
    )
    assert presentaron(d).startswith("que han presentado los reportes en forma oportuna")


def test_a_single_region_report_writes_singular_spanish(demo):
    d = informe.datos_informe("2020-2")
    loreto = d.resultado_region("Loreto")
    solo = dataclasses.replace(
        d,
        convenios_suscritos=1,
        regiones_evaluadas=("Loreto",),
        regiones_omitidas=(),
        regiones_pendientes=tuple(sorted(set(d.regiones_pendientes) | {"Cusco"})),
        convenios=d.convenios[:1],
        resultados_regiones=(dataclasses.replace(loreto, numero=1),),
        comparacion=None,
    )
    texto = _texto(informe_pdf(solo))
    assert "Fue 1 Convenio de Gestión 2020-2021 suscrito y la G/DRTPE remitió su informe." in texto
    assert "se muestra el único Convenio de Gestión 2020-2021 suscrito" in texto
    assert "por una (01) G/DRTPE del siguiente gobierno regional" in texto
    assert "la única G/DRTPE en evaluación" in texto
    for roto in ("los un (01)", "las una (01)", "las uno (01)", "1 Convenios", "un (01) Convenios"):
        assert roto not in texto, roto


def test_late_reports_are_named_with_their_days_and_never_called_timely(
    bd,
    demo,
    i_2021,  # noqa: F811
):
    periodos_services.conceder_prorroga(
        i_2021,
        _region_id(bd, "piura"),
        date(2021, 8, 5),
        "Paro regional",
        usuario_id=usuario_demo(Rol.odes).id,
    )
    _reporte_aprobado(bd, "loreto", i_2021, date(2021, 8, 10))  # 10 days late
    _reporte_aprobado(bd, "cusco", i_2021, date(2021, 7, 30))  # on time
    _reporte_aprobado(bd, "piura", i_2021, date(2021, 8, 9))  # 4 days after its extension
    bd.session.commit()
    d = informe.datos_informe("2021-1")
    texto = _texto(informe_pdf(d))
    assert (
        "Los informes de las G/DRTPE de Loreto (10 días) y Piura (4 días) se recibieron fuera "
        "de plazo; se evalúan como todo informe recibido."
    ) in texto
    assert "La G/DRTPE de Piura tuvo prórroga hasta el 05.08.2021." in texto
    assert "1 en forma oportuna" in presentaron(d) and "2 fuera de plazo" in presentaron(d)
    # Three evaluated (late ones included), 21 - 3 = 18 omitted.
    assert d.n_evaluadas == 3 and len(d.regiones_omitidas) == 18
