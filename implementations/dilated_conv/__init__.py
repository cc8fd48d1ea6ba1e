"""Multi-scale context aggregation by dilated convolutions (Yu & Koltun 2016): dilated conv from scratch and the context module."""
