"""The scoring engine: pure functions from an Instrument and records to results."""
