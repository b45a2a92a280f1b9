"""Svend: a mesh of model servers that answers math, science and logic questions."""
