"""Regrets and "jeg kommer": the reply grammar, registering answers, notices to the secretary."""
