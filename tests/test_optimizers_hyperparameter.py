"""Hyperparameter descriptions, values/replace round trips and every error message."""

import dataclasses
import math
import re

import numpy as np
import pytest

from lossviz_widgets.engine.optimizers import (
    GD,
    OPTIMIZERS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Hyperparameter,
    Momentum,
    NAdam,
    Nesterov,
    Newton,
    NoisyGD,
    RMSprop,
    make_optimizer,
    optimizer_names,
)

# One instance per optimizer with every hyperparameter away from its default,
# except SGD's dampening, which Nesterov momentum needs at zero.
KEPT_AT_DEFAULT = {"dampening"}
CHANGED = {
    "gd": GD(lr=0.2),
    "momentum": Momentum(lr=0.03, momentum=0.5),
    "nesterov": Nesterov(lr=0.03, momentum=0.6),
    "sgd": SGD(0.1, 0.9, 0.0, 0.01, True, maximize=True),
    "adagrad": Adagrad(0.5, 0.1, 0.2, 0.3, 1e-6, maximize=True),
    "rmsprop": RMSprop(0.05, 0.9, 1e-6, 0.1, 0.5, True, maximize=True),
    "adam": Adam(0.02, (0.8, 0.99), 1e-6, 0.1, True, maximize=True),
    "adamw": AdamW(0.02, (0.8, 0.99), 1e-6, 0.1, True, maximize=True),
    "nadam": NAdam(0.02, (0.8, 0.99), 1e-6, 0.1, 0.01, True, maximize=True),
    "newton": Newton(0.5, 0.1),
    "noisy_gd": NoisyGD(0.05, 0.3, 7),
}
NAMES = optimizer_names()


def test_the_changed_instances_cover_every_optimizer():
    assert set(CHANGED) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_match_the_descriptions_and_lie_in_their_ranges(name):
    optimizer = OPTIMIZERS[name]()
    values = optimizer.values()
    assert [h.name for h in optimizer.hyperparameters] == list(values)
    for knob in optimizer.hyperparameters:
        assert values[knob.name] == knob.default, knob.name
        if knob.scale == "bool":
            assert isinstance(values[knob.name], bool)
        else:
            assert knob.low <= values[knob.name] <= knob.high, knob.name
        assert knob.help, knob.name


@pytest.mark.parametrize("name", NAMES)
def test_values_and_replace_round_trip(name):
    changed = CHANGED[name]
    defaults = OPTIMIZERS[name]().values()
    changeable = set(defaults) - KEPT_AT_DEFAULT
    assert all(changed.values()[key] != defaults[key] for key in changeable)
    assert make_optimizer(name, **changed.values()) == changed
    assert changed.replace(**defaults) == OPTIMIZERS[name]()
    assert changed.replace() == changed


def test_dampening_round_trips_without_nesterov():
    damped = SGD(lr=0.1, momentum=0.9, dampening=0.25)
    assert make_optimizer("sgd", **damped.values()) == damped


@pytest.mark.parametrize("name", NAMES)
def test_the_described_values_cover_every_field(name):
    optimizer = OPTIMIZERS[name]()
    flat = {h.name for h in optimizer.hyperparameters}
    fields = {field.name for field in dataclasses.fields(optimizer)}
    assert fields - {"betas"} <= flat
    assert ("betas" in fields) == ({"beta1", "beta2"} <= flat)


def test_names_are_distinct_and_readable():
    names = [OPTIMIZERS[key].name for key in NAMES]
    assert len(set(names)) == len(names)
    assert names[:3] == ["GD", "Momentum", "Nesterov"]


def test_replace_accepts_flat_and_torch_names_for_betas():
    adam = Adam()
    assert adam.replace(beta1=0.5).betas == (0.5, 0.999)
    assert adam.replace(beta2=0.9, beta1=0.7).betas == (0.7, 0.9)
    assert adam.replace(betas=(0.1, 0.2)).values()["beta2"] == 0.2
    assert adam.betas == (0.9, 0.999)


def test_values_are_stored_in_their_canonical_types():
    adam = Adam(lr=1, betas=[np.float32(0.5), 0], amsgrad=np.True_)
    assert adam.values() == {
        "lr": 1.0,
        "beta1": 0.5,
        "beta2": 0.0,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": True,
        "maximize": False,
    }
    assert type(adam.lr) is float
    assert type(adam.amsgrad) is bool
    assert type(NoisyGD(seed=np.int64(3)).seed) is int


def test_recipes_are_the_sgd_they_stand_for():
    assert Momentum(lr=0.1).sgd == SGD(lr=0.1, momentum=0.9)
    assert Nesterov().sgd == SGD(lr=0.01, momentum=0.9, nesterov=True)
    assert GD().sgd == SGD(lr=0.01)
    assert GD().lr == 0.01
    assert SGD().lr == 1e-3


# -- error messages ---------------------------------------------------------

BAD_VALUES = [
    (SGD, {"lr": -0.1}, ValueError, "lr must be >= 0, got -0.1"),
    (SGD, {"lr": math.inf}, ValueError, "lr must be finite, got inf"),
    (SGD, {"lr": math.nan}, ValueError, "lr must be finite, got nan"),
    (SGD, {"lr": "0.1"}, TypeError, "lr must be a real number, got '0.1' (str)"),
    (SGD, {"lr": True}, TypeError, "lr must be a real number, got True (bool)"),
    (SGD, {"lr": None}, TypeError, "lr must be a real number, got None (NoneType)"),
    (SGD, {"momentum": -0.5}, ValueError, "momentum must be >= 0, got -0.5"),
    (SGD, {"dampening": 1.5}, ValueError, "dampening must lie in [0, 1], got 1.5"),
    (SGD, {"weight_decay": -1}, ValueError, "weight_decay must be >= 0, got -1.0"),
    (SGD, {"nesterov": 1}, TypeError, "nesterov must be True or False, got 1 (int)"),
    (SGD, {"maximize": "no"}, TypeError, "maximize must be True or False, got 'no'"),
    (
        SGD,
        {"nesterov": True},
        ValueError,
        "nesterov=True requires momentum > 0 and dampening == 0, "
        "got momentum=0.0, dampening=0.0",
    ),
    (
        SGD,
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        ValueError,
        "nesterov=True requires momentum > 0 and dampening == 0, "
        "got momentum=0.9, dampening=0.1",
    ),
    (GD, {"lr": -1.0}, ValueError, "lr must be >= 0, got -1.0"),
    (Momentum, {"momentum": -0.1}, ValueError, "momentum must be >= 0, got -0.1"),
    (Nesterov, {"momentum": 0}, ValueError, "Nesterov needs momentum > 0, got 0.0"),
    (Nesterov, {"lr": "x"}, TypeError, "lr must be a real number, got 'x' (str)"),
    (Adagrad, {"lr_decay": -0.1}, ValueError, "lr_decay must be >= 0, got -0.1"),
    (
        Adagrad,
        {"initial_accumulator_value": -1.0},
        ValueError,
        "initial_accumulator_value must be >= 0, got -1.0",
    ),
    (Adagrad, {"eps": -1e-10}, ValueError, "eps must be >= 0, got -1e-10"),
    (Adagrad, {"weight_decay": "a"}, TypeError, "weight_decay must be a real number"),
    (Adagrad, {"maximize": 0}, TypeError, "maximize must be True or False, got 0"),
    (RMSprop, {"alpha": 1.2}, ValueError, "alpha must lie in [0, 1], got 1.2"),
    (RMSprop, {"alpha": -0.1}, ValueError, "alpha must lie in [0, 1], got -0.1"),
    (RMSprop, {"eps": -1.0}, ValueError, "eps must be >= 0, got -1.0"),
    (RMSprop, {"momentum": -1.0}, ValueError, "momentum must be >= 0, got -1.0"),
    (RMSprop, {"centered": "yes"}, TypeError, "centered must be True or False"),
    (RMSprop, {"lr": -1e-3}, ValueError, "lr must be >= 0, got -0.001"),
    (Adam, {"betas": (1.0, 0.999)}, ValueError, "beta1 must lie in [0, 1), got 1.0"),
    (Adam, {"betas": (0.9, -0.1)}, ValueError, "beta2 must lie in [0, 1), got -0.1"),
    (Adam, {"beta1": -0.5}, ValueError, "beta1 must lie in [0, 1), got -0.5"),
    (Adam, {"beta2": 1}, ValueError, "beta2 must lie in [0, 1), got 1.0"),
    (Adam, {"beta1": "high"}, TypeError, "beta1 must be a real number, got 'high'"),
    (
        Adam,
        {"betas": 0.9},
        TypeError,
        "betas must be a pair of numbers, got 0.9 (float)",
    ),
    (
        Adam,
        {"betas": (0.9, 0.99, 0.999)},
        TypeError,
        "betas must be a pair of numbers, got (0.9, 0.99, 0.999) (tuple)",
    ),
    (Adam, {"eps": -1e-8}, ValueError, "eps must be >= 0, got -1e-08"),
    (Adam, {"weight_decay": -0.1}, ValueError, "weight_decay must be >= 0, got -0.1"),
    (Adam, {"amsgrad": None}, TypeError, "amsgrad must be True or False, got None"),
    (AdamW, {"weight_decay": -0.01}, ValueError, "weight_decay must be >= 0"),
    (AdamW, {"beta2": 1.5}, ValueError, "beta2 must lie in [0, 1), got 1.5"),
    (NAdam, {"momentum_decay": -1e-3}, ValueError, "momentum_decay must be >= 0"),
    (
        NAdam,
        {"decoupled_weight_decay": 1.0},
        TypeError,
        "decoupled_weight_decay must be True or False, got 1.0 (float)",
    ),
    (NAdam, {"beta1": 1.0}, ValueError, "beta1 must lie in [0, 1), got 1.0"),
    (Newton, {"damping": -1e-3}, ValueError, "damping must be >= 0, got -0.001"),
    (Newton, {"lr": math.inf}, ValueError, "lr must be finite, got inf"),
    (NoisyGD, {"noise": -0.1}, ValueError, "noise must be >= 0, got -0.1"),
    (NoisyGD, {"seed": -1}, ValueError, "seed must be >= 0, got -1"),
    (NoisyGD, {"seed": 1.5}, TypeError, "seed must be a whole number, got 1.5"),
    (NoisyGD, {"seed": True}, TypeError, "seed must be a whole number, got True"),
]


def _id(case):
    cls, changes, _, _ = case
    return f"{cls.__name__}-" + "-".join(f"{k}={v!r}" for k, v in changes.items())


@pytest.mark.parametrize(
    ("cls", "changes", "error", "message"), BAD_VALUES, ids=map(_id, BAD_VALUES)
)
def test_bad_hyperparameters_are_refused_with_a_clear_message(
    cls, changes, error, message
):
    with pytest.raises(error, match=re.escape(message)):
        cls().replace(**changes)


@pytest.mark.parametrize("name", NAMES)
def test_every_described_hyperparameter_is_checked(name):
    optimizer = OPTIMIZERS[name]()
    for knob in optimizer.hyperparameters:
        if knob.scale == "bool":
            bad, error, message = 1, TypeError, "must be True or False"
        elif knob.scale == "int":
            bad, error, message = 0.5, TypeError, "must be a whole number"
        else:
            bad, error, message = "1", TypeError, "must be a real number"
        with pytest.raises(error, match=f"^{knob.name} {message}"):
            optimizer.replace(**{knob.name: bad})
        if knob.scale in ("log", "linear"):
            with pytest.raises(ValueError, match=f"^{knob.name} must"):
                optimizer.replace(**{knob.name: -1.0})


def test_positional_betas_are_checked_like_keywords():
    with pytest.raises(ValueError, match=re.escape("beta1 must lie in [0, 1)")):
        Adam(1e-3, (2.0, 0.5))


def test_replace_refuses_unknown_names_listing_the_accepted_ones():
    message = (
        "Adam has no hyperparameter 'momentum'; it accepts: amsgrad, beta1, beta2, "
        "betas, eps, lr, maximize, weight_decay"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        Adam().replace(momentum=0.9)
    with pytest.raises(
        ValueError,
        match=re.escape("GD has no hyperparameter 'momentum'; it accepts: lr"),
    ):
        GD().replace(momentum=0.9)


def test_replace_refuses_betas_given_twice():
    with pytest.raises(ValueError, match="give either betas or beta1, not both"):
        Adam().replace(betas=(0.9, 0.9), beta1=0.5)


def test_make_optimizer_refuses_unknown_names():
    message = (
        "unknown optimizer 'Adam'; choose one of: gd, momentum, nesterov, sgd, "
        "adagrad, rmsprop, adam, adamw, nadam, newton, noisy_gd"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        make_optimizer("Adam")
    with pytest.raises(TypeError, match=r"name must be a string, got 3 \(int\)"):
        make_optimizer(3)


def test_make_optimizer_builds_each_optimizer_with_its_defaults():
    assert NAMES == (
        "gd",
        "momentum",
        "nesterov",
        "sgd",
        "adagrad",
        "rmsprop",
        "adam",
        "adamw",
        "nadam",
        "newton",
        "noisy_gd",
    )
    for name in NAMES:
        assert make_optimizer(name) == OPTIMIZERS[name]()
    assert make_optimizer("sgd", lr=0.5, momentum=0.9) == SGD(lr=0.5, momentum=0.9)
    assert make_optimizer("nadam", betas=(0.5, 0.9)).beta1 == 0.5


# -- describing a hyperparameter --------------------------------------------

BAD_DESCRIPTIONS = [
    (
        ("max lr", 0.1, 0.0, 1.0, "linear", ""),
        "a hyperparameter name must be an identifier, got 'max lr'",
    ),
    (
        ("lr", 0.1, 0.0, 1.0, "cubic", ""),
        "hyperparameter 'lr': scale must be one of ('log', 'linear', 'bool', 'int'), "
        "got 'cubic'",
    ),
    (
        ("lr", 0.1, 0.0, 1.0, "log", ""),
        "hyperparameter 'lr': a log scale needs low > 0, got low=0.0",
    ),
    (
        ("lr", 0.1, 1.0, 0.01, "log", ""),
        "hyperparameter 'lr': low must be < high, got [1.0, 0.01]",
    ),
    (
        ("lr", 2.0, 0.01, 1.0, "log", ""),
        "hyperparameter 'lr': default 2.0 lies outside [0.01, 1.0]",
    ),
    (
        ("lr", 0.1, 0.0, math.inf, "linear", ""),
        "hyperparameter 'lr': high must be finite, got inf",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "message"),
    BAD_DESCRIPTIONS,
    ids=["name", "scale", "log-low", "order", "default", "infinite"],
)
def test_a_bad_description_is_refused(arguments, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Hyperparameter(*arguments)


def test_a_flag_needs_a_bool_default():
    with pytest.raises(
        TypeError,
        match=re.escape("hyperparameter 'nesterov': default must be True or False"),
    ):
        Hyperparameter("nesterov", 0, 0.0, 1.0, "bool", "")


def test_the_shortcuts_describe_a_flag_and_a_learning_rate():
    assert Hyperparameter.flag("centered", "use the variance") == Hyperparameter(
        "centered", False, 0.0, 1.0, "bool", "use the variance"
    )
    lr = Hyperparameter.learning_rate(0.5, high=2.0)
    assert (lr.name, lr.default, lr.low, lr.high, lr.scale) == (
        "lr",
        0.5,
        1e-5,
        2.0,
        "log",
    )
