"""What keeps the report build fast: vector charts, one read of the data per build, a cheap
version hash and few progress writes (the timings themselves come from `make bench`)."""

from __future__ import annotations

import dataclasses
import io

import sqlalchemy as sa
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate
from sqlalchemy import event

from app.comun.roles import Rol
from app.informes import informe as datos_informe
from app.informes.graficos import definicion, dibujo
from app.informes.informe import _plano
from app.informes.pdf import graficos
from app.informes.pdf.base import registrar_fuentes
from app.informes.services import generacion as servicio_generacion
from seed.anexo5 import cargar_anexo5_demo
from seed.programacion import cargar_programa_demo


def _pdf(*figuras) -> bytes:
    registrar_fuentes()
    salida = io.BytesIO()
    SimpleDocTemplate(salida, pagesize=A4, invariant=1).build(list(figuras))
    return salida.getvalue()


def _texto(contenido: bytes) -> str:
    paginas = PdfReader(io.BytesIO(contenido)).pages
    return " ".join(" ".join(p.extract_text() for p in paginas).split())


def test_vector_charts_carry_their_labels_as_text_and_no_image():
    prog = [60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50]
    ejec = [60, 45, None, 10, 89, 58, 7, -25, 66, 1, 400, 27]

    def figuras():
        return (
            graficos.figura(
                definicion.barras_region(
                    "DRTPE Loreto - II Semestre 2020", range(1, 13), prog, ejec
                ),
                ancho=15.5 * cm,
            ),
            graficos.figura(
                definicion.promedio("IdG 1: Resultado promedio", 61.4, 46), ancho=11.5 * cm
            ),
            graficos.figura(definicion.promedio("IdG sin datos", None, None), ancho=11.5 * cm),
            graficos.figura(
                definicion.barras_comparacion(
                    "Comparación", range(1, 13), (prog, ejec), (ejec, prog), ("I SEM.", "II SEM.")
                ),
                ancho=15.5 * cm,
            ),
            graficos.figura(
                definicion.funciones([("Callao", 14), ("Lima Metropolitana", 0)]), ancho=16 * cm
            ),
        )

    contenido = _pdf(*figuras())
    assert contenido == _pdf(*figuras())  # same numbers, same bytes
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(contenido)).pages) == 0
    texto = _texto(contenido)
    assert "DRTPE Loreto - II Semestre 2020" in texto
    assert "PROGRAM. 60% 60% 70% 10% 89% 50% 7% 75% 55% 1% 50% 50%" in texto
    assert "EJECUCIÓN 60% 45% — 10% 89% 58% 7% -25% 66% 1% 400% 27%" in texto
    assert definicion.NOTA_SIN_VALOR in texto
    assert "61% Programación 46% Ejecución IdG 1: Resultado promedio" in texto
    assert "— Programación — Ejecución IdG sin datos" in texto
    assert "PROG. I SEM." in texto and "EJEC. II SEM." in texto
    assert "Lima Metropolitana" in texto and "Funciones transferidas" in texto


def test_chart_axis_ticks_are_round_numbers():
    assert dibujo.marcas(0, 108, 9) == [0, 20, 40, 60, 80, 100]
    assert dibujo.marcas(-37, 436, 9) == [0, 100, 200, 300, 400]
    assert dibujo.marcas(0, 20.7, 10, dibujo.PASOS_ENTEROS, entero=True) == [
        0,
        3,
        6,
        9,
        12,
        15,
        18,
    ]


def test_version_hash_is_the_canonical_json_of_the_data(demo):
    cargar_anexo5_demo()
    datos = datos_informe.datos_informe("2020-2")
    assert _plano(datos) == json_de(dataclasses.asdict(datos))
    otros = dataclasses.replace(datos, lema="OTRO LEMA")
    assert datos_informe.huella(otros) != datos_informe.huella(datos)
    assert datos_informe.huella(datos) == datos_informe.huella(
        datos_informe.datos_informe("2020-2")
    )


def json_de(valor):
    """asdict keeps tuples; the hash's JSON writes them as lists, as _plano does."""
    if isinstance(valor, dict):
        return {k: json_de(v) for k, v in valor.items()}
    if isinstance(valor, (list, tuple)):
        return [json_de(v) for v in valor]
    return valor


def test_a_build_reads_the_report_data_once(app, demo, client, sesion, monkeypatch):
    """generar() reads the data for the version check and hands it to the builder."""
    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")
    original = datos_informe.datos_informe
    lecturas = []

    def contar(*args, **kwargs):
        lecturas.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(datos_informe, "datos_informe", contar)
    monkeypatch.setattr(
        "app.informes.pdf.informe_pdf",
        lambda datos, borrador=False, progreso=None, **_version: b"%PDF-1.4\n%%EOF\n",
    )
    sesion.entrar(Rol.odes)
    respuesta = client.post("/informes/2021-1/generar", data={"tipo": "final"})
    assert respuesta.status_code == 302
    assert len(lecturas) == 1
    # Unchanged data: the stored file is reused after one more read (the version check).
    client.post("/informes/2021-1/generar", data={"tipo": "final"})
    assert len(lecturas) == 2


def test_progress_is_sent_to_the_queue_at_most_every_interval(monkeypatch):
    """Progress goes to the job (tareas.progreso), at most once an interval, never to the
    database: a progress write must not change the data version of every stored page."""
    paso = servicio_generacion.INTERVALO_PROGRESO
    # The first reading is the callback's creation, when the job starts.
    reloj = iter(paso * t for t in (0.0, 0.25, 0.5, 1.25, 1.4, 1.5, 2.4, 2.5))
    monkeypatch.setattr(servicio_generacion.time, "monotonic", lambda: next(reloj))
    enviados = []
    monkeypatch.setattr(
        servicio_generacion.tareas, "progreso", lambda f, m=None: enviados.append((f, m))
    )

    def sin_escrituras():
        raise AssertionError("el progreso no escribe en la base")

    monkeypatch.setattr(servicio_generacion.db.session, "commit", sin_escrituras)
    progreso = servicio_generacion._Progreso()
    for fraccion, mensaje in (
        (0.0, "Preparando"),
        (0.1, "Gráfico 1"),
        (0.3, "Gráfico 3"),  # more than an interval after the start: sent
        (0.4, "Gráfico 4"),
        (0.5, "Gráfico 5"),
        (0.6, "Gráfico 6"),  # an interval after the previous one: sent
        (1.0, "Informe generado"),  # the end is always sent
    ):
        progreso(fraccion, mensaje)
    # The build is shown from 5 % to 95 %; storing the file is the rest.
    assert [(round(f, 4), m) for f, m in enviados] == [
        (0.32, "Gráfico 3"),
        (0.59, "Gráfico 6"),
        (0.95, "Informe generado"),
    ]


def test_a_quick_build_writes_twice_the_job_then_the_file(app, demo, client, sesion, monkeypatch):
    """The job's row is written when it is queued and in the commit that stores its file: no
    separate writes for "started", progress, "100 %" and "done" (the queue holds those)."""
    from app.informes.models import ArchivoInforme, EstadoGeneracion, GeneracionInforme

    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")
    monkeypatch.setattr(
        "app.informes.pdf.informe_pdf",
        lambda datos, borrador=False, progreso=None, **_version: (
            progreso(0.5, "Mitad"),
            progreso(1.0, "Informe generado"),
            b"%PDF-1.4\n%%EOF\n",
        )[-1],
    )
    sesion.entrar(Rol.odes)
    escrituras, pendiente = [], [False]

    def al_ejecutar(_conexion, _cursor, sentencia, *_args):
        if sentencia.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            pendiente[0] = True

    def al_confirmar(_conexion):
        if pendiente[0]:
            escrituras.append(1)
        pendiente[0] = False

    # Transactions that wrote something, on every connection (the builder has its own session).
    event.listen(sa.engine.Engine, "before_cursor_execute", al_ejecutar)
    event.listen(sa.engine.Engine, "commit", al_confirmar)
    try:
        respuesta = client.post("/informes/2021-1/generar", data={"tipo": "final"})
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", al_ejecutar)
        event.remove(sa.engine.Engine, "commit", al_confirmar)
    assert respuesta.status_code == 302
    demo.session.expire_all()
    (generacion,) = demo.session.scalars(sa.select(GeneracionInforme))
    (archivo,) = demo.session.scalars(sa.select(ArchivoInforme))
    assert generacion.estado is EstadoGeneracion.terminado and generacion.archivo_id == archivo.id
    assert generacion.fraccion == 1.0 and generacion.mensaje == "Informe listo"
    assert len(escrituras) == 2


def test_the_matrix_reads_the_programme_as_plain_rows_with_the_same_result(demo):
    """actividades_resumidas() gives the report the schedule and DETALLE the ORM graph gives."""
    from app.mejora_continua.queries import programacion
    from app.mejora_continua.queries.programacion import cronograma

    cargar_anexo5_demo()
    cargar_programa_demo()
    programa = programacion.programa_por_anio(2021)
    completas = programacion.actividades(programa)
    resumidas = programacion.actividades_resumidas(programa)
    assert len(resumidas) == len(completas) > 10
    total = len(programacion.regiones())
    for orm, plana in zip(completas, resumidas, strict=True):
        assert (plana.id, plana.numero, plana.nombre, plana.indicador_numero) == (
            orm.id,
            orm.numero,
            orm.nombre,
            orm.indicador.numero,
        )
        assert cronograma(plana) == cronograma(orm)
        assert programacion.detalle(plana, total_regiones=total) == programacion.detalle(
            orm, total_regiones=total
        )
