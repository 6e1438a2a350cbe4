"""What the coaching demo shows: its sessions, and their texts in Indonesian."""

BRIN, KEMENDAGRI = "trainer@demo.test", "trainer.kemendagri@demo.test"
# Held sessions: days ago, SKPDs, trainer, and the status each finding's task has reached.
PAST = [
    (38, ("DINKES",), BRIN, ("open", "done", "closed")),
    (34, ("DISDIK",), KEMENDAGRI, ("closed", "in_progress", "cancelled")),
    (31, ("KEC-BJMU", "KEC-BJMS"), BRIN, ("done", "open", "closed", "in_progress")),
    (27, ("DISKOMINFOTIK",), KEMENDAGRI, ("in_progress", "done")),
    (22, ("DINSOS",), BRIN, ("open", "cancelled", "closed")),
    (17, ("DPUPR",), KEMENDAGRI, ("in_progress", "open")),
    (12, ("DINKES",), BRIN, ("in_progress", "open")),
    (7, ("DISPERKIM",), BRIN, ("open", "open", "in_progress")),
]
# Upcoming sessions: days ahead, SKPDs, trainer.
UPCOMING = [(3, ("DINKES",), BRIN), (6, ("DISDIK",), KEMENDAGRI), (10, ("KEC-BJMT",), BRIN),
            (15, ("DISHUB",), KEMENDAGRI), (24, ("BPBD",), BRIN)]
RESCHEDULED = (13, 19, ("DPMPTSP",), BRIN)  # planned for day 13, moved to day 19
CANCELLED = (8, ("DLH",), KEMENDAGRI)
EVE = (("DISBUDPORAPAR",), BRIN)
SERIES = (("KEC-BJMB", "KEC-BJMTM"), BRIN)

MONTHS = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")

ROOMS = ("Ruang Rapat Bappeda Lt. 2", "Aula Bappeda")
PLACE = "Kantor Bappedalitbang Kota Banjarmasin"
ONLINE_PLACE = "Daring (Zoom Meeting)"

# Free-text participants: staff of the SKPD without an account of their own.
GUESTS = [
    ("Hj. Norhayati, S.KM.", "Kepala Seksi Pelayanan"),
    ("Rahmadi Saputra, S.Kom.", "Pranata Komputer Ahli Pertama"),
    ("Fitri Handayani, S.E.", "Analis Perencanaan"),
    ("Gusti Rusdiansyah, S.T.", "Kepala Subbagian Program"),
    ("Lailatul Qadariah, S.Pd.", "Pengelola Data"),
    ("Muhammad Iqbal, S.IP.", "Kepala Subbagian Perencanaan"),
    ("Ernawati, S.Sos.", "Analis Kebijakan Ahli Muda"),
    ("Akhmad Fauzan, S.H.", "Kepala Subbagian Umum dan Kepegawaian"),
]

AGENDA = ("1. Tindak lanjut temuan sesi sebelumnya\n"
          "2. Pembahasan bukti dukung: {innovations}\n"
          "3. Rencana pengajuan ke portal Indeks Inovasi Daerah")

# A joint session's agenda and notes are read by every SKPD in it, so they name no SKPD's
# innovations or findings: those are each SKPD's own rows.
JOINT_INNOVATIONS = "inovasi setiap Perangkat Daerah peserta"
JOINT_FINDINGS = ("- Temuan dicatat per Perangkat Daerah pada daftar temuan sesi; setiap "
                  "Perangkat Daerah menerima temuannya sendiri.")

SERIES_AGENDA = ("Pendampingan mingguan kecamatan: profil inovasi, bukti dukung indikator "
                 "wajib, dan kesiapan unggah ke portal (sesi {n} dari 4).")

CANCEL_REASON = ("Kepala Dinas dipanggil rapat mendadak oleh Wali Kota; sesi akan dijadwalkan "
                 "ulang setelah data bukti dukung lengkap.")

# What a finding says and what the task asks, by the item's status.
FINDING = {
    "returned": ("{code} {indicator}: bukti dukung dikembalikan verifikator; dokumen belum "
                 "memuat nomor, tanggal, dan tanda tangan pejabat. Perbaiki dan unggah ulang.",
                 "Perbaiki dan unggah ulang bukti dukung {code} ({innovation})"),
    "empty": ("{code} {indicator}: belum diisi. Siapkan dokumen pendukung dan tetapkan tingkat "
              "yang sesuai dengan bukti yang ada.",
              "Lengkapi indikator {code} ({innovation})"),
    "draft": ("{code} {indicator}: masih berupa draf. Lengkapi bukti dukung lalu ajukan ke "
              "Bappedalitbang untuk diverifikasi.",
              "Ajukan bukti dukung {code} ({innovation})"),
    "submitted": ("{code} {indicator}: sudah diajukan, tetapi tingkat yang dipilih terlalu "
                  "tinggi untuk bukti yang ada. Pertimbangkan tingkat yang lebih rendah atau "
                  "tambahkan bukti.",
                  "Tinjau ulang tingkat {code} ({innovation})"),
}

NOTE_INTRO = (
    "## Ringkasan\n\n"
    "Sesi pendampingan membahas kesiapan data pendukung Indeks Inovasi Daerah {year} untuk "
    "inovasi {innovations}. Tim {skpds} memaparkan progres pengisian, kemudian narasumber "
    "memberikan masukan per indikator.\n\n"
    "Secara umum profil inovasi sudah lengkap. Beberapa bukti dukung belum memenuhi ketentuan: "
    "dokumen harus memuat nomor, tanggal, tanda tangan, dan stempel, diunggah dalam format PDF, "
    "dan sesuai dengan tingkat yang dipilih.\n\n"
    "## Temuan\n\n{findings}\n")

NOTE_AGREEMENTS = (
    "\n## Kesepakatan\n\n"
    "1. {skpds} menindaklanjuti temuan di atas paling lambat {due}.\n"
    "2. Bappedalitbang memverifikasi dokumen yang diajukan dalam 5 hari kerja.\n"
    "3. Hasil tindak lanjut dibahas pada sesi pendampingan berikutnya.\n")

PRIVATE_NOTES = [
    "Operator baru dimutasi bulan lalu dan belum terbiasa dengan portal; perlu pendampingan "
    "teknis tambahan sebelum portal dibuka.",
    "Kepala Dinas meminta agar inovasi ini diprioritaskan; data kepuasan masyarakat masih "
    "diragukan dan perlu dicek ke survei IKM.",
]

def long_date(day):
    """'24 Desember 2026' without depending on the request's locale."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def nip(rng):
    """An 18-digit NIP: birth date, appointment month, sex, serial number."""
    year = rng.randint(1972, 1995)
    appointed = year + rng.randint(23, 30)
    return (f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            f"{appointed}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}")
