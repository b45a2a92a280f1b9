"""Training data for Svend's verifier: GSM8K chains, correct and deliberately corrupted."""
