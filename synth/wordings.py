"""The wordings synthetic books print: column titles, form labels, section headings and page headers.

These are synth's own tables of what real books print (the readers keep their own layout descriptions and must
not import these). The first wording of each list is the one today's fixed ("classic") style prints.

Terms: số = number, quyển = volume, ngày đăng ký = registration date, họ, chữ đệm, tên = surname, middle and
given name, quê quán = hometown, nơi cư trú / nơi thường trú = residence / permanent residence, người đi khai
sinh = the declarant, ghi bằng chữ = written in words, bỏ trống = left blank.
"""

from __future__ import annotations

# Table column titles per field; the first is the classic one.
COLUMN_TITLES: dict[str, tuple[str, ...]] = {
    "entry_no": ("Số", "STT", "Số TT", "Số đăng ký"),
    "registration_date": ("Ngày đăng ký", "Ngày ĐK", "Ngày, tháng, năm đăng ký"),
    "full_name": ("Họ và tên", "Họ, chữ đệm, tên", "Họ tên người được khai sinh",
                  "Họ và tên người được khai sinh"),
    "date_of_birth": ("Ngày sinh", "Ngày, tháng, năm sinh"),
    "sex": ("Giới tính", "Nam/Nữ"),
    "ethnicity": ("Dân tộc",),
    "nationality": ("Quốc tịch",),
    "place_of_birth": ("Nơi sinh", "Nơi sinh (ghi rõ địa chỉ)"),
    "hometown": ("Quê quán",),
    "personal_id": ("Số định danh cá nhân", "Số định danh"),
    "mother_name": ("Họ tên mẹ", "Họ, chữ đệm, tên người mẹ", "Họ và tên mẹ"),
    "mother_birth_year": ("Năm sinh của mẹ", "Năm sinh mẹ"),
    "mother_residence": ("Nơi cư trú của mẹ", "Nơi thường trú của mẹ"),
    "father_name": ("Họ tên cha", "Họ, chữ đệm, tên người cha", "Họ và tên cha"),
    "father_birth_year": ("Năm sinh của cha", "Năm sinh cha"),
    "father_residence": ("Nơi cư trú của cha", "Nơi thường trú của cha"),
    "notes": ("Ghi chú",),
}
# Under a two-tier header whose upper cell names the person ("Mẹ", "Cha"), the lower titles are generic.
GENERIC_TITLES: dict[str, tuple[str, ...]] = {
    "name": ("Họ và tên", "Họ, chữ đệm, tên", "Họ tên"),
    "birth_year": ("Năm sinh",),
    "residence": ("Nơi cư trú", "Nơi thường trú"),
}
CHILD_GROUP_TITLES = ("Người được khai sinh", "Người được đăng ký khai sinh")
PARENTS_GROUP_TITLES = ("Cha, mẹ", "Họ tên cha, mẹ")
PERSON_GROUP_TITLES = {"mother": "Mẹ", "father": "Cha"}
# Width of each table column relative to the others (classic widths in mm on a 261 mm wide table).
COLUMN_WEIGHTS: dict[str, float] = {
    "entry_no": 9, "registration_date": 20, "full_name": 29, "date_of_birth": 20, "sex": 12, "ethnicity": 15,
    "nationality": 15, "place_of_birth": 37, "hometown": 34, "personal_id": 27, "mother_name": 25,
    "mother_birth_year": 12, "mother_residence": 34, "father_name": 25, "father_birth_year": 12,
    "father_residence": 34, "notes": 27,
}
VOID_TEXT = "Bỏ trống"
CARRIED_TEXT = "Trang trước chuyển sang"  # the first row of a page that carries on from the previous one

# Form labels (with their colon); keys name the label, not always a field (generic labels are shared).
FORM_LABELS: dict[str, tuple[str, ...]] = {
    "entry_no": ("Số:", "Số đăng ký:"),
    "volume": ("Quyển:", "Quyển số:"),
    "registration_date": ("Ngày, tháng, năm đăng ký:", "Ngày đăng ký:", "Ngày ĐK:"),
    "full_name": ("Họ, chữ đệm, tên:", "Họ và tên:", "Họ tên người được khai sinh:",
                  "Họ và tên người được khai sinh:"),
    "date_of_birth": ("Ngày, tháng, năm sinh:", "Ngày sinh:", "Sinh ngày:"),
    "date_of_birth_words": ("ghi bằng chữ:", "(ghi bằng chữ):", "Bằng chữ:"),
    "sex": ("Giới tính:",),
    "ethnicity": ("Dân tộc:",),
    "nationality": ("Quốc tịch:",),
    "place_of_birth": ("Nơi sinh:",),
    "hometown": ("Quê quán:",),
    "personal_id": ("Số định danh cá nhân:", "Số định danh:"),
    "mother_name": ("Họ, chữ đệm, tên người mẹ:", "Họ và tên mẹ:", "Họ tên mẹ:"),
    "father_name": ("Họ, chữ đệm, tên người cha:", "Họ và tên cha:", "Họ tên cha:"),
    "birth_year": ("Năm sinh:",),
    "residence": ("Nơi cư trú:", "Nơi thường trú:"),
    "declarant_name": ("Người đi khai sinh:", "Họ tên người đi khai sinh:",
                       "Họ, chữ đệm, tên người đi khai sinh:"),
    "generic_name": ("Họ, chữ đệm, tên:", "Họ và tên:"),
    "notes": ("Ghi chú:",),
}
# Section headings of the "sections" form: the parents' and declarant's lines carry the generic labels.
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "child": ("Người được đăng ký khai sinh:", "Người được khai sinh:"),
    "mother": ("Mẹ:",),
    "father": ("Cha:",),
    "declarant": ("Người đi khai sinh:",),
}
TICK_CAPTIONS = (("on_time", "Đúng hạn"), ("late", "Quá hạn"), ("re_registered", "Đăng ký lại"))

# Page header blocks.
BOOK_TITLES = ("SỔ ĐĂNG KÝ KHAI SINH", "SỔ KHAI SINH", "SỔ ĐĂNG KÝ KHAI SINH (BẢN CHÍNH)")
NATIONAL_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
