"""gongzhi (共治): community co-governance platform."""
