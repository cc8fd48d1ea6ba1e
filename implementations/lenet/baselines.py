"""The classifiers the 1998 paper sets LeNet-5 against (Sec. III-C, Fig. 9), at this demo's scale.

- a fully connected net with one hidden layer, sized to LeNet-5's 60,000 free
  parameters, trained like LeNet-5 (same optimiser, steps and batches);
- a linear classifier (multinomial logistic regression on the pixels), trained by the
  same loop;
- 1-nearest-neighbour on the pixels (the paper's "K-NN Euclidean").
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

class FullyConnectedNet(nn.Module):
    """pixels -> hidden (tanh) -> 10 logits; ``hidden`` defaults to the width that matches a parameter budget."""

    def __init__(self, inputs: int, hidden: int) -> None:
        super().__init__()
        self.hidden = nn.Linear(inputs, hidden)
        self.out = nn.Linear(hidden, 10)

    @staticmethod
    def width_for(inputs: int, budget: int, classes: int = 10) -> int:
        """The hidden width whose (inputs + 1) h + (h + 1) classes parameters come closest to ``budget``."""
        return round((budget - classes) / (inputs + 1 + classes))

    def free_parameters(self) -> dict[str, int]:
        return {"hidden": sum(p.numel() for p in self.hidden.parameters()),
                "output": sum(p.numel() for p in self.out.parameters())}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.hidden(x.flatten(1))))

    @staticmethod
    def predict(y: torch.Tensor) -> torch.Tensor:
        return y.argmax(dim=1)

def nearest_neighbour_accuracy(x_train, y_train, x_test, y_test) -> float:
    distances = torch.cdist(x_test.flatten(1).double(), x_train.flatten(1).double())
    return float((y_train[distances.argmin(dim=1)] == y_test).double().mean())

def cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits, target)



class LinearClassifier(nn.Module):
    """pixels -> 10 logits: multinomial logistic regression, trained by the same loop as the networks."""

    def __init__(self, inputs: int) -> None:
        super().__init__()
        self.out = nn.Linear(inputs, 10)

    def free_parameters(self) -> dict[str, int]:
        return {"linear": sum(p.numel() for p in self.out.parameters())}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(x.flatten(1))

    @staticmethod
    def predict(y: torch.Tensor) -> torch.Tensor:
        return y.argmax(dim=1)
