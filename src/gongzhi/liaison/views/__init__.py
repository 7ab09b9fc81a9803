"""Police liaison pages, one module per area; urls.py names each view."""
