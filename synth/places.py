"""Old (pre-July-2025) administrative units for synthetic books: communes, districts, provinces and their people.

A hand-made list of real communes (xã/phường/thị trấn), districts (huyện/quận) and provinces (tỉnh) of the 63,
as old books name them, each with its usual hamlet word (ấp, thôn, bản, buôn) and a rough ethnic mix.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Commune:
    commune: str  # "xã Tân Phú"
    district: str  # "huyện Đức Hòa"
    province: str  # CSV old_name: "Long An"
    hamlet_word: str = "Thôn"  # Ấp (south), Thôn/Xóm (north), Bản (north-west), Buôn (Tây Nguyên), Tổ (town)
    hamlet_names: tuple[str, ...] = ()  # empty: numbered hamlets
    ethnic_mix: dict[str, float] = field(default_factory=lambda: {"Kinh": 1.0}, hash=False)

    @property
    def province_label(self) -> str:
        return f"{'thành phố' if self.province in CITIES else 'tỉnh'} {self.province}"

    @property
    def address(self) -> str:
        """'xã Tân Phú, huyện Đức Hòa, tỉnh Long An'."""
        return f"{self.commune}, {self.district}, {self.province_label}"


CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
LOWLAND = {"Kinh": 0.94, "Hoa": 0.02, "Mường": 0.01, "Tày": 0.01, "Khơ-me": 0.01, "Nùng": 0.01}
NORTH_WEST = ("Nậm Cang", "Sín Chải", "Lũng Thầu", "Pả Vi", "Na Hối", "Tả Chải", "Cốc Ly", "Nà Lang")
THAI_VILLAGES = ("Bản Hôm", "Bản Củ", "Bản Mé", "Bản Púng", "Bản Hẹ", "Bản Lếch")

COMMUNES: tuple[Commune, ...] = (
    Commune("xã Tân Phú", "huyện Đức Hòa", "Long An", "Ấp", ethnic_mix=LOWLAND),
    Commune("xã Hựu Thạnh", "huyện Đức Hòa", "Long An", "Ấp", ethnic_mix=LOWLAND),
    Commune("thị trấn Hậu Nghĩa", "huyện Đức Hòa", "Long An", "Khu phố", ethnic_mix=LOWLAND),
    Commune("xã Lương Hòa", "huyện Bến Lức", "Long An", "Ấp", ethnic_mix=LOWLAND),
    Commune("xã Tân Hương", "huyện Châu Thành", "Tiền Giang", "Ấp", ethnic_mix=LOWLAND),
    Commune("xã Tân Thông Hội", "huyện Củ Chi", "Hồ Chí Minh", "Ấp", ethnic_mix=LOWLAND),
    Commune("xã Bình Mỹ", "huyện Củ Chi", "Hồ Chí Minh", "Ấp", ethnic_mix=LOWLAND),
    Commune("phường An Hòa", "quận Ninh Kiều", "Cần Thơ", "Khu vực", ethnic_mix=LOWLAND),
    Commune("xã Ngãi Xuyên", "huyện Trà Cú", "Trà Vinh", "Ấp", ethnic_mix={"Khơ-me": 0.6, "Kinh": 0.35, "Hoa": 0.05}),
    Commune("xã Tham Đôn", "huyện Mỹ Xuyên", "Sóc Trăng", "Ấp", ethnic_mix={"Khơ-me": 0.5, "Kinh": 0.4, "Hoa": 0.1}),
    Commune("phường Kim Mã", "quận Ba Đình", "Hà Nội", "Tổ", ethnic_mix=LOWLAND),
    Commune("phường Điện Biên", "quận Ba Đình", "Hà Nội", "Tổ", ethnic_mix=LOWLAND),
    Commune("xã Phù Linh", "huyện Sóc Sơn", "Hà Nội", "Thôn", ethnic_mix=LOWLAND),
    Commune("xã Tả Thanh Oai", "huyện Thanh Trì", "Hà Nội", "Thôn", ethnic_mix=LOWLAND),
    Commune("xã Xuân Hồng", "huyện Xuân Trường", "Nam Định", "Xóm", ethnic_mix=LOWLAND),
    Commune("xã Song An", "huyện Vũ Thư", "Thái Bình", "Thôn", ethnic_mix=LOWLAND),
    Commune("xã Hoằng Lộc", "huyện Hoằng Hóa", "Thanh Hóa", "Thôn", ethnic_mix=LOWLAND),
    Commune("xã Nghi Phong", "huyện Nghi Lộc", "Nghệ An", "Xóm", ethnic_mix=LOWLAND),
    Commune("xã Diễn Kim", "huyện Diễn Châu", "Nghệ An", "Xóm", ethnic_mix=LOWLAND),
    Commune("xã Phú Thượng", "huyện Phú Vang", "Thừa Thiên Huế", "Thôn", ethnic_mix=LOWLAND),
    Commune("xã Phước Sơn", "huyện Tuy Phước", "Bình Định", "Thôn", ethnic_mix=LOWLAND),
    Commune("xã Bản Phố", "huyện Bắc Hà", "Lào Cai", "Thôn", NORTH_WEST,
            {"Hmông": 0.6, "Dao": 0.1, "Tày": 0.1, "Kinh": 0.15, "Giáy": 0.05}),
    Commune("xã Tả Van", "huyện Sa Pa", "Lào Cai", "Thôn", NORTH_WEST,
            {"Hmông": 0.55, "Dao": 0.2, "Giáy": 0.1, "Kinh": 0.15}),
    Commune("xã Lũng Cú", "huyện Đồng Văn", "Hà Giang", "Thôn", NORTH_WEST,
            {"Hmông": 0.7, "Lô Lô": 0.1, "Tày": 0.05, "Kinh": 0.15}),
    Commune("xã Chiềng Mung", "huyện Mai Sơn", "Sơn La", "Bản", THAI_VILLAGES,
            {"Thái": 0.6, "Kinh": 0.3, "Hmông": 0.05, "Mường": 0.05}),
    Commune("xã Thanh Xương", "huyện Điện Biên", "Điện Biên", "Bản", THAI_VILLAGES,
            {"Thái": 0.55, "Kinh": 0.4, "Hmông": 0.05}),
    Commune("xã Hoàng Đồng", "thành phố Lạng Sơn", "Lạng Sơn", "Thôn", ethnic_mix={"Tày": 0.4, "Nùng": 0.35, "Kinh": 0.25}),
    Commune("xã Phong Phú", "huyện Tân Lạc", "Hòa Bình", "Xóm", ethnic_mix={"Mường": 0.75, "Kinh": 0.2, "Thái": 0.05}),
    Commune("xã Ea Tu", "thành phố Buôn Ma Thuột", "Đắk Lắk", "Buôn", ("Ea Kmar", "Kô Tam", "Ky", "Ea Khít"),
            {"Ê-đê": 0.6, "Kinh": 0.35, "Mnông": 0.05}),
    Commune("xã Ea Phê", "huyện Krông Pắc", "Đắk Lắk", "Thôn", ethnic_mix={"Kinh": 0.7, "Ê-đê": 0.25, "Tày": 0.05}),
)

HOSPITALS = {
    "Hà Nội": "Bệnh viện Phụ sản Hà Nội",
    "Hồ Chí Minh": "Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh",
    "Cần Thơ": "Bệnh viện Phụ sản thành phố Cần Thơ",
}


@lru_cache
def province_prefixes() -> dict[str, str]:
    """Old province name → 3-digit personal-ID prefix, from validation/data/provinces_2025.csv."""
    text = resources.files("validation").joinpath("data/provinces_2025.csv").read_text(encoding="utf-8")
    return {row["old_name"]: row["id_prefix"] for row in csv.DictReader(text.splitlines())}


@lru_cache
def ethnic_group_names() -> tuple[str, ...]:
    """The 54 official group names (dân tộc), in the order of the official list."""
    text = resources.files("validation").joinpath("data/ethnic_groups.csv").read_text(encoding="utf-8")
    return tuple(row["name"] for row in csv.DictReader(text.splitlines()))


def commune_for_authority(authority: str, rng: random.Random) -> Commune:
    """The commune an authority string names ("UBND xã Tân Phú, huyện Đức Hòa, tỉnh Long An").

    An authority outside our list becomes a commune parsed from its text, so places stay in its province.
    """
    for commune in COMMUNES:
        if commune.commune in authority and commune.province in authority:
            return commune
    parts = [p.strip() for p in authority.removeprefix("UBND").split(",")]
    province = next((name for name in sorted(province_prefixes(), key=len, reverse=True) if name in authority), None)
    if province is None:
        province = rng.choice(COMMUNES).province
    commune = parts[0] if parts and parts[0] else "xã Tân Phú"
    district = parts[1] if len(parts) > 2 else "huyện Trung Tâm"
    return Commune(commune, district, province, ethnic_mix=LOWLAND)


def authority_of(commune: Commune) -> str:
    """The registering authority (cơ quan đăng ký hộ tịch): the commune's People's Committee (UBND)."""
    return f"UBND {commune.address}"


def hamlet(commune: Commune, rng: random.Random) -> str:
    """A hamlet or street group within the commune: 'Ấp 3', 'Thôn Sín Chải', 'Buôn Ky', 'Tổ 12'."""
    if commune.hamlet_names and rng.random() < 0.8:
        name = rng.choice(commune.hamlet_names)
        return name if name.startswith(commune.hamlet_word) else f"{commune.hamlet_word} {name}"
    return f"{commune.hamlet_word} {rng.randint(1, 12 if commune.hamlet_word != 'Tổ' else 40)}"


def residence(commune: Commune, rng: random.Random) -> str:
    """Nơi cư trú = residence: hamlet, commune, district, province."""
    return f"{hamlet(commune, rng)}, {commune.address}"


def place_of_birth(commune: Commune, rng: random.Random) -> str:
    """Nơi sinh = place of birth: the commune health station, the district or provincial hospital, or home."""
    home_births = 0.35 if commune.hamlet_word in ("Bản", "Buôn") or commune.hamlet_names else 0.05
    roll = rng.random()
    if roll < home_births:
        return commune.address
    roll = rng.random()
    if roll < 0.4:
        return f"Trạm y tế {commune.address}"
    if roll < 0.75:
        return f"Trung tâm Y tế {commune.district}, {commune.province_label}"
    return HOSPITALS.get(commune.province, f"Bệnh viện Đa khoa {commune.province_label}")


def other_commune(commune: Commune, rng: random.Random) -> Commune:
    """Another commune, mostly in the same province (a hometown or a parent's residence elsewhere)."""
    same = [c for c in COMMUNES if c.province == commune.province and c != commune]
    if same and rng.random() < 0.7:
        return rng.choice(same)
    return rng.choice([c for c in COMMUNES if c != commune])
