import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import ipywidgets
import pytest
import traitlets

from lossviz_widgets import LandscapeExplorer
from lossviz_widgets.exercises.base import Exercise, Verdict
from lossviz_widgets.export import DEFAULT_TITLE, bundles, save_html
from lossviz_widgets.export.bundles import (
    inline_safe,
    nbextension_folders,
    vendored_script,
)


class PageParts(HTMLParser):
    """The scripts, links and title of a page, as a browser would split them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.sources: list[str] = []
        self.title = ""
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("src", "href"):
            if attributes.get(key):
                self.sources.append(attributes[key])
        if tag in ("script", "title"):
            self._in, self._text = (tag, attributes), []

    def handle_data(self, data):
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in is not None and tag == self._in[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.title = text
            self._in = None

    def typed(self, kind: str) -> list[str]:
        return [text for attrs, text in self.scripts if attrs.get("type") == kind]

    @property
    def inline_names(self) -> list[str]:
        return [a["data-lossviz-script"] for a, _ in self.scripts if "type" not in a]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One explorer with every view, saved once for the tests that read it."""
    explorer = LandscapeExplorer(
        "himmelblau", runs=["gd", "adam"], start=(-1.0, 1.0), steps=12,
        resolution=40,
    )  # fmt: skip
    unrelated = ipywidgets.IntSlider(description="not in the page")
    path = explorer.save_html(tmp_path_factory.mktemp("page") / "explorer.html")
    text = path.read_text(encoding="utf-8")
    return explorer, unrelated, path, text, PageParts(text)


def state_of(parts: PageParts) -> dict:
    (manager,) = parts.typed("application/vnd.jupyter.widget-state+json")
    return json.loads(manager)["state"]


def test_the_page_holds_the_root_widget_its_view_and_what_it_refers_to(saved):
    explorer, unrelated, path, _, parts = saved
    state = state_of(parts)
    (view,) = parts.typed("application/vnd.jupyter.widget-view+json")

    assert path.is_file()
    assert path.name == "explorer.html"
    assert json.loads(view)["model_id"] == explorer.model_id
    assert explorer.model_id in state
    for part in (explorer.player.play, explorer.contour, explorer.surface3d):
        assert part.model_id in state
    assert unrelated.model_id not in state
    # Defaults are left to the front end.
    assert "box_style" not in state[explorer.model_id]["state"]


def test_the_links_that_play_the_markers_are_in_the_page(saved):
    explorer, _, _, _, parts = saved
    play = f"IPY_MODEL_{explorer.player.play.model_id}"
    links = [
        entry["state"]
        for entry in state_of(parts).values()
        if entry["model_name"] == "LinkModel"
    ]
    followers = {link["target"][0] for link in links if link["source"][0] == play}
    markers = {
        f"IPY_MODEL_{marks.marker.model_id}"
        for marks in explorer.contour.run_marks.values()
    }
    assert markers <= followers
    assert f"IPY_MODEL_{explorer.player.slider.model_id}" in followers


def test_binary_buffers_reach_the_page_intact(saved):
    explorer, _, _, _, parts = saved
    state = state_of(parts)
    picture = explorer.contour.surface_marks.image.image
    (buffer,) = state[picture.model_id]["buffers"]
    assert buffer["path"] == ["value"]
    assert base64.b64decode(buffer["data"]) == picture.value
    assert bytes(picture.value[:4]) == b"\x89PNG"


def test_no_script_link_or_picture_comes_from_elsewhere(saved):
    _, _, _, text, parts = saved
    # Every script is inline: nothing is loaded by address.
    assert parts.sources == []
    assert len(parts.scripts) == text.count("</script>")
    markup = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
    assert "<script" not in markup
    assert not re.search(r"https?://|@import", markup)


def test_the_vendored_loader_manager_and_widget_bundles_are_inline(saved):
    _, _, _, text, parts = saved
    assert parts.inline_names == [
        "require.js", "embed-amd.js",
        "bqplot", "bqscales", "three", "ipyvolume", "jupyter-threejs",
    ]  # fmt: skip
    scripts = {a.get("data-lossviz-script"): s for a, s in parts.scripts}
    assert "RequireJS 2.3.8" in scripts["require.js"]
    assert 'define("@jupyter-widgets/html-manager"' in scripts["embed-amd.js"]
    assert (
        scripts["embed-amd.js"].strip()
        == vendored_script("embed-amd.js").source.strip()
    )
    # Widget bundles come from the installed packages, named for require.js.
    for name in ("bqplot", "ipyvolume"):
        installed = next(
            folder / name / "index.js"
            for folder in nbextension_folders()
            if (folder / name / "index.js").is_file()
        )
        head = installed.read_text(encoding="utf-8")[:2000]
        assert inline_safe(head)[:1000] in scripts[name]
        assert scripts[name].rstrip().endswith(f'}})("{name}"));')
    # Source maps are not carried: neither file names nor inline base64.
    assert not re.search(r"^//# sourceMappingURL=", text, re.MULTILINE)


def test_the_icon_fonts_are_carried_as_data(saved):
    text = saved[3]
    fonts = re.findall(r"src: url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", text)
    assert len(fonts) == 2
    assert all(base64.b64decode(font)[:4] == b"wOF2" for font in fonts)


def test_the_page_theme_defines_the_colours_bqplot_reads(saved):
    before_scripts = saved[3].split("<script", 1)[0]
    (theme,) = re.findall(r"<style>(.*?)</style>", before_scripts, re.S)
    for variable in ("--jp-layout-color0", "--jp-content-font-color1"):
        assert re.search(rf"{variable}: [^;]+;", theme)


def test_the_explorer_page_is_titled(saved):
    assert saved[4].title == "Loss landscape explorer"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x = "</script>";', 'x = "\\x3C/script>";'),
        ('x = "</SCRIPT >";', 'x = "\\x3C/SCRIPT >";'),
        ("x = '<!-- a';", "x = '\\x3C!-- a';"),
        ('x = "<script>";', 'x = "<script>";'),
        ("f();\n//# sourceMappingURL=index.js.map\ng();", "f();\n\ng();"),
        (
            'm = "\\n//# sourceMappingURL=data:" + b;',
            'm = "\\n//# sourceMappingURL=data:" + b;',
        ),
    ],
    ids=["end-tag", "end-tag-upper", "comment-open", "start-tag-kept",
         "map-line-dropped", "map-in-string-kept"],
)  # fmt: skip
def test_inline_scripts_cannot_end_early(source, expected):
    assert inline_safe(source) == expected


def test_the_title_is_escaped(tmp_path):
    title = '</title><script>alert("x")</script> & more'
    path = save_html(ipywidgets.IntSlider(), tmp_path / "page.html", title=title)
    text = path.read_text(encoding="utf-8")
    assert PageParts(text).title == title
    assert "<script>alert" not in text
    assert (
        "<title>&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        " &amp; more</title>" in text
    )


def test_default_title_folder_creation_and_replacement(tmp_path):
    target = tmp_path / "course" / "week 6" / "slider.HTML"
    first = save_html(ipywidgets.IntSlider(1), target)
    assert first == target
    assert first.is_file()
    assert PageParts(first.read_text(encoding="utf-8")).title == DEFAULT_TITLE

    slider = ipywidgets.IntSlider(2)
    again = save_html(slider, str(target), title="Again")
    assert again == target
    assert slider.model_id in target.read_text(encoding="utf-8")


def test_an_exercise_saves_under_its_own_title(tmp_path):
    class Slide(Exercise):
        title = "Slide to 3"
        instruction = "Move the slider to 3."

        def __init__(self) -> None:
            self.slider = ipywidgets.IntSlider()
            super().__init__([self.slider])

        @property
        def answer(self):
            return {"value": self.slider.value}

        def check(self):
            return Verdict(right=("three",) if self.slider.value == 3 else ())

    exercise = Slide()
    path = exercise.save_html(tmp_path / "slide.html")
    parts = PageParts(Path(path).read_text(encoding="utf-8"))
    assert parts.title == "Slide to 3"
    assert exercise.slider.model_id in state_of(parts)


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("page.htm", ValueError, "path must end in .html, got 'page.htm'"),
        ("page", ValueError, "path must end in .html, got 'page'"),
        (3, TypeError, "path must be a str or os.PathLike, got 3"),
        (None, TypeError, "path must be a str or os.PathLike, got None"),
    ],
    ids=["htm", "no-suffix", "number", "none"],
)
def test_bad_paths_are_refused(tmp_path, path, error, message):
    with pytest.raises(error, match=re.escape(message)):
        save_html(ipywidgets.IntSlider(), path)


def test_a_title_must_be_text(tmp_path):
    with pytest.raises(TypeError, match="title must be a str, got 3"):
        save_html(ipywidgets.IntSlider(), tmp_path / "page.html", title=3)
    assert not (tmp_path / "page.html").exists()


@pytest.mark.parametrize(
    "widget", ["slider", ipywidgets.Layout(), None], ids=["text", "layout", "none"]
)
def test_only_displayable_widgets_are_saved(tmp_path, widget):
    with pytest.raises(
        TypeError, match=r"widget must be a displayable ipywidgets\.DOMWidget, got"
    ):
        save_html(widget, tmp_path / "page.html")


def test_a_closed_widget_is_refused(tmp_path):
    slider = ipywidgets.IntSlider()
    slider.close()
    with pytest.raises(ValueError, match="widget IntSlider is closed"):
        save_html(slider, tmp_path / "page.html")


def test_a_widget_library_without_an_installed_front_end_is_named(tmp_path):
    class Absent(ipywidgets.DOMWidget):
        _model_module = traitlets.Unicode("lossviz-absent-widgets").tag(sync=True)

    box = ipywidgets.VBox([ipywidgets.IntSlider(), Absent()])
    with pytest.raises(
        FileNotFoundError,
        match=re.escape(
            "front end of widget module 'lossviz-absent-widgets' is not "
            "installed: no lossviz-absent-widgets/index.js in "
        ),
    ):
        save_html(box, tmp_path / "page.html")
    assert not (tmp_path / "page.html").exists()


def fake_bundles(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")
    return root


def test_a_bundle_brings_what_its_define_asks_for(tmp_path, monkeypatch):
    folder = fake_bundles(
        tmp_path,
        {
            "shapes/index.js": "/*! notice */define(['three','@jupyter-widgets/base',"
            "'module'],function(t,b,m){return {}});\n"
            "//# sourceMappingURL=index.js.map",
            "jupyter-threejs/three.js": "define(['exports'],function(e){});",
        },
    )
    monkeypatch.setattr(bundles, "nbextension_folders", lambda: [folder])
    scripts = bundles.widget_scripts(["shapes", "@jupyter-widgets/controls"])

    assert [s.name for s in scripts] == ["three", "shapes"]
    shapes = scripts[1].source
    assert shapes.rstrip().endswith('})("shapes"));')
    assert "/*! notice */define(['three'" in shapes
    assert "sourceMappingURL" not in shapes


def test_a_missing_dependency_is_named(tmp_path, monkeypatch):
    folder = fake_bundles(
        tmp_path, {"shapes/index.js": 'define(["lossviz-colours"],function(c){});'}
    )
    monkeypatch.setattr(bundles, "nbextension_folders", lambda: [folder])
    with pytest.raises(
        FileNotFoundError,
        match=re.escape(
            "widget module 'lossviz-colours' is not installed: no "
            f"lossviz-colours/index.js in {folder}; install its Python package"
        ),
    ):
        bundles.widget_scripts(["shapes"])
