"""GPipe (Huang et al. 2018): micro-batch pipeline parallelism, simulated in one process and run on two with gloo."""
