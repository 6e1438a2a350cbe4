"""The reporting demo's content: the city's innovations and the texts of their profiles."""
PK, KES, PU, PRKP, TRANTIB, SOS = (
    "Pendidikan", "Kesehatan", "Pekerjaan Umum dan Penataan Ruang",
    "Perumahan Rakyat dan Kawasan Permukiman",
    "Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat", "Sosial")
LH, ADM, KOM = ("Lingkungan Hidup", "Administrasi Kependudukan dan Pencatatan Sipil",
                "Komunikasi dan Informatika")

# SKPD code, name, main urusan, related urusan, digital, what it does (for the profile texts).
INNOVATIONS = [
    ("DINKES", "Si Pandai Dinkes", KES, [KOM], True,
     "sistem informasi yang menyatukan data pelayanan kesehatan seluruh puskesmas"),
    ("DINKES", "Posyandu Apung Sungai Martapura", KES, [SOS], False,
     "posyandu di atas perahu yang mendatangi balita dan lansia di bantaran sungai"),
    ("DINKES", "Gerakan Bersama Cegah Stunting (GEBER CETING)", KES,
     ["Pengendalian Penduduk dan Keluarga Berencana"], False,
     "pendampingan keluarga berisiko stunting oleh kader kelurahan"),
    ("DINKES", "Puskesmas Ramah Lansia", KES, [SOS], False,
     "jalur layanan khusus dan kunjungan rumah bagi warga lanjut usia"),
    ("DINKES", "Ambulans Sungai Gratis", KES, [], False,
     "perahu ambulans yang menjemput pasien gawat darurat di kampung sungai"),
    ("RSUD-SS", "Antrean Daring RSUD Sultan Suriansyah (ANDALAN)", KES, [KOM], True,
     "pendaftaran dan antrean poliklinik melalui aplikasi dan WhatsApp"),
    ("RSUD-SS", "Telekonsultasi Dokter Spesialis (TEMAN SEHAT)", KES, [], True,
     "konsultasi dokter spesialis jarak jauh untuk pasien puskesmas"),
    ("DISDIK", "Sekolah Sungai Banjarmasin", PK, [LH], False,
     "pembelajaran muatan lokal tentang sungai di sekolah dasar"),
    ("DISDIK", "Gerakan Literasi Kampung Baca", PK, ["Perpustakaan"], False,
     "pojok baca di kampung yang dikelola guru dan relawan"),
    ("DISDIK", "Rapor Digital SD Banjarmasin (RADIS)", PK, [KOM], True,
     "rapor elektronik yang dapat dibuka orang tua dari telepon genggam"),
    ("DISDIK", "Guru Kunjung Anak Sungai", PK, [SOS], False,
     "guru yang mengunjungi anak putus sekolah di permukiman bantaran sungai"),
    ("DPUPR", "Banjarmasin Smart Sungai", PU, [LH, KOM], True,
     "sensor tinggi muka air dan peta sungai yang dapat dipantau warga"),
    ("DPUPR", "Sistem Pemantauan Drainase Kota (SIPADRAN)", PU, [], True,
     "laporan saluran tersumbat dari warga yang langsung ditindaklanjuti petugas"),
    ("DPUPR", "Jembatan Titian Ramah Difabel", PU, [SOS], False,
     "perbaikan jembatan titian kampung dengan pegangan dan lantai anti licin"),
    ("DISPERKIM", "Bedah Rumah Kolaboratif (BERKAT)", PRKP, [SOS], False,
     "perbaikan rumah tidak layak huni bersama dunia usaha dan baznas"),
    ("DISPERKIM", "Kampung Hijau Bantaran Sungai", PRKP, [LH], False,
     "penataan kampung bantaran sungai dengan ruang hijau dan jalan titian"),
    ("DISPERKIM", "Sanitasi Jamban Apung Sehat", PRKP, [KES], False,
     "pengganti jamban apung dengan tangki septik komunal"),
    ("BPBD", "Sistem Peringatan Dini Banjir Rob (SIDINI)", TRANTIB, [KOM], True,
     "peringatan banjir rob melalui pesan singkat dan pengeras suara masjid"),
    ("BPBD", "Kelurahan Tangguh Bencana Sungai", TRANTIB, [], False,
     "pelatihan relawan kelurahan untuk evakuasi banjir dan kebakaran"),
    ("SATPOLPP", "Patroli Sungai Terpadu", TRANTIB, [], False,
     "patroli gabungan di sungai untuk ketertiban dan keselamatan warga"),
    ("SATPOLPP", "Lapor Satpol PP Online (LASPO)", TRANTIB, [KOM], True,
     "pengaduan gangguan ketertiban yang dapat dipantau pelapornya"),
    ("DAMKAR", "Relawan Kebakaran Kampung (REDKAR)", TRANTIB, [], False,
     "relawan pemadam kebakaran di setiap RT padat penduduk"),
    ("DAMKAR", "Peta Hidran Digital", TRANTIB, [KOM], True,
     "peta hidran dan sumber air yang dipakai petugas menuju lokasi kebakaran"),
    ("DINSOS", "DTKS Keliling di Atas Kelotok", SOS, [ADM], False,
     "pemutakhiran data kesejahteraan sosial dengan perahu kelotok"),
    ("DINSOS", "Rumah Singgah Ramah Disabilitas", SOS, [], False,
     "rumah singgah dengan pendamping bagi penyandang disabilitas terlantar"),
    ("DINSOS", "Layanan Pengaduan Sosial 24 Jam (SAPA SOSIAL)", SOS, [KOM], True,
     "layanan pengaduan masalah sosial yang dijawab petugas siang dan malam"),
    ("SETDA", "Sistem Informasi Produk Hukum Daerah (SIPRODUK)", KOM, [], True,
     "penelusuran peraturan wali kota dan peraturan daerah secara daring"),
    ("SETDA", "e-Kinerja Pimpinan Terintegrasi (SI-PINTAR)", "Kepegawaian", [], True,
     "pemantauan capaian kinerja pimpinan perangkat daerah setiap bulan"),
    ("INSPEKTORAT", "Whistleblowing System Kota Banjarmasin (WISE)", "Pengawasan", [], True,
     "saluran pelaporan pelanggaran yang menjaga kerahasiaan pelapor"),
    ("INSPEKTORAT", "Klinik Konsultasi Pengadaan (KONSULTAN)", "Pengawasan", [], False,
     "konsultasi pengadaan barang dan jasa sebelum kontrak ditandatangani"),
    ("BAPPEDALITBANG", "Klinik Inovasi Daerah", "Penelitian dan Pengembangan", [], False,
     "pendampingan perangkat daerah menyusun laporan inovasi daerah"),
    ("BAPPEDALITBANG", "e-Musrenbang Kelurahan", "Perencanaan", [KOM], True,
     "usulan musyawarah perencanaan pembangunan yang diinput langsung dari kelurahan"),
    ("BPKPAD", "Pajak Daerah Online (e-PADI)", "Keuangan", [KOM], True,
     "pendaftaran, pelaporan dan pembayaran pajak daerah secara daring"),
    ("BPKPAD", "QRIS Retribusi Pasar Terapung", "Keuangan", ["Perdagangan"], True,
     "pembayaran retribusi pedagang pasar terapung dengan QRIS"),
    ("BKPSDM", "Manajemen Talenta ASN (SIMANTAP)", "Kepegawaian", [], True,
     "pemetaan talenta aparatur untuk pengisian jabatan"),
    ("BKPSDM", "Sekolah Kader Pelayan Publik", "Pendidikan dan Pelatihan", [], False,
     "pelatihan budaya melayani bagi petugas garis depan"),
    ("DLH", "Bank Sampah Digital (BASADI)", LH, [KOM], True,
     "tabungan sampah warga yang tercatat di aplikasi"),
    ("DLH", "Sungai Bersih Tanpa Sampah Plastik", LH, [], False,
     "gerakan warga mengurangi sampah plastik yang dibuang ke sungai"),
    ("DISHUB", "Bus Sungai Terintegrasi", "Perhubungan", [], False,
     "angkutan sungai terjadwal yang tersambung dengan halte bus kota"),
    ("DISHUB", "Parkir Elektronik Pasar (E-PARKIR)", "Perhubungan", [KOM], True,
     "pembayaran parkir nontunai di kawasan pasar"),
    ("DPPKBPM", "Kampung KB Digital", "Pengendalian Penduduk dan Keluarga Berencana", [KOM], True,
     "pencatatan peserta KB dan keluarga berisiko stunting oleh kader"),
    ("DPPKBPM", "Pemberdayaan Kelompok Jukung Wisata", "Pemberdayaan Masyarakat dan Desa",
     ["Pariwisata"], False, "pelatihan dan permodalan kelompok pengemudi jukung wisata"),
    ("DP3A", "Rumah Aman Perempuan dan Anak (RUMAPA)",
     "Pemberdayaan Perempuan dan Perlindungan Anak", [SOS], False,
     "tempat perlindungan sementara dan pendampingan korban kekerasan"),
    ("DP3A", "Sekolah Ramah Anak Bantaran Sungai", "Pemberdayaan Perempuan dan Perlindungan Anak",
     [PK], False, "pendampingan sekolah di bantaran sungai menjadi sekolah ramah anak"),
    ("DKP3", "Pekarangan Pangan Lestari Sungai", "Pangan", [], False,
     "kebun pangan keluarga di lahan pekarangan sempit"),
    ("DKP3", "Budidaya Ikan Keramba Apung Modern", "Kelautan dan Perikanan", [], False,
     "keramba apung dengan pakan mandiri bagi kelompok pembudidaya"),
    ("DISKOMINFOTIK", "Banjarmasin Command Center", KOM, [], True,
     "ruang kendali yang menampilkan data layanan kota secara langsung"),
    ("DISKOMINFOTIK", "Aplikasi Bubuhan Banjar", KOM, [ADM], True,
     "satu aplikasi warga untuk layanan dan pengaduan kota"),
    ("DISKOMINFOTIK", "Satu Data Banjarmasin", "Statistik", [], True,
     "portal data sektoral yang dimutakhirkan setiap perangkat daerah"),
    ("DISBUDPORAPAR", "Festival Pasar Terapung Virtual", "Pariwisata", ["Kebudayaan"], True,
     "promosi pasar terapung melalui siaran langsung dan lapak daring"),
    ("DISBUDPORAPAR", "Sanggar Seni Madihin Digital", "Kebudayaan", [], True,
     "arsip rekaman dan kelas daring kesenian madihin"),
    ("DISPERDAGIN", "Pasar Rakyat Digital (PARADIG)", "Perdagangan", [], True,
     "katalog dan pesan antar daring pedagang pasar rakyat"),
    ("DISPERDAGIN", "Sentra Sasirangan Naik Kelas", "Perindustrian", [], False,
     "pendampingan perajin kain sasirangan untuk standar mutu dan ekspor"),
    ("DPMPTSP", "Izin Kilat Banjarmasin (IZKI)", "Penanaman Modal", [KOM], True,
     "perizinan usaha mikro yang selesai dalam satu hari"),
    ("DPMPTSP", "Mal Pelayanan Publik Terapung", "Penanaman Modal", [ADM], False,
     "layanan perizinan dan kependudukan di atas kapal yang berkeliling kecamatan"),
    ("DISDUKCAPIL", "Jemput Bola Adminduk di Atas Kelotok", ADM, [], False,
     "perekaman KTP elektronik dan akta bagi warga kampung sungai"),
    ("DISDUKCAPIL", "Akta Lahir Langsung dari Rumah Sakit (ALARM)", ADM, [KES], True,
     "akta kelahiran yang terbit sebelum ibu dan bayi pulang dari rumah sakit"),
    ("DISNAKER", "Bursa Kerja Daring Banjarmasin", "Tenaga Kerja", [], True,
     "lowongan kerja dan pelatihan yang dipertemukan dengan pencari kerja"),
    ("DISKOPUMKM", "Kurasi Produk UMKM Naik Kelas", "Koperasi, Usaha Kecil, dan Menengah", [],
     False, "kurasi kemasan dan perizinan produk UMKM untuk toko modern"),
    ("DISPERPUSIP", "Perpustakaan Keliling Sungai (PERKASA)", "Perpustakaan", [PK], False,
     "perahu perpustakaan yang singgah di kampung sungai setiap pekan"),
    ("DISPERPUSIP", "Arsip Digital Kelurahan", "Kearsipan", [KOM], True,
     "alih media arsip kelurahan agar surat warga cepat ditemukan"),
    ("KEC-BJMU", "Layanan Kecamatan Tanpa Antre (LAKESTRA)", ADM, [KOM], True,
     "pendaftaran layanan kecamatan dengan jadwal kedatangan"),
    ("KEC-BJMT", "Kelurahan Siaga Stunting", KES, [], False,
     "pemantauan balita berisiko stunting oleh lurah, kader dan puskesmas"),
    ("KEC-BJMS", "Jemput Bola KTP Lansia", ADM, [SOS], False,
     "perekaman KTP elektronik di rumah warga lanjut usia"),
    ("KEC-BJMB", "Gerakan Sungai Bersih Kelurahan", LH, [], False,
     "kerja bakti rutin membersihkan anak sungai bersama warga"),
]
# Innovations of sub-units (puskesmas, schools, kelurahan) reported by their SKPD.
UNIT_INNOVATIONS = (
    [("DINKES", f"Pojok Gizi Puskesmas {place}", KES, [], False,
      "konseling gizi dan pemberian makanan tambahan bagi balita")
     for place in ("Pekauman", "Teluk Dalam", "Sungai Jingah", "Alalak Selatan", "Kayu Tangi",
                   "Pemurus Baru", "Cempaka", "Terminal")]
    + [("DISDIK", f"Kelas Literasi Sungai SDN {school}", PK, [], False,
        "kelas membaca dan menulis tentang kehidupan sungai")
       for school in ("Sungai Miai 5", "Kuin Utara 3", "Pekapuran Raya 2", "Teluk Tiram 1")]
    + [(code, f"Kampung Tangguh Banjir Kelurahan {place}", TRANTIB, [LH], False,
        "regu siaga banjir warga dengan perahu dan lumbung logistik")
       for code, place in (("KEC-BJMU", "Alalak Utara"), ("KEC-BJMU", "Kuin Cerucuk"),
                           ("KEC-BJMB", "Pelambuan"), ("KEC-BJMS", "Basirih"),
                           ("KEC-BJMS", "Kelayan Timur"), ("KEC-BJMT", "Pasar Lama"),
                           ("KEC-BJMTM", "Sungai Lulut"), ("KEC-BJMTM", "Kuripan"))]
    + [(code, f"Posyandu Remaja Kelurahan {place}", KES, [], False,
        "kegiatan kesehatan remaja yang dikelola karang taruna")
       for code, place in (("KEC-BJMU", "Sungai Andai"), ("KEC-BJMB", "Telaga Biru"),
                           ("KEC-BJMT", "Mawar"), ("KEC-BJMS", "Pemurus Dalam"))]
)

# Reasons staff give when they return an item, by the kind of evidence.
RETURN_REASONS = {
    "document": [
        "SK yang diunggah belum ditandatangani Kepala Perangkat Daerah. Unggah SK yang sudah "
        "ditandatangani dan bernomor.",
        "Dokumen tidak menyebut nama inovasi. Lampirkan dokumen yang memuat nama inovasi dengan "
        "jelas.",
        "Hasil pindai buram dan tidak terbaca. Pindai ulang dengan resolusi yang lebih baik.",
        "Bukti berasal dari tahun 2022, di luar periode penilaian. Unggah bukti terbaru.",
    ],
    "photo": [
        "Foto kegiatan tidak bertanggal. Sertakan foto dengan keterangan tanggal dan lokasi.",
        "Foto tidak memperlihatkan kegiatan inovasi. Unggah foto kegiatan beserta daftar hadirnya.",
    ],
    "video": [
        "Video lebih dari 5 menit dan belum memuat manfaat serta dampak inovasi. Potong menjadi "
        "paling lama 5 menit dan lengkapi isinya.",
        "Video tidak dapat diputar: tautan bersifat privat. Ubah menjadi publik atau tidak "
        "publik (unlisted).",
    ],
    # Only for a level above 1: the evidence supports less than was chosen.
    "level": ["Tingkat yang dipilih tidak sesuai bukti: bukti hanya mendukung tingkat 1. Pilih "
              "tingkat 1 atau lengkapi bukti untuk tingkat yang lebih tinggi."],
}
NOTES = ["Bukti sudah diunggah.", "Mohon diperiksa.", "Dokumen dari bidang terkait.",
         "Sesuai hasil coaching clinic.", "Data per akhir tahun lalu."]
PADDING = [
    "Aplikasi dan prosedur inovasi ini dapat dipelajari oleh perangkat daerah lain karena "
    "seluruh dokumen, formulir dan panduan teknisnya disusun secara terbuka.",
    "Keberhasilan inovasi juga ditentukan oleh komitmen pimpinan, kesiapan petugas di lapangan "
    "dan kepercayaan warga yang tumbuh karena layanan menjadi lebih pasti.",
    "Kendala yang dihadapi antara lain keterbatasan jaringan internet di beberapa kawasan, "
    "pergantian petugas, dan kebiasaan lama yang perlu diubah secara bertahap.",
]


def design_text(name, skpd, summary, digital, short=False):
    """A rancang bangun narrative: >= 300 words, or a short one for the profile check."""
    paragraphs = [
        f"{name} adalah inovasi {skpd.name} berupa {summary}. Inovasi ini lahir dari keluhan "
        "warga yang disampaikan melalui musyawarah kelurahan, kotak saran dan media sosial "
        "Pemerintah Kota Banjarmasin.",
        "Sebelum inovasi ini diterapkan, layanan masih dilakukan secara manual, memerlukan waktu "
        "lama dan sulit dipantau oleh pimpinan. Warga di kawasan bantaran sungai harus menempuh "
        "perjalanan jauh untuk mendapatkan layanan, dan data yang dikumpulkan tidak selalu sama "
        "antara satu bidang dengan bidang lain.",
        "Ide inovasi dijaring melalui rapat internal, diskusi kelompok terpumpun bersama tokoh "
        "masyarakat, dan studi tiru ke daerah lain. Dari beberapa gagasan yang terkumpul, tim "
        "memilih gagasan yang paling mudah diterapkan dengan anggaran yang tersedia dan paling "
        "besar manfaatnya bagi warga.",
        "Tahapan pelaksanaan meliputi penyusunan standar operasional prosedur, penetapan tim "
        "pelaksana dengan surat keputusan kepala perangkat daerah, pelatihan petugas, uji coba "
        "terbatas di beberapa kelurahan, evaluasi hasil uji coba, dan penerapan di seluruh "
        "wilayah kota.",
        "Inovasi ini melibatkan perangkat daerah terkait, kecamatan dan kelurahan, perguruan "
        "tinggi, dunia usaha melalui tanggung jawab sosial perusahaan, serta komunitas warga. "
        "Peran setiap pihak dituangkan dalam kesepakatan bersama.",
        "Pemantauan dilakukan setiap bulan melalui laporan capaian dan survei kepuasan "
        "masyarakat. Hasil evaluasi dipakai untuk memperbaiki prosedur, menambah cakupan layanan "
        "dan menyiapkan replikasi ke unit kerja lain.",
        (f"Layanan digital {name} dibangun bersama Diskominfotik dan dapat dibuka dari telepon "
         "genggam, sehingga warga dapat mengajukan layanan dan memantau prosesnya kapan saja."
         if digital else
         f"{name} sengaja dirancang tanpa bergantung pada aplikasi agar warga yang belum terbiasa "
         "dengan telepon pintar tetap dapat memanfaatkannya."),
        f"Ke depan, {name} akan dikembangkan dengan memperluas jangkauan layanan, memperkuat "
        "integrasi data dengan sistem pemerintah kota, dan menjamin keberlanjutannya melalui "
        "penganggaran rutin dalam dokumen perencanaan daerah.",
    ]
    if short:
        return "\n\n".join(paragraphs[:3])
    text = "\n\n".join(paragraphs)
    for sentence in PADDING:
        if len(text.split()) >= 300:
            break
        text += "\n\n" + sentence
    return text


ASN_NAMES = ["dr. Rahmah Fitriani", "Muhammad Rizky Ananda, S.Kom.", "Siti Nurhaliza, S.E.",
             "Ahmad Syarifuddin, S.T.", "Noor Aisyah, S.Pd.", "H. Gusti Fahmi, M.Si."]


COLOURS = [(23, 92, 140), (46, 125, 50), (121, 85, 72), (0, 121, 107), (94, 53, 177)]
VIDEO_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
