"""dl_workshop: the helper library of "Neural Networks from Scratch with JAX".

One module per idea: ``data``, ``models``, ``losses``, ``optimizers``,
``training``, ``plotting`` and ``exercises``.
"""

from dl_workshop import data, exercises, losses, models, optimizers, plotting, training

__version__ = "0.1.0"
