"""Demo Anexo 5 of the II Semestre 2020: the 12 evaluations printed in the ODES report."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.catalogo.models import UnidadMTPE
from app.catalogo.queries import region_por_nombre
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora
from app.comun.flujo import EstadoReporte
from app.convenios.models import Periodo
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Clasificacion, Evaluacion, TipoItem
from app.mejora_continua.queries import evaluaciones as queries
from app.mejora_continua.services import evaluaciones_contenido as services

DATOS = Path(__file__).parent / "data"
ARCHIVO = "anexo5_2020_2.json"
MOTIVO = "Anexo 5 del Informe Situacional II Semestre 2020 (Sección VIII), carga de demostración"
#: Loaded evaluations count as received and approved at noon (Lima) of the Anexo 5 due date.
HORA_RECEPCION = time(12, 0)


def _region_id(nombre: str, idg: int) -> int:
    """Canonical region of a name (aliases resolved by the catalogue)."""
    region = region_por_nombre(nombre)
    if region is None:
        raise RuntimeError(f"{ARCHIVO}, IdG {idg}: región desconocida «{nombre}».")
    return region.id


def _items(evaluacion: Evaluacion, registro: dict, unidades: dict[str, int]):
    """The file's items as DatosItem, reusing the ids of stored items by type and position."""
    idg = registro["idg"]
    existentes = {t: [i.id for i in evaluacion.items if i.tipo is t] for t in TipoItem}
    datos = []
    for tipo, clave in (
        (TipoItem.conclusion, "conclusiones"),
        (TipoItem.recomendacion, "recomendaciones"),
    ):
        for posicion, fila in enumerate(registro.get(clave, [])):
            siglas = fila.get("responsables_mtpe", [])
            if any(s not in unidades for s in siglas):
                raise RuntimeError(f"{ARCHIVO}, IdG {idg}: unidad desconocida en {siglas}.")
            previos = existentes[tipo]
            datos.append(
                services.DatosItem(
                    tipo=tipo,
                    texto=fila["texto"],
                    clasificacion=Clasificacion(fila["clasificacion"])
                    if fila.get("clasificacion")
                    else None,
                    regiones=[_region_id(n, idg) for n in fila.get("regiones", [])],
                    responsable_drtpe=bool(fila.get("responsable_drtpe")),
                    responsables=[unidades[s] for s in siglas],
                    id=previos[posicion] if posicion < len(previos) else None,
                )
            )
    return datos


def cargar_anexo5_demo(usuario_id: int | None = None, carpeta: Path = DATOS) -> int:
    """Load the 12 approved II-2020 evaluations (texts verbatim from the report); idempotent.

    Needs the catalogue, the convenios, the demo semesters and the 2020 Anexo 4, because a
    conclusion may only name regions evaluated that semester. To wire it into `flask seed demo`
    (seed/comandos.py), call it right after `carga.cargar_anexo4_demo()`, before the commit:

        from seed.anexo5 import cargar_anexo5_demo
        ...
        carga.cargar_anexo4_demo()
        cargar_anexo5_demo()

    Raises RuntimeError (nothing flushed is meant to be committed) if the file does not fit the
    database; returns how many evaluations were created or changed (0 on a second run).
    """
    datos = json.loads((carpeta / ARCHIVO).read_text(encoding="utf-8"))
    periodo = db.session.scalar(
        sa.select(Periodo).filter_by(anio=datos["anio"], semestre=datos["semestre"])
    )
    if periodo is None:
        raise RuntimeError(
            f"{ARCHIVO}: falta el semestre {datos['anio']}-{datos['semestre']}; cargue antes "
            "los periodos y el Anexo 4 de demostración."
        )
    indicadores = {i.numero: i for i in queries.indicadores_del_periodo(periodo)}
    unidades = dict(db.session.execute(sa.select(UnidadMTPE.sigla, UnidadMTPE.id)).all())
    limite = periodo.fecha_limite_anexo5
    momento = (
        datetime.combine(limite, HORA_RECEPCION, tzinfo=ZoneInfo("America/Lima"))
        if limite
        else ahora()
    )
    cambiadas = 0
    for registro in datos["evaluaciones"]:
        indicador = indicadores.get(registro["idg"])
        if indicador is None:
            raise RuntimeError(f"{ARCHIVO}: el IdG {registro['idg']} no está en los convenios.")
        evaluacion = queries.evaluacion_de(indicador, periodo)
        cambio = False
        if evaluacion is None:
            evaluacion = Evaluacion(
                indicador=indicador,
                periodo=periodo,
                unidad_id=indicador.proponente_id,
                estado=EstadoReporte.borrador,
            )
            db.session.add(evaluacion)
            db.session.flush()
            registrar_evento("crear", "evaluacion", evaluacion.id, usuario_id=usuario_id)
            cambio = True
        items = _items(evaluacion, registro, unidades)
        errores = services.validar_items(evaluacion, items)
        if errores:
            detalle = "; ".join(
                f"ítem {p + 1}: {' '.join(e.values())}" for p, e in sorted(errores.items())
            )
            raise RuntimeError(f"{ARCHIVO}, IdG {registro['idg']}: {detalle}")
        cambio |= services.escribir_contenido(
            evaluacion,
            registro["veredicto"],
            items,
            usuario_id=usuario_id,
            accion="cargar_demo",
            motivo=MOTIVO,
        )
        if evaluacion.estado is not EstadoReporte.aprobado:
            anterior = evaluacion.estado
            evaluacion.estado = EstadoReporte.aprobado
            evaluacion.enviado_en = evaluacion.enviado_en or momento
            evaluacion.aprobado_en = momento
            evaluacion.aprobado_por_id = usuario_id
            evaluacion.motivo_observacion = None
            registrar_evento(
                "aprobar",
                "evaluacion",
                evaluacion.id,
                usuario_id=usuario_id,
                antes={"estado": anterior},
                despues={"estado": evaluacion.estado},
                motivo=MOTIVO,
            )
            cambio = True
        cambiadas += cambio
    db.session.flush()
    return cambiadas
