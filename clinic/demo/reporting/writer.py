"""Writing the reporting demo: each item in its planned state, with its history and files."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from clinic import uploads
from clinic.db_types import utcnow
from clinic.demo.reporting.content import COLOURS, NOTES, RETURN_REASONS, VIDEO_ALPHABET
from clinic.demo.reporting.files import pdf_bytes, png_bytes, store_generated
from clinic.extensions import db
from clinic.reporting.models import Evidence, Innovation, InnovationDocument, ItemEvent, ItemStatus

PHOTO_INDICATORS = {"SID-19", "SID-20", "SID-25"}  # evidence usually photographed: PNG



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
        item.return_reason = None
        item.submitted_at = self.event(item, actor, "submitted", before).created_at

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
