"""The router: Svend's entry point, which runs safety, cache, a reasoning path and verification."""
