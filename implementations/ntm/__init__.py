"""Neural Turing Machine (Graves, Wayne & Danihelka 2014): differentiable memory with content and location addressing."""
