"""The score engine (clinic.reporting.engine): aggregates kept by every kind of change, gains that
equal rescoring, negative gains shown apart, the per-version cache, and the evidence bug."""
import random
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import event, select

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.catalogue.models import Cycle, Indicator, PredicateBand
from clinic.extensions import db
from clinic.reporting import engine, projection, scoring
from clinic.reporting.engine.store import differences
from clinic.reporting.gains import Gains, next_best_fixes
from clinic.reporting.models import (
    CycleScore, InnovationScore, ItemStatus, ReportItem,
)
from clinic.reporting.services import (
    add_link, ensure_spd_items, remove_evidence, return_item, save_item, verify_item,
)
from conftest import count_queries
from test_reporting_score_pages import MANDATORY_VERIFIED, fill, item_of
from test_reporting_score_pages import innovation as make_innovation
from test_reporting_scoring import BASIC, rules

S = ItemStatus


def statements(fn):
    """The SQL statements ``fn()`` runs, and its result."""
    seen = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen, result


def rescored(cycle):
    """Both projections recomputed from every row (projection.load), as the independent check."""
    innovations, spd_items = projection.load(cycle)
    rules_, spd_rows, inns = projection.inputs(cycle, innovations, spd_items)
    found = {version: scoring.score(rules_, spd_rows, inns, version)
             for version in (scoring.CLAIMED, scoring.VERIFIED)}
    db.session.expire_all()
    return rules_, spd_rows, inns, found


def engine_agrees(cycle_id):
    """Commit, then: `flask score --check` finds nothing and the engine equals a rescoring."""
    db.session.commit()
    assert differences(db.session.connection(), cycle_id) == []
    cycle = db.session.get(Cycle, cycle_id)
    score = engine.city_score(cycle)
    *_, found = rescored(cycle)
    assert score.claimed == found[scoring.CLAIMED]
    assert score.verified == found[scoring.VERIFIED]
    return score


@pytest.fixture
def town(cycle, make_skpd, make_user):
    """Two SKPDs: "Si Pandai" (all mandatory verified, more rows in every status) and "Sungai"
    (mandatory verified but SID-35 only submitted); three SPD items verified."""
    a = make_skpd(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    b = make_skpd(code="DPUPR", name="Dinas PUPR", short_name="DPUPR")
    staff = make_user("staff")
    ca, cb = make_user("contact", skpd=a), make_user("contact", skpd=b)
    pandai = make_innovation(a, cycle, ca, staff, "Si Pandai", "Kesehatan", {
        **MANDATORY_VERIFIED, "SID-18": (3, S.RETURNED), "SID-19": (2, S.DRAFT),
        "SID-31": (3, S.SUBMITTED)})
    sungai = make_innovation(b, cycle, cb, staff, "Sungai", "Pekerjaan Umum dan Penataan Ruang", {
        **MANDATORY_VERIFIED, "SID-35": (2, S.SUBMITTED), "SID-28": (3, S.VERIFIED)})
    ensure_spd_items(cycle)
    for item in projection.load(cycle)[1][:3]:
        fill(item, staff, staff, 3, S.VERIFIED)
    db.session.commit()
    return {"a": a, "b": b, "staff": staff, "ca": ca, "cb": cb, "pandai": pandai,
            "sungai": sungai}


# -- the bug: a verified row without evidence -----------------------------------------------------

def test_removing_the_last_evidence_sends_the_item_back_to_draft_over_http(
        innovation, contact, staff, login, cycle):
    item = item_of(innovation, "SID-35")
    me, bappeda = login(contact), login(staff)
    url = f"/items/{item.id}"

    def now():
        db.session.expire_all()
        return db.session.get(ReportItem, item.id)

    assert me.post(url, data={"level": "2", "version": now().version_id}).status_code == 302
    assert me.post(f"{url}/links", data={"url": "https://jdih.banjarmasinkota.go.id/sk-35",
                                         "version": now().version_id}).status_code == 302
    assert me.post(f"{url}/submit", data={"version": now().version_id}).status_code == 302
    assert now().status == S.SUBMITTED
    link = now().current_evidence[0]
    assert me.post(f"{url}/evidence/{link.id}/remove").status_code == 302
    assert now().status == S.DRAFT and now().level == 2  # the level stays, nothing to verify
    page = bappeda.post(f"{url}/verify", data={"version": now().version_id},
                        follow_redirects=True).get_data(as_text=True)
    assert "Hanya butir berstatus Diajukan yang dapat diverifikasi." in page
    assert now().status == S.DRAFT
    score = engine_agrees(cycle.id)
    assert score.verified_of[innovation.id].points == 0
    assert score.verified.index <= score.claimed.index


def test_an_item_without_evidence_is_never_verified(innovation, contact, staff, login, cycle):
    # An item left "submitted" without evidence by data from before the fix.
    item = item_of(innovation, "SID-35")
    save_item(item, 2, None, contact)
    item.status = S.SUBMITTED
    db.session.commit()
    page = login(staff).post(f"/items/{item.id}/verify", data={"version": item.version_id},
                             follow_redirects=True).get_data(as_text=True)
    assert "tidak memiliki data pendukung" in page
    db.session.expire_all()
    assert db.session.get(ReportItem, item.id).status == S.SUBMITTED
    # and a row that somehow is verified without evidence scores 0 in both projections
    item = db.session.get(ReportItem, item.id)
    item.status = S.VERIFIED
    score = engine_agrees(cycle.id)
    assert score.verified_of[innovation.id].points == 0
    assert score.claimed_of[innovation.id].points == 0


# -- the aggregates follow every kind of change ---------------------------------------------------

def _level(t):
    save_item(item_of(t["pandai"], "SID-31"), 1, None, t["ca"])


def _evidence_added(t):
    item = item_of(t["pandai"], "SID-19")
    add_link(item, "https://data.banjarmasinkota.go.id/19", t["ca"])


def _evidence_removed(t):
    item = item_of(t["pandai"], "SID-16")  # verified, mandatory: the innovation stops counting
    remove_evidence(item.current_evidence[0], t["ca"])


def _verified(t):
    # Sungai's last mandatory row: the innovation is now counted
    verify_item(item_of(t["sungai"], "SID-35"), t["staff"])


def _returned(t):
    return_item(item_of(t["pandai"], "SID-31"), "Lampiran belum ada", t["staff"])


def _out_of_window(t):
    t["pandai"].implemented_on = date(2015, 1, 1)


def _urusan(t):
    t["pandai"].related_urusan = list(BASIC)


def _weight(t):
    indicator = db.session.scalars(select(Indicator).where(Indicator.code == "SID-16")).one()
    indicator.weight = D("7.5")


def _mandatory(t):
    indicator = db.session.scalars(select(Indicator).where(Indicator.code == "SID-18")).one()
    indicator.is_mandatory = True  # Si Pandai's SID-18 is returned: it stops counting


def _band(t):
    cycle = t["pandai"].cycle
    band = db.session.scalars(select(PredicateBand).where(
        PredicateBand.cycle_id == cycle.id, PredicateBand.name == "Inovatif")).one()
    band.floor = D("0.02")


def _rule(t):
    t["pandai"].cycle.divisor_min = 1


def _moved(t):
    t["pandai"].skpd = t["b"]


CHANGES = {"level": _level, "evidence-added": _evidence_added,
           "evidence-removed": _evidence_removed, "verified": _verified, "returned": _returned,
           "dates": _out_of_window, "urusan": _urusan, "weight": _weight,
           "mandatory": _mandatory, "band": _band, "rule": _rule, "skpd": _moved}


@pytest.mark.parametrize("change", CHANGES)
def test_aggregates_follow_each_kind_of_change(town, cycle, change):
    cycle_id = cycle.id
    before = engine_agrees(cycle_id)
    CHANGES[change](town)
    after = engine_agrees(cycle_id)
    assert after.stamp != before.stamp
    def seen(score):
        return score.claimed, score.verified, score.skpd_of, dict(score.status_counts)

    moved = seen(after) != seen(before)
    assert moved, "the change should move the score; the test would not see a stale cache"


def test_rebuild_repairs_and_check_reports_a_damaged_aggregate(town, cycle, runner):
    row = db.session.get(InnovationScore, town["pandai"].id)
    row.verified_points = D("999")
    db.session.commit()
    result = runner.invoke(args=["score", "--check"])
    assert result.exit_code != 0
    assert f"innovation {town['pandai'].id}: verified_points" in result.output
    assert "1 aggregate(s) differ" in result.output
    result = runner.invoke(args=["score", "--rebuild", "--check"])
    assert result.exit_code == 0, result.output
    assert "agree with the rows" in result.output


# -- gains: analytic equals rescoring -------------------------------------------------------------

def brute_gain(rules_, spd_rows, inns, key):
    """Verify one row (at its level, or its highest) and rescore the whole city."""
    def done(row):
        if row.key != key:
            return row
        return scoring.Row(row.key, row.indicator, row.weight, row.level or row.max_level,
                           "verified", True, row.mandatory, row.max_level)

    base = scoring.score(rules_, spd_rows, inns, scoring.VERIFIED).index
    spd = [done(r) for r in spd_rows]
    changed = [scoring.Innovation(i.key, i.name, i.urusan, i.in_age_window,
                                  tuple(done(r) for r in i.rows)) for i in inns]
    return scoring.score(rules_, spd, changed, scoring.VERIFIED).index - base


def random_city(rng):
    rules_ = rules(basic_min=rng.choice((1, 3, 5)))
    rules_ = scoring.Rules(rng.choice((1, 3, 12)), rules_.basic_service_min, BASIC,
                           D("0.38"), rng.choice((2, 200)), D(250), rules_.bands,
                           "Sangat Inovatif")
    statuses = ("empty", "draft", "submitted", "returned", "verified")

    def row(key, mandatory):
        level = rng.choice((None, 1, 2, 3))
        return scoring.Row(key, f"I-{key % 7}", D(rng.choice(("1", "2.5", "3", "0.75"))),
                           level, rng.choice(statuses), rng.random() < 0.8, mandatory, 3)

    spd_rows = [row(1000 + k, False) for k in range(rng.randint(0, 4))]
    inns = [scoring.Innovation(k, f"Inovasi {k}",
                               frozenset(rng.sample(BASIC, rng.randint(0, 3))),
                               rng.random() < 0.85,
                               tuple(row(k * 10 + r, r < 2) for r in range(rng.randint(1, 5))))
            for k in range(rng.randint(0, 16))]
    return rules_, spd_rows, inns


@pytest.mark.parametrize("seed", range(20))
def test_analytic_gains_equal_rescoring_in_random_cities(seed):
    rng = random.Random(seed)
    for _ in range(20):
        rules_, spd_rows, inns = random_city(rng)
        for fix in next_best_fixes(rules_, spd_rows, inns):
            assert fix["gain"] == brute_gain(rules_, spd_rows, inns, fix["key"]), fix


def test_engine_gains_equal_rescoring_of_the_rows(town, cycle):
    rules_, spd_rows, inns, _ = rescored(cycle)
    score = engine.city_score(cycle)
    assert score.ranked(), "the town has rows to verify"
    for entry in score.ranked():
        assert entry.gain == brute_gain(rules_, spd_rows, inns, entry.item_id)
        assert entry.gain >= 0


# -- a negative gain is never a fix ---------------------------------------------------------------

def test_the_brief_example_a_weak_innovation_lowers_the_index():
    # 12 innovations at 111 points (37 x 3) covering every basic urusan, and one at 14.
    strong = [scoring.Innovation(k, f"Kuat {k}", frozenset(BASIC) if k == 0 else frozenset(),
                                 True, (scoring.Row(k, "SID-16", D(37), 3, "verified", True,
                                                    True),))
              for k in range(12)]
    weak_row = scoring.Row(99, "SID-16", D(14), 1, "verified", True, True)
    weak = scoring.Innovation(99, "Lemah", frozenset(), True, (weak_row,))
    both = [*strong, weak]
    r = rules()
    state = scoring.state_of(r, D(0), [scoring.standing(i, scoring.VERIFIED) for i in both])
    assert scoring.round2(state.totals(r).index) == D("43.39")
    raised = Gains(r, state).replace(scoring.standing(weak, scoring.VERIFIED), None)
    assert scoring.round2(state.totals(r).index + raised) == D("46.22")
    # the same innovation before its row is verified: verifying it would lower the index
    pending = scoring.Innovation(99, "Lemah", frozenset(), True,
                                 (scoring.Row(99, "SID-16", D(14), 1, "submitted", True, True),))
    gains = {f["key"]: f["gain"] for f in next_best_fixes(r, [], [*strong, pending])}
    assert scoring.round2(gains[99]) == D("-2.83")


@pytest.fixture
def weak_town(town, cycle, make_user):
    """Divisor 1, so every counted innovation enters the average. "Lemah" has only its
    mandatory rows, at level 1, all verified: it lowers the average. "Tertunda" is as weak and
    waits on its last mandatory row: verifying that row would lower the average too."""
    cycle.divisor_min = 1
    contact = make_user("contact", skpd=town["a"])
    weak = make_innovation(town["a"], cycle, contact, town["staff"], "Lemah", "Kesehatan",
                           {code: (1, S.VERIFIED) for code in MANDATORY_VERIFIED})
    pending = make_innovation(town["b"], cycle, town["cb"], town["staff"], "Tertunda",
                              "Kesehatan", {**{code: (1, S.VERIFIED) for code in
                                               MANDATORY_VERIFIED},
                                            "SID-35": (1, S.SUBMITTED)})
    db.session.commit()
    return {**town, "weak": weak, "pending": pending}


def test_innovations_that_lower_the_index_are_listed_apart(weak_town, cycle, client, auth):
    rules_, spd_rows, inns, _ = rescored(cycle)
    score = engine.city_score(cycle)
    lowering = {low.innovation_id: low for low in score.lowering()}
    weak = lowering[weak_town["weak"].id]
    assert weak.counted and weak.by > 0
    # withdrawing it raises the index by exactly that much
    without = [i for i in inns if i.key != weak_town["weak"].id]
    assert weak.by == (scoring.score(rules_, spd_rows, without, scoring.VERIFIED).index
                       - scoring.score(rules_, spd_rows, inns, scoring.VERIFIED).index)
    # verifying Tertunda's last mandatory row would lower the index: listed, never as a fix
    pending = lowering[weak_town["pending"].id]
    assert not pending.counted and pending.by > 0
    item = item_of(weak_town["pending"], "SID-35")
    assert brute_gain(rules_, spd_rows, inns, item.id) == -pending.by
    assert item.id not in {entry.item_id for entry in score.ranked()}
    assert all(entry.gain >= 0 for entry in score.ranked())
    assert weak_town["pandai"].id not in lowering  # the strong one is not listed
    auth.login_as(weak_town["staff"])
    page = client.get("/score/").get_data(as_text=True)
    assert "Inovasi yang menurunkan indeks kota" in page
    section = page.split('id="menurunkan"', 1)[1]
    assert "Lemah" in section and "Tertunda" in section and "Si Pandai" not in section
    assert "perkuat atau tarik" in section and "perkuat lebih dulu" in section


# -- the cache -------------------------------------------------------------------------------------

def test_an_unchanged_score_costs_one_query_and_a_change_a_new_stamp(town, cycle):
    first = engine.city_score(cycle)
    seen, again = statements(lambda: engine.city_score(cycle))
    assert again is first and len(seen) == 1
    save_item(item_of(town["pandai"], "SID-20"), 3, None, town["ca"])
    add_link(item_of(town["pandai"], "SID-20"), "https://data.banjarmasinkota.go.id/20",
             town["ca"])
    db.session.commit()
    after = engine.city_score(cycle)
    assert after is not first and after.stamp != first.stamp
    assert after.claimed.index > first.claimed.index
    row = db.session.get(CycleScore, cycle.id)
    assert row.stamp == after.stamp


# -- key pages: at most 12 queries, and as many when the data triples ----------------------------------

def triple(ids, make_skpd, make_user):
    """Twice as many innovations again, in the contact's own SKPD and in new SKPDs (the pages'
    queries expunge the session: everything is read again by id)."""
    cycle = db.session.get(Cycle, ids["cycle"])
    staff, contact = db.session.get(User, ids["staff"]), db.session.get(User, ids["ca"])
    own = db.session.get(Skpd, ids["a"])
    for n in range(2):
        make_innovation(own, cycle, contact, staff, f"Dinkes Tambahan {n}", "Kesehatan", {
            **MANDATORY_VERIFIED, "SID-20": (1, S.RETURNED), "SID-21": (2, S.SUBMITTED)})
        skpd = make_skpd()
        make_innovation(skpd, cycle, make_user("contact", skpd=skpd), staff, f"Lain {n}",
                        "Sosial", {**MANDATORY_VERIFIED, "SID-19": (2, S.DRAFT),
                                   "SID-31": (3, S.SUBMITTED)})
    for item in projection.load(cycle)[1][3:9]:
        fill(item, staff, staff, 2, S.SUBMITTED)
    db.session.commit()


def test_key_pages_run_as_many_queries_when_the_data_triples(
        town, cycle, login, make_skpd, make_user):
    item = item_of(town["pandai"], "SID-16")
    pages = {
        "staff": ["/", "/score/", "/review/", "/innovations/", "/spd/", "/tindak-lanjut/",
                  "/admin/skpd/", "/admin/cycles/"],
        "contact": ["/", "/score/", f"/innovations/{town['pandai'].id}", f"/items/{item.id}",
                    "/tindak-lanjut/?owner=me"],
    }
    ids = {"cycle": cycle.id, "staff": town["staff"].id, "ca": town["ca"].id,
           "a": town["a"].id}
    clients = {"staff": login(town["staff"]), "contact": login(town["ca"])}

    def counts():
        return {(who, path): count_queries(clients[who], path)
                for who, paths in pages.items() for path in paths}

    few = counts()
    over = {page: n for page, n in few.items() if n > 12}
    assert not over, f"pages over the budget of 12 queries: {over}"
    triple(ids, make_skpd, make_user)
    many = counts()
    assert many == few
