"""The verifier: re-computes what a reasoning chain computed and finds its first wrong step."""
