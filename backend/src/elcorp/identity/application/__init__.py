"""identity application: use cases (command handlers), queries, DTOs and ports such as the
unit of work. `api.py` here is the only module other contexts may import. Depends on the
domain; never on Flask or SQLAlchemy. Keep this file free of imports (import-linter)."""
