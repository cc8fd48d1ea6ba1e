"""Two-part MDL codes, universal integer codes and compressor-based complexity (Gruenwald 2004)."""
