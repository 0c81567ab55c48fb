"""Jobs for the queue's tests only: a report build that takes its time, a job that fails once."""

from __future__ import annotations

import time

from app.comun import tareas
from app.informes.services import generacion


def construir_lento(generacion_id: int, segundos: float) -> None:
    """A report build that first waits (so a test can kill its worker mid-build)."""
    tareas.progreso(0.2, "Esperando a propósito")
    time.sleep(segundos)
    generacion.construir(generacion_id)


def fallar_una_vez(clave: str) -> str:
    """Fail on the first attempt, succeed on the next (the attempts are counted in Redis)."""
    intentos = tareas.conexion().incr(clave)
    if intentos == 1:
        raise RuntimeError("primer intento rechazado a propósito")
    return f"intento {intentos}"
