"""Forms of the reporting pages: innovations and their documents, items and their review."""
