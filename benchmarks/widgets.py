"""Measure the widgets in the kernel: update time, bytes sent, slider bursts.

Run with ``python benchmarks/widgets.py`` (or ``make bench``). A recording
comm stands in for the browser, so what is measured is the kernel's side:
the time until every view has queued its update, and the messages queued.
Wall times suffer when other programs share the cores, so the processor
time of this process is printed beside them, with the load average. The
surface change is also timed inside a running ipykernel, where every
message is encoded and sent as it would be to a notebook.

Targets: a surface change at the default resolution under 30 ms and at
least 20× faster than redrawing the same picture with matplotlib; under
400 KB sent for it; a learning-rate change sends only the changed run; a
frame step during playback sends nothing; a slider burst never builds a
backlog.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from lossviz_widgets.engine import contour_levels, contour_lines
from lossviz_widgets.wire import Wire, recording

SURFACES = ("banana", "rosenbrock", "waves", "six_hump_camel", "himmelblau")


def median_times(
    work: Callable[[], object],
    repeats: int,
    before: Callable[[], object] = lambda: None,
) -> tuple[float, float]:
    """Median wall time and median processor time of ``work()``, in seconds.

    ``before()`` runs ahead of each repeat, outside the times.
    """
    walls, processor = [], []
    for _ in range(repeats):
        before()
        begin, begin_processor = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - begin)
        processor.append(time.process_time() - begin_processor)
    return statistics.median(walls), statistics.median(processor)


def build(runs: int) -> object:
    """An explorer with ``runs`` runs and every view.

    Build it while recording, and keep recording while it changes: widgets
    made by a change, such as each new picture of the surface, are sent too.
    """
    from lossviz_widgets import LandscapeExplorer

    names = ["gd", "momentum", "adam"][:runs]
    return LandscapeExplorer("himmelblau", runs=names, start=(-0.5, -0.5))


def surface_changes(explorer, wire: Wire) -> tuple[float, float]:
    """Time and bytes of surface changes at the default resolution."""
    model = explorer.model
    names = iter(SURFACES * 20)

    def change() -> None:
        model.surface = next(names)

    for _ in SURFACES:  # once round, so that first uses are not timed
        change()
    # A kernel keeps nothing it has sent: neither does the recording here,
    # or the messages piling up would slow Python's garbage collector.
    seconds, processor = median_times(change, 8 * len(SURFACES), before=wire.reset)

    sizes = []
    for name in SURFACES:
        wire.reset()
        model.surface = name
        sizes.append(wire.size)
    resolution, runs = model.resolution, len(model.runs)
    print(f"surface change, {resolution}×{resolution} grid, {runs} runs, every view")
    print(f"  kernel time until every view queued   {seconds * 1e3:8.1f} ms (< 30)")
    print(f"  processor time of the kernel          {processor * 1e3:8.1f} ms")
    print(
        f"  bytes sent                            {max(sizes) / 1e3:8.1f} KB "
        f"at most, {min(sizes) / 1e3:.1f} KB at least (< 400)"
    )
    return seconds, processor


def matplotlib_redraw(explorer) -> tuple[float, float]:
    """The explorer's pictures drawn again with matplotlib, as one PNG.

    The same content as the widgets: the colour-mapped surface with 15
    contour levels, critical points and paths; the 3D surface at the 3D
    view's resolution with the paths on it; loss and gradient norm on log
    axes.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lossviz_widgets.engine import evaluate_grid

    model = explorer.model

    def draw() -> None:
        grid = model.grid
        figure = plt.figure(figsize=(12, 8), dpi=80)
        plan = figure.add_subplot(2, 2, 1)
        plan.imshow(
            grid.values,
            origin="lower",
            extent=(grid.x[0], grid.x[-1], grid.y[0], grid.y[-1]),
        )
        for level in contour_lines(grid, contour_levels(grid.values, 15)):
            plan.plot(level.x, level.y, color="white", linewidth=0.6)
        for point in model.critical:
            plan.plot(point.x, point.y, "v", color="white")
        coarse = evaluate_grid(model.surface, explorer.surface3d.resolution)
        relief = figure.add_subplot(2, 2, 2, projection="3d")
        X, Y = np.meshgrid(coarse.x, coarse.y)
        relief.plot_surface(X, Y, coarse.values, cmap="viridis", rstride=1, cstride=1)
        loss = figure.add_subplot(2, 2, 3)
        gradient = figure.add_subplot(2, 2, 4)
        for run in model.runs:
            trajectory = run.trajectory
            points = trajectory.points
            plan.plot(points[:, 0], points[:, 1], color=run.color)
            relief.plot(points[:, 0], points[:, 1], trajectory.values, color=run.color)
            loss.semilogy(trajectory.values - grid.values.min() + 1e-9, color=run.color)
            gradient.semilogy(trajectory.grad_norms + 1e-12, color=run.color)
        figure.savefig(io.BytesIO(), format="png")
        plt.close(figure)

    draw()
    return median_times(draw, 5)


def run_changes(explorer, wire: Wire) -> None:
    """Which widgets a learning-rate change and a frame step send from."""
    model = explorer.model
    run = model.runs[1]
    others = [
        marks for r in model.runs if r is not run for marks in run_marks(explorer, r)
    ]
    wire.reset()
    run.set_hyperparameter("lr", run.optimizer.lr * 0.5)
    senders = {m.comm_id for m in wire.updates()}
    print("\nlearning-rate change of one run of three")
    print(f"  messages {len(wire.updates()):4d} from {len(senders)} widgets, "
          f"{wire.size / 1e3:.1f} KB")  # fmt: skip
    sent = sum(mark.comm.comm_id in senders for mark in others)
    print(f"  marks of the other runs that sent     {sent:8d} (target 0)")

    play = explorer.player.play
    play.playing = True
    wire.reset()
    for value in range(2, 40):
        play.set_state({"value": value})  # as the browser's Play would
    sent = len(wire.messages)
    play.playing = False
    print("\nframe steps during playback (38 steps)")
    print(f"  messages sent by the kernel           {sent:8d} (target 0)")


def run_marks(explorer, run) -> list:
    """The marks that the contour, 3D and loss views draw for ``run``."""
    marks = list(explorer.contour.run_marks[run].marks)
    marks += explorer.surface3d.run_marks[run].marks
    curves = explorer.loss_curves.marks(run)
    marks += [getattr(curves, field.name) for field in dataclasses.fields(curves)]
    return marks


def slider_burst(explorer) -> None:
    """Sixty learning-rate values from the panel's slider, as a drag sends."""
    model = explorer.model
    run = model.runs[0]
    slider = explorer.optimizer_panel.cards[0].controls["lr"]
    recomputes = []
    run.observe(lambda change: recomputes.append(change["new"]), names="trajectory")
    values = np.geomspace(1e-3, 1e-2, 60)

    async def drag() -> float:
        for lr in values:
            slider.value = float(lr)
            await asyncio.sleep(0.016)  # one change per frame of a 60 Hz drag
        released = time.perf_counter()
        while run.optimizer.lr != slider.value:
            await asyncio.sleep(0.002)
        return time.perf_counter() - released

    lag = asyncio.run(drag())
    print("\nslider burst: 60 learning-rate changes, one every 16 ms")
    print(f"  recomputes                            {len(recomputes):8d}")
    print(f"  last value applied after the release  {lag * 1e3:8.1f} ms")
    print(
        f"  last value applied is the last sent   {run.optimizer.lr == values[-1]!s:>8}"
    )


# Run inside a real kernel: every message is encoded, signed and sent by
# ipykernel as it would be to a notebook, which the recording comm skips.
IN_KERNEL = """
import statistics, time
from lossviz_widgets import LandscapeExplorer
explorer = LandscapeExplorer("himmelblau", runs={runs!r}, start=(-0.5, -0.5))
names = {surfaces!r}
for name in names:
    explorer.model.surface = name
times = []
for _ in range(8):
    for name in names:
        begin = time.perf_counter()
        explorer.model.surface = name
        times.append(time.perf_counter() - begin)
print(statistics.median(times))
"""


def in_a_kernel(runs: int) -> float:
    """Median seconds of a surface change timed inside a running ipykernel."""
    from jupyter_client.manager import start_new_kernel

    # The kernel's own notes on its transport are not measurements.
    manager, client = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
    printed = []

    def output(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            printed.append("\n".join(message["content"]["traceback"]))

    try:
        code = IN_KERNEL.format(
            runs=["gd", "momentum", "adam"][:runs], surfaces=SURFACES
        )
        client.execute_interactive(code, output_hook=output, timeout=300)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return float("".join(printed).split()[-1])


def main() -> int:
    """Print every measurement."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) before measuring: {load}\n")
    for runs in (1, 3):
        with recording() as wire:
            explorer = build(runs)
            seconds, processor = surface_changes(explorer, wire)
            reference, reference_processor = matplotlib_redraw(explorer)
            print(f"  matplotlib redraw of the same picture {reference * 1e3:8.1f} ms")
            ratio = reference / seconds
            print(f"  ratio                                 {ratio:8.1f}× (≥ 20)")
            ratio = reference_processor / processor
            print(f"  ratio of processor times              {ratio:8.1f}×")
            seconds = in_a_kernel(runs)
            print(f"  the same timed inside ipykernel       {seconds * 1e3:8.1f} ms")
            print()
            if runs == 3:
                run_changes(explorer, wire)
                slider_burst(explorer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
