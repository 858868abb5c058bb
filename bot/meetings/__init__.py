"""Meetings: create, find, move, cancel; agenda, guests, time plan, meeting file, carry-over."""
