import logging

from lossviz_widgets.notices import Notice, guarded


def test_notice_text_is_escaped_never_interpreted():
    notice = Notice()
    notice.show("<script>alert(1)</script>")
    assert "<script>" not in notice.value
    assert "&lt;script&gt;" in notice.value
    assert notice.text == "<script>alert(1)</script>"


def test_levels_are_styled_differently():
    notice = Notice()
    notice.show("careful", "warning")
    warning = notice.value
    notice.show("careful", "error")
    assert warning != notice.value
    assert notice.level == "error"


def test_a_guarded_callback_logs_and_shows_its_error_then_clears_it(caplog):
    notice = Notice()
    state = {"fail": True}

    @guarded(notice, logging.getLogger("lossviz_widgets.test"), "drawing the map")
    def redraw(change):
        if state["fail"]:
            raise RuntimeError("the grid is empty")
        return "drawn"

    with caplog.at_level(logging.ERROR, logger="lossviz_widgets.test"):
        assert redraw({}) is None
    assert notice.text == "Error while drawing the map: the grid is empty"
    assert "Traceback" in caplog.text

    state["fail"] = False
    assert redraw({}) == "drawn"
    assert notice.text == ""


def test_a_guarded_callback_leaves_other_messages_alone():
    notice = Notice()
    notice.show("lr is above 2/λmax", "warning")

    @guarded(notice, logging.getLogger("lossviz_widgets.test"), "drawing")
    def redraw():
        return 1

    redraw()
    assert notice.text == "lr is above 2/λmax"
