"""Who holds which calendar copy, and sending, updating and cancelling invitations."""
