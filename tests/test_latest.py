import asyncio
import logging

from lossviz_widgets.latest import LatestWins


def test_without_an_event_loop_every_value_is_applied_at_once():
    seen = []
    apply = LatestWins(seen.append)
    for value in range(5):
        apply(value)
    assert seen == [0, 1, 2, 3, 4]
    assert not apply.waiting


def test_in_an_event_loop_a_burst_applies_its_first_and_last_values_only():
    seen = []

    async def burst():
        apply = LatestWins(seen.append, delay=0.05)
        for value in range(100):
            apply(value)
            if value % 10 == 0:
                await asyncio.sleep(0)  # let other work in, as a kernel does
        # The first value ran at once; the rest wait for the pause.
        assert seen == [0]
        assert apply.waiting
        await asyncio.sleep(0.15)
        assert not apply.waiting
        apply(200)
        apply.flush()

    asyncio.run(burst())
    assert seen == [0, 99, 200]


def test_an_idle_change_is_applied_without_waiting():
    seen = []

    async def click():
        apply = LatestWins(seen.append, delay=10.0)
        apply("once")
        await asyncio.sleep(0)
        assert seen == ["once"]

    asyncio.run(click())


def test_a_failing_deferred_call_is_logged_not_lost(caplog):
    def fail(value):
        raise ValueError(f"cannot apply {value}")

    async def run():
        apply = LatestWins(fail, delay=0.0)
        apply(3)
        await asyncio.sleep(0.05)

    with caplog.at_level(logging.ERROR, logger="lossviz_widgets.latest"):
        asyncio.run(run())
    assert "applying 3 failed" in caplog.text
    assert "cannot apply 3" in caplog.text
