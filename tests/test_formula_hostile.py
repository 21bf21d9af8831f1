"""Refused formulas: what each message says, and a corpus of hostile input.

Whatever is typed, the answer is a Surface or a FormulaError, and it is fast.
"""

from __future__ import annotations

import string
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossviz_widgets.engine.formula import (
    FormulaError,
    parse_formula,
    surface_from_formula,
)
from lossviz_widgets.engine.formula_names import FUNCTIONS
from lossviz_widgets.engine.surface import Surface
from tests.hostile_corpus import HOSTILE

DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))

# -- what is refused, and how it is said -----------------------------------------

MESSAGES = [
    # id, text, message pattern, position
    (
        "too-long",
        "x+" * 300,
        r"formula is 600 characters long; at most 500 are allowed",
        None,
    ),
    ("empty", " \n ", r"formula is empty; write an expression in x and y", None),
    (
        "null-byte",
        "x\0",
        r"null byte at column 1 is not allowed; a formula is plain text",
        1,
    ),
    (
        "control",
        "x\x07",
        r"character U\+0007 at column 1 is not allowed; a formula uses letters",
        1,
    ),
    (
        "string",
        "sin('x')",
        r"character ''' \(APOSTROPHE\) at column 4 is not allowed; strings are not",
        4,
    ),
    (
        "bracket",
        "x[0]",
        r"character '\[' \(LEFT SQUARE BRACKET\) at column 1 .*use \( \) for grouping",
        1,
    ),
    ("equals", "x = 1", r"character '=' .* at column 2 .*without = or comparisons", 2),
    (
        "comment",
        "x # c",
        r"at column 2 is not allowed; comments are not part of a formula",
        2,
    ),
    ("percent", "x % 2", r"the remainder operator is not supported", 2),
    (
        "bar",
        "|x|",
        r"column 0 is not allowed; logical and bitwise operators are not "
        r"supported; use abs",
        0,
    ),
    ("tilde", "~x", r"logical and bitwise operators are not supported$", 0),
    ("colon", "x: y", r"a formula is a single expression", 1),
    ("at", "x @ y", r"use \* for products", 2),
    (
        "times-sign",
        "x × y",
        r"character '×' \(MULTIPLICATION SIGN\) at column 2 is not allowed; use \*$",
        2,
    ),
    ("minus-sign", "x − y", r"\(MINUS SIGN\) at column 2 is not allowed; use -$", 2),
    (
        "cyrillic",
        "х + 1",
        r"'х' \(CYRILLIC SMALL LETTER HA\) at column 0 .*; use the Latin letter x",
        0,
    ),
    (
        "superscript",
        "x²",
        r"\(SUPERSCRIPT TWO\) at column 1 is not allowed; use \*\*2",
        1,
    ),
    (
        "fullwidth",
        "ｙ",
        r"\(FULLWIDTH LATIN SMALL LETTER Y\) at column 0 is not allowed; use y$",
        0,
    ),
    (
        "no-break-space",
        "x\u00a0+ y",
        r"U\+00A0 \(NO-BREAK SPACE\) at column 1 .*; use an ordinary space",
        1,
    ),
    (
        "accent",
        "é",
        r"'é' \(LATIN SMALL LETTER E WITH ACUTE\) .*; a formula uses letters, digits",
        0,
    ),
    ("never-closed", "(x + 1", r"'\(' at column 0 is never closed", 0),
    (
        "ends-early",
        "x +  ",
        r"formula ends too early at column 5; something is missing",
        5,
    ),
    (
        "unmatched",
        "x + 1)",
        r"unexpected '\)' at column 5: no '\(' before it matches it",
        5,
    ),
    (
        "deep-parentheses",
        "(" * 201 + "x" + ")" * 201,
        r"parentheses are nested too deeply at column 200",
        200,
    ),
    (
        "implicit-product",
        "3 + 2x",
        r"number '2x' at column 4 runs into a letter; write a product with \*",
        4,
    ),
    (
        "implicit-product-exponent",
        "1e6x",
        r"number '1e6x' at column 0 runs into a letter",
        0,
    ),
    (
        "leading-zeros",
        "x + 0777",
        r"number '0777' at column 4: drop its leading zeros",
        4,
    ),
    (
        "missing-operator",
        "x y",
        r"unexpected 'y' at column 2; is a \* missing before it\?",
        2,
    ),
    ("double-operator", "x +* y", r"unexpected '\*' at column 3$", 3),
    (
        "too-many-parts",
        "+".join("x" * 250),
        r"formula has 499 parts \(numbers, names and operations\)",
        None,
    ),
    (
        "too-deep",
        "-" * 21 + "x",
        r"formula is nested more than 20 levels deep at column 20",
        20,
    ),
    (
        "attribute",
        "(x) .real",
        r"attribute access at column 4 is not allowed; a formula uses numbers",
        4,
    ),
    ("and-or", "x or y", r"'and' and 'or' at column 0 is not allowed", 0),
    ("comparison", "x is y", r"a comparison at column 0 is not allowed", 0),
    (
        "generator",
        "(x for x in y)",
        r"a generator expression at column 0 is not allowed",
        0,
    ),
    (
        "conditional",
        "x if y else 1",
        r"a conditional expression at column 0 is not allowed",
        0,
    ),
    ("starred", "sin(*x)", r"unpacking with \* at column 4 is not allowed", 4),
    (
        "tuple",
        "x, y",
        r"a tuple \(commas only separate the arguments of a function\) at column 0",
        0,
    ),
    ("not", "not x", r"'not' at column 0 is not allowed", 0),
    ("other-node", "await x", r"'await x' at column 0 is not allowed", 0),
    ("boolean", "True", r"'True' at column 0 is not allowed", 0),
    (
        "imaginary",
        "1 + 2j",
        r"imaginary number '2j' at column 4 is not allowed; formulas are real-valued",
        4,
    ),
    ("hexadecimal", "0x1f", r"number '0x1f' at column 0 must be written in decimal", 0),
    (
        "large-number",
        "x + 1e7",
        r"number '1e7' at column 4 is too large; typed numbers are at most 1e6",
        4,
    ),
    ("infinite-number", "1e999", r"number '1e999' at column 0 is too large", 0),
    (
        "many-digits",
        "0.1234567890123456",
        r"has 16 significant digits; at most 15 are allowed",
        0,
    ),
    (
        "bare-function",
        "sin + x",
        r"function 'sin' at column 0 needs an argument in parentheses, like sin\(x\)",
        0,
    ),
    (
        "unknown-name",
        "x + z",
        r"^name 'z' at column 4 is not allowed; use x, y, pi or e$",
        4,
    ),
    (
        "case",
        "X",
        r"name 'X' at column 0 is not allowed; use x, y, pi or e "
        r"\(names are case-sensitive\)",
        0,
    ),
    (
        "floor-division",
        "(x)//(y)",
        r"operator '//' at column 3 is not allowed; use \+ - \* / \^",
        3,
    ),
    ("division-by-zero", "x/(2 - 2)", r"division by zero at column 3: '2 - 2' is 0", 3),
    (
        "large-exponent",
        "x^21",
        r"exponent '21' at column 2 is too large; constant exponents are at most 20",
        2,
    ),
    ("power-tower", "9**9**9", r"exponent '9\*\*9' at column 3 is too large", 3),
    (
        "call-a-number",
        "2(x + 1)",
        r"'2' at column 0 cannot be called like a function; write a product with \*",
        0,
    ),
    (
        "call-a-variable",
        "x(y)",
        r"'x' at column 0 is not a function; "
        r"write a product with \*, like x\*\(x \+ 1\)",
        0,
    ),
    (
        "unknown-function",
        "factorial(9)",
        r"function 'factorial' at column 0 is not allowed; the functions are abs, ",
        0,
    ),
    (
        "two-arguments",
        "atan(y, x)",
        r"atan\(\) at column 0 takes one argument without a name, got 2",
        0,
    ),
    (
        "no-argument",
        "exp()",
        r"exp\(\) at column 0 takes one argument without a name, got 0",
        0,
    ),
    (
        "double-star-argument",
        "exp(**x)",
        r"exp\(\) at column 0 takes one argument without a name, got 1",
        0,
    ),
    (
        "undefined",
        "x + log(0)",
        r"'log\(0\)' at column 4 is undefined \(infinite or 0/0\)",
        4,
    ),
    ("zero-to-negative", "0^-1", r"'0\^-1' at column 0 is undefined", 0),
    ("complex", "y*sqrt(-1)", r"'sqrt\(-1\)' at column 2 is not a real number", 2),
    (
        "large-constant",
        "exp(300)*x",
        r"'exp\(300\)' at column 0 is too large; "
        r"numbers in a formula are at most 1e100",
        0,
    ),
    (
        "large-coefficient",
        "(y + x*10^20*10^20*10^20*10^20*10^20*10^20)^2",
        r"'x\*10\^20\*10\^20\*10\^20\*10\^20\*10\^20\*10\^20' at column 5 is too",
        5,
    ),
]


@pytest.mark.parametrize(
    ("text", "match", "position"),
    [m[1:] for m in MESSAGES],
    ids=[m[0] for m in MESSAGES],
)
def test_refused_formulas_say_what_and_where(text, match, position):
    with pytest.raises(FormulaError, match=match) as caught:
        parse_formula(text)

    assert caught.value.position == position


def test_unknown_names_list_the_parameters():
    with pytest.raises(FormulaError, match=r"use x, y, pi, e or the parameter a$"):
        parse_formula("a*z", params=["a"])
    with pytest.raises(
        FormulaError, match=r"use x, y, pi, e or the parameters a, rate$"
    ):
        parse_formula("a*z", params=["a", "rate"])


def test_a_formula_must_be_text():
    with pytest.raises(TypeError, match=r"formula must be a str, got int 3"):
        parse_formula(3)
    with pytest.raises(TypeError, match=r"formula must be a str, got bytes b'x'"):
        surface_from_formula(b"x", domain=DOMAIN)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("(-1)^x", r"'log\(-1\)' in the formula or its derivatives has no finite real"),
        (
            "0^y",
            r"'log\(0\)' in the formula or its derivatives has no finite real value",
        ),
        (
            "*".join(f"(sin(x)+cos({i}*y))" for i in range(1, 27)),
            r"formula too complex: its gradient has more than 1000 operations",
        ),
        (
            "*".join(f"(sin(x)+cos({i}*y))" for i in range(1, 11)),
            r"formula too complex: evaluating it and its derivatives needs more "
            r"than 2000",
        ),
    ],
    ids=["negative-base", "zero-base", "long-product", "large-hessian"],
)
def test_formulas_whose_derivatives_fail_are_refused(text, match):
    with pytest.raises(FormulaError, match=match) as caught:
        surface_from_formula(text, domain=DOMAIN)

    assert caught.value.position is None


# -- a corpus of attacks and accidents ------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_input_is_refused_quickly(text, fragment):
    start = time.perf_counter()
    with pytest.raises(FormulaError) as caught:
        surface_from_formula(text, domain=DOMAIN)
    elapsed = time.perf_counter() - start

    assert elapsed < 0.5
    if fragment is not None:
        assert fragment in str(caught.value)


def test_the_corpus_is_large_and_distinct():
    texts = [h[1] for h in HOSTILE]

    assert len(set(texts)) == len(texts) >= 50


def test_hostile_inputs_use_little_memory():
    peaks = {}
    tracemalloc.start()
    try:
        for name, text, _ in HOSTILE:
            tracemalloc.reset_peak()
            with pytest.raises(FormulaError):
                surface_from_formula(text, domain=DOMAIN)
            peaks[name] = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert max(peaks.values()) < 100 * 2**20, max(peaks, key=peaks.get)


def surface_or_refusal(text: str) -> None:
    """Build a surface from ``text``: only a Surface or a FormulaError may come back."""
    start = time.perf_counter()
    try:
        result = surface_from_formula(text, domain=DOMAIN)
    except FormulaError as error:
        refusal = error
    else:
        refusal = None
        assert isinstance(result, Surface)
        result.value(0.5, -0.5)
        result.hessian(0.5, -0.5)
    if refusal is not None:
        assert str(refusal)
        assert refusal.position is None or 0 <= refusal.position <= len(text)
    # The time budget is one second; leave room for a slow machine.
    assert time.perf_counter() - start < 2.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_text_gives_a_surface_or_a_formula_error(text):
    surface_or_refusal(text)


FORMULA_ALPHABET = string.ascii_letters + string.digits + " +-*/^().,_\t\n"
FORMULA_WORDS = [*FUNCTIONS, "x", "y", "pi", "e", "**", "^", "(", ")", "1e9", "0", "-"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(FORMULA_ALPHABET, max_size=80),
        st.lists(st.sampled_from(FORMULA_WORDS), max_size=40).map("".join),
    )
)
def test_text_from_the_formula_alphabet_gives_a_surface_or_a_formula_error(text):
    surface_or_refusal(text)
