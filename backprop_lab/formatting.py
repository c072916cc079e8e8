"""Numbers as students read them: the one place that rounds and prints a number or an array.

* :func:`sig` - ``digits`` significant digits, plain text (equations, status lines, labels);
* :func:`latex` - the same digits, with powers of ten written for LaTeX;
* :func:`unicode` - the same digits for pictures (true minus sign, powers of ten as superscripts);
* :func:`fixed` - ``decimals`` digits after the point (tables, feedback), never "-0.000";
* :func:`array_text` - a small array in one of those forms, nested like the array;
* :func:`latex_factor` and :func:`latex_sum` - numbers and terms inside a substituted LaTeX equation.

Every function prints nan and inf as words, so that no formatter raises on a diverged network.

>>> sig(0.123456), sig(-0.000403), sig(1.0), latex(2.5e-07), fixed(-0.00001, 3)
('0.123', '-0.000403', '1', '2.5\\\\times10^{-7}', '0.000')
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["sig", "latex", "unicode", "fixed", "array_text", "latex_factor", "latex_sum", "MAX_TERMS"]

MAX_TERMS = 5  # a sum with more terms is shown as its first 4 terms and "... (n more)"


def _special(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return None


def sig(v, digits=3):
    """``digits`` significant digits, plain text: 0.123456 -> '0.123', 2.5e-07 -> '2.5e-7'."""
    v = float(v)
    special = _special(v)
    if special:
        return special
    if v == 0:
        return "0"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp)}"
    return s


def latex(v, digits=3):
    """Like :func:`sig`, with powers of ten for LaTeX: 2.5e-07 -> '2.5\\times10^{-7}'."""
    s = sig(v, digits)
    if s in ("nan", "inf", "-inf"):
        return {"nan": r"\mathrm{nan}", "inf": r"\infty", "-inf": r"-\infty"}[s]
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times10^{{{int(exp)}}}"
    return s


FIXED_LIMIT = 1e9  # from here on, fixed() writes significant digits: never a 300-digit number


def fixed(v, decimals=4):
    """``decimals`` digits after the point, with no negative zero: -0.00001 -> '0.0000'.

    Numbers of size 1e9 and more (a diverged cost) are written as :func:`sig` with ``decimals``
    significant digits, so that a line never holds hundreds of digits: 1e300 -> '1e300'.
    """
    v = float(v)
    special = _special(v)
    if special:
        return special
    if abs(v) >= FIXED_LIMIT:
        return sig(v, max(decimals, 1))
    s = f"{v:.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s


def array_text(x, digits=4, style="sig"):
    """A number or array as text, nested like the array: [0.1235, -0.04560].

    style "sig" uses :func:`sig` with ``digits`` significant digits, "fixed" uses :func:`fixed`
    with ``digits`` decimals.
    """
    one = sig if style == "sig" else fixed
    if style not in ("sig", "fixed"):
        raise ValueError(f"style must be 'sig' or 'fixed', not {style!r}")
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return one(float(arr), digits)
    return "[" + ", ".join(array_text(v, digits, style) for v in arr) + "]"


def latex_factor(v, digits=3):
    """:func:`latex`, in parentheses if negative, for a factor or term: -0.5 -> '(-0.5)'."""
    s = latex(v, digits)
    return f"({s})" if s.startswith("-") else s


def latex_sum(terms, max_terms=MAX_TERMS, more="more"):
    """LaTeX terms joined by ' + '; more than ``max_terms`` become the first ``max_terms - 1`` and
    '\\dots\\ (\\text{n more})' (``more`` names what is left out)."""
    terms = list(terms)
    if len(terms) > max_terms:
        terms = terms[:max_terms - 1] + [rf"\dots\ (\text{{{len(terms) - max_terms + 1} {more}}})"]
    return " + ".join(terms)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def unicode(v, digits=3):
    """Like :func:`latex`, as plain Unicode for pictures: 2.5e-07 -> '2.5×10⁻⁷', -0.5 -> '−0.5'.

    The same digits as :func:`sig` and :func:`latex` (what the equations show), with a true minus
    sign and no one-digit e-notation.
    """
    s = sig(v, digits)
    if s in ("nan", "inf", "-inf"):
        return {"nan": "nan", "inf": "∞", "-inf": "−∞"}[s]
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}×10{str(int(exp)).translate(_SUPERSCRIPT)}"
    return s.replace("-", "−", 1) if s.startswith("-") else s
