"""Curvature from the Hessian: eigen-decomposition, kinds of points, step sizes.

Every function here works on symmetric 2 × 2 matrices stacked in an array of
shape ``(..., 2, 2)``, as returned by :meth:`Surface.hessian`, and uses a
closed form instead of a general eigen-solver, so a whole grid of Hessians
is decomposed at numpy speed. A single matrix of shape ``(2, 2)`` gives a
plain ``float`` or ``str`` back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lossviz_widgets.engine.surface import POINT_KINDS, Surface

__all__ = [
    "classify_hessian",
    "classify_point",
    "condition_number",
    "convex_mask",
    "hessian_eigen",
    "sharpness",
    "stable_step_size",
]

#: Default relative tolerance: an eigenvalue within ``tol × max|λ|`` of zero
#: counts as zero.
DEFAULT_TOL = 1e-6

#: Default absolute floor under which an eigenvalue counts as zero, so that a
#: Hessian that is zero up to rounding is not split into signs of noise.
DEFAULT_ATOL = 1e-10


def _as_hessians(hessian: Any) -> np.ndarray:
    """Return ``hessian`` as a float array of shape ``(..., 2, 2)``, or raise."""
    array = np.asarray(hessian, dtype=float)
    if array.ndim < 2 or array.shape[-2:] != (2, 2):
        message = (
            "hessian must have shape (..., 2, 2): one 2 × 2 matrix or a stack "
            f"of them, got an array of shape {array.shape}"
        )
        raise ValueError(message)
    return array


def _scalar_or_array(result: np.ndarray, hessian: np.ndarray) -> Any:
    """Unwrap the result for a single ``(2, 2)`` matrix into a Python scalar."""
    return result.item() if hessian.ndim == 2 else result


def hessian_eigen(hessian: Any) -> tuple[np.ndarray, np.ndarray]:
    """Compute the eigen-decomposition of symmetric 2 × 2 matrices in closed form.

    The matrix is read as symmetric: the two off-diagonal entries are
    averaged. It is scaled by its largest entry first, so entries near the
    limits of floating point neither overflow nor underflow. The eigenvalue
    of larger magnitude comes from the mean and the half-difference of the
    two diagonal entries, the other from the determinant divided by it, so a
    tiny eigenvalue next to a huge one keeps its relative accuracy unless the
    determinant itself cancels (the limit that LAPACK's 2 × 2 solver shares).
    The eigenvectors are the columns of a rotation by half the angle of
    ``(hxx - hyy, 2 hxy)``: unit length and orthogonal by construction, even
    where the two eigenvalues nearly coincide.

    Parameters
    ----------
    hessian : array_like, shape (..., 2, 2)
        One symmetric matrix or a stack of them.

    Returns
    -------
    eigenvalues : ndarray, shape (..., 2)
        In ascending order, like :func:`numpy.linalg.eigh`.
    eigenvectors : ndarray, shape (..., 2, 2)
        Column ``k`` (``eigenvectors[..., :, k]``) belongs to eigenvalue
        ``k``. A matrix with NaN or infinite entries gives NaN throughout.

    Examples
    --------
    >>> values, vectors = hessian_eigen([[2.0, 1.0], [1.0, 2.0]])
    >>> values.tolist()
    [1.0, 3.0]
    >>> (vectors**2).round(6).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    >>> hessian_eigen(np.zeros((4, 3, 2, 2)))[0].shape
    (4, 3, 2)

    """
    array = _as_hessians(hessian)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        scale = np.max(np.abs(array), axis=(-2, -1))
        scale = np.where(scale > 0, scale, 1.0)
        a = array[..., 0, 0] / scale
        c = array[..., 1, 1] / scale
        b = array[..., 0, 1] / scale / 2 + array[..., 1, 0] / scale / 2

        mean = (a + c) / 2
        radius = np.hypot((a - c) / 2, b)
        large = mean + np.copysign(radius, mean)
        small = np.where(large != 0, (a * c - b * b) / large, 0.0)
        lower = np.minimum(large, small) * scale
        upper = np.maximum(large, small) * scale

        cos, sin = _half_angle((a - c) / 2, b, radius)
    # (cos, sin) belongs to the upper eigenvalue, (-sin, cos) to the lower.
    lower_vector = np.stack([0.0 - sin, cos], axis=-1)
    vectors = np.stack([lower_vector, np.stack([cos, sin], axis=-1)], axis=-1)
    return np.stack([lower, upper], axis=-1), vectors


def _half_angle(
    half_difference: np.ndarray, off_diagonal: np.ndarray, radius: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return cos and sin of half the angle of ``(half_difference, off_diagonal)``.

    Each is taken from the half-angle formula where it has no cancellation
    and the other from ``sin 2θ = 2 sin θ cos θ``, so a diagonal matrix gets
    exact zeros and ones.
    """
    round_ = radius == 0
    radius = np.where(round_, 1.0, radius)
    cos_double = np.where(round_, 1.0, half_difference / radius)
    sin_double = np.where(round_, 0.0, off_diagonal / radius)
    larger = np.sqrt((1 + np.abs(cos_double)) / 2)
    smaller = sin_double / (2 * larger)
    upright = cos_double >= 0
    cos = np.where(upright, larger, np.abs(smaller))
    sin = np.where(upright, smaller, np.copysign(larger, sin_double))
    return cos, sin


def _is_zero(eigenvalues: np.ndarray, tol: float, atol: Any) -> np.ndarray:
    """Tell which eigenvalues count as zero, given each matrix's largest |λ|."""
    largest = np.max(np.abs(eigenvalues), axis=-1, keepdims=True)
    floor = np.asarray(atol, dtype=float)[..., np.newaxis]
    return np.abs(eigenvalues) <= np.maximum(tol * largest, floor)


def _check_tolerances(tol: float, atol: Any) -> None:
    """Refuse tolerances that are negative or not finite, or ``tol`` of 1 or more."""
    if not (np.isfinite(tol) and 0 <= tol < 1):
        message = f"tol must be a number in [0, 1), got {tol!r}"
        raise ValueError(message)
    floor = np.asarray(atol, dtype=float)
    if not np.all(np.isfinite(floor) & (floor >= 0)):
        message = f"atol must be a finite number >= 0, got {atol!r}"
        raise ValueError(message)


def classify_hessian(
    hessian: Any, *, tol: float = DEFAULT_TOL, atol: Any = DEFAULT_ATOL
) -> Any:
    """Name the kind of point a Hessian describes: minimum, maximum, saddle...

    This is the second-derivative test. Both eigenvalues positive gives
    ``"minimum"``, both negative ``"maximum"``, opposite signs ``"saddle"``,
    and an eigenvalue that counts as zero ``"degenerate"`` (the test cannot
    decide). An eigenvalue counts as zero when its magnitude is at most
    ``max(tol × max|λ|, atol)``.

    Parameters
    ----------
    hessian : array_like, shape (..., 2, 2)
        Symmetric matrices, all entries finite.
    tol : float
        Relative tolerance, in [0, 1).
    atol : float or array_like, shape (...)
        Absolute floor, at least 0; an array gives each matrix its own.

    Returns
    -------
    str or ndarray of str, shape (...)
        A plain ``str`` for a single ``(2, 2)`` matrix.

    Raises
    ------
    ValueError
        If a matrix holds NaN or infinity: no kind can be named.

    Examples
    --------
    >>> classify_hessian([[2.0, 0.0], [0.0, 1.0]])
    'minimum'
    >>> classify_hessian([[[2.0, 0.0], [0.0, -1.0]], [[0.0, 0.0], [0.0, 0.0]]])
    array(['saddle', 'degenerate'], dtype='<U10')

    """
    _check_tolerances(tol, atol)
    array = _as_hessians(hessian)
    finite = np.all(np.isfinite(array), axis=(-2, -1))
    if not np.all(finite):
        message = (
            "hessian must hold finite numbers to be classified, got NaN or "
            f"infinity in {np.size(finite) - np.count_nonzero(finite)} of "
            f"{np.size(finite)} matrices"
        )
        raise ValueError(message)

    eigenvalues, _ = hessian_eigen(array)
    zero = _is_zero(eigenvalues, tol, atol)
    lower, upper = eigenvalues[..., 0], eigenvalues[..., 1]
    codes = np.where(lower > 0, 0, np.where(upper < 0, 1, 2))
    codes = np.where(np.any(zero, axis=-1), 3, codes)
    kinds = np.asarray(POINT_KINDS)[codes]
    return _scalar_or_array(kinds, array)


def classify_point(
    surface: Surface,
    x: Any,
    y: Any,
    *,
    tol: float = DEFAULT_TOL,
    atol: float = DEFAULT_ATOL,
) -> Any:
    """Apply the second-derivative test of :func:`classify_hessian` at points.

    At a critical point this names its kind. Elsewhere it describes the shape
    of the surface around the point: ``"minimum"`` means curving up in every
    direction, like the bottom of a bowl, even where the bowl is tilted.

    Parameters
    ----------
    surface : Surface
        The surface to examine.
    x, y : array_like
        Coordinates, broadcast together to a shape ``(...)``.
    tol, atol : float
        Tolerances of :func:`classify_hessian`.

    Returns
    -------
    str or ndarray of str, shape (...)
        A plain ``str`` for scalar ``x`` and ``y``.

    Examples
    --------
    >>> saddle = Surface(
    ...     "saddle", lambda x, y, p: x**2 - y**2,
    ...     lambda x, y, p: (2 * x, -2 * y), lambda x, y, p: (2.0, 0.0, -2.0),
    ...     domain=((-1, 1), (-1, 1)),
    ... )
    >>> classify_point(saddle, 0.0, 0.0)
    'saddle'

    """
    return classify_hessian(surface.hessian(x, y), tol=tol, atol=atol)


def condition_number(hessian: Any) -> Any:
    """Return the ratio ``max|λ| / min|λ|`` of each Hessian's eigenvalues.

    No tolerance is applied: the result is ``np.inf`` exactly where the
    smaller magnitude computes to zero (a zero matrix, or a rank-one matrix
    whose determinant is exactly zero), and a large finite number for a
    matrix that is merely close to singular.

    Parameters
    ----------
    hessian : array_like, shape (..., 2, 2)
        One symmetric matrix or a stack of them.

    Returns
    -------
    float or ndarray, shape (...)
        At least 1; NaN for a matrix holding NaN.

    Examples
    --------
    >>> condition_number([[1.0, 0.0], [0.0, 10.0]])
    10.0
    >>> condition_number([[1.0, 1.0], [1.0, 1.0]])
    inf

    """
    array = _as_hessians(hessian)
    magnitudes = np.abs(hessian_eigen(array)[0])
    smallest, largest = magnitudes.min(axis=-1), magnitudes.max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(smallest > 0, largest / smallest, np.inf)
    ratio = np.where(np.isnan(smallest), np.nan, ratio)
    return _scalar_or_array(ratio, array)


def sharpness(hessian: Any) -> Any:
    """Return the largest eigenvalue ``λmax`` of each Hessian.

    Parameters
    ----------
    hessian : array_like, shape (..., 2, 2)
        One symmetric matrix or a stack of them.

    Returns
    -------
    float or ndarray, shape (...)

    Examples
    --------
    >>> round(sharpness([[802.0, -400.0], [-400.0, 200.0]]), 6)  # Rosenbrock
    1001.600639

    """
    array = _as_hessians(hessian)
    return _scalar_or_array(hessian_eigen(array)[0][..., 1], array)


def stable_step_size(hessian: Any) -> Any:
    """Return the largest stable learning rate of gradient descent, ``2 / λmax``.

    On a quadratic with this Hessian, gradient descent converges for learning
    rates below ``2 / λmax``, oscillates at it and diverges above it. Where
    ``λmax ≤ 0`` no direction curves up and curvature sets no limit: the
    result is ``np.inf``.

    Parameters
    ----------
    hessian : array_like, shape (..., 2, 2)
        One symmetric matrix or a stack of them.

    Returns
    -------
    float or ndarray, shape (...)

    Examples
    --------
    >>> stable_step_size([[1.0, 0.0], [0.0, 10.0]])
    0.2
    >>> stable_step_size([[-1.0, 0.0], [0.0, 0.0]])
    inf

    """
    array = _as_hessians(hessian)
    largest = hessian_eigen(array)[0][..., 1]
    with np.errstate(divide="ignore"):
        step = np.where(largest > 0, 2 / largest, np.inf)
    step = np.where(np.isnan(largest), np.nan, step)
    return _scalar_or_array(step, array)


def convex_mask(
    surface: Surface,
    x: Any,
    y: Any,
    *,
    tol: float = DEFAULT_TOL,
    atol: float = DEFAULT_ATOL,
) -> np.ndarray:
    """Mark where the surface is locally convex: its Hessian is semi-definite.

    The smaller eigenvalue may be negative by as much as
    ``max(tol × max|λ|, atol)`` and still count as zero, so a flat direction
    computed with rounding noise stays convex. Where the Hessian is not
    finite the mask is ``False``.

    Parameters
    ----------
    surface : Surface
        The surface to examine.
    x, y : array_like
        Coordinates, broadcast together to a shape ``(...)``.
    tol, atol : float
        Tolerances as in :func:`classify_hessian`.

    Returns
    -------
    ndarray of bool, shape (...)

    Examples
    --------
    >>> wave = Surface(
    ...     "wave", lambda x, y, p: np.sin(x) + y**2,
    ...     lambda x, y, p: (np.cos(x), 2 * y),
    ...     lambda x, y, p: (-np.sin(x), 0.0, 2.0),
    ...     domain=((-3, 3), (-3, 3)),
    ... )
    >>> convex_mask(wave, [-1.0, 0.0, 1.0], 0.0).tolist()
    [True, True, False]

    """
    _check_tolerances(tol, atol)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        hessian = surface.hessian(x, y)
    eigenvalues, _ = hessian_eigen(hessian)
    zero = _is_zero(eigenvalues, tol, atol)
    lower = eigenvalues[..., 0]
    return np.asarray((lower >= 0) | (zero[..., 0] & np.isfinite(lower)))
