"""The data of each live view, computed from model outputs with small pure numpy functions.

Nothing here imports Qt or torch: each function takes arrays (a model's predictions, a GAN's samples, a
snapshot's weights) and returns the payload one dashboard panel draws, so they are tested without a window
or a training run. The worker (``training_worker.py``) decides *when* to compute a view (rate limits, only
while its tab is visible) and calls the core's probes (``predict``, ``generate``, ``discriminate``, ...) for
the arrays; these modules decide *what* the view shows.

* ``supervised.py`` - decision-boundary grid, gallery and confusion matrix, series, image detection
* ``weights.py`` - weight histograms with exact re-binning, filter mosaics
* ``gan.py`` - sample mosaics, GAN Lab heatmap and gradient arrows, the hints' wording
"""
