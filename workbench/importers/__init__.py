"""Importers: one module per export format, listed in registry.MODULES."""
