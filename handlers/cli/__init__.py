"""`klu-bot`: the grammar, the registry of commands, and one module per area."""
