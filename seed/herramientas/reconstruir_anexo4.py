#!/usr/bin/env python3
"""Reconstruye (y verifica) el Anexo 4 de demostración 2020: 18 G/DRTPE × 12 IdG × 2 semestres.

Del Informe Situacional de la ODES (seed 004, II Semestre 2020) solo sobreviven los promedios
publicados (Cuadro Nº 04, Cuadro Nº 05, Gráficos Nº 20–31) y una única fila completa (Loreto,
Gráfico Nº 11). Este script genera, de forma determinista y solo con la biblioteca estándar, una
matriz plausible cuyos promedios —calculados con las reglas de la aplicación— reproducen exactamente
esas cifras publicadas.

Uso:
    python seed/herramientas/reconstruir_anexo4.py              # escribe seed/data/anexo4_2020.csv
    python seed/herramientas/reconstruir_anexo4.py --verificar  # relee el CSV y comprueba las metas
    python seed/herramientas/reconstruir_anexo4.py --salida OTRO.csv [--verificar]

Reglas (las que calcula la aplicación):
  * desempeño promedio de una región en un semestre = Σ celdas con estado `valor` ÷ nº de esas
    celdas (programación y ejecución por separado); se muestra redondeado a entero (mitad hacia
    arriba);
  * promedio de un IdG en un semestre = media sobre las regiones evaluadas cuya celda es `valor`.

Método de reconstrucción (ver docs/datos-demo.md):
  1. estados de cada celda según lo que declaran las DDGG en el Anexo 5 (Sección VIII de 004);
  2. valor "base" de cada celda = perfil del IdG × nivel de la región (modelo multiplicativo) con un
     ruido determinista (SHA-256 de la clave de la celda), acotado a los rangos permitidos y a las
     relaciones declaradas ("cumplieron la meta" ⇒ ejecutado ≥ programado, "no ejecutaron" ⇒ 0, …);
  3. un flujo de costo mínimo (costo convexo por desviarse de la base) corrige la base lo mínimo
     necesario para que cada promedio caiga dentro de ±0,45 puntos de la cifra publicada (así el
     redondeo no depende de la convención de empates);
  4. la fila de Loreto del II semestre es la publicada y queda fija.
Todos los valores son enteros (se escriben con un decimal: "60.0").
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import heapq
import io
import os
import sys
from fractions import Fraction

# ---------------------------------------------------------------------------------------------
# Datos publicados (seed 004; transcritos en shared/reference/seed-spec.md §4.3–4.6)
# ---------------------------------------------------------------------------------------------

REGIONES = [
    "Amazonas",
    "Apurímac",
    "Cajamarca",
    "Callao",
    "Cusco",
    "Huancavelica",
    "Ica",
    "Lambayeque",
    "Lima",
    "Loreto",
    "Madre de Dios",
    "Moquegua",
    "Pasco",
    "Piura",
    "Puno",
    "San Martín",
    "Tacna",
    "Ucayali",
]
IDGS = list(range(1, 13))
ANIO = 2020
CABECERA = ["region", "idg", "anio", "semestre", "estado", "programado", "ejecutado", "origen"]
ESTADOS_VALIDOS = ("valor", "no_aplica", "sin_meta", "no_remitido")

# Cuadro Nº 04 (II semestre): (programación promedio, ejecución promedio). Callao = 187 (Cuadro 04).
CUADRO_04 = {
    "Amazonas": (43, 23),
    "Apurímac": (30, 37),
    "Cajamarca": (44, 27),
    "Callao": (46, 187),
    "Cusco": (50, 43),
    "Huancavelica": (50, 51),
    "Ica": (46, 68),
    "Lambayeque": (53, 68),
    "Lima": (50, 77),
    "Loreto": (48, 38),
    "Madre de Dios": (45, 21),
    "Moquegua": (32, 31),
    "Pasco": (34, 17),
    "Piura": (42, 65),
    "Puno": (56, 13),
    "San Martín": (42, 44),
    "Tacna": (37, 21),
    "Ucayali": (62, 41),
}
# Cuadro Nº 05: (I prog, I ejec, II prog, II ejec). Su columna II repite el Cuadro 04 salvo Callao
# (184).
CUADRO_05 = {
    "Amazonas": (35, 15, 43, 23),
    "Apurímac": (26, 1, 30, 37),
    "Cajamarca": (36, 27, 44, 27),
    "Callao": (38, 33, 46, 184),
    "Cusco": (28, 72, 50, 43),
    "Huancavelica": (44, 25, 50, 51),
    "Ica": (36, 11, 46, 68),
    "Lambayeque": (33, 39, 53, 68),
    "Lima": (48, 28, 50, 77),
    "Loreto": (31, 2, 48, 38),
    "Madre de Dios": (33, 16, 45, 21),
    "Moquegua": (39, 29, 32, 31),
    "Pasco": (36, 16, 34, 17),
    "Piura": (32, -22, 42, 65),
    "Puno": (28, 3, 56, 13),
    "San Martín": (27, 29, 42, 44),
    "Tacna": (39, 25, 37, 21),
    "Ucayali": (39, 9, 62, 41),
}
# Gráficos Nº 20–31: promedio por IdG, II semestre (programación, ejecución).
GRAFICOS_IDG = {
    1: (61, 46),
    2: (53, 12),
    3: (55, 14),
    4: (14, 66),
    5: (67, 67),
    6: (53, 43),
    7: (11, 59),
    8: (63, 22),
    9: (52, 36),
    10: (9, 10),
    11: (54, 113),
    12: (51, 62),
}
# Gráfico Nº 11: fila completa de Loreto, II semestre 2020 (única fila publicada).
LORETO_II = {
    "programado": (60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50),
    "ejecutado": (60, 45, 30, 10, 89, 58, 7, 25, 66, 1, 33, 27),
}

# Tipos de IdG: 4, 7 y 10 son incrementos/variaciones (admiten < 0 y > 100); el 11 es un porcentaje
# de actividades ejecutadas que en promedio llega a 113 % (admite > 100); el resto son porcentajes
# de 0 a 100.
INCREMENTO = {4, 7, 10}
SIN_TOPE = {4, 7, 10, 11}
PROG_MIN, PROG_MAX = 1, 100  # una meta programada de 0 sería "sin meta"
EJEC_MIN_PCT, EJEC_MAX_PCT = 0, 100
EJEC_MIN_INC, EJEC_MAX_SIN_TOPE = -100, 400
# |promedio − publicado| ≤ 0,45: nunca un empate x,5 (la fila publicada de Loreto queda a 0,42).
MARGEN = Fraction(9, 20)

# ---------------------------------------------------------------------------------------------
# Estados declarados por las DDGG (Anexo 5, Sección VIII de 004) — II semestre 2020
# ---------------------------------------------------------------------------------------------
ESTADOS_II = {
    (1, "Amazonas"): "no_remitido",
    (1, "Lambayeque"): "no_remitido",
    (1, "San Martín"): "no_remitido",
    (2, "Callao"): "no_aplica",
    (2, "Lima"): "no_aplica",
    (3, "Apurímac"): "sin_meta",
    (3, "Moquegua"): "sin_meta",
    (8, "Apurímac"): "no_aplica",
    (8, "Callao"): "no_aplica",
    (8, "Huancavelica"): "no_aplica",
    (8, "Lima"): "no_aplica",
    (8, "Pasco"): "no_aplica",
    (10, "Cusco"): "sin_meta",
    (10, "Huancavelica"): "sin_meta",
}
# I semestre: mismos estados, salvo IdG 3 de Apurímac y Moquegua, que "no tenían meta programada en
# el segundo semestre" (es decir, sí la tenían en el primero).
ESTADOS_I = {k: v for k, v in ESTADOS_II.items() if k not in {(3, "Apurímac"), (3, "Moquegua")}}

# Relaciones entre programado y ejecutado que se desprenden de las conclusiones de las DDGG
# (II semestre):
#   cumplio      ejecutado ≥ programado   ("cumplieron / han cumplido la meta programada")
#   no_cumplio   ejecutado < programado   ("no han cumplido con la meta programada")
#   no_ejecuto   ejecutado = 0            ("no ejecutaron acciones por no contar con personal")
#   por_debajo   ejecutado < programado   (lectura interpretativa, ver `fuente`)
#   cifp_opera   ejecutado ≥ 50           ("prestan los servicios a través de su Centro Integrado")
#   cifp_inicia  ejecutado ≤ 30           ("deben iniciar las gestiones para la suscripción …")
#   ejecuta      ejecutado > 0            ("continúen ejecutando actividades")
DECLARACIONES = [
    # (idg, relación, regiones, fuente)
    (
        1,
        "cumplio",
        ["Cajamarca", "Ica", "Loreto", "Moquegua", "Puno"],
        "IdG 1: «Las G/DRTPE de Cajamarca, Ica, Loreto, Moquegua y Puno cumplieron la meta "
        "programada.»",
    ),
    (
        1,
        "no_ejecuto",
        ["Madre de Dios", "Ucayali"],
        "IdG 1: «Las G/DRTPE de Madre de Dios y Ucayali no ejecutaron acciones por no contar con "
        "personal»",
    ),
    (
        3,
        "no_cumplio",
        [
            "Amazonas",
            "Cajamarca",
            "Callao",
            "Cusco",
            "Huancavelica",
            "Lambayeque",
            "Madre de Dios",
            "Pasco",
            "Piura",
            "Puno",
            "San Martín",
            "Tacna",
            "Ucayali",
        ],
        "IdG 3: «… no han cumplido con la meta programada.»",
    ),
    (
        3,
        "cumplio",
        ["Ica", "Lima", "Loreto"],
        "IdG 3: «Las G/DRTPE de Ica, Lima y Loreto han cumplido la meta programada»",
    ),
    (
        6,
        "por_debajo",
        ["Apurímac", "Cajamarca", "Loreto", "Madre de Dios", "Ucayali"],
        "IdG 6 (interpretación): deben «implement[ar] y/o activ[ar] el Observatorio Socio "
        "Económico Laboral»",
    ),
    (
        8,
        "cifp_inicia",
        [
            "Amazonas",
            "Cusco",
            "Ica",
            "Lambayeque",
            "Loreto",
            "Madre de Dios",
            "Piura",
            "Puno",
            "San Martín",
            "Tacna",
        ],
        "IdG 8 (interpretación): «deben iniciar las gestiones para la suscripción del Convenio … e "
        "implementación»",
    ),
    (
        8,
        "cifp_opera",
        ["Cajamarca", "Moquegua", "Ucayali"],
        "IdG 8 (interpretación): «prestan los servicios a través de su Centro Integrado Formaliza "
        "Perú»",
    ),
    (
        10,
        "por_debajo",
        [
            "Apurímac",
            "Cajamarca",
            "Callao",
            "Lambayeque",
            "Madre de Dios",
            "Moquegua",
            "Piura",
            "Puno",
            "Ucayali",
        ],
        "IdG 10 (interpretación): se indica que «ejecuten actividades programadas en el Servicio "
        "de Orientación para el Migrante»",
    ),
    (
        11,
        "ejecuta",
        list(REGIONES),
        "IdG 11: las 18 G/DRTPE «continúen ejecutando actividades articuladas al Plan Nacional de "
        "SST»",
    ),
]
# Declaraciones imposibles de cumplir a la vez que las cifras publicadas (se documentan, no se
# fuerzan).
NO_SATISFECHAS = {
    (3, "cumplio", "Loreto"): "la fila publicada de Loreto da 70 programado / 30 ejecutado",
    (6, "por_debajo", "Loreto"): "la fila publicada de Loreto da 50 programado / 58 ejecutado",
    (10, "por_debajo", "Callao"): (
        "con 10 celdas y promedio de ejecución 187 %, Callao necesita valores muy altos en los IdG "
        "sin tope (4, 7, 10, 11); con ejecución < meta en el IdG 10 haría falta una meta de "
        "variación ≥ 68 % y todo lo demás al máximo"
    ),
}


def _relacion_ok(rel: str, prog, ejec) -> bool:
    if rel == "cumplio":
        return ejec >= prog
    if rel in ("no_cumplio", "por_debajo"):
        return ejec < prog
    if rel == "no_ejecuto":
        return ejec == 0
    if rel == "cifp_opera":
        return ejec >= 50
    if rel == "cifp_inicia":
        return ejec <= 30
    if rel == "ejecuta":
        return ejec > 0
    raise ValueError(rel)


# ---------------------------------------------------------------------------------------------
# Utilidades
# ---------------------------------------------------------------------------------------------


def redondear(x: Fraction) -> int:
    """Redondeo a entero, mitad hacia arriba (47,5 → 48)."""
    return int((x + Fraction(1, 2)).__floor__())


def ruido(*clave) -> float:
    """Número determinista en [-1, 1] a partir de la clave de la celda."""
    h = hashlib.sha256("|".join(str(c) for c in clave).encode("utf-8")).hexdigest()
    return int(h[:12], 16) / float(0xFFFFFFFFFFFF) * 2.0 - 1.0


def ventana(objetivo: int, n: int) -> tuple[int, int]:
    """Sumas enteras S tales que |S/n − objetivo| ≤ MARGEN."""
    lo = (objetivo - MARGEN) * n
    hi = (objetivo + MARGEN) * n
    return int(-((-lo).__floor__())), int(hi.__floor__())


def limites_ejec(idg: int) -> tuple[int, int]:
    lo = EJEC_MIN_INC if idg in INCREMENTO else EJEC_MIN_PCT
    hi = EJEC_MAX_SIN_TOPE if idg in SIN_TOPE else EJEC_MAX_PCT
    return lo, hi


# ---------------------------------------------------------------------------------------------
# Flujo de costo mínimo (caminos más cortos sucesivos con potenciales; costos enteros ≥ 0)
# ---------------------------------------------------------------------------------------------
INF = 10**9


class FlujoCostoMinimo:
    def __init__(self, n: int) -> None:
        self.n = n
        self.g: list[list[list[int]]] = [[] for _ in range(n)]

    def arista(self, u: int, v: int, cap: int, costo: int) -> None:
        if cap <= 0:
            return
        self.g[u].append([v, cap, costo, len(self.g[v])])
        self.g[v].append([u, 0, -costo, len(self.g[u]) - 1])

    def resolver(self, s: int, t: int, requerido: int) -> int:
        h = [0] * self.n
        total = 0
        while total < requerido:
            dist = [INF] * self.n
            prev = [None] * self.n
            dist[s] = 0
            cola = [(0, s)]
            while cola:
                d, u = heapq.heappop(cola)
                if d > dist[u]:
                    continue
                for idx, (v, cap, costo, _) in enumerate(self.g[u]):
                    if cap > 0:
                        nd = d + costo + h[u] - h[v]
                        if nd < dist[v]:
                            dist[v] = nd
                            prev[v] = (u, idx)
                            heapq.heappush(cola, (nd, v))
            if dist[t] >= INF:
                break
            for v in range(self.n):
                if dist[v] < INF:
                    h[v] += dist[v]
            f = requerido - total
            v = t
            while v != s:
                u, idx = prev[v]
                f = min(f, self.g[u][idx][1])
                v = u
            v = t
            while v != s:
                u, idx = prev[v]
                e = self.g[u][idx]
                e[1] -= f
                self.g[v][e[3]][1] += f
                v = u
            total += f
        return total


# Costo convexo por unidad de desviación respecto de la base: (hasta |δ|, costo unitario).
TRAMOS = [(3, 1), (8, 2), (15, 4), (30, 8), (60, 16), (INF, 32)]


def ajustar(base, limites, filas, columnas, etiqueta=""):
    """Devuelve {celda: valor entero} lo más cercano posible a `base` (costo convexo) con
    límites por celda y sumas por fila (región) y columna (IdG) dentro de las ventanas dadas.

    base:     {(region, idg): int}   limites: {(region, idg): (lo, hi)} con lo ≤ base ≤ hi
    filas:    {region: (A, B) | None}  columnas: {idg: (C, D) | None}   (ventanas de suma)
    """
    regiones = sorted({r for r, _ in base}, key=REGIONES.index)
    idgs = sorted({i for _, i in base})
    S, T = 0, 1
    nodo_r = {r: 2 + k for k, r in enumerate(regiones)}
    nodo_i = {i: 2 + len(regiones) + k for k, i in enumerate(idgs)}
    SS, TT = 2 + len(regiones) + len(idgs), 3 + len(regiones) + len(idgs)
    red = FlujoCostoMinimo(TT + 1)
    exceso = [0] * (TT + 1)

    def arista_acotada(u, v, lo, hi):
        """Flujo neto u→v en [lo, hi] (lo puede ser negativo) con costo 0."""
        if lo > 0:
            exceso[u] -= lo
            exceso[v] += lo
            red.arista(u, v, hi - lo, 0)
        elif hi < 0:
            exceso[v] -= -hi
            exceso[u] += -hi
            red.arista(v, u, hi - lo, 0)
        else:
            red.arista(u, v, hi, 0)
            red.arista(v, u, -lo, 0)

    # Celdas: δ = valor − base, en tramos de costo creciente en cada sentido.
    aristas_celda = {}
    for celda in sorted(base, key=lambda c: (REGIONES.index(c[0]), c[1])):
        r, i = celda
        lo, hi = limites[celda]
        b = base[celda]
        u, v = nodo_r[r], nodo_i[i]
        sube, baja = [], []
        for capacidad, lista, (a, z) in ((hi - b, sube, (u, v)), (b - lo, baja, (v, u))):
            previo = 0
            for tope, costo in TRAMOS:
                cap = min(tope, capacidad) - previo
                if cap <= 0:
                    break
                lista.append((a, len(red.g[a]), cap))
                red.arista(a, z, cap, costo)
                previo += cap
        aristas_celda[celda] = (sube, baja)

    suma_base_r = {r: sum(base[c] for c in base if c[0] == r) for r in regiones}
    suma_base_i = {i: sum(base[c] for c in base if c[1] == i) for i in idgs}
    for r in regiones:
        if filas.get(r) is None:
            arista_acotada(S, nodo_r[r], -INF // 4, INF // 4)
        else:
            A, B = filas[r]
            arista_acotada(S, nodo_r[r], A - suma_base_r[r], B - suma_base_r[r])
    for i in idgs:
        if columnas.get(i) is None:
            arista_acotada(nodo_i[i], T, -INF // 4, INF // 4)
        else:
            C, D = columnas[i]
            arista_acotada(nodo_i[i], T, C - suma_base_i[i], D - suma_base_i[i])
    red.arista(T, S, INF // 2, 0)
    red.arista(S, T, INF // 2, 0)

    requerido = 0
    for v, e in enumerate(exceso):
        if e > 0:
            red.arista(SS, v, e, 0)
            requerido += e
        elif e < 0:
            red.arista(v, TT, -e, 0)
    obtenido = red.resolver(SS, TT, requerido)
    if obtenido != requerido:
        raise SystemExit(
            f"ERROR: no existe una matriz que cumpla las metas ({obtenido}/{requerido}; {etiqueta})"
        )

    resultado = {}
    for celda, (sube, baja) in aristas_celda.items():
        d = 0
        for a, idx, cap in sube:
            d += cap - red.g[a][idx][1]
        for a, idx, cap in baja:
            d -= cap - red.g[a][idx][1]
        resultado[celda] = base[celda] + d
    return resultado


# ---------------------------------------------------------------------------------------------
# Construcción
# ---------------------------------------------------------------------------------------------


def estados(semestre: int) -> dict:
    tabla = ESTADOS_II if semestre == 2 else ESTADOS_I
    return {(r, i): tabla.get((i, r), "valor") for r in REGIONES for i in IDGS}


def relaciones_forzadas() -> dict:
    """{(region, idg): [relación, …]} de las declaraciones del II semestre que se fuerzan."""
    out: dict = {}
    for idg, rel, regiones, _ in DECLARACIONES:
        for r in regiones:
            if (idg, rel, r) in NO_SATISFECHAS:
                continue
            out.setdefault((r, idg), []).append(rel)
    return out


def _acotar(x: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, int(round(x))))


def _media(valores) -> float:
    valores = list(valores)
    return sum(valores) / len(valores)


# Perfil de ejecución por IdG en el I semestre 2020 (confinamiento por la COVID-19: servicios
# presenciales casi paralizados; no hay cifras publicadas por IdG para el I semestre). Supuesto
# nuestro.
PERFIL_EJEC_I = {
    1: 18,
    2: 10,
    3: 6,
    4: 14,
    5: 30,
    6: 24,
    7: 12,
    8: 14,
    9: 26,
    10: 6,
    11: 44,
    12: 30,
}


def _base_ejec(t, perfil, nivel, semestre, r, i) -> float:
    """Ejecución base: perfil del IdG × nivel de la región (t = promedio publicado de la región)."""
    if t >= 0:
        return perfil[i] * t / nivel * (1 + 0.25 * ruido(ANIO, semestre, "e", r, i))
    # Promedio negativo (Piura, I sem.): solo los IdG de incremento pueden ser negativos.
    if i in INCREMENTO:
        return t * 12 / 3 * (1 + 0.08 * ruido(ANIO, semestre, "e", r, i))
    return 3 + 3 * ruido(ANIO, semestre, "e", r, i)


def construir() -> list[dict]:
    filas_csv = []
    rel = relaciones_forzadas()
    for semestre in (1, 2):
        est = estados(semestre)
        celdas = [c for c in est if est[c] == "valor"]
        n_r = {r: sum(1 for c in celdas if c[0] == r) for r in REGIONES}
        n_i = {i: sum(1 for c in celdas if c[1] == i) for i in IDGS}
        if semestre == 2:
            obj_r = {r: CUADRO_04[r] for r in REGIONES}
            obj_i = dict(GRAFICOS_IDG)
            perfil_p = {i: obj_i[i][0] for i in IDGS}
            perfil_e = {i: obj_i[i][1] for i in IDGS}
        else:
            obj_r = {r: CUADRO_05[r][:2] for r in REGIONES}
            obj_i = None
            escala = _media(v[0] for v in obj_r.values()) / _media(v[0] for v in CUADRO_04.values())
            perfil_p = {i: GRAFICOS_IDG[i][0] * escala for i in IDGS}
            perfil_e = dict(PERFIL_EJEC_I)
        nivel_p = _media(v[0] for v in obj_r.values())
        nivel_e = _media(v[1] for v in obj_r.values())
        fijas = {}
        if semestre == 2:
            for k, i in enumerate(IDGS):
                fijas[("Loreto", i)] = (LORETO_II["programado"][k], LORETO_II["ejecutado"][k])

        # --- programado ---
        base, lim = {}, {}
        for c in celdas:
            r, i = c
            if c in fijas:
                base[c] = fijas[c][0]
                lim[c] = (base[c], base[c])
                continue
            b = perfil_p[i] * obj_r[r][0] / nivel_p * (1 + 0.25 * ruido(ANIO, semestre, "p", r, i))
            if semestre == 2 and "cumplio" in rel.get(c, []):
                # la meta de quien "cumplió" se toma del nivel de ejecución esperado (−10 %)
                b = min(b, 0.9 * _base_ejec(obj_r[r][1], perfil_e, nivel_e, semestre, r, i))
            lim[c] = (PROG_MIN, PROG_MAX)
            base[c] = _acotar(b, *lim[c])
        ventanas_r = {r: ventana(obj_r[r][0], n_r[r]) for r in REGIONES}
        ventanas_i = {i: ventana(obj_i[i][0], n_i[i]) for i in IDGS} if obj_i else {}
        prog = ajustar(base, lim, ventanas_r, ventanas_i, f"{semestre}º sem., programado")

        # --- ejecutado ---
        base, lim = {}, {}
        for c in celdas:
            r, i = c
            if c in fijas:
                base[c] = fijas[c][1]
                lim[c] = (base[c], base[c])
                continue
            lo, hi = limites_ejec(i)
            if semestre == 2:
                for relacion in rel.get(c, []):
                    p = prog[c]
                    if relacion == "cumplio":
                        lo = max(lo, p)
                    elif relacion in ("no_cumplio", "por_debajo"):
                        hi = min(hi, p - 1)
                    elif relacion == "no_ejecuto":
                        lo, hi = 0, 0
                    elif relacion == "cifp_opera":
                        lo = max(lo, 50)
                    elif relacion == "cifp_inicia":
                        hi = min(hi, 30)
                    elif relacion == "ejecuta":
                        lo = max(lo, 1)
            lim[c] = (lo, hi)
            b = _base_ejec(obj_r[r][1], perfil_e, nivel_e, semestre, r, i)
            holgura = min(25.0, 0.3 * (hi - lo)) * (0.5 + 0.5 * ruido(ANIO, semestre, "h", r, i))
            if b < lo:  # una declaración eleva el mínimo: no todas las celdas pegadas al límite
                b = lo + holgura
            elif b > hi:
                b = hi - holgura
            base[c] = _acotar(b, lo, hi)
        ventanas_r = {r: ventana(obj_r[r][1], n_r[r]) for r in REGIONES}
        ventanas_i = {i: ventana(obj_i[i][1], n_i[i]) for i in IDGS} if obj_i else {}
        ejec = ajustar(base, lim, ventanas_r, ventanas_i, f"{semestre}º sem., ejecutado")

        for r in REGIONES:
            for i in IDGS:
                e = est[(r, i)]
                publicado = semestre == 2 and r == "Loreto"
                filas_csv.append(
                    {
                        "region": r,
                        "idg": str(i),
                        "anio": str(ANIO),
                        "semestre": str(semestre),
                        "estado": e,
                        "programado": f"{prog[(r, i)]:.1f}" if e == "valor" else "",
                        "ejecutado": f"{ejec[(r, i)]:.1f}" if e == "valor" else "",
                        "origen": "publicado" if publicado else "reconstruido",
                    }
                )
    return filas_csv


def a_texto(filas) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CABECERA, lineterminator="\n")
    w.writeheader()
    w.writerows(filas)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Verificación
# ---------------------------------------------------------------------------------------------


def _num(txt: str):
    if txt == "":
        return None
    if txt.count(".") != 1 or len(txt.split(".")[1]) != 1:
        raise ValueError(f"formato numérico no válido: {txt!r} (se espera un decimal, p. ej. 60.0)")
    return Fraction(txt)


def verificar(ruta: str) -> int:
    errores: list[str] = []
    avisos: list[str] = []

    def err(msg):
        errores.append(msg)

    with open(ruta, newline="", encoding="utf-8") as fh:
        lector = csv.reader(fh)
        filas = list(lector)
    if not filas or filas[0] != CABECERA:
        err(f"cabecera distinta de {','.join(CABECERA)}: {filas[0] if filas else '(vacío)'}")
        return _informe(errores, avisos)
    datos = [dict(zip(CABECERA, f, strict=False)) for f in filas[1:]]
    esperado_orden = [(s, r, i) for s in (1, 2) for r in REGIONES for i in IDGS]
    orden = []
    celdas = {}
    for n, d in enumerate(datos, start=2):
        try:
            s, i = int(d["semestre"]), int(d["idg"])
        except (ValueError, TypeError):
            err(f"línea {n}: semestre/idg no enteros: {d}")
            continue
        r = d["region"]
        orden.append((s, r, i))
        if d["anio"] != str(ANIO):
            err(f"línea {n}: anio {d['anio']!r} ≠ {ANIO}")
        if d["estado"] not in ESTADOS_VALIDOS:
            err(f"línea {n}: estado no válido {d['estado']!r}")
        try:
            p, e = _num(d["programado"]), _num(d["ejecutado"])
        except ValueError as ex:
            err(f"línea {n}: {ex}")
            continue
        if d["estado"] == "valor" and (p is None or e is None):
            err(f"línea {n}: estado valor sin programado/ejecutado")
        if d["estado"] != "valor" and (p is not None or e is not None):
            err(f"línea {n}: estado {d['estado']} con valores (deben ir vacíos)")
        origen_esp = "publicado" if (s == 2 and r == "Loreto") else "reconstruido"
        if d["origen"] != origen_esp:
            err(f"línea {n}: origen {d['origen']!r}, se esperaba {origen_esp!r}")
        if (s, r, i) in celdas:
            err(f"línea {n}: celda repetida {(s, r, i)}")
        celdas[(s, r, i)] = (d["estado"], p, e)
    if len(datos) != 432:
        err(f"se esperaban 432 filas de datos, hay {len(datos)}")
    if orden != esperado_orden:
        err(
            "las filas no están ordenadas por semestre, región (orden del Cuadro 04) e idg, "
            "o faltan celdas"
        )
    if errores:
        return _informe(errores, avisos)

    # Estados declarados
    for s in (1, 2):
        est = estados(s)
        for (r, i), e in est.items():
            if celdas[(s, r, i)][0] != e:
                err(f"estado {s}º sem. {r} IdG {i}: {celdas[(s, r, i)][0]} ≠ {e} (declarado)")

    # Rangos
    for (s, r, i), (e, p, x) in celdas.items():
        if e != "valor":
            continue
        if not (0 <= p <= 100):
            err(f"{s}º sem. {r} IdG {i}: programado {float(p)} fuera de [0, 100]")
        lo, hi = limites_ejec(i)
        if not (lo <= x <= hi):
            err(f"{s}º sem. {r} IdG {i}: ejecutado {float(x)} fuera de [{lo}, {hi}]")

    # Loreto, II semestre: fila publicada
    for k, i in enumerate(IDGS):
        _, p, x = celdas[(2, "Loreto", i)]
        if (p, x) != (LORETO_II["programado"][k], LORETO_II["ejecutado"][k]):
            err(
                f"Loreto II IdG {i}: {p}/{x} ≠ publicado "
                f"{LORETO_II['programado'][k]}/{LORETO_II['ejecutado'][k]} (Gráfico Nº 11)"
            )

    def promedio(vals):
        return Fraction(sum(vals), len(vals)) if vals else None

    def comprobar(etiqueta, vals, objetivo):
        m = promedio(vals)
        if m is None:
            err(f"{etiqueta}: sin celdas con valor")
            return None
        if redondear(m) != objetivo:
            err(f"{etiqueta}: promedio {float(m):.3f} → {redondear(m)} ≠ publicado {objetivo}")
        elif abs(m - objetivo) == Fraction(1, 2):
            err(
                f"{etiqueta}: promedio {float(m)} es un empate x,5 "
                "(depende de la convención de redondeo)"
            )
        return m

    medias = {}
    for s in (1, 2):
        for r in REGIONES:
            vals = [celdas[(s, r, i)] for i in IDGS if celdas[(s, r, i)][0] == "valor"]
            obj = CUADRO_04[r] if s == 2 else CUADRO_05[r][:2]
            fuente = "Cuadro 04" if s == 2 else "Cuadro 05, I sem."
            mp = comprobar(f"{fuente} {r} programación", [v[1] for v in vals], obj[0])
            me = comprobar(f"{fuente} {r} ejecución", [v[2] for v in vals], obj[1])
            medias[(s, r)] = (mp, me, len(vals))
    for i in IDGS:
        vals = [celdas[(2, r, i)] for r in REGIONES if celdas[(2, r, i)][0] == "valor"]
        etiqueta = f"Gráfico {19 + i} IdG {i}"
        comprobar(f"{etiqueta} programación", [v[1] for v in vals], GRAFICOS_IDG[i][0])
        comprobar(f"{etiqueta} ejecución", [v[2] for v in vals], GRAFICOS_IDG[i][1])

    # Negativos solo en IdG 4, 7, 10
    for (s, r, i), (e, p, x) in celdas.items():
        if e == "valor" and (p < 0 or x < 0) and i not in INCREMENTO:
            err(f"{s}º sem. {r} IdG {i}: valor negativo en un IdG que no es incremento/variación")

    # Declaraciones de las DDGG (II semestre)
    seguidas, no_seguidas = 0, []
    for idg, rel, regiones, fuente in DECLARACIONES:
        for r in regiones:
            e, p, x = celdas[(2, r, idg)]
            ok = e == "valor" and _relacion_ok(rel, p, x)
            if (idg, rel, r) in NO_SATISFECHAS:
                no_seguidas.append(f"IdG {idg} {r} [{rel}]: {NO_SATISFECHAS[(idg, rel, r)]}")
                if ok:
                    avisos.append(f"IdG {idg} {r} [{rel}] figura como no satisfecha pero se cumple")
                continue
            if ok:
                seguidas += 1
            else:
                err(f"declaración no respetada: IdG {idg} {r} [{rel}] prog={p} ejec={x} — {fuente}")
    seguidas += len(ESTADOS_II)  # estados declarados (ya comprobados arriba)

    # Avisos informativos
    p_c, e_c, _ = medias[(2, "Callao")]
    avisos.append(
        f"Callao II sem.: ejecución promedio {float(e_c):.2f} → {redondear(e_c)} "
        "(Cuadro 04 = 187); el Cuadro 05 imprime 184 — incoherencia conocida del "
        "informe, se sigue el Cuadro 04"
    )
    for s in (1, 2):
        gp = _media(float(medias[(s, r)][0]) for r in REGIONES)
        ge = _media(float(medias[(s, r)][1]) for r in REGIONES)
        linea = (
            f"{s}º sem.: media simple de los 18 promedios regionales: programación {gp:.2f}, "
            f"ejecución {ge:.2f}"
        )
        if s == 2:
            ip = _media(GRAFICOS_IDG[i][0] for i in IDGS)
            ie = _media(GRAFICOS_IDG[i][1] for i in IDGS)
            tot_p = sum(c[1] for k, c in celdas.items() if k[0] == 2 and c[0] == "valor")
            tot_e = sum(c[2] for k, c in celdas.items() if k[0] == 2 and c[0] == "valor")
            n = sum(1 for k, c in celdas.items() if k[0] == 2 and c[0] == "valor")
            linea += (
                f"; media simple de los 12 promedios por IdG (Gráf. 20–31): "
                f"{ip:.2f} / {ie:.2f}; media ponderada de las {n} celdas con valor: "
                f"{float(tot_p) / n:.2f} / {float(tot_e) / n:.2f}"
            )
        avisos.append(linea)
    avisos.append(
        f"declaraciones/estados respetados: {seguidas}; no satisfacibles: {len(no_seguidas)}"
    )
    for t in no_seguidas:
        avisos.append("  no satisfecha: " + t)
    try:
        with open(ruta, encoding="utf-8", newline="") as fh:
            actual = fh.read()
        if actual != a_texto(construir()):
            avisos.append("el CSV difiere de lo que genera este script (¿editado a mano?)")
        else:
            avisos.append("el CSV es idéntico, byte a byte, a lo que genera este script")
    except SystemExit as ex:  # pragma: no cover
        avisos.append(f"no se pudo regenerar para comparar: {ex}")
    return _informe(errores, avisos)


def _informe(errores, avisos) -> int:
    for a in avisos:
        print("AVISO:", a)
    for e in errores:
        print("ERROR:", e)
    if errores:
        print(f"Verificación FALLIDA: {len(errores)} discrepancia(s).")
        return 1
    print("Verificación OK: todas las metas publicadas se reproducen.")
    return 0


def main(argv=None) -> int:
    raiz = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    por_defecto = os.path.join(raiz, "data", "anexo4_2020.csv")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--verificar",
        action="store_true",
        help="relee el CSV y comprueba todas las metas (no lo reescribe); "
        "sale con código ≠ 0 si falla",
    )
    ap.add_argument(
        "--salida", default=por_defecto, help=f"ruta del CSV (por defecto {por_defecto})"
    )
    args = ap.parse_args(argv)
    if args.verificar:
        return verificar(args.salida)
    texto = a_texto(construir())
    with open(args.salida, "w", encoding="utf-8", newline="") as fh:
        fh.write(texto)
    print(f"escrito {args.salida} ({texto.count(chr(10)) - 1} filas)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
