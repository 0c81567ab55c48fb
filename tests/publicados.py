"""Figures published in the II-2020 ODES report (seed 004), written once for every test.

Never computed from the demo CSV: the tests compare what the app computes with these.
"""

#: Gráfico Nº 11 data table: Loreto's II-2020 row, IdG 1..12.
LORETO_PROG = [60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50]
LORETO_EJEC = [60, 45, 30, 10, 89, 58, 7, 25, 66, 1, 33, 27]

#: Cuadro Nº 04 (seed-spec §4.3): region → (programación, ejecución) promedio, II Semestre 2020.
CUADRO_04_II_2020 = {
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

#: Cuadro Nº 05 (seed-spec §4.4), I Semestre 2020 columns.
CUADRO_05_I_2020 = {
    "Amazonas": (35, 15),
    "Apurímac": (26, 1),
    "Cajamarca": (36, 27),
    "Callao": (38, 33),
    "Cusco": (28, 72),
    "Huancavelica": (44, 25),
    "Ica": (36, 11),
    "Lambayeque": (33, 39),
    "Lima": (48, 28),
    "Loreto": (31, 2),
    "Madre de Dios": (33, 16),
    "Moquegua": (39, 29),
    "Pasco": (36, 16),
    "Piura": (32, -22),
    "Puno": (28, 3),
    "San Martín": (27, 29),
    "Tacna": (39, 25),
    "Ucayali": (39, 9),
}

#: Gráficos Nº 20–31 (seed-spec §4.5): IdG → (programación, ejecución, veredicto).
GRAFICOS_20_31_II_2020 = {
    1: (61, 46, "menor"),
    2: (53, 12, "menor"),
    3: (55, 14, "menor"),
    4: (14, 66, "mayor"),
    5: (67, 67, "igual"),
    6: (53, 43, "menor"),
    7: (11, 59, "mayor"),
    8: (63, 22, "menor"),
    9: (52, 36, "menor"),
    10: (9, 10, "ligeramente_mayor"),
    11: (54, 113, "mayor"),
    12: (51, 62, "mayor"),
}

#: The same without the verdict: IdG → (programación, ejecución).
PROMEDIOS_IDG_II_2020 = {idg: (p, e) for idg, (p, e, _v) in GRAFICOS_20_31_II_2020.items()}
