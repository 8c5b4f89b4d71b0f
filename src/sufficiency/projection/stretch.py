"""Stretch the paths of every group a user reads, keeping breakdowns adding up.

The groups are built from *atoms*: the children of one stream (other or
unaccompanied), placement category and DfE age band. Each step of
:data:`STRETCH_STEPS` sums the atoms into its groups and stretches each
group's paths at each date by its factor on the log scale, about the mean log
of its paths with children, ``log x' = c + k * (log x - c)``, then scales them
alike so that the group's mean is kept. A count's spread is multiplicative:
stretched this way no path falls below zero (a path with no children keeps
none) and the band widens more above than below. No step widens a group
beyond a spread of :data:`MAX_LOG_SPREAD` on the log scale, so that a wide
factor does not pull its median far below its mean; the steps that follow
(other groupings of the same children) can still widen it somewhat further.
Each path's change of the parent's count (the placement group's for
categories, the path's total otherwise) goes back to the parent's groups in
proportion to their means, so that the parent's count and each group's mean
are kept, and each group's atoms are scaled alike; the last step stretches
the total. Children within an atom (single years of age) keep their shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ..common.ages import DFE_AGE_BANDS, band_index
from ..common.threads import in_chunks
from ..ingest.taxonomy import coarse_map
from ._kernels import band_sums, scale_by_band
from .result import Projection

__all__ = [
    "Factors",
    "MAX_LOG_SPREAD",
    "STRETCH_STEPS",
    "AtomLayout",
    "atoms_of",
    "float_parts",
    "group_sums",
    "stretch",
    "stretch_atoms",
    "stretch_parts",
    "stretch_step",
    "with_parts",
]

#: Largest spread a stretch widens a group's paths to: the standard deviation of their logs. A stretch that
#: keeps the mean moves the median down as it widens (to ``exp(-s²/2)`` of the mean for a log-normal of spread
#: ``s``) and, beyond a spread of about 1.3, lowers the band's upper end too, so it cannot hold a higher outcome and
#: only empties the middle of the band. At 0.5 the median stays within an eighth of the mean and the 90th
#: percentile reaches 1.7 times it.
MAX_LOG_SPREAD = 0.5

#: The stretch steps, in the order applied.
STRETCH_STEPS = ("placement_group", "placement", "age_band", "stream", "total")

#: A factor for a step and group at each date (see :meth:`HorizonCalibration.factor`).
Factors = Callable[[str, str], np.ndarray]


@dataclass(frozen=True)
class AtomLayout:
    """The atoms' axes: stream (other, unaccompanied), placement category and DfE age band.

    Attributes
    ----------
    categories : tuple of str
    streams : int
        1, or 2 when unaccompanied children are projected apart.
    """

    categories: tuple[str, ...]
    streams: int

    @property
    def shape(self) -> tuple[int, int, int]:
        """Atoms per (stream, category, band)."""
        return self.streams, len(self.categories), len(DFE_AGE_BANDS)

    def placement_groups(self) -> list[str]:
        """The placement group of each category (``other`` for a category with none)."""
        lookup = coarse_map()
        return [lookup.get(c, "other") for c in self.categories]

    def groups(self, step: str) -> tuple[int | None, np.ndarray, list[str], np.ndarray | None]:
        """How ``step`` groups the atoms.

        Returns
        -------
        axis : int or None
            The atoms' axis the groups run along (0 stream, 1 category, 2
            band); ``None`` for the total.
        group : numpy.ndarray
            Group of each index along the axis.
        names : list of str
        parent : numpy.ndarray or None
            Each group's parent, whose count each path keeps (``None``: the
            path's total).

        Raises
        ------
        ValueError
            For an unknown step.
        """
        if step == "total":
            return None, np.zeros(1, dtype=int), ["total"], None
        if step == "stream":
            return 0, np.arange(self.streams), ["other", "uasc"][: self.streams], None
        if step == "age_band":
            return 2, np.arange(len(DFE_AGE_BANDS)), list(DFE_AGE_BANDS), None
        coarse = self.placement_groups()
        names = list(dict.fromkeys(coarse))
        of_category = np.array([names.index(g) for g in coarse], dtype=int)
        if step == "placement_group":
            return 1, of_category, names, None
        if step == "placement":
            return 1, np.arange(len(self.categories)), list(self.categories), of_category
        raise ValueError(f"unknown stretch step {step!r}; use one of {STRETCH_STEPS}")


def _onehot(index: np.ndarray, n: int, dtype: type = np.float64) -> np.ndarray:
    out: np.ndarray = np.zeros((len(index), n), dtype=dtype)
    out[np.arange(len(index)), index] = 1.0
    return out


def _along(values: np.ndarray, axis: int | None) -> np.ndarray:
    """(path, date, n) values shaped to broadcast over (path, date, stream, category, band) along ``axis``."""
    if axis is None:
        return values[:, :, :, None, None]
    shape = [values.shape[0], values.shape[1], 1, 1, 1]
    shape[2 + axis] = values.shape[2]
    return values.reshape(shape)


def _stretched(sums: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Each (date, group)'s paths stretched by ``k`` on the log scale about their mean log, keeping the mean.

    ``sums`` is (path, date, group) [children] and ``k`` (date, group). Paths
    with no children keep none; the others are ``exp(c + k (log x - c))``
    with ``c`` the mean log of the paths with children, all then scaled by
    one factor so that the mean over paths is the one before. A factor above
    1 widens the paths' spread (the standard deviation of their logs) to at
    most :data:`MAX_LOG_SPREAD`, and leaves a group already wider as it is.
    """
    pos = sums > 0
    logs = np.log(np.where(pos, sums, 1.0))
    n = pos.sum(axis=0)
    centre = np.divide((logs * pos).sum(axis=0), n, out=np.zeros(n.shape), where=n > 0)
    spread = np.sqrt(np.divide((((logs - centre[None]) ** 2) * pos).sum(axis=0), n, out=np.zeros(n.shape), where=n > 0))
    # widen no further than MAX_LOG_SPREAD (a group already wider keeps its paths)
    k = np.where(k > 1.0, np.minimum(k, np.maximum(1.0, MAX_LOG_SPREAD / np.maximum(spread, 1e-12))), k)
    out = np.where(pos, np.exp(centre[None] + k[None] * (logs - centre[None])), 0.0)
    before, after = sums.mean(axis=0), out.mean(axis=0)
    out = out * np.divide(before, after, out=np.ones_like(before), where=after > 0)[None]
    return np.where(k[None] == 1.0, sums, out)  # a factor of 1 leaves the paths exactly as they are


def group_sums(atoms: np.ndarray, axis: int | None, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Children of each group by (path, date): one pass over the atoms (see :meth:`AtomLayout.groups`)."""
    n_s, n_t = atoms.shape[:2]
    index = np.zeros(atoms[0, 0].size, dtype=int) if axis is None else np.indices(atoms.shape[2:])[axis].ravel()
    sums = atoms.reshape(n_s * n_t, -1) @ _onehot(group[index], n_groups, atoms.dtype.type)  # no copy of the atoms
    return sums.astype(np.float64, copy=False).reshape(n_s, n_t, n_groups)


def stretch_step(
    atoms: np.ndarray,
    axis: int | None,
    group: np.ndarray,
    factors: np.ndarray,
    parent: np.ndarray | None,
    *,
    keep: bool = True,
) -> None:
    """Stretch each group's paths on the log scale, keeping their mean, and scale its atoms alike, in place.

    Parameters
    ----------
    atoms : numpy.ndarray
        Children by (path, date, stream, category, band) [children], floats
        (float32 atoms are summed in float32).
    axis : int or None
        The atoms' axis the groups run along (``None``: one group, the total).
    group : numpy.ndarray
        Group of each index along ``axis``.
    factors : numpy.ndarray
        Stretch by (group, date).
    parent : numpy.ndarray or None
        Parent of each group, whose count each path keeps (``None``: the
        path's total).
    keep : bool
        Rescale to the parents' counts (``False`` for the total's step).
    """
    n_g = factors.shape[0]
    sums = group_sums(atoms, axis, group, n_g)
    stretched = _stretched(sums, factors.T)
    if keep:
        # each path's change of its parent's count goes back to the parent's groups it has, in proportion to the
        # groups' means (which keeps each group's mean), cut at zero and rescaled to the parent's count
        owner = np.zeros(n_g, dtype=int) if parent is None else parent
        up = _onehot(owner, int(owner.max()) + 1)
        weight = np.where(sums > 0, sums.mean(axis=0, keepdims=True), 0.0)
        share = np.divide(weight, (weight @ up)[..., owner], out=np.zeros_like(weight), where=weight > 0)
        stretched = np.where(sums > 0, stretched, 0.0)
        change = (stretched - sums) @ up
        stretched = np.maximum(stretched - change[..., owner] * share, 0.0)
        before, after = sums @ up, stretched @ up
        stretched *= np.divide(before, after, out=np.ones_like(after), where=after > 0)[..., owner]
    scale = np.divide(stretched, sums, out=np.ones_like(sums), where=sums > 0)
    atoms *= _along(np.take(scale, group, axis=-1), axis)


def stretch_atoms(
    atoms: np.ndarray, layout: AtomLayout, factor: Factors, *, steps: tuple[str, ...] = STRETCH_STEPS
) -> np.ndarray:
    """Apply the stretch steps in order.

    Parameters
    ----------
    atoms : numpy.ndarray
        Children by (path, date, stream, category, band) [children].
    layout : AtomLayout
    factor : callable
        ``factor(step, group)``: the stretch at each date.
    steps : tuple of str
        The steps to apply (default all; the stream step is skipped with one stream).

    Returns
    -------
    numpy.ndarray
        A stretched copy (float32 atoms stay float32, others become float64).
    """
    out = np.array(atoms, dtype=np.float32 if atoms.dtype == np.float32 else np.float64)
    for step in steps:
        if step == "stream" and layout.streams == 1:
            continue
        axis, group, names, parent = layout.groups(step)
        factors = np.stack([np.asarray(factor(step, name), dtype=float) for name in names])
        stretch_step(out, axis, group, factors, parent, keep=step != "total")
    return out


def float_parts(projection: Projection) -> list[np.ndarray]:
    """The projection's children as float32 counts.

    Parameters
    ----------
    projection : Projection

    Returns
    -------
    list of numpy.ndarray
        Copies, (path, date, category, age) [children]: all children, or the
        other children and the unaccompanied ones when they were projected
        as their own stream.
    """
    draws = projection.draws.astype(np.float32)
    if projection.uasc is None:
        return [draws]
    uasc = projection.uasc.astype(np.float32)
    draws -= uasc
    return [draws, uasc]


def _atoms(parts: list[np.ndarray], categories: tuple[str, ...]) -> tuple[np.ndarray, AtomLayout]:
    """Children by (path, date, stream, category, band), summed band by band (no copy of the paths)."""
    n_s, n_t, n_c = parts[0].shape[:3]
    atoms = np.empty((n_s, n_t, len(parts), n_c, len(DFE_AGE_BANDS)), dtype=np.float32)  # as the paths are kept
    lows = np.array([lo for lo, _ in DFE_AGE_BANDS.values()])
    highs = np.array([hi for _, hi in DFE_AGE_BANDS.values()])
    if any(part.shape != parts[0].shape or part.shape[-1] != highs[-1] + 1 for part in parts):
        raise ValueError(f"paths by single year of age 0 to {highs[-1]} are needed, not {[p.shape for p in parts]}")
    for i, part in enumerate(parts):
        in_chunks(n_s, partial(band_sums, part, lows, highs, atoms, i))
    return atoms, AtomLayout(categories=tuple(categories), streams=len(parts))


def atoms_of(projection: Projection) -> tuple[np.ndarray, AtomLayout]:
    """The projection's children by (path, date, stream, category, band), with their layout."""
    return _atoms(float_parts(projection), projection.categories)


def stretch(projection: Projection, factor: Factors) -> Projection:
    """Stretch the projection's paths group by group (see the module notes).

    Parameters
    ----------
    projection : Projection
    factor : callable
        ``factor(step, group)``: the stretch at each of the projection's dates.

    Returns
    -------
    Projection
        ``draws`` and ``uasc`` stretched (float32 [children]); ``simulated``
        keeps the paths as simulated.
    """
    parts = float_parts(projection)
    stretch_parts(parts, projection.categories, factor)
    return with_parts(projection, parts)


def stretch_parts(parts: list[np.ndarray], categories: tuple[str, ...], factor: Factors) -> None:
    """Stretch paths group by group, in place (see :func:`stretch`).

    Parameters
    ----------
    parts : list of numpy.ndarray
        From :func:`float_parts`: (path, date, category, age) float32
        children of each stream [children]; changed in place.
    categories : tuple of str
    factor : callable
        ``factor(step, group)``: the stretch at each date.
    """
    atoms, layout = _atoms(parts, categories)
    scale = stretch_atoms(atoms, layout, factor)
    np.divide(scale, atoms, out=scale, where=atoms > 0)  # each atom's factor, in place of its stretched count
    scale[atoms <= 0] = 1.0
    del atoms
    bands = band_index()
    for i, part in enumerate(parts):  # in place: no copy of the paths
        in_chunks(len(part), partial(scale_by_band, part, scale, bands, i))


def with_parts(projection: Projection, parts: list[np.ndarray]) -> Projection:
    """The projection with new paths.

    Parameters
    ----------
    projection : Projection
    parts : list of numpy.ndarray
        From :func:`float_parts`, which the result takes over (the first is
        changed in place into all children).

    Returns
    -------
    Projection
        ``draws`` and ``uasc`` from ``parts``; ``simulated`` keeps the paths
        as simulated.
    """
    if len(parts) == 2:
        parts[0] += parts[1]
    return replace(
        projection,
        draws=parts[0],
        uasc=parts[1] if len(parts) == 2 else None,
        simulated=projection.simulated if projection.simulated is not None else projection.draws,
    )
