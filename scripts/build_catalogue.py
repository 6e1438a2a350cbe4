"""Build the project's catalogue files from the shared IID research file.

Usage: python scripts/build_catalogue.py ../shared/domain/iid-indicators.yaml

Writes data/catalogue/iid-2026.yaml (full catalogue) and data/catalogue/iid-2023.yaml (the 2023
predicate bands and divisor with the same indicators, as a second example). The hint a contact
reads comes from data/evidence-hints.yaml (Indonesian instructions); the research note it was
written from, its sources and confidence go to the staff-only evidence_source and
evidence_confidence. The output is the project's own format, read by ``flask catalogue load``;
staff correct values in the UI afterwards.
"""
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "catalogue"
# The contact-facing hints: Indonesian instructions per indicator code (see the file's header).
HINTS = ROOT / "data" / "evidence-hints.yaml"

CYCLES = {
    2026: {
        "name": "IID 2026",
        "divisor_min": 12,
        "basic_service_min": 5,
        "implementation_from": "2024-01-01",
        "implementation_to": "2025-12-31",
        "bands": [("Sangat Inovatif", "65.01"), ("Inovatif", "40.01"),
                  ("Kurang Inovatif", "0.01"), ("Tidak Dapat Dinilai", "0.00")],
        "confidence": "MED: divisor, basic-service rule and bands from third-party sources",
    },
    2023: {
        "name": "IID 2023",
        "divisor_min": 10,
        "basic_service_min": 5,
        "implementation_from": "2021-01-01",
        "implementation_to": "2022-12-31",
        "bands": [("Sangat Inovatif", "60.01"), ("Inovatif", "35.00"),
                  ("Kurang Inovatif", "0.01"), ("Tidak Dapat Dinilai", "0.00")],
        "confidence": "HIGH for bands and divisor (BSKDN deck 2023); indicators as 2026, "
                      "basic-service minimum unconfirmed for 2023",
    },
}


def provenance(item):
    """The staff-only note on a hint: the research note it was written from and its sources."""
    note = " ".join(str(item.get("evidence", "")).split())
    sources = ", ".join(str(s) for s in item.get("source") or [])
    text = f"Catatan riset: {note.rstrip('.')}." if note else ""
    if sources:
        text += f" Sumber: {sources}."
    if item.get("confidence"):
        text += f" Keyakinan nilai indikator: {item['confidence']}."
    return text.strip() or None


def convert(source, year, hints):
    meta = source["meta"]
    spec = CYCLES[year]
    count_row = next(i for i in source["indicators"] if i["code"].startswith("JML"))
    indicators = []
    for position, item in enumerate(source["indicators"], start=1):
        if not item.get("options"):
            continue  # the count of innovations is a cycle setting, not a chosen level
        indicators.append({
            "code": item["code"],
            "aspect": "SPD" if item["unit"] == "pemda" else "SID",
            "number": item["number"],
            "sub": item.get("sub"),
            "variable": item.get("variable"),
            "name": item["name_id"],
            "name_en": item.get("name_en"),
            "weight": str(item["weight"]),
            "mandatory": bool(item.get("mandatory")),
            "accepts_link": item["number"] == 35,
            "evidence_hint": " ".join(hints[item["code"]].split()),
            "evidence_source": provenance(item),
            "evidence_confidence": item.get("evidence_confidence"),
            "levels": [{"level": o["level"], "label": o["label"]}
                       for o in item["options"] if o["level"] > 0],
            "confidence": item.get("confidence"),
            "position": position,
        })
    return {
        "format": "klinik-inovasi/catalogue-1",
        "source": meta["catalogue_version"],
        "confidence": spec["confidence"],
        "cycle": {
            "year": year,
            "name": spec["name"],
            "divisor_min": spec["divisor_min"],
            "basic_service_min": spec["basic_service_min"],
            "basic_service_urusan": list(meta["formula"]["urusan_yandas"]),
            "count_points": str(count_row["weight"]),
            "count_cap": 200,
            "index_max": "250",
            "design_min_words": 300,
            "implementation_from": spec["implementation_from"],
            "implementation_to": spec["implementation_to"],
            "target_predicate": "Sangat Inovatif",
            "predicate_bands": [{"name": n, "floor": f} for n, f in spec["bands"]],
        },
        "indicators": indicators,
    }


def main(path):
    source = yaml.safe_load(Path(path).read_text())
    hints = yaml.safe_load(HINTS.read_text(encoding="utf-8"))
    missing = [i["code"] for i in source["indicators"]
               if i.get("options") and i["code"] not in hints]
    if missing:
        sys.exit(f"no Indonesian hint in {HINTS.name} for: {', '.join(missing)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for year in CYCLES:
        data = convert(source, year, hints)
        target = OUT / f"iid-{year}.yaml"
        header = (f"# IID {year} catalogue for Klinik Inovasi, built by scripts/build_catalogue.py\n"
                  f"# from the project's domain research. Load: flask catalogue load {target.name} "
                  f"--cycle {year}\n")
        target.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                  width=100))
        print(f"wrote {target} ({len(data['indicators'])} indicators)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/domain/iid-indicators.yaml")
