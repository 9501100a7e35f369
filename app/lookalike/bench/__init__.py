"""Benchmarks users can run: speed against naive scripts, and accuracy on a labelled set."""
