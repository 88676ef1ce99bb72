import pytest

from elcorp.shared.application.pagination import PageRequest, decode_cursor, encode_cursor
from elcorp.shared.domain.errors import ValidationFailed


def test_page_offset():
    assert PageRequest(page=3, per_page=20).offset == 40


@pytest.mark.parametrize(("page", "per_page"), [(0, 10), (1, 0), (1, 101)])
def test_page_bounds(page, per_page):
    with pytest.raises(ValidationFailed):
        PageRequest(page=page, per_page=per_page)


def test_cursor_round_trip_and_opacity():
    cursor = encode_cursor({"after": 42, "at": "2026-11-23T08:00:00Z"})
    assert "42" not in cursor
    assert decode_cursor(cursor) == {"after": 42, "at": "2026-11-23T08:00:00Z"}


@pytest.mark.parametrize("bad", ["!!!", "bm90IGpzb24", "WzEsMl0"])  # garbage, "not json", a list
def test_bad_cursors_are_validation_errors(bad):
    with pytest.raises(ValidationFailed):
        decode_cursor(bad)


def test_a_window_of_a_list_read_whole_keeps_its_offset_and_total():

    items = list(range(7))
    page = PageRequest(page=1, per_page=3, start=5).window(items)
    assert (page.items, page.total, page.has_more, page.next_cursor) == ([5, 6], 7, False, None)
    first = PageRequest(per_page=3).window(items)
    assert first.items == [0, 1, 2] and first.has_more and first.meta["next_cursor"]
