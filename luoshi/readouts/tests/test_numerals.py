from luoshi.readouts.parser.numerals import chinese_to_int, to_number


def test_it_reads_chinese_numerals():
    assert chinese_to_int("三") == 3
    assert chinese_to_int("十五") == 15
    assert chinese_to_int("二十") == 20
    assert chinese_to_int("七千七百四十六") == 7746
    assert chinese_to_int("三亿五千万") == 350_000_000
    assert chinese_to_int("两千") == 2000


def test_it_refuses_lists_of_digits():
    assert chinese_to_int("一二三") is None


def test_it_folds_magnitudes_into_the_value():
    assert to_number("3.4", "万") == 34000
    assert to_number("2.5", "亿") == 250_000_000
    assert to_number("1", "万亿") == 10**12
    assert to_number("6.5") == 6.5
