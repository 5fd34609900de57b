"""study: everything that reads the model's results.

The one catalogue of outcomes, table helpers, results I/O, comparison of scenarios, the
uncertainty space, calibration targets, the sensitivity, discovery and calibration algorithms,
figures and the browser explorer. It imports the model (``sim``) and never the command lines
(``experiments``).
"""
