"""What "fits 80×24 and 120×36" means (docs/design.md §8.3), checked on the screen shown.

Nothing drawn outside the screen (a panel's border, a dialog), the footer's keys whole with F1
first, the top line's date and operator never cut. The snapshot tests run it on every screen
at both sizes in both languages, in the same run as the screen's picture.
"""

from __future__ import annotations

from rich.cells import cell_len

from pos.widgets.keys import KeyBar


def assert_fits(app, width: int, height: int) -> None:
    """The screen shown now fits `width`×`height`: nothing drawn outside it, the footer's keys
    whole with F1 first, the status line's date whole."""
    screen = app.screen
    for widget in screen.query("*"):
        region = widget.region
        if not widget.display or not region.area:
            continue
        if any(getattr(a, "is_scrollable", False) for a in widget.ancestors[:-2]):
            continue  # scrolled into view in its box, which is checked itself
        assert region.right <= width and region.bottom <= height, (widget, region)
    bars = screen.query(KeyBar)
    if bars:
        bar = bars.first()
        keys = bar.keys()
        drawn = str(bar.render())
        assert cell_len(drawn) <= width - 2
        if app.shop.actor is not None:
            assert keys[0][0] == "F1" and drawn.startswith("F1")
        for key, description in keys:
            if key not in (bar.hidden or []):
                assert f"{key} {description}" in drawn  # whole, never cut
    status = [s for s in app.screen_stack if s.query("StatusBar")][-1].query_one("StatusBar")
    today = app.shop.clock.now()
    top = "".join(seg.text for seg in status.render_lines(status.region.reset_offset)[0])
    assert str(today.day) in top
    shown = [key for key in app.menu() if key in top]
    assert shown == app.menu()[: len(shown)]  # keys left out whole, from the last
    if app.shop.actor is not None:
        assert app.shop.actor.name in top  # who is signed in, never cut
