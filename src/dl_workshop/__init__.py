"""dl_workshop: the helper library of "Neural Networks from Scratch with JAX".

One module per idea: ``data``, ``models``, ``losses``, ``optimizers``,
``training``, ``batching``, ``trajectories``, ``plotting`` and ``exercises``.
"""

from dl_workshop import (batching, data, exercises, losses, models, optimizers, plotting,
                         training, trajectories)

__version__ = "0.1.0"
