"""Helpers shared by every implementation's demo and tests."""
