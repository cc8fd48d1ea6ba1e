"""VGG (Simonyan & Zisserman 2014): very deep stacks of small 3x3 convolutions."""
