"""Scripted hostile servers and behaviours (used by tests/test_hostile.py and bench/hostile.py)."""
