"""The kinds of reading repair an exported entry's ``repairs`` names, and the confidence an unsettled repair
keeps: shared by the repairs of ``validation.repair`` and ``validation.date_words_repair``."""

#: The kinds of repair an exported entry's ``repairs`` may name.
UNIT_NAME = "unit_name"  # a unit name's misread mark snapped to a name the context knows
DATE_WORDS = "date_words"  # the date in words snapped to a valid verbalization of the date in digits
VOCABULARY = "vocabulary"  # a closed-vocabulary reading (sex, ethnic group, nationality) snapped
#: a tone mark no syllable can carry moved to the one vowel that fits, or taken for the one mark that fits
#: there (a hook read over the stop-closed "Đửc" is an acute)
OFFSET_MARKS = "offset_marks"
DIGITS = "confusable_digits"  # a 1 read as 7 (or back) where only the swap gives a valid date, year or ID
LETTER_CASE = "letter_case"  # a capital OCR read inside a word, or a name part not capitalized like the rest
APOSTROPHE = "apostrophe"  # the apostrophe of a name's H' prefix, lost or read as a dot or bracket
LETTERS_FOR_DIGITS = "letters_for_digits"  # a 0 read for an O in a name ("0anh" for Oanh)
USUAL_NAME = "usual_name"  # a doubtful name word no one is named ("Trân" as a surname) given its usual marks
#: punctuation a speck beside a mark struck apart was read as: in a name, which holds none ("Thị]", "Tạ.Đức");
#: in a place, a comma or stop the entry's registry record does not have ("Bệnh viện Từ, Dũ")
SPECK = "speck"
#: a name word no listed name uses, one letter of it the letter it looks like ("Tục" for Lục, a hand's L),
#: as the entry's registry record spells it
LOOKALIKE_LETTER = "lookalike_letter"
#: a name or place word read with a letter the engine weighed another for ("Đâng", P its second choice;
#: "Xóm T1,", 1), as the entry's registry record spells it with that other letter
ENGINE_CHOICE = "engine_choice"
#: a word of the wording a note follows ("Cải chính … từ … thành … ngày …") read with other marks or a letter
#: off ("ngầy", "Đăng ký tại")
NOTE_WORDS = "note_words"
REPAIR_KINDS = frozenset({UNIT_NAME, DATE_WORDS, VOCABULARY, OFFSET_MARKS, DIGITS, LETTER_CASE, APOSTROPHE,
                          LETTERS_FOR_DIGITS, USUAL_NAME, SPECK, LOOKALIKE_LETTER, ENGINE_CHOICE,
                          NOTE_WORDS})

#: Confidence a reading keeps at most when its repair is not certain (none or several readings fit).
UNSURE_CONFIDENCE = 0.5
#: Confidence of a date in words whose letters spell exactly one verbalization of the date in digits.
GRAMMAR_CONFIDENCE = 0.9
