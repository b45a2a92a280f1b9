"""Data, training and evaluation of Svend's trained safety classifier."""
