"""Order Matters (Vinyals, Bengio & Kudlur 2016): read-process-write networks for sets."""
