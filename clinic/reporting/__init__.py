"""Innovations, reporting items, evidence, verification and the IID score."""
