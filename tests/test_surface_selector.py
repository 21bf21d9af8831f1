from __future__ import annotations

import asyncio

import ipywidgets
import numpy as np
import pytest

from lossviz_widgets.controls.surface_selector import MAX_FORMULAS, SurfaceSelector
from lossviz_widgets.engine import FormulaError, Surface, get_surface, surface_names
from lossviz_widgets.model import LandscapeModel, Run


@pytest.fixture
def model() -> LandscapeModel:
    return LandscapeModel("himmelblau", [Run("gd", start=(1.0, 1.0))], steps=20)


def test_menu_lists_the_catalogue_by_title_and_shows_the_current_surface(model):
    selector = SurfaceSelector(model)

    labels = [label for label, _ in selector.menu.options]
    names = [name for _, name in selector.menu.options]
    assert names == list(surface_names())
    assert labels == [get_surface(name).title for name in names]
    assert selector.menu.value == "himmelblau"
    assert selector.menu.label == "Himmelblau"
    assert "(x² + y − 11)² + (x + y² − 7)²" in selector.about.value
    assert selector.sliders == {}


def test_choosing_a_surface_sets_the_model_and_builds_its_sliders(model):
    selector = SurfaceSelector(model)

    selector.menu.value = "rosenbrock"

    assert model.surface.name == "rosenbrock"
    assert list(selector.sliders) == ["a", "b"]
    a, b = selector.sliders["a"], selector.sliders["b"]
    assert isinstance(a, ipywidgets.FloatSlider)
    assert (a.min, a.max, a.value, a.step) == (-1.5, 1.5, 1.0, 0.02)
    assert isinstance(b, ipywidgets.FloatLogSlider)
    assert (b.base, b.min, b.max, b.value) == (10.0, 0.0, 3.0, 100.0)
    assert list(selector.parameter_box.children) == [a, b]
    assert "Rosenbrock" in selector.about.value


@pytest.mark.parametrize(
    ("name", "slider", "kind", "bounds", "readout"),
    [
        ("ill_conditioned_bowl", "condition", ipywidgets.FloatLogSlider, (0, 3), ""),
        ("ill_conditioned_bowl", "angle", ipywidgets.FloatSlider, (-90, 90), ".0f"),
        ("ill_conditioned_bowl", "curvature", ipywidgets.FloatLogSlider, (-1, 1), ""),
        ("multi_waves", "octaves", ipywidgets.IntSlider, (1, 4), ""),
        ("plateau", "slope", ipywidgets.FloatSlider, (0, 0.05), ".4f"),
    ],
    ids=["log-condition", "linear-angle", "log-curvature", "integer", "small-range"],
)
def test_each_parameter_gets_the_slider_its_scale_asks_for(
    model, name, slider, kind, bounds, readout
):
    selector = SurfaceSelector(model)

    model.surface = name

    widget = selector.sliders[slider]
    assert type(widget) is kind
    assert (widget.min, widget.max) == pytest.approx(bounds)
    assert widget.value == pytest.approx(model.surface.params[slider])
    if kind is ipywidgets.IntSlider:
        assert widget.step == 1
    if kind is ipywidgets.FloatSlider:
        assert (widget.max - widget.min) / widget.step >= 100
        assert widget.readout_format == readout


def test_a_surface_set_from_code_rebuilds_the_sliders_and_closes_the_old_ones(
    model, wire
):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"
    old = list(selector.sliders.values())
    wire.reset()

    model.surface = get_surface("multi_waves", octaves=2)

    assert selector.menu.value == "multi_waves"
    assert list(selector.sliders) == ["octaves", "frequency_ratio", "amplitude_ratio"]
    assert selector.sliders["octaves"].value == 2
    assert all(slider.comm is None for slider in old)
    assert len(wire.updates(selector.menu)) == 1
    assert len(wire.updates(selector.parameter_box)) == 1


def test_dragging_a_slider_changes_the_parameter_and_sends_nothing_back(model, wire):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"
    sliders = dict(selector.sliders)
    wire.reset()

    selector.sliders["b"].set_state({"value": 300.0})

    assert model.surface.name == "rosenbrock"
    assert model.surface.params["b"] == pytest.approx(300.0)
    assert model.surface.params["a"] == 1.0
    assert selector.sliders == sliders
    assert wire.updates() == []


def test_rapid_slider_changes_in_a_running_kernel_apply_only_the_latest(model):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"
    seen = []
    model.observe(lambda change: seen.append(change["new"]), names="surface")

    async def drag():
        for b in (20.0, 50.0, 80.0):
            selector.sliders["b"].set_state({"value": b})
        selector.sliders["a"].set_state({"value": 0.5})
        await asyncio.sleep(0.2)

    asyncio.run(drag())

    assert len(seen) == 1
    assert dict(seen[0].params) == pytest.approx({"a": 0.5, "b": 80.0})


def test_a_slider_waiting_to_apply_is_neither_pulled_back_nor_lost(model, wire):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"
    a = selector.sliders["a"]

    async def drag_while_code_changes_b():
        a.set_state({"value": 0.5})
        wire.reset()
        model.surface = model.surface.with_params(b=10.0)
        assert wire.updates(a) == []
        await asyncio.sleep(0.2)

    asyncio.run(drag_while_code_changes_b())

    assert dict(model.surface.params) == {"a": 0.5, "b": 10.0}
    assert a.value == 0.5
    assert selector.sliders["b"].value == 10.0


def test_an_integer_parameter_reaches_the_model_as_a_whole_number(model):
    selector = SurfaceSelector(model)
    model.surface = "multi_waves"

    selector.sliders["octaves"].value = 2

    assert model.surface.params["octaves"] == 2.0


def test_a_log_slider_value_past_its_end_by_rounding_is_clipped(model):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"

    selector.sliders["b"].set_state({"value": 1000.0000001})

    assert model.surface.params["b"] == 1000.0
    assert selector.notice.text == ""


def test_parameters_changed_from_code_move_the_sliders_with_one_message(model, wire):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"
    b = selector.sliders["b"]
    wire.reset()

    model.surface = model.surface.with_params(b=10.0)

    assert selector.sliders["b"] is b
    assert b.value == 10.0
    # One message; the step changes with it, so the browser shows 10 itself.
    (update,) = wire.updates(b)
    assert update.state == {"value": 10.0, "step": b.step}
    assert (np.log10(10.0) - b.min) / b.step == pytest.approx(round(1.0 / b.step))
    assert wire.updates(selector.menu) == []
    assert wire.updates(selector.about) == []


def test_a_valid_formula_becomes_the_surface_and_a_menu_entry(model):
    selector = SurfaceSelector(model)

    selector.formula_box.value = "x^2 + 3*y^2"

    assert model.surface.formula == "x^2 + 3*y^2"
    assert float(model.surface(1.0, 1.0)) == 4.0
    assert selector.menu.label == "formula: x^2 + 3*y^2"
    assert selector.menu.options[-1] == ("formula: x^2 + 3*y^2",) * 2
    assert selector.notice.text == ""
    assert selector.sliders == {}


@pytest.mark.parametrize(
    "text",
    ["x +", "x + z", "__import__('os').system('true')", "(x + y", "x ** y ** 99999"],
    ids=["unfinished", "unknown-name", "code", "unclosed", "huge-power"],
)
def test_a_broken_formula_is_explained_and_the_surface_stays(model, wire, text):
    selector = SurfaceSelector(model)
    before = model.surface
    with pytest.raises(FormulaError) as refused:
        Surface.from_formula(text)
    wire.reset()

    selector.formula_box.value = text

    assert model.surface is before
    assert selector.notice.text == f"Formula not used: {refused.value}"
    assert selector.notice.level == "error"
    assert selector.menu.value == "himmelblau"
    assert {m.comm_id for m in wire.updates()} <= {
        selector.notice.comm.comm_id,
        selector.formula_box.comm.comm_id,
    }


def test_a_typed_formula_is_never_executed(model, tmp_path):
    selector = SurfaceSelector(model)
    target = tmp_path / "executed"

    selector.formula_box.value = f"__import__('pathlib').Path({str(target)!r}).touch()"

    assert not target.exists()
    assert selector.notice.text.startswith("Formula not used:")


def test_a_good_formula_after_a_broken_one_clears_the_message(model):
    selector = SurfaceSelector(model)
    selector.formula_box.value = "x +"

    selector.formula_box.value = "x^2 + y^2"

    assert selector.notice.text == ""
    assert model.surface.formula == "x^2 + y^2"


def test_apply_button_uses_the_formula_again_without_rebuilding_it(model):
    selector = SurfaceSelector(model)
    selector.formula_box.value = "x^2 + y^4"
    typed = model.surface
    selector.menu.value = "banana"

    selector.apply_button.click()

    assert model.surface is typed
    assert selector.menu.value == "formula: x^2 + y^4"


def test_apply_button_after_a_refusal_says_it_again(model):
    selector = SurfaceSelector(model)
    selector.formula_box.value = "x +"
    selector.notice.clear()

    selector.apply_button.click()

    assert selector.notice.text.startswith("Formula not used:")
    assert model.surface.name == "himmelblau"


def test_choosing_a_kept_formula_from_the_menu_shows_it_again(model):
    selector = SurfaceSelector(model)
    selector.formula_box.value = "x^2 - y^2"
    typed = model.surface
    selector.menu.value = "booth"

    selector.menu.value = "formula: x^2 - y^2"

    assert model.surface is typed


def test_only_the_latest_formulas_stay_in_the_menu(model):
    selector = SurfaceSelector(model)

    for power in range(2, MAX_FORMULAS + 3):
        selector.formula_box.value = f"x^{power} + y^2"

    kept = [v for _, v in selector.menu.options if v.startswith("formula: ")]
    assert len(kept) == MAX_FORMULAS
    assert kept[0] == "formula: x^3 + y^2"
    assert kept[-1] == f"formula: x^{MAX_FORMULAS + 2} + y^2"


def test_a_surface_from_code_outside_the_catalogue_gets_a_menu_entry(model):
    selector = SurfaceSelector(model)

    model.surface = Surface.from_function(
        lambda x, y: np.cosh(x) + y**2, title="cosh valley"
    )

    assert selector.menu.label == "surface: cosh valley"
    assert "cosh valley" in selector.about.value


def test_locked_selector_shows_the_surface_but_cannot_change_it(model):
    selector = SurfaceSelector(model, locked=True)
    model.surface = "rosenbrock"

    assert selector.menu.disabled
    assert selector.formula_box.disabled
    assert selector.apply_button.disabled
    assert all(slider.disabled for slider in selector.sliders.values())
    assert selector.menu.value == "rosenbrock"

    selector.formula_box.value = "x^2"
    selector.apply_button.click()
    assert model.surface.name == "rosenbrock"


def test_the_formula_box_can_be_left_out(model):
    shown = list(all_widgets(SurfaceSelector(model)))
    hidden = list(all_widgets(SurfaceSelector(model, formula=False)))

    assert sum(isinstance(w, ipywidgets.Text) for w in shown) == 1
    assert not any(isinstance(w, (ipywidgets.Text, ipywidgets.Button)) for w in hidden)
    assert any(isinstance(w, ipywidgets.Dropdown) for w in hidden)


def all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_widgets(child)


def test_descriptions_are_escaped(model):
    selector = SurfaceSelector(model)

    model.surface = Surface.from_function(lambda x, y: x**2 + y**2, title="<b>bowl")

    assert "&lt;b&gt;bowl" in selector.about.value
    assert "<b><b>" not in selector.about.value


def test_only_a_model_is_accepted():
    with pytest.raises(TypeError, match="model must be a LandscapeModel, got 'x'"):
        SurfaceSelector("x")


@pytest.mark.parametrize(
    ("name", "slider"),
    [
        (surface.name, parameter.name)
        for surface in map(get_surface, surface_names())
        for parameter in surface.parameters
        if parameter.scale == "log"
    ],
)
def test_log_sliders_show_the_value_itself_not_a_neighbour(model, name, slider):
    # The browser snaps a slider to whole steps above its minimum.
    selector = SurfaceSelector(model)
    model.surface = name

    widget = selector.sliders[slider]
    exponent = np.log10(model.surface.params[slider])
    steps = (exponent - widget.min) / widget.step
    assert steps == pytest.approx(round(steps), abs=1e-9)
    assert widget.base ** (widget.min + round(steps) * widget.step) == pytest.approx(
        model.surface.params[slider], rel=1e-12
    )
    assert 80 <= (widget.max - widget.min) / widget.step <= 125


def test_a_value_from_code_between_steps_gets_a_finer_step(model, wire):
    selector = SurfaceSelector(model)
    model.surface = "rosenbrock"
    a = selector.sliders["a"]
    wire.reset()

    model.surface = model.surface.with_params(a=1.234)

    (update,) = wire.updates(a)
    assert update.state == {"value": 1.234, "step": 0.002}
    assert (1.234 - a.min) / a.step == pytest.approx(1367)
