"""Figures, one module per topic; each is drawn from the tidy results table, never the model."""
