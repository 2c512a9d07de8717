"""Training steps: what one kind of training does (see ``base.py`` for the protocol and how to add one).

``supervised.SupervisedStep`` covers mini-batch training with a loss, the perceptron rule and full-batch
graph training; ``gan.GANStep`` a generator and a discriminator trained against each other. ``Trainer``
picks the step from the project.
"""

from .base import Plan, RunContext, Step

__all__ = ["Plan", "RunContext", "Step"]
