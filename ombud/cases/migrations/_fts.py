"""The SQLite statements that make the full-text tables and the triggers that keep them in step
(migrations 0003 and 0004, which must make the case triggers again after a table rebuild)."""

SQLITE_COMPLAINT = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS ombud_complaint_fts USING fts5("
    "description, content='intake_complaint', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER ombud_complaint_fts_ai AFTER INSERT ON intake_complaint BEGIN
         INSERT INTO ombud_complaint_fts(rowid, description) VALUES (new.id, new.description); END""",
    """CREATE TRIGGER ombud_complaint_fts_ad AFTER DELETE ON intake_complaint BEGIN
         INSERT INTO ombud_complaint_fts(ombud_complaint_fts, rowid, description) VALUES ('delete', old.id, old.description); END""",
    """CREATE TRIGGER ombud_complaint_fts_au AFTER UPDATE OF description ON intake_complaint BEGIN
         INSERT INTO ombud_complaint_fts(ombud_complaint_fts, rowid, description) VALUES ('delete', old.id, old.description);
         INSERT INTO ombud_complaint_fts(rowid, description) VALUES (new.id, new.description); END""",
    "INSERT INTO ombud_complaint_fts(ombud_complaint_fts) VALUES ('rebuild')",
]
SQLITE_CASE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS ombud_case_fts USING fts5("
    "title, summary, content='cases_case', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER ombud_case_fts_ai AFTER INSERT ON cases_case BEGIN
         INSERT INTO ombud_case_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END""",
    """CREATE TRIGGER ombud_case_fts_ad AFTER DELETE ON cases_case BEGIN
         INSERT INTO ombud_case_fts(ombud_case_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); END""",
    """CREATE TRIGGER ombud_case_fts_au AFTER UPDATE OF title, summary ON cases_case BEGIN
         INSERT INTO ombud_case_fts(ombud_case_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary);
         INSERT INTO ombud_case_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END""",
    "INSERT INTO ombud_case_fts(ombud_case_fts) VALUES ('rebuild')",
]
