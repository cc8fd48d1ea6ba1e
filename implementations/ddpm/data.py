"""The toy data: a mixture of 8 isotropic Gaussians evenly spaced on a circle, and a mode-coverage score.

Their one home is ``implementations._common.ring``, shared with the GAN demos.
"""

from implementations._common.ring import mode_centres, mode_coverage, sample_mixture

__all__ = ["mode_centres", "mode_coverage", "sample_mixture"]
