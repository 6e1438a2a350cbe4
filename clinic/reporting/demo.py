"""Demo reporting data: innovations, items in every status, small real evidence files.

The demo city is tuned from the cycle's own bands: its claimed index sits a little above the
target predicate's floor and its verified index a little below, so the next best fixes say
which items would carry the city over the line. Everything is drawn from one seeded random
generator, so two runs give the same innovations, levels and statuses.
"""
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from clinic import uploads
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.reporting import projection, scoring, services
from clinic.reporting.demo_content import (
    ASN_NAMES, COLOURS, INNOVATIONS, NOTES, RETURN_REASONS, UNIT_INNOVATIONS, VIDEO_ALPHABET,
    design_text, pdf_bytes, png_bytes, store_generated,
)
from clinic.reporting.models import (
    Evidence, Innovation, InnovationDocument, ItemEvent, ItemStatus, ReportItem,
)

SEED = 20260
CLAIMED_ABOVE = Decimal("3.5")  # the claimed index ends at least this far above the floor
VERIFIED_BELOW = Decimal("3")  # the verified index ends this far below it, or a little more
ASSIGNED_SPD = ("SPD-03", "DPMPTSP")  # the SPD item Bappeda hands to the SKPD holding the data
PHOTO_INDICATORS = {"SID-19", "SID-20", "SID-25"}  # evidence usually photographed: PNG


# -- the plan ---------------------------------------------------------------------------------

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
        self.rules = projection.rules_of(cycle)
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


# -- writing ----------------------------------------------------------------------------------

@dataclass
class FileJob:
    """A generated file to check and store; ``finish`` adds its row once the name is known."""

    make: object  # () -> bytes
    filename: str
    finish: object  # (checked, stored_name) -> None
    replaced: bool = False


class Writer:
    """Sets each item to its planned state with the history the services would have recorded.

    Rows are added without the services' flush per change (the demo writes some 10,000 rows),
    and the files are checked and stored by a few threads at the end: storing syncs each file
    to disk, and overlapping those waits makes seeding several times faster.
    """

    def __init__(self, rng, cycle, staff, folder):
        self.rng, self.cycle, self.staff, self.folder = rng, cycle, staff, folder
        self.city = current_app.config.get("CLINIC_CITY", "Kota Banjarmasin")
        self.now = utcnow()
        self.jobs = []

    def apply(self, item, state, level, actor, owner):
        if state == "empty":
            return
        rng = self.rng
        self.clock = self.now - timedelta(days=rng.uniform(12, 40))
        item.note = rng.choice(NOTES)
        item.level = None if state == "draft_note" else level
        item.status = ItemStatus.DRAFT
        self.event(item, actor, "saved", ItemStatus.EMPTY)
        if state in ("draft_note", "draft_level"):
            return
        first = self.evidence(item, level, actor, owner)
        if state == "draft_evidence":
            return
        self.submit(item, actor)
        if state in ("returned", "verified_after_return"):
            self.review(item, ItemStatus.RETURNED, self.reason(item.indicator, level))
        if state == "verified_after_return":  # corrected: a new file, the old one kept as replaced
            if first is not None:
                first.replaced = True
            self.evidence(item, level, actor, owner)
            self.submit(item, actor)
        if state in ("verified", "verified_after_return"):
            self.review(item, ItemStatus.VERIFIED)

    def reason(self, indicator, level):
        kind = ("video" if indicator.accepts_link else
                "photo" if indicator.code in PHOTO_INDICATORS else "document")
        reasons = RETURN_REASONS[kind] + (RETURN_REASONS["level"] if level > 1 else [])
        return self.rng.choice(reasons)

    def tick(self):
        self.clock = min(self.clock + timedelta(hours=self.rng.uniform(2, 96)),
                         self.now - timedelta(minutes=5))
        return self.clock

    def event(self, item, actor, action, from_status, detail=None):
        event = ItemEvent(item_id=item.id, actor_id=actor.id, action=action,
                          from_status=from_status, to_status=item.status, level=item.level,
                          detail=detail, created_at=self.tick())
        db.session.add(event)
        return event

    def submit(self, item, actor):
        before, item.status = item.status, ItemStatus.SUBMITTED
        item.submitted_at, item.return_reason = self.clock, None
        self.event(item, actor, "submitted", before)

    def review(self, item, status, reason=None):
        before, item.status = item.status, status
        item.reviewed_by_id, item.return_reason = self.staff.id, reason
        self.event(item, self.staff, status, before, reason)
        item.reviewed_at = self.clock

    def evidence(self, item, level, actor, owner):
        """Add a link (video indicators) or plan a file; return the file's job."""
        indicator = item.indicator
        if indicator.accepts_link:
            video = "".join(self.rng.choice(VIDEO_ALPHABET) for _ in range(11))
            url = uploads.validate_link(f"https://www.youtube.com/watch?v={video}")
            event = self.event(item, actor, "link_added", item.status, url)
            db.session.add(Evidence(item_id=item.id, kind="link", url=url,
                                    uploaded_by_id=actor.id, created_at=event.created_at))
            return None
        event = self.event(item, actor, "file_added", item.status)
        label = next((lv.label for lv in indicator.levels if lv.level == level), "")
        topic = (f"Inovasi: {owner.name}" if isinstance(owner, Innovation)
                 else "Aspek Satuan Pemerintah Daerah (SPD)")
        subject = owner.name if isinstance(owner, Innovation) else "SPD"
        lines = [self.city.upper(), getattr(actor.skpd, "name", None) or "Bappedalitbang",
                 f"Data Pendukung Indeks Inovasi Daerah {self.cycle.year}", topic,
                 f"Indikator {indicator.code}: {indicator.name}", f"Tingkat {level}: {label}",
                 "Dokumen contoh untuk demo Klinik Inovasi."]
        if indicator.code in PHOTO_INDICATORS:
            caption = [f"{indicator.name} - {subject}", *lines[3:5]]
            colour = self.rng.choice(COLOURS)
            name = f"Foto {indicator.name} - {subject}.png"

            def make():
                return png_bytes(caption, colour)
        else:
            name = f"{indicator.code} {indicator.name} - {subject}.pdf"

            def make():
                return pdf_bytes(lines)

        def finish(checked, stored):
            event.detail = checked.original_name
            db.session.add(Evidence(
                item_id=item.id, kind="file", original_name=checked.original_name,
                stored_name=stored, content_type=checked.content_type, size=checked.size,
                sha256=checked.sha256, is_replaced=job.replaced, uploaded_by_id=actor.id,
                created_at=event.created_at))

        job = FileJob(make, name.replace("/", "-"), finish)
        self.jobs.append(job)
        return job

    def document(self, innovation, actor):
        lines = [self.city.upper(), innovation.skpd.name,
                 f"Dokumen Pelaksanaan Anggaran {innovation.name}",
                 f"Pagu: Rp {innovation.budget_amount:,.0f}".replace(",", ".")]

        def finish(checked, stored):
            db.session.add(InnovationDocument(
                innovation_id=innovation.id, kind="anggaran", original_name=checked.original_name,
                stored_name=stored, content_type=checked.content_type, size=checked.size,
                sha256=checked.sha256, uploaded_by_id=actor.id))

        self.jobs.append(FileJob(lambda: pdf_bytes(lines), f"DPA {innovation.name}.pdf", finish))

    def store_files(self, workers=8):
        """Check and store every planned file (in threads), then add their rows."""
        app = current_app._get_current_object()

        def run(job):
            with app.app_context():
                return store_generated(job.make(), job.filename, self.folder)

        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(run, self.jobs))
        for job, (checked, stored) in zip(self.jobs, results):
            job.finish(checked, stored)
        return len(results)


def seed_reporting_demo(cycle, skpds, contacts_by_skpd, staff, scale=1, upload_folder=None,
                        seed=SEED):
    """Add the demo city's innovations, reporting items and evidence to ``cycle``.

    ``skpds``: the SKPDs (most get innovations, matched by code); ``contacts_by_skpd``: SKPD id
    -> the contact who reports for it (staff act for an SKPD without one); ``staff``: the
    Bappeda user who fills the SPD items, verifies and returns; ``scale`` multiplies the
    innovations; files go to ``upload_folder`` (default UPLOAD_FOLDER). The caller commits.
    Returns a summary with the resulting claimed and verified index.
    """
    rng = random.Random(seed)
    drawn = plan_demo(rng, cycle, skpds, contacts_by_skpd, staff, scale)
    plans, spd_plan = drawn["innovations"], drawn["spd"]
    fill_at, verify_at = drawn["fill_at"], drawn["verify_at"]
    folder = upload_folder or current_app.config["UPLOAD_FOLDER"]
    writer = Writer(rng, cycle, staff, folder)
    services.ensure_spd_items(cycle)
    spd_items = {item.indicator_id: item for item in db.session.scalars(
        select(ReportItem).where(ReportItem.cycle_id == cycle.id,
                                 ReportItem.innovation_id.is_(None)))}
    holder = next((s for s in skpds if s.code == ASSIGNED_SPD[1]), None)
    for plan in spd_plan:
        item, actor = spd_items[plan.indicator.id], staff
        if plan.indicator.code == ASSIGNED_SPD[0] and holder is not None:
            services.assign_spd_item(item, holder, staff)
            actor = contacts_by_skpd.get(holder.id) or staff
        writer.apply(item, plan.state(fill_at, verify_at), plan.level, actor, None)
    for n, (profile, rows) in enumerate(plans):
        innovation = services.create_innovation(profile.skpd, cycle, profile.fields,
                                                profile.contact)
        items = {item.indicator_id: item for item in innovation.items}
        for plan in rows:
            writer.apply(items[plan.indicator.id], plan.state(fill_at, verify_at), plan.level,
                         profile.contact, innovation)
        if n % 3 == 0:
            writer.document(innovation, profile.contact)
    files = writer.store_files()
    db.session.flush()
    result = projection.city_breakdown(cycle)
    return {"innovations": len(plans), "files": files,
            "claimed_index": scoring.round2(result["claimed"].index),
            "verified_index": scoring.round2(result["verified"].index)}
