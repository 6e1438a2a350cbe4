"""Forms of the coaching pages: sessions, notes and attendance, office closed dates."""
