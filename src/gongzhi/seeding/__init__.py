"""Synthetic demo and full-district data for 肃州区 (every row is marked is_synthetic).

`district_seed(scale=..., seed=...)` in services.py is the one entry point; the scales
(demo, full) live in scale.py. Bulk paths build rows directly (treebeard paths, one
shared unusable password, bulk_create in chunks) so the full district stays fast.
"""
