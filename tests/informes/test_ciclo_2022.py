"""A whole new cycle, 2022–2023, run through the services as ODES, regions and directorates
would, and its I-2022 report checked against figures worked out by hand (issue 15, done-when).

The cycle: the 12 IdG of 2020 copied, IdG 1 and 2 reworded, IdG 13 added (a ratio IdG that
requires evidence). Loreto, Cusco and Puno sign before the semester; Tacna in September 2022
(not expected for I-2022). All semester goals are 50; Loreto's IdG 1 is reprogrammed to 40
with an adenda. Reports (deadline 31/07/2022):

| Region | sent | executed IdG 1–12 | IdG 13 counts | on time? |
|---|---|---|---|---|
| Loreto | 10/08 (extension to 05/08) | 40 | 30 / 60 = 50.00 | 5 days late |
| Cusco | 20/07 | 60 | 45 / 50 = 90.00 | yes |
| Puno | 25/07 (first refused: no evidence) | 45 | 9 / 20 = 45.00 | yes |

By hand, 13 summands each:
- Loreto: programmed (40 + 12 × 50) / 13 = 640 / 13 = 49.2308; executed (12 × 40 + 50) / 13
  = 530 / 13 = 40.7692.
- Cusco: programmed 50; executed (12 × 60 + 90) / 13 = 810 / 13 = 62.3077.
- Puno: programmed 50; executed (12 × 45 + 45) / 13 = 45.
- IdG 1: programmed (40 + 50 + 50) / 3 = 46.6667, executed (40 + 60 + 45) / 3 = 48.3333;
  IdG 13: executed (50 + 90 + 45) / 3 = 61.6667.
- Coverage as of 30/06/2022: 3 of 25 regional governments = 12 %.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Indicador, Region
from app.comun.roles import Rol
from app.convenios.models import (
    CategoriaReprogramacion,
    EstadoCelda,
    EstadoConvenio,
    Periodo,
)
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import metas as metas_queries
from app.convenios.services import anexo4 as anexo4_services
from app.convenios.services import convenios as convenios_services
from app.convenios.services import evidencias as evidencias_services
from app.convenios.services import metas as metas_services
from app.convenios.services import periodos as periodos_services
from app.informes import informe
from app.informes.pdf.situacional import nota_entregas
from tests.conftest import usuario_demo

LIMA = ZoneInfo("America/Lima")
PDF = b"%PDF-1.4\n% medio de verificacion\n%%EOF\n"
EJECUTADOS = {"loreto": Decimal(40), "cusco": Decimal(60), "puno": Decimal(45)}
CONTEOS = {
    "loreto": (Decimal(30), Decimal(60)),
    "cusco": (Decimal(45), Decimal(50)),
    "puno": (Decimal(9), Decimal(20)),
}
ENVIOS = {"loreto": date(2022, 8, 10), "cusco": date(2022, 7, 20), "puno": date(2022, 7, 25)}


def _momento(dia: date) -> datetime:
    return datetime.combine(dia, time(11, 0), LIMA).astimezone(UTC)


def _region(bd, codigo) -> Region:
    return bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))


def _usuario_region(bd, codigo):
    """A drtpe account of the region (the demo has Loreto's; others are made here)."""
    from app.auth.models import Usuario

    region = _region(bd, codigo)
    usuario = bd.session.scalar(sa.select(Usuario).filter_by(rol=Rol.drtpe, region_id=region.id))
    if usuario is None:
        usuario = Usuario(
            email=f"drtpe.{codigo}@prueba.gob.pe",
            nombre=f"G/DRTPE {region.nombre}",
            rol=Rol.drtpe,
            region_id=region.id,
            activo=True,
        )
        usuario.set_password("clave-de-prueba-2022")
        bd.session.add(usuario)
        bd.session.flush()
    return usuario


def ciclo_por_servicios(bd) -> None:
    """Run the cycle 2022–2023 up to approved I-2022 reports, through the services."""
    odes = usuario_demo(Rol.odes)
    base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=odes.id)
    por_numero = {i.numero: i for i in ciclo.indicadores}
    por_numero[1].nombre = "Porcentaje de jóvenes orientados por el SOVIO (2022)."
    por_numero[2].nombre = "Porcentaje de avance del Plan Regional de Formación Profesional 2022."
    catalogo_services.agregar_indicador(
        ciclo,
        {
            "numero": 13,
            "nombre": "Porcentaje de conciliaciones laborales con acuerdo total.",
            "proponente_id": por_numero[9].proponente_id,
            "viceministerio_id": por_numero[9].viceministerio_id,
            "tipo_valor": por_numero[9].tipo_valor,
            "unidad_medida": "Porcentaje (%)",
            "numerador": "Conciliaciones con acuerdo total",
            "denominador": "Conciliaciones realizadas",
            "requiere_evidencia": True,
        },
        usuario_id=odes.id,
    )
    convenios = {}
    for codigo, firma in (
        ("loreto", date(2021, 12, 20)),
        ("cusco", date(2021, 12, 28)),
        ("puno", date(2022, 2, 10)),
        ("tacna", date(2022, 9, 15)),
    ):
        convenios[codigo] = convenios_services.crear_convenio(
            {
                "region_id": _region(bd, codigo).id,
                "conjunto_id": ciclo.id,
                "estado": EstadoConvenio.suscrito,
                "fecha_suscripcion": firma,
                "documento": f"Convenio {codigo} 2022-2023",
                "notas": None,
            },
            usuario_id=odes.id,
            hoy=date(2022, 12, 1),
        )
    periodo = periodos_services.crear_periodo(
        {
            "anio": 2022,
            "semestre": 1,
            "fecha_limite_anexo4": date(2022, 7, 31),
            "fecha_cierre_anexo4": None,
            "fecha_limite_anexo5": date(2022, 8, 31),
            "abierto": True,
        },
        usuario_id=odes.id,
    )
    bd.session.commit()

    # Goals: every goal 50, approved; Loreto's IdG 1 (I semester) reprogrammed to 40.
    for programacion in metas_services.abrir_programacion(ciclo, 2022, usuario_id=odes.id):
        codigo = programacion.convenio.region.codigo
        region = _usuario_region(bd, codigo)
        datos = {
            clave: {"estado": EstadoCelda.valor, "valor": Decimal(50)}
            for clave in metas_queries.metas(programacion.convenio_id, 2022)
        }
        metas_services.guardar_metas(programacion, datos, usuario=region, version=None)
        metas_services.enviar_programacion(
            programacion, usuario=region, ahora=_momento(date(2022, 1, 10))
        )
        metas_services.aprobar_programacion(
            programacion, usuario=odes, ahora=_momento(date(2022, 1, 15))
        )
    adenda = convenios_services.agregar_adenda(
        convenios["loreto"],
        {
            "fecha": date(2022, 3, 1),
            "descripcion": "Reajuste de la meta del IdG 1",
            "documento": None,
        },
        usuario_id=odes.id,
        hoy=date(2022, 3, 2),
    )
    meta = metas_queries.metas(convenios["loreto"].id, 2022)[(por_numero[1].id, 1)]
    solicitud = metas_services.solicitar_reprogramacion(
        meta,
        Decimal(40),
        "Cierre temporal de la oficina del SOVIO",
        CategoriaReprogramacion.adenda,
        usuario=_usuario_region(bd, "loreto"),
        adenda=adenda,
    )
    metas_services.resolver_reprogramacion(
        solicitud, aprobar=True, motivo=None, usuario=odes, ahora=_momento(date(2022, 3, 3))
    )
    periodos_services.conceder_prorroga(
        periodo, _region(bd, "loreto").id, date(2022, 8, 5), "Inundaciones", usuario_id=odes.id
    )
    bd.session.commit()

    # Reports: Puno is first refused for the missing evidence of IdG 13.
    for codigo in ("loreto", "cusco", "puno"):
        usuario = _usuario_region(bd, codigo)
        reporte = anexo4_services.obtener_o_crear_reporte(
            convenios[codigo], periodo, usuario_id=usuario.id
        )
        datos = {}
        for linea in reporte.lineas:
            razon = linea.indicador.es_razon
            numerador, denominador = CONTEOS[codigo] if razon else (None, None)
            datos[linea.id] = {
                "estado": EstadoCelda.valor,
                "programado": linea.programado,
                "ejecutado": None if razon else EJECUTADOS[codigo],
                "numerador": numerador,
                "denominador": denominador,
                "comentario": "Ejecución del semestre según el registro regional.",
                "motivo_estado": None,
            }
        revisiones = anexo4_services.guardar_lineas(
            reporte, datos, usuario=usuario, hoy=ENVIOS[codigo], version=reporte.version
        )
        assert not any(r.errores for r in revisiones.values()), revisiones
        linea13 = next(linea for linea in reporte.lineas if linea.indicador_numero == 13)
        if codigo == "puno":
            with pytest.raises(anexo4_services.ErrorAnexo4, match="IdG 13: adjunte"):
                anexo4_services.enviar(reporte, usuario=usuario, ahora=_momento(ENVIOS[codigo]))
        evidencias_services.guardar_evidencia(
            linea13, "acta.pdf", PDF, usuario=usuario, hoy=ENVIOS[codigo]
        )
        anexo4_services.enviar(reporte, usuario=usuario, ahora=_momento(ENVIOS[codigo]))
        anexo4_services.aprobar(reporte, usuario=odes, ahora=_momento(date(2022, 8, 15)))
    bd.session.commit()


def _cerca(valor, esperado, lugares=4) -> bool:
    return valor is not None and round(float(valor), lugares) == round(esperado, lugares)


def comprobar_cifras(bd) -> informe.DatosInforme:
    """The I-2022 report's figures, against the hand-worked values of the module docstring."""
    d = informe.datos_informe("2022-1")
    assert d.convenio_periodo == "2022-2023"
    assert (d.convenios_suscritos, d.total_gores, d.porcentaje_cobertura) == (3, 25, 12)
    assert "Tacna" in d.regiones_pendientes and len(d.regiones_pendientes) == 22
    assert set(d.regiones_evaluadas) == {"Loreto", "Cusco", "Puno"}
    assert d.regiones_omitidas == ()
    assert len(d.indicadores) == 13
    por_region = {r.region: r for r in d.resultados_regiones}
    assert _cerca(por_region["Loreto"].programado, 640 / 13)
    assert _cerca(por_region["Loreto"].ejecutado, 530 / 13)
    assert _cerca(por_region["Cusco"].programado, 50) and _cerca(
        por_region["Cusco"].ejecutado, 810 / 13
    )
    assert _cerca(por_region["Puno"].programado, 50) and _cerca(por_region["Puno"].ejecutado, 45)
    assert all(r.n == 13 for r in d.resultados_regiones)
    idg = {r.numero: r for r in d.resultados_idg}
    assert _cerca(idg[1].programado, 140 / 3) and _cerca(idg[1].ejecutado, 145 / 3)
    assert _cerca(idg[13].programado, 50) and _cerca(idg[13].ejecutado, 185 / 3)
    completitud = anexo4_queries.completitud(
        bd.session.scalar(sa.select(Periodo).filter_by(anio=2022, semestre=1))
    )
    assert completitud.esperados == 3 and completitud.faltantes == []
    assert sorted(completitud.a_tiempo) == ["Cusco", "Puno"]
    assert completitud.tardios == [("Loreto", 5)]
    assert d.tardias == (("Loreto", 5),)
    return d


def test_cycle_2022_through_the_services(bd, demo):
    ciclo_por_servicios(bd)
    d = comprobar_cifras(bd)
    nombre = bd.session.scalar(
        sa.select(Indicador.nombre)
        .join(ConjuntoIndicadores)
        .where(ConjuntoIndicadores.anio_inicio == 2022, Indicador.numero == 1)
    )
    assert (
        d.indicadores[0].nombre == nombre == "Porcentaje de jóvenes orientados por el SOVIO (2022)."
    )
    assert nota_entregas(d) == (
        "Fueron 3 Convenios de Gestión 2022-2023 suscritos y todas las G/DRTPE remitieron sus "
        "respectivos informes. El informe de la G/DRTPE de Loreto (5 días) se recibió fuera de "
        "plazo; se evalúa como todo informe recibido. La G/DRTPE de Loreto tuvo prórroga hasta "
        "el 05.08.2022."
    )
    (meta,) = d.metas_reprogramadas
    assert (meta.region, meta.idg, meta.original, meta.vigente) == (
        "Loreto",
        1,
        Decimal(50),
        Decimal(40),
    )
    assert meta.adenda == "Adenda Nº 1 (01.03.2022)"
    # The region's ficha states both goals too.
    from app.informes.pdf import ficha_region_pdf

    ficha = informe.datos_ficha("Loreto", "2022-1")
    assert [m.idg for m in ficha.metas_reprogramadas] == [1]
    assert informe.datos_ficha("Cusco", "2022-1").metas_reprogramadas == ()
    assert "IdG 1, meta semestral: original 50%, vigente 40%." in _texto_pdf(
        ficha_region_pdf(ficha)
    )
    # The 2020 report keeps its own set and figures.
    ii_2020 = informe.datos_informe("2020-2")
    assert len(ii_2020.indicadores) == 12 and ii_2020.convenios_suscritos == 21


def _texto_pdf(contenido: bytes) -> str:
    import io

    from pypdf import PdfReader

    paginas = PdfReader(io.BytesIO(contenido)).pages
    return " ".join(" ".join(p.extract_text() for p in paginas).split())


def test_cycle_2022_report_published_and_frozen(app, bd, demo, monkeypatch):
    from app.informes import services as informe_services
    from app.informes.models import ArchivoInforme

    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")
    ciclo_por_servicios(bd)
    odes = usuario_demo(Rol.odes)
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2022, semestre=1))
    registro = informe_services.informe_de(periodo, crear=True)
    informe_services.generar(registro, odes, False)
    bd.session.commit()
    archivo = bd.session.scalar(sa.select(ArchivoInforme).filter_by(informe_id=registro.id))
    informe_services.publicar(registro, archivo, usuario=odes)
    bd.session.commit()
    texto = _texto_pdf(informe_services.contenido_archivo(archivo))
    assert "CONVENIO DE GESTIÓN 2022-2023" in texto
    assert "la relación de los tres (03) Convenios de Gestión 2022-2023 suscritos" in texto
    assert "(representando el 12% del total de 25 gobiernos regionales)" in texto
    assert "un total de trece (13) IdG" in texto
    assert "por tres (03) G/DRTPE de los siguientes gobiernos regionales" in texto
    assert "Loreto (5 días) se recibió fuera de plazo" in texto
    assert "METAS REPROGRAMADAS – I SEMESTRE 2022" in texto
    assert "doce (12)" not in texto  # nothing of the 2020 set leaks in
    huella = informe.huella(informe.datos_informe("2022-1"))
    contenido = informe_services.contenido_archivo(archivo)

    # A signature recorded afterwards (La Libertad, 01/10/2022) changes nothing published.
    ciclo = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2022))
    convenios_services.crear_convenio(
        {
            "region_id": _region(bd, "la-libertad").id,
            "conjunto_id": ciclo.id,
            "estado": EstadoConvenio.suscrito,
            "fecha_suscripcion": date(2022, 10, 1),
            "documento": None,
            "notas": None,
        },
        usuario_id=odes.id,
        hoy=date(2022, 10, 2),
    )
    bd.session.commit()
    assert informe.huella(informe.datos_informe("2022-1")) == huella
    assert informe_services.contenido_archivo(archivo) == contenido
    comprobar_cifras(bd)
