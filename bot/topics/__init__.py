"""The bruttoliste: propose, annotate, schedule, withdraw, import, and the board."""
