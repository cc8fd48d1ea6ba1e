"""LeNet (LeCun et al. 1989 zip-code net and 1998 LeNet-5) with convolution and pooling written as im2col."""
