"""PostgreSQL: the embedded server, the engine, the schema and its migrations."""
