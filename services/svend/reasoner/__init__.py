"""The reasoner service: a language model that reasons step by step and calls Svend's tools."""
