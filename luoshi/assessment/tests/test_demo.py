"""The demo assessment loads on top of the demo units, indicators and sample meeting, once."""

from luoshi.assessment import demo
from luoshi.assessment.models import Publication, Score
from luoshi.core import demo as core_demo
from luoshi.indicators import demo as indicators_demo


def test_the_demo_scheme_ranks_the_cities_with_dingzhou_and_xinji_and_is_published(db):
    core_demo.load_units()
    indicators_demo.load()
    core_demo.ensure_accounts()
    core_demo.load_sample_meeting()
    assert demo.load() == 1
    publication = Publication.objects.get()
    scores = Score.objects.filter(run=publication.run)
    names = set(scores.values_list("unit_name", flat=True))
    assert {"石家庄市", "雄安新区", "定州市", "辛集市"} <= names and len(names) == 14
    assert set(scores.values_list("group", flat=True)) == {"city"}
    assert scores.filter(bottom=True).count() == 3
    kinds = [c["kind"] for c in publication.run.criteria]
    assert kinds == ["on_time_rate", "completion_rate", "indicator_attainment", "return_rate"]
    assert [c["weight"] for c in publication.run.criteria] == [30, 20, 40, 10]
    assert demo.load() == 0
