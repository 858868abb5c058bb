"""Committees, the roster and its import, who is asking, GDPR export, erasure and retention."""
