"""The workspace store: schema, engine, migrations and the batched writer."""
