"""The coffee automaton: entropy rises monotonically while apparent complexity rises and falls."""
