"""Pointer Networks (Vinyals, Fortunato & Jaitly 2015): attention used as a pointer to input positions."""
