"""The repositories behind bot/ports.py, one module per port group."""
