"""Tests of the ways in and out."""
