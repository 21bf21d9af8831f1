"""Reading a typed formula: characters, length and Python's expression grammar.

This is the first gate a formula passes. It refuses text that is too long,
holds characters no formula needs (with a hint for look-alikes such as ``×``
or a Cyrillic ``х``), or is not an expression, and it reports every problem
with the 0-based column where it lies. What passes is parsed with
``ast.parse(mode="eval")``, which builds a syntax tree and runs nothing;
:mod:`lossviz_widgets.engine.formula_grammar` then checks that tree against
a whitelist.
"""

from __future__ import annotations

import ast
import re
import string
import unicodedata
import warnings
from dataclasses import dataclass

__all__ = ["MAX_LENGTH", "FormulaError", "FormulaSource", "read_formula"]

#: Longest formula accepted, in characters; longer text is refused unread.
MAX_LENGTH = 500

_ALLOWED = frozenset(string.ascii_letters + string.digits + " +-*/^().,_")
_WHITESPACE = "\t\n\r\f\v"

_ASCII_HINTS = {
    "'": "strings are not part of a formula",
    '"': "strings are not part of a formula",
    "[": "use ( ) for grouping",
    "]": "use ( ) for grouping",
    "{": "use ( ) for grouping",
    "}": "use ( ) for grouping",
    "=": "a formula is an expression, without = or comparisons",
    "<": "a formula is an expression, without = or comparisons",
    ">": "a formula is an expression, without = or comparisons",
    "!": "a formula is an expression, without = or comparisons",
    "#": "comments are not part of a formula",
    "%": "the remainder operator is not supported",
    "&": "logical and bitwise operators are not supported",
    "|": "logical and bitwise operators are not supported; use abs(...)",
    "~": "logical and bitwise operators are not supported",
    ":": "a formula is a single expression",
    ";": "a formula is a single expression",
    "@": "use * for products",
}

_LOOKALIKES = {
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "−": "-",
    "–": "-",
    "—": "-",
    "‐": "-",
    "÷": "/",
    "∕": "/",
    "²": "**2",
    "³": "**3",
    "π": "pi",
    "√": "sqrt(...)",
    "х": "the Latin letter x",
    "у": "the Latin letter y",
    "е": "the Latin letter e",
    "а": "the Latin letter a",
    "о": "the Latin letter o",
    "с": "the Latin letter c",
    "р": "the Latin letter p",
    "і": "the Latin letter i",
}

_TOKEN = re.compile(r"[A-Za-z_0-9.]+|\*\*|\S")


class FormulaError(ValueError):
    """A formula that cannot be accepted, with the column where the problem is.

    Parameters
    ----------
    message : str
        What is wrong and where, in words a student can act on.
    position : int or None
        0-based column in the formula text, or ``None`` when the problem is
        not at one place (a formula too long, or too complex to compile).

    Examples
    --------
    >>> from lossviz_widgets.engine.formula import parse_formula
    >>> try:
    ...     parse_formula("x + z")
    ... except FormulaError as error:
    ...     print(error.position, "|", error)
    4 | name 'z' at column 4 is not allowed; use x, y, pi or e

    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class FormulaSource:
    """A formula's text, the code given to the parser, and its syntax tree.

    ``code`` differs from ``text`` in whitespace (tabs and line breaks become
    spaces, leading spaces go) and in ``^``, which becomes ``**``.
    ``columns[i]`` is the column in ``text`` of character ``i`` of ``code``,
    with one more entry for the end.

    Examples
    --------
    >>> source = read_formula(" x^2")
    >>> source.code, source.column(3)
    ('x**2', 3)
    >>> source.excerpt(source.tree.body)
    'x^2'

    """

    text: str
    code: str
    columns: tuple[int, ...]
    tree: ast.Expression

    def column(self, offset: int) -> int:
        """Column in ``text`` of character ``offset`` of ``code``."""
        return self.columns[min(max(offset, 0), len(self.columns) - 1)]

    def start(self, node: ast.AST) -> int:
        """Column in ``text`` where ``node`` begins."""
        return self.column(node.col_offset)

    def excerpt(self, node: ast.AST) -> str:
        """Return the part of ``text`` that ``node`` was read from."""
        end = self.column(node.end_col_offset or node.col_offset)
        return self.text[self.start(node) : end]


def read_formula(text: str) -> FormulaSource:
    """Check a formula's characters and parse it into a Python syntax tree.

    Parameters
    ----------
    text : str
        The formula as typed, at most :data:`MAX_LENGTH` characters. ``^``
        means a power, as ``**`` does.

    Returns
    -------
    FormulaSource
        The text, the code parsed and the tree, which is not checked yet
        beyond being a Python expression.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    FormulaError
        If the text is too long, empty, holds a character no formula needs,
        or is not an expression.

    Examples
    --------
    >>> type(read_formula("x^2 + y").tree.body).__name__
    'BinOp'
    >>> try:
    ...     read_formula("x × y")
    ... except FormulaError as error:
    ...     print(error)
    character '×' (MULTIPLICATION SIGN) at column 2 is not allowed; use *

    """
    if not isinstance(text, str):
        message = f"formula must be a str, got {type(text).__name__} {text!r:.40}"
        raise TypeError(message)
    if len(text) > MAX_LENGTH:
        message = (
            f"formula is {len(text):,} characters long; "
            f"at most {MAX_LENGTH} are allowed"
        )
        raise FormulaError(message)
    for column, character in enumerate(text):
        if character not in _ALLOWED and character not in _WHITESPACE:
            raise FormulaError(_character_message(character, column), column)

    code, columns = _code_and_columns(text)
    if not code.strip():
        message = "formula is empty; write an expression in x and y, like x**2 + y**2"
        raise FormulaError(message)
    try:
        # Python warns about some odd literals while parsing; the whitelist
        # refuses them anyway, so the warnings would only be noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code, mode="eval")
    except SyntaxError as error:
        # Python counts from 1, and gives 0 when the text ended too early.
        offset = error.offset - 1 if error.offset else len(code)
        message, column = _syntax_message(error.msg, code, columns, offset)
        raise FormulaError(message, column) from None
    return FormulaSource(text, code, columns, tree)


def _character_message(character: str, column: int) -> str:
    """Say why ``character`` is refused and what to type instead."""
    if character == "\0":
        return f"null byte at column {column} is not allowed; a formula is plain text"
    name = unicodedata.name(character, "")
    shown = f"'{character}'" if character.isprintable() else f"U+{ord(character):04X}"
    described = f"{shown} ({name})" if name else shown
    hint = _ASCII_HINTS.get(character) or _LOOKALIKES.get(character)
    if hint is None:
        plain = unicodedata.normalize("NFKC", character)
        if plain and all(c in _ALLOWED for c in plain):
            hint = "an ordinary space" if plain.isspace() else plain
    if hint is None:
        hint = "a formula uses letters, digits, spaces, ( ) and + - * / ^ . ,"
    elif character in _LOOKALIKES or not character.isascii():
        hint = f"use {hint}"
    return f"character {described} at column {column} is not allowed; {hint}"


def _code_and_columns(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalise whitespace, drop leading spaces, turn ``^`` into ``**``."""
    pieces: list[str] = []
    columns: list[int] = []
    for column, character in enumerate(text):
        if character in _WHITESPACE:
            character = " "
        if not pieces and character == " ":
            continue
        piece = "**" if character == "^" else character
        pieces.append(piece)
        columns.extend([column] * len(piece))
    columns.append(len(text))
    return "".join(pieces), tuple(columns)


def _syntax_message(
    reason: str, code: str, columns: tuple[int, ...], offset: int
) -> tuple[str, int]:
    """Explain Python's syntax error at ``offset`` of ``code``, and give its column."""
    offset = min(offset, len(code))
    column = columns[offset]
    if "never closed" in reason:
        return f"'(' at column {column} is never closed", column
    if offset >= len(code.rstrip()):
        message = f"formula ends too early at column {column}; something is missing"
        return message, column
    if "unmatched" in reason:
        message = f"unexpected ')' at column {column}: no '(' before it matches it"
        return message, column
    if "nested parentheses" in reason:
        return f"parentheses are nested too deeply at column {column}", column
    if "decimal literal" in reason:
        # Python points into the number; show it from its first digit.
        while offset > 0 and (code[offset - 1].isalnum() or code[offset - 1] in "._"):
            offset -= 1
        number, column = _TOKEN.match(code, offset).group(), columns[offset]
        message = (
            f"number {number!r} at column {column} runs into a letter; "
            "write a product with *, like 2*x"
        )
        return message, column
    if "leading zeros" in reason:
        number = _TOKEN.match(code, offset).group()
        message = f"number {number!r} at column {column}: drop its leading zeros"
        return message, column
    while code[offset] == " ":
        offset += 1
    found, column = _TOKEN.match(code, offset).group(), columns[offset]
    if found[0].isalnum() or found in "(_.":
        message = f"unexpected {found!r} at column {column}; is a * missing before it?"
        return message, column
    return f"unexpected {found!r} at column {column}", column
