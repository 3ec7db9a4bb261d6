"""Greenhouse, Lever and Ashby public job-board APIs: one module per vendor, and shared parts."""
