"""The tools service: exact tools (symbolic math, unit conversion) for the reasoner and callers."""
