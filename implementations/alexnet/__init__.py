"""AlexNet (Krizhevsky, Sutskever & Hinton 2012): ReLU, local response normalisation, overlapping pooling, dropout."""
