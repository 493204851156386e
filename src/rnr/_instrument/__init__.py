"""Instrument definitions: schema, expression language, frozen model, loading."""
