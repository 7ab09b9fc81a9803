from gongzhi.core.paths import successor


def test_successor_bounds_every_extension_of_the_prefix():
    for prefix in ["0001", "000Z", "00010009", "Z"]:
        upper = successor(prefix)
        assert prefix < upper
        for tail in ["", "0000", "ZZZZ"]:
            assert prefix + tail < upper


def test_successor_carries_past_z():
    assert successor("000Z") == "001"
