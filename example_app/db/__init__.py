"""Data access: the SQLite database, its tables and the repositories that query them."""
