"""The JavaScript a standalone page carries: loader, widget manager, bundles.

A page opened from disk has no notebook server to serve widget code, and
the widget manager's fallback fetches from a CDN, which fails offline.
So every script is written into the page itself: require.js and the
``@jupyter-widgets/html-manager`` AMD build, both vendored in
``lossviz_widgets/static``, then the front-end bundle of each widget
library the page uses, taken from the ``share/jupyter/nbextensions``
folder its Python package installed.

Those bundles declare anonymous AMD modules, which require.js accepts only
from files it loads itself; written inline, each runs with a ``define``
that names it, as the notebook's module map would.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Script",
    "inline_safe",
    "nbextension_folders",
    "vendored_data_uri",
    "vendored_script",
    "widget_scripts",
]

# Installed as package data, beside the package's modules.
_STATIC = Path(__file__).resolve().parents[1] / "static"

# Modules the widget manager itself provides.
_MANAGER_MODULES = "@jupyter-widgets/"

# Names require.js resolves by itself.
_SPECIAL_DEPENDENCIES = frozenset({"require", "exports", "module"})

# In a notebook, jupyter-threejs's extension maps "three" to its own copy of
# three.js, and ipyvolume draws with that same copy; a second one would
# split the THREE classes the two libraries exchange.
_SHARED_FILES = {"three": ("jupyter-threejs", "three.js")}

# A source map comment opening a line: in the bundles these are either file
# names that do not exist beside the page, or megabytes of base64 that no
# one reading the page needs.
_SOURCE_MAP = "//# sourceMappingURL="

# The sequences that would end or confuse an inline <script> element; \x3C
# is "<" in JavaScript strings, regular expressions and templates alike,
# which is where minified bundles hold them.
_SCRIPT_BREAKS = re.compile(r"<(?=/script|!--)", re.IGNORECASE)

# The dependency list of a bundle's first define(), and the names in it.
_DEPENDENCIES = re.compile(r"define\(\s*\[([^\]]*)\]")
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")

_NAMED = """(function (define) {{
{source}
}}).call(window, (function (name) {{
  function named() {{
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] !== "string") {{ args.unshift(name); }}
    return window.define.apply(window, args);
  }}
  named.amd = window.define.amd;
  return named;
}})({name}));
"""


@dataclass(frozen=True)
class Script:
    """A script to write inline into a page.

    Attributes
    ----------
    name : str
        The AMD module it defines, or the vendored file it comes from.
    source : str
        JavaScript, safe to place between ``<script>`` and ``</script>``.

    Examples
    --------
    >>> script = vendored_script("require.js")
    >>> script.name, "requirejs" in script.source
    ('require.js', True)
    """

    name: str
    source: str


def inline_safe(source: str) -> str:
    r"""Return ``source`` with nothing that would end an inline script early.

    Source-map comments opening a line are dropped too.

    Examples
    --------
    >>> inline_safe('var tag = "</script>";')
    'var tag = "\\x3C/script>";'
    >>> inline_safe("f();\n//# sourceMappingURL=index.js.map\ng();")
    'f();\n\ng();'
    """
    return _SCRIPT_BREAKS.sub(r"\\x3C", _without_source_maps(source))


def _without_source_maps(source: str) -> str:
    """Drop the lines that are source-map comments, keep their line breaks."""
    # A search for the literal text: a regular expression spends a second
    # on the megabyte-long lines of the bundles.
    pieces, start = [], 0
    found = source.find(_SOURCE_MAP)
    while found != -1:
        end = source.find("\n", found)
        end = len(source) if end == -1 else end
        if found == 0 or source[found - 1] == "\n":
            pieces.append(source[start:found])
            start = end
        found = source.find(_SOURCE_MAP, found + len(_SOURCE_MAP))
    pieces.append(source[start:])
    return "".join(pieces)


@functools.lru_cache(maxsize=16)
def _read(path: Path, stamp: tuple[int, int]) -> str:
    """Read and prepare a script; ``stamp`` renews the cache when it changes."""
    return inline_safe(path.read_text(encoding="utf-8"))


def _prepared(path: Path) -> str:
    """Return the inline-safe text of the script at ``path``, cached."""
    status = path.stat()
    return _read(path, (status.st_mtime_ns, status.st_size))


def _static(name: str) -> Path:
    """Return the path of a file vendored in ``lossviz_widgets/static``."""
    return _STATIC / name


def vendored_script(name: str) -> Script:
    """Return a script vendored in ``lossviz_widgets/static``.

    Examples
    --------
    >>> vendored_script("embed-amd.js").source.startswith("/*!")
    True
    """
    return Script(name, _prepared(_static(name)))


@functools.lru_cache(maxsize=4)
def vendored_data_uri(name: str, media_type: str) -> str:
    """Return a file vendored in ``lossviz_widgets/static`` as a ``data:`` URI.

    Examples
    --------
    >>> vendored_data_uri("fa-regular-400.woff2", "font/woff2")[:30]
    'data:font/woff2;base64,d09GMgA'
    """
    encoded = base64.b64encode(_static(name).read_bytes()).decode("ascii")
    return f"data:{media_type};base64,{encoded}"


def nbextension_folders() -> list[Path]:
    """Return the folders where widget libraries install their bundles.

    This environment's ``share/jupyter/nbextensions`` comes first: the
    bundles there were installed with the Python packages that made the
    widgets' state. Jupyter's other data folders follow when
    ``jupyter_core`` is installed.

    Examples
    --------
    >>> nbextension_folders()[0].parts[-3:]
    ('share', 'jupyter', 'nbextensions')
    """
    folders = [Path(sys.prefix, "share", "jupyter", "nbextensions")]
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return folders
    for folder in map(Path, jupyter_path("nbextensions")):
        if folder not in folders:
            folders.append(folder)
    return folders


def _bundle_file(module: str, folders: list[Path]) -> Path:
    """Find the file that defines the AMD module ``module``."""
    folder_name, file_name = _SHARED_FILES.get(module, (module, "index.js"))
    for folder in folders:
        candidate = folder / folder_name / file_name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(folder) for folder in folders) or "no folder"
    message = (
        f"the front end of widget module {module!r} is not installed: no "
        f"{folder_name}/{file_name} in {searched}; install its Python package "
        "into this environment so the page can carry it"
    )
    raise FileNotFoundError(message)


def _dependencies(source: str) -> list[str]:
    """Return the AMD modules the first ``define`` of ``source`` asks for."""
    found = _DEPENDENCIES.search(source, 0, 16_384)
    if found is None:
        return []
    return [
        name
        for name in _QUOTED.findall(found.group(1))
        if name not in _SPECIAL_DEPENDENCIES and not name.startswith(_MANAGER_MODULES)
    ]


def widget_scripts(modules: Iterable[str]) -> list[Script]:
    """Return the bundles of ``modules`` and of what they depend on.

    Modules of the widget manager itself (``@jupyter-widgets/...``) need
    no bundle. Dependencies come before the modules that need them.

    Raises
    ------
    FileNotFoundError
        If a module's bundle is in none of :func:`nbextension_folders`.

    Examples
    --------
    >>> [s.name for s in widget_scripts(["@jupyter-widgets/controls", "bqplot"])]
    ['bqplot']
    >>> [s.name for s in widget_scripts(["ipyvolume"])]
    ['three', 'ipyvolume']
    """
    folders = nbextension_folders()
    ordered: list[Script] = []
    seen: set[str] = set()

    def visit(module: str) -> None:
        if module in seen or module.startswith(_MANAGER_MODULES):
            return
        seen.add(module)
        source = _prepared(_bundle_file(module, folders))
        for dependency in _dependencies(source):
            visit(dependency)
        ordered.append(
            Script(module, _NAMED.format(source=source, name=json.dumps(module)))
        )

    for module in sorted(modules):
        visit(module)
    return ordered
