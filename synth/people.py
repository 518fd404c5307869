"""Vietnamese personal names for synthetic entries: Kinh names and the naming patterns of some ethnic minorities.

Every string is NFC. Names follow the order họ (surname), chữ đệm (middle name), tên (given name), except for
the Ê-đê pattern where the given name comes first ("Y Bhin Niê").
"""

from __future__ import annotations

import random
import unicodedata
from typing import Literal

Sex = Literal["Nam", "Nữ"]

# Kinh surnames with rough frequencies (per cent); the tail keeps rarer surnames in the corpus.
KINH_SURNAMES: dict[str, float] = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 3, "Huỳnh": 2.5, "Phan": 4.5, "Vũ": 2, "Võ": 2,
    "Đặng": 2, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1, "Lý": 0.5, "Đinh": 0.8, "Trương": 0.8,
    "Lương": 0.5, "Tạ": 0.3, "Mai": 0.4, "Cao": 0.4, "Tô": 0.3, "Lâm": 0.3, "Kiều": 0.2, "Chu": 0.2,
    "Khúc": 0.1, "Lại": 0.2, "Thái": 0.2, "Ưng": 0.1, "Văn": 0.1, "Quách": 0.2, "Triệu": 0.2, "Đoàn": 0.6,
    "Trịnh": 0.5, "Hà": 0.5, "Lưu": 0.3, "Tăng": 0.1, "Ông": 0.1, "Âu": 0.1,
}
KINH_MIDDLE = {
    "Nam": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Gia", "Tuấn", "Ngọc", "Xuân", "Đình", "Bảo",
            "Văn Minh", "Hoàng", "Trọng", "Quang", "Anh", "Thế", "Tấn"],
    "Nữ": ["Thị", "Ngọc", "Thu", "Thanh", "Bảo", "Khánh", "Mỹ", "Phương", "Hồng", "Kim", "Diệu", "Thị Thanh",
           "Thị Ngọc", "Thị Thu", "Thùy", "Hoài", "Quỳnh", "Tường"],
}
KINH_GIVEN = {
    "Nam": ["Hùng", "Dũng", "Tuấn", "Minh", "Khoa", "Phúc", "Nam", "Long", "Huy", "Quang", "Thắng", "Đạt",
            "Hiếu", "Khang", "Bảo", "Trí", "Nghĩa", "Thịnh", "Lộc", "Cường", "Sơn", "Hải", "Kiên", "Vỹ", "Duy",
            "Khôi", "Quý", "Tùng", "Thuận", "Toàn", "Đức", "Phước", "Lợi", "Nhân", "Vinh", "Hưng", "Thành",
            "Luân", "Khải", "Triết", "Ẩn", "Ước", "Quyết"],
    "Nữ": ["Hương", "Lan", "Hằng", "Trang", "Linh", "Ngọc", "Thảo", "Hà", "Nhung", "Yến", "Vy", "Nhi", "Châu",
           "Uyên", "Quỳnh", "Diễm", "Huyền", "Oanh", "Loan", "Thủy", "Hạnh", "Liên", "Phượng", "Mỹ", "Xuân",
           "Tuyết", "Ánh", "Giang", "Khuê", "Thư", "Ngân", "Nguyệt", "Hoa", "Mai", "Duyên", "Gấm", "Thắm"],
}

# Minority naming patterns: surnames, the male/female marker and given names.
MINORITY_NAMES: dict[str, dict[str, list[str]]] = {
    "Hmông": {
        "surnames": ["Giàng", "Sùng", "Vàng", "Lý", "Thào", "Mùa", "Hầu", "Ly", "Sình", "Cứ"],
        "Nam": ["A"], "Nữ": ["Thị"],
        "given_Nam": ["Páo", "Dình", "Chu", "Sử", "Pó", "Tủa", "Lử", "Dế", "Chứ", "Sùng", "Vư", "Nủ"],
        "given_Nữ": ["Mỷ", "Dợ", "Say", "Ca", "Dua", "Sùa", "Mai", "Pà", "Dở", "Chía"],
    },
    "Thái": {
        "surnames": ["Lò", "Lường", "Cầm", "Quàng", "Tòng", "Vì", "Điêu", "Hà", "Lù"],
        "Nam": ["Văn"], "Nữ": ["Thị"],
        "given_Nam": ["Thắng", "Xôm", "Ún", "Pọm", "Chăn", "Xuân", "Khăm", "Piệng", "Ngoan", "Tiến"],
        "given_Nữ": ["Ín", "Ón", "Xuân", "Bun", "Pâng", "Hươn", "Tiên", "Ngoan", "Hương", "Eng"],
    },
    "Tày": {
        "surnames": ["Hoàng", "Nông", "Lục", "Ma", "Hà", "Lương", "Triệu", "Bế", "Đàm", "Lăng"],
        "Nam": ["Văn", "Đức"], "Nữ": ["Thị"],
        "given_Nam": ["Dền", "Thào", "Pảo", "Quyết", "Chiến", "Lịch", "Sáng", "Phúc"],
        "given_Nữ": ["Mỷ", "Nhàn", "Pín", "Slao", "Hoa", "Dịu", "Lả", "Thoan"],
    },
    "Dao": {
        "surnames": ["Triệu", "Bàn", "Lý", "Đặng", "Chảo", "Tẩn", "Phàn"],
        "Nam": ["Văn", "Tòn", "Láo"], "Nữ": ["Thị", "Mùi"],
        "given_Nam": ["Phẩy", "Lở", "Quẩy", "Chàn", "Sinh", "Tả", "Kiềm"],
        "given_Nữ": ["Mẩy", "Sành", "Nhất", "Dín", "Chạn", "Xiêm"],
    },
    "Khơ-me": {
        "surnames": ["Thạch", "Sơn", "Kim", "Danh", "Lâm", "Châu", "Lý"],
        "Nam": ["", "Văn"], "Nữ": ["Thị"],
        "given_Nam": ["Sô Phanh", "Sa Rết", "Chanh Đa", "Sóc", "Ngọc Thạch", "Sa Vút", "Cà Đen"],
        "given_Nữ": ["Sa Rươl", "Srây Ních", "Sô Phia", "Ên", "Sa Ly", "Mỹ Hoa"],
    },
    "Mường": {
        "surnames": ["Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch"],
        "Nam": ["Văn", "Công"], "Nữ": ["Thị"],
        "given_Nam": ["Khuyên", "Lừng", "Thiềng", "Mến", "Tuân", "Khởi"],
        "given_Nữ": ["Thơm", "Lụa", "Dưn", "Mơ", "Ngát", "Khuy"],
    },
    "Hoa": {
        "surnames": ["Lý", "Trần", "Quách", "Lâm", "Châu", "Mã", "Tăng", "Diệp", "Lưu"],
        "Nam": ["Quốc", "Vĩnh", "Tuấn", "Gia"], "Nữ": ["Mỹ", "Ngọc", "Tú", "Thị"],
        "given_Nam": ["Cường", "Kiệt", "Phát", "Hào", "Vinh", "Tài"],
        "given_Nữ": ["Linh", "Phụng", "Kiều", "Quyên", "Lệ", "Hảo"],
    },
}
# Ê-đê: "Y" (male) or "H'" (female) + given name + surname (họ comes last).
EDE = {
    "surnames": ["Niê", "Êban", "Mlô", "Byă", "Ksơr", "Kbuôr", "Adrơng", "Niê Kdăm", "Hwing"],
    "given_Nam": ["Bhin", "Sơn", "Phong", "Ngông", "Kriêng", "Thu", "Jôn", "Blim"],
    "given_Nữ": ["Hen", "Zen", "Luôn", "Ngọc", "Bia", "Nhi", "Điêu", "Juin"],
}
# Groups named after the pattern of a neighbouring group; any other group gets Kinh-style names.
NAME_STYLE_FOR = {"Mnông": "Ê-đê", "Gia-rai": "Ê-đê", "Nùng": "Tày", "Giáy": "Tày", "Lô Lô": "Hmông"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _join(*parts: str) -> str:
    return nfc(" ".join(p for p in parts if p))


def surname_for(ethnicity: str, rng: random.Random) -> str:
    """A surname (họ) typical of the ethnic group (dân tộc = ethnicity)."""
    style = NAME_STYLE_FOR.get(ethnicity, ethnicity)
    if style == "Ê-đê":
        return rng.choice(EDE["surnames"])
    if style in MINORITY_NAMES:
        return rng.choice(MINORITY_NAMES[style]["surnames"])
    names, weights = zip(*KINH_SURNAMES.items())
    return rng.choices(names, weights=weights)[0]


def person_name(ethnicity: str, sex: Sex, rng: random.Random, surname: str | None = None) -> str:
    """A full name (họ, chữ đệm, tên) for someone of this ethnicity and sex; `surname` keeps a family name."""
    style = NAME_STYLE_FOR.get(ethnicity, ethnicity)
    surname = surname or surname_for(ethnicity, rng)
    if style == "Ê-đê":
        marker = "Y" if sex == "Nam" else "H'"
        given = rng.choice(EDE[f"given_{sex}"])
        return nfc(f"{marker} {given} {surname}" if marker == "Y" else f"H'{given} {surname}")
    if style in MINORITY_NAMES:
        table = MINORITY_NAMES[style]
        return _join(surname, rng.choice(table[sex]), rng.choice(table[f"given_{sex}"]))
    middle = rng.choice(KINH_MIDDLE[sex])
    return _join(surname, middle, rng.choice(KINH_GIVEN[sex]))


def family_surname(full_name: str) -> str:
    """The surname of a name made by `person_name` (the last word for the Ê-đê pattern)."""
    words = full_name.split()
    if words[0] in ("Y",) or words[0].startswith("H'"):
        return " ".join(words[2:]) if words[0] == "Y" else " ".join(words[1:])
    return words[0]


# Tone marks as combining characters (NFD): huyền, sắc, hỏi, ngã, nặng.
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def tone_mark_variant(name: str, rng: random.Random) -> str | None:
    """The same name with the tone mark of one syllable changed or dropped (Hằng → Hàng, Nguyễn → Nguyển).

    Returns None when the name has no syllable that can carry another tone.
    """
    words = name.split()
    candidates = list(range(len(words)))
    rng.shuffle(candidates)
    for i in candidates:
        decomposed = unicodedata.normalize("NFD", words[i])
        tones = [c for c in decomposed if c in TONE_MARKS]
        if tones:
            current = tones[0]
            replacement = rng.choice([t for t in TONE_MARKS if t != current] + [""])
            changed = decomposed.replace(current, replacement, 1)
        else:
            vowels = [j for j, c in enumerate(decomposed) if c.lower() in "aeiouy"]
            if not vowels:
                continue
            at = vowels[-1] + 1
            while at < len(decomposed) and unicodedata.combining(decomposed[at]):
                at += 1  # after the vowel's own marks (circumflex, breve, horn): NFC keeps that order
            changed = decomposed[:at] + rng.choice(TONE_MARKS) + decomposed[at:]
        variant = nfc(changed)
        if variant != nfc(words[i]):
            return " ".join(words[:i] + [variant] + words[i + 1 :])
    return None
