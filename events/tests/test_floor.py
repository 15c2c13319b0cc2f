from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from events.floor import FloorRequest, propose_order

T0 = datetime(2024, 5, 13, 10, 0, tzinfo=UTC)


def request(key, constituency, region="african", gender="", minute=0):
    return FloorRequest(key, constituency, region, gender, T0 + timedelta(minutes=minute))


def keys(turns):
    return [t.request.key for t in turns]


def test_constituencies_take_turns_before_anyone_speaks_twice():
    requests = [
        request("ngo1", "ngo", minute=0),
        request("ngo2", "ngo", minute=1),
        request("ngo3", "ngo", minute=2),
        request("uni", "academia", minute=3),
        request("firm", "private", minute=4),
    ]
    assert keys(propose_order(requests)) == ["ngo1", "uni", "firm", "ngo2", "ngo3"]


def test_regions_are_spread_within_a_constituency():
    requests = [
        request("a1", "ngo", "african", minute=0),
        request("a2", "ngo", "african", minute=1),
        request("g1", "ngo", "grulac", minute=2),
        request("w1", "ngo", "weog", minute=3),
    ]
    assert keys(propose_order(requests)) == ["a1", "g1", "w1", "a2"]


def test_gender_alternates_where_declared():
    requests = [
        request("m1", "ngo", "african", "man", 0),
        request("m2", "ngo", "african", "man", 1),
        request("w1", "ngo", "african", "woman", 2),
    ]
    assert keys(propose_order(requests)) == ["m1", "w1", "m2"]


def test_every_line_says_why():
    turns = propose_order(
        [request("ngo1", "ngo", minute=0), request("uni", "academia", "weog", minute=1)]
    )
    assert turns[0].reasons == ("Requested the floor first.",)
    assert "Its constituency has not spoken yet." in turns[1].reasons
    assert "Its regional group has not spoken yet." in turns[1].reasons


def test_an_empty_list_is_empty():
    assert propose_order([]) == []


_requests = st.lists(
    st.tuples(
        st.sampled_from(["ngo", "academia", "private"]),
        st.sampled_from(["african", "asia_pacific", "eastern_european", "grulac", "weog", ""]),
        st.sampled_from(["", "woman", "man"]),
        st.integers(0, 120),
    ),
    max_size=25,
)


@given(_requests)
def test_the_order_is_a_stable_permutation_that_never_repeats_a_constituency_needlessly(rows):
    requests = [request(i, c, r, g, m) for i, (c, r, g, m) in enumerate(rows)]
    order = [t.request for t in propose_order(requests)]
    assert sorted(r.key for r in order) == list(range(len(rows)))
    assert [r.key for r in order] == [
        t.request.key for t in propose_order(list(reversed(requests)))
    ]
    heard: dict[str, int] = {}
    for index, chosen in enumerate(order):
        waiting = order[index:]
        fewest = min(heard.get(r.constituency, 0) for r in waiting)
        assert heard.get(chosen.constituency, 0) == fewest
        heard[chosen.constituency] = heard.get(chosen.constituency, 0) + 1
