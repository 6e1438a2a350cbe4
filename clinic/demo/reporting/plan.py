"""The plan of the reporting demo: each item's drawn state, tuned to the target predicate.

Every innovation and item is drawn from one seeded random generator; the thresholds that turn
the draws into states are then tuned on the score, so the claimed index sits a little above
the target predicate's floor and the verified index a little below. Nothing is written here.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from clinic.demo.reporting.content import ASN_NAMES, INNOVATIONS, UNIT_INNOVATIONS, design_text
from clinic.reporting import engine, scoring
from clinic.reporting.models import Innovation

CLAIMED_ABOVE = Decimal("3.5")  # the claimed index ends at least this far above the floor
VERIFIED_BELOW = Decimal("3")  # the verified index ends this far below it, or a little more
ASSIGNED_SPD = ("SPD-03", "DPMPTSP")  # the SPD item Bappeda hands to the SKPD holding the data



@dataclass
class RowPlan:
    """How far one item gets: fixed draws, turned into a state by the tuning thresholds."""

    indicator: object
    level: int
    fill: float  # filled (level and evidence) when below the fill threshold
    verify: float  # verified when below the verify threshold
    kind: float  # which of the other states
    forced: str | None = None

    def __post_init__(self):
        # Plain copies: the tuning scores the whole city some 60 times.
        self.code = self.indicator.code
        self.weight = Decimal(self.indicator.weight)
        self.mandatory = self.indicator.is_mandatory

    def state(self, fill_at, verify_at):
        if self.forced:
            return self.forced
        if self.fill < fill_at:
            if self.verify < verify_at:
                return "verified_after_return" if self.kind < 0.03 else "verified"
            return "returned" if self.kind < 0.2 else "draft_evidence" if self.kind < 0.32 \
                else "submitted"
        return "draft_level" if self.kind < 0.25 else "draft_note" if self.kind < 0.33 else "empty"

    def row(self, key, fill_at, verify_at):
        """The item as the score sees it in this state."""
        state = self.state(fill_at, verify_at)
        return scoring.Row(key=key, indicator=self.code, weight=self.weight,
                           level=self.level if state in WITH_LEVEL else None,
                           status=STATUS_OF[state], has_evidence=state in WITH_EVIDENCE,
                           mandatory=self.mandatory, max_level=3)


STATUS_OF = {"verified": "verified", "verified_after_return": "verified", "returned": "returned",
             "submitted": "submitted", "draft_evidence": "draft", "draft_level": "draft",
             "draft_note": "draft", "empty": "empty"}
WITH_EVIDENCE = {"verified", "verified_after_return", "returned", "submitted", "draft_evidence"}
WITH_LEVEL = WITH_EVIDENCE | {"draft_level"}


def _level(rng, weights=(0.1, 0.3, 0.6)):
    return rng.choices((1, 2, 3), weights=weights)[0]


def _rows(rng, indicators, sure=False):
    """Draws for one innovation's items; mandatory ones are filled and verified first, as the
    coaching clinics advise (``sure``: verified at any threshold)."""
    rows = []
    for indicator in indicators:
        scale = 0.3 if indicator.is_mandatory else 1
        fill, verify, kind = rng.random() * scale, rng.random() * scale, rng.random()
        if sure and indicator.is_mandatory:
            fill, verify = 0.0, 0.0
        rows.append(RowPlan(indicator, _level(rng), fill, verify, kind))
    return rows


class Tuner:
    """Find the fill and verify thresholds that put the two indexes around the target floor."""

    def __init__(self, cycle, spd, innovations):
        self.rules = engine.rules_of(cycle)
        self.spd, self.innovations = spd, innovations  # innovations: (profile, [RowPlan])
        target = self.rules.target_predicate
        self.floor = self.rules.floor_of(target) if target else None

    def score(self, fill_at, verify_at, version):
        spd = [r.row(("spd", n), fill_at, verify_at) for n, r in enumerate(self.spd)]
        inns = [scoring.Innovation(key=n, name=p.name, urusan=frozenset(p.urusan),
                                   in_age_window=p.in_window,
                                   rows=tuple(r.row((n, k), fill_at, verify_at)
                                              for k, r in enumerate(rows)))
                for n, (p, rows) in enumerate(self.innovations)]
        return scoring.score(self.rules, spd, inns, version).index

    def tune(self):
        if self.floor is None:
            return 0.8, 0.6
        # Claimed grows with the fill threshold: the lowest one that clears floor + margin.
        _, fill_at = _bisect(
            lambda t: self.score(t, 0, scoring.CLAIMED) >= self.floor + CLAIMED_ABOVE)
        # Verified grows with the verify threshold: the highest one still under floor - margin.
        verify_at, _ = _bisect(
            lambda t: self.score(fill_at, t, scoring.VERIFIED) > self.floor - VERIFIED_BELOW)
        return fill_at, verify_at


def _bisect(reached, steps=30):
    """Around the threshold in [0, 1] where the monotone test ``reached`` turns true: the last
    value tried where it is false and the first where it is true."""
    low, high = 0.0, 1.0
    if not reached(high):
        return high, high
    for _ in range(steps):
        middle = (low + high) / 2
        low, high = (low, middle) if reached(middle) else (middle, high)
    return low, high


# -- profiles ---------------------------------------------------------------------------------

@dataclass
class Profile:
    skpd: object
    contact: object
    name: str
    main: str
    related: list
    fields: dict
    in_window: bool

    @property
    def urusan(self):
        return {self.main, *self.related}


INITIATORS = [("perangkat_daerah", 0.6), ("kepala_daerah", 0.2), ("asn", 0.15),
              ("masyarakat", 0.05)]


def _window(cycle):
    start = cycle.implementation_from_on or date(cycle.year - 2, 1, 1)
    end = cycle.implementation_to_on or date(cycle.year - 1, 12, 31)
    return start, end


def _fields(rng, cycle, skpd, name, main, related, digital, summary, special):
    start, end = _window(cycle)
    implemented = start + timedelta(days=rng.randint(30, max(31, (end - start).days - 30)))
    kind = rng.choices([k for k, _ in INITIATORS], weights=[w for _, w in INITIATORS])[0]
    fields = {
        "name": name, "stage": "penerapan", "initiator_kind": kind,
        "initiator_name": {"kepala_daerah": "Wali Kota Banjarmasin", "asn": rng.choice(ASN_NAMES),
                           "masyarakat": "Forum Komunitas Sungai Banjarmasin"}.get(kind, skpd.name),
        "is_digital": digital,
        "form": "pelayanan_publik" if rng.random() < 0.7 else "tata_kelola",
        "main_urusan": main, "related_urusan": list(related),
        "trial_on": implemented - timedelta(days=rng.randint(60, 240)),
        "implemented_on": implemented,
        "design_text": design_text(name, skpd, summary, digital, short=special == "short"),
        "goals": f"Mempermudah warga memperoleh layanan melalui {summary}, mempercepat waktu "
                 "layanan, dan meningkatkan kepuasan masyarakat.",
        "benefits": "Warga tidak perlu datang berulang kali, biaya dan waktu yang dikeluarkan "
                    "berkurang, dan perangkat daerah memperoleh data yang akurat untuk "
                    "perencanaan.",
        "results": f"Sejak diterapkan, waktu layanan turun dari {rng.randint(5, 14)} hari menjadi "
                   f"{rng.randint(1, 3)} hari dan {rng.randint(3, 90) * 100} warga telah "
                   f"memanfaatkan layanan ini; indeks kepuasan masyarakat naik menjadi "
                   f"{rng.randint(82, 95)}.",
        "budget_amount": Decimal(rng.randrange(25, 900) * 1_000_000),
    }
    if special in ("old", "developed"):  # implemented before the age window
        fields["implemented_on"] = start - timedelta(days=rng.randint(200, 600))
        fields["trial_on"] = fields["implemented_on"] - timedelta(days=90)
    if special == "developed":  # ... but developed within it, with a note: still eligible
        fields["developed_on"] = start + timedelta(days=rng.randint(30, 300))
        fields["development_note"] = ("Pengembangan: layanan diperluas ke seluruh kecamatan dan "
                                      "ditambah fitur pengaduan daring.")
    return fields


# Which innovations show the profile checks: a short narrative, out of the age window, developed.
SPECIAL = {"Ambulans Sungai Gratis": "old", "Lapor Satpol PP Online (LASPO)": "developed",
           "Peta Hidran Digital": "short", "Sanggar Seni Madihin Digital": "short"}


def _profiles(rng, cycle, skpds, contacts_by_skpd, staff, scale):
    by_code = {skpd.code: skpd for skpd in skpds}
    profiles = []
    for copy in range(scale):
        for code, name, main, related, digital, summary in INNOVATIONS + UNIT_INNOVATIONS:
            skpd = by_code.get(code if copy == 0 else f"{code}-{copy + 1}") or by_code.get(code)
            if skpd is None:
                continue
            special = SPECIAL.get(name)
            if copy:
                name = f"{name} (Replikasi {copy + 1})"
            fields = _fields(rng, cycle, skpd, name, main, related, digital, summary, special)
            probe = Innovation(**{k: fields.get(k) for k in
                                  ("implemented_on", "developed_on", "development_note")})
            profiles.append(Profile(skpd, contacts_by_skpd.get(skpd.id) or staff, name, main,
                                    related, fields, scoring.in_age_window(probe, cycle)))
    return profiles


STORIES = [
    ("Posyandu Apung Sungai Martapura", "SID-35", "returned"),  # the video is too long
    ("Bank Sampah Digital (BASADI)", "SID-16", "draft_level"),  # a level, no regulation yet
    ("Pasar Rakyat Digital (PARADIG)", "SID-33", "submitted"),  # waiting for Bappeda
    ("Kampung KB Digital", "SID-17", "empty"),
]


def plan_demo(rng, cycle, skpds, contacts_by_skpd, staff, scale=1):
    """Draw every innovation and item, then tune the thresholds (nothing is written)."""
    sid = [i for i in cycle.indicators if i.aspect == "SID"]
    spd = [i for i in cycle.indicators if i.aspect == "SPD"]
    profiles = _profiles(rng, cycle, skpds, contacts_by_skpd, staff, scale)
    # The first innovation of each basic-service urusan is verified in its mandatory indicators
    # whatever the tuning, so the verified count term holds and the index moves in small steps.
    basic = set(cycle.basic_service_urusan or ())
    flagships = {next((p.name for p in profiles if p.main == u), None) for u in basic}
    plans = [(p, _rows(rng, sid, sure=p.name in flagships)) for p in profiles]
    # Bappeda fills and checks its own SPD rows early: most are done, at high levels.
    spd_plan = [RowPlan(i, _level(rng, (0.05, 0.25, 0.7)), rng.random() * 0.5,
                        rng.random() * 0.5, rng.random()) for i in spd]
    _showcase(plans, spd_plan)
    fill_at, verify_at = Tuner(cycle, spd_plan, plans).tune()
    return {"innovations": plans, "spd": spd_plan, "fill_at": fill_at, "verify_at": verify_at}


def _showcase(plans, spd_plan):
    """Fix a few states so every status shows on the first innovation (the Dinkes demo
    account's) and the SPD item handed to an SKPD waits for its data."""
    if plans:
        wanted = {"SID-18": "returned", "SID-21": "submitted", "SID-24": "draft_level",
                  "SID-26": "empty", "SID-30": "draft_evidence", "SID-34": "draft_note"}
        for plan in plans[0][1]:
            plan.forced = wanted.get(plan.indicator.code, plan.forced)
    # Innovations that the verified score leaves out for one mandatory indicator: verifying it
    # is the kind of fix that moves the index most.
    for name, code, state in STORIES:
        for profile, rows in plans:
            if profile.name == name:
                for plan in rows:
                    plan.forced = state if plan.indicator.code == code else plan.forced
    for plan in spd_plan:
        if plan.indicator.code == ASSIGNED_SPD[0]:
            plan.forced = "draft_level"
