"""The feed's message, put together around the data's JSON (the writer's, or encoded on the
spot), is the same text as json.dumps of the whole message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from server.realtime.hub import encode
from server.store.hot import encode_json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(
    seq=st.integers(min_value=1, max_value=2**62),
    type_=st.sampled_from(["ticket.issued", "ticket.called", "window.status"]) | st.text(),
    at=INSTANTS,
    data=st.dictionaries(st.text(), JSON_VALUES, max_size=6),
)
def test_message_around_encoded_data_is_the_whole_message_encoded(
    seq: int, type_: str, at: datetime, data: dict[str, object]
) -> None:
    at_text = at.isoformat().replace("+00:00", "Z")
    whole = json.dumps(
        {"seq": seq, "type": type_, "at": at_text, "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert encode(seq, type_, at, data) == whole
    assert encode(seq, type_, at, data, encode_json(data)) == whole
    assert json.loads(whole)["data"] == data


def test_a_called_ticket_in_chinese_reads_back() -> None:
    at = datetime(2026, 11, 28, 1, 2, 3, 4, tzinfo=UTC)
    data = {"number": "A001", "window_name": '综合受理窗口 "1"\n', "waited": timedelta(0).days}
    message = encode(7, "ticket.called", at, data, encode_json(data))
    assert message.startswith('{"seq":7,"type":"ticket.called","at":"2026-11-28T01:02:03.000004Z"')
    assert "综合受理窗口" in message  # not escaped to \\u…
    assert json.loads(message) == {
        "seq": 7, "type": "ticket.called", "at": "2026-11-28T01:02:03.000004Z", "data": data,
    }  # fmt: skip
