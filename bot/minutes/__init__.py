"""The minutes: record, attendance, import, approve, corrections, actions, search, documents."""
