"""Back-propagation (Rumelhart, Hinton & Williams 1986): a sigmoid MLP with a hand-written backward pass."""
