"""Who may see what: a user's region, and the part of a semester's figures they may read.

The per-view gate (which roles may open a page) is app/comun/roles.py; this module narrows
the data inside a page to the reader's scope (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from app.comun.roles import Rol


def es(rol: Rol) -> bool:
    """Tell whether the current user has role rol."""
    return current_user.is_authenticated and current_user.rol is rol


def puede_ver_region(region_id: int) -> bool:
    """A drtpe user sees only their region; the other roles see every region."""
    if current_user.rol is Rol.drtpe:
        return current_user.region_id == region_id
    return True


def exigir_region(region_id: int) -> None:
    """Answer 404 (never the data) when the current user may not see region_id."""
    if not puede_ver_region(region_id):
        abort(404)


@dataclass(frozen=True)
class Alcance:
    """The part of a semester's figures a reader may see (None on an axis = no limit there)."""

    #: Only this region's cells (a G/DRTPE before publication)
    region_id: int | None = None
    #: Only the cells of IdG proposed by this unit (a directorate before publication)
    unidad_id: int | None = None
    #: Nothing at all (a reviewer before publication)
    ninguno: bool = False

    @property
    def total(self) -> bool:
        """Whether every figure may be seen."""
        return not self.ninguno and self.region_id is None and self.unidad_id is None

    @property
    def clave(self) -> str:
        """A short name of the scope, part of the name of every file drawn for it."""
        if self.ninguno:
            return "ninguno"
        if self.region_id is not None:
            return f"r{self.region_id}"
        if self.unidad_id is not None:
            return f"u{self.unidad_id}"
        return "todo"

    def incluye_region(self, region_id: int) -> bool:
        """Whether a region's figures are within the scope."""
        return not self.ninguno and self.region_id in (None, region_id)

    def incluye_unidad(self, unidad_id: int | None) -> bool:
        """Whether the figures of an IdG proposed by unidad_id are within the scope."""
        return not self.ninguno and self.unidad_id in (None, unidad_id)


TOTAL = Alcance()


def _nunca(periodo_id: int) -> bool:
    return False


#: How to tell whether a semester's report is published. The reports module, a layer above,
#: sets it when it is imported (app/informes/__init__.py) so the layers below need not import
#: it; until then nothing counts as published (the narrower scope). "publicado" answers for one
#: semester; "publicados", when set, for many at once (a set of the published ids).
publicacion: dict[str, Callable] = {"publicado": _nunca}


def semestre_publicado(periodo_id: int) -> bool:
    """Whether the semester's report is published: its data is then frozen."""
    return publicacion["publicado"](periodo_id)


def semestres_publicados(periodo_ids: Collection[int]) -> set[int]:
    """Which of these semesters have their report published: in one query when the reports
    module registered one for many ("publicados"), else one by one."""
    if not periodo_ids:
        return set()
    varios = publicacion.get("publicados")
    if varios is not None:
        return set(varios(list(periodo_ids)))
    return {i for i in periodo_ids if semestre_publicado(i)}


def mensaje_publicado() -> str:
    """Why an approved report of a published semester cannot be reopened (Spanish)."""
    from flask_babel import gettext as _

    return _(
        "El informe de este semestre está publicado: sus datos no cambian. Para corregirlos, "
        "la ODES retira la publicación indicando el motivo; la versión corregida se publica "
        "con una nota y la anterior sigue disponible."
    )


def alcance_periodo(usuario, periodo_id: int) -> Alcance:
    """What a reader may see of the figures of one semester, published or not."""
    return alcance_cifras(usuario, publicado=publicacion["publicado"](periodo_id))


def alcance_cifras(usuario, *, publicado: bool) -> Alcance:
    """What a reader may see of a semester's figures (docs/security.md, "Informes").

    Once the semester's report is published its figures are public; before, ODES sees them
    all, a G/DRTPE its own region's, a directorate those of the IdG it proposes and a reviewer
    none.
    """
    if publicado or usuario.rol is Rol.odes:
        return TOTAL
    if usuario.rol is Rol.drtpe:
        return Alcance(region_id=usuario.region_id)
    if usuario.rol is Rol.direccion:
        return Alcance(unidad_id=usuario.unidad_id)
    return Alcance(ninguno=True)
