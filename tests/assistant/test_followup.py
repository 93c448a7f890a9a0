"""Follow-up questions become stand-alone queries; self-contained ones pass through."""

from __future__ import annotations

import pytest

from assistant.answering.base import Turn
from assistant.conversation.rewrite import condense, condense_question, continuation, is_followup
from textvi import fold_diacritics, has_diacritics


def _ask(question: str, previous: str) -> str:
    return condense_question(question, [Turn(previous, "")])


def test_contrasting_year_replaces_the_old_one_and_its_hedge():
    # 2023's growth was an estimate ("ước đạt"); 2024's is a target ("phấn đấu")
    q = _ask("Còn năm 2024 thì sao?", "Năm 2023 kinh tế Hà Nội tăng trưởng ước đạt bao nhiêu?")
    assert q == "Năm 2024 kinh tế Hà Nội tăng trưởng đạt bao nhiêu?"
    q = _ask("con nam 2024", "tong von dau tu xa hoi nam 2023 cua ha noi uoc dat bao nhieu")
    assert q == "Tong von dau tu xa hoi nam 2024 cua ha noi dat bao nhieu"
    # no new year: the hedge stays
    assert "ước đạt" in _ask(
        "Còn GRDP thì sao?", "Năm 2023 kinh tế Hà Nội tăng trưởng ước đạt bao nhiêu?"
    )


def test_public_investment_example_from_the_issue():
    q = _ask("Còn năm 2024 thì sao?", "Kế hoạch đầu tư công năm 2023 của Hà Nội là bao nhiêu?")
    assert q == "Kế hoạch đầu tư công năm 2024 của Hà Nội là bao nhiêu?"


def test_year_after_a_word_kept_from_the_previous_question():
    q = _ask(
        "Còn đến năm 2045 thì sao?",
        "Đến năm 2030, Hà Nội đặt mục tiêu trở thành thành phố như thế nào?",
    )
    assert q == "Đến năm 2045, Hà Nội đặt mục tiêu trở thành thành phố như thế nào?"


@pytest.mark.parametrize(
    ("previous", "expected"),
    [
        # a time word of two syllables is replaced whole, not "giai năm 2024"
        (
            "Hà Nội đặt mục tiêu tăng trưởng bao nhiêu giai đoạn 2025-2030?",
            "Hà Nội đặt mục tiêu tăng trưởng bao nhiêu năm 2024?",
        ),
        (
            "Trong nhiệm kỳ 2025-2030, Hà Nội đặt mục tiêu tăng trưởng bao nhiêu?",
            "Trong năm 2024, Hà Nội đặt mục tiêu tăng trưởng bao nhiêu?",
        ),
        # a range typed without its dash is replaced whole, not "nam 2024 2030"
        (
            "ha noi dat muc tieu tang truong bao nhieu giai doan 2025 2030",
            "ha noi dat muc tieu tang truong bao nhieu nam 2024",  # folded whole
        ),
    ],
)
def test_a_year_replaces_a_whole_period(previous, expected):
    assert _ask("Còn năm 2024?", previous).lower() == expected.lower()


def test_ordinal_replaces_ordinal():
    q = _ask(
        "Vậy còn điểm nghẽn thứ hai?",
        "Trong 5 điểm nghẽn mà Hà Nội quyết liệt tháo gỡ, điểm nghẽn được kể đầu tiên là gì?",
    )
    assert q == "Trong 5 điểm nghẽn mà Hà Nội quyết liệt tháo gỡ, điểm nghẽn được kể thứ hai là gì?"


def test_phrase_aligned_on_its_first_words():
    q = _ask(
        "Còn ở khu vực nông thôn thì sao?",
        "Bộ Chính trị đồng tình cho Hà Nội thí điểm mô hình quản lý nào ở khu vực các quận?",
    )
    assert q.endswith("ở khu vực nông thôn?")
    assert "các quận" not in q


def test_new_named_subject_replaces_the_subject():
    q = _ask(
        "Còn Ban cán sự đảng Chính phủ thì sao?",
        "Theo kết luận của Bộ Chính trị, Đảng đoàn Quốc hội được giao lãnh đạo những việc gì "
        "để hỗ trợ Hà Nội?",
    )
    assert q == (
        "Theo kết luận của Bộ Chính trị, Ban cán sự đảng Chính phủ được giao lãnh đạo những "
        "việc gì để hỗ trợ Hà Nội?"
    )


def test_anaphor_is_replaced_by_the_noun_phrase_of_the_previous_question():
    q = _ask("Ai ký kết luận đó?", "Kết luận số 143-KL/TU có những nội dung gì?")
    assert "kết luận số 143-kl/tu" in q.lower()
    assert q.lower().startswith("ai ký")


def test_anaphor_phrase_stops_at_the_verb():
    q = _ask(
        "Ai ký kết luận của hội nghị đó?",
        "Hội nghị lần thứ mười bốn Ban Chấp hành Đảng bộ thành phố Hà Nội khóa XVII họp vào "
        "những ngày nào?",
    )
    assert q == (
        "Ai ký kết luận của Hội nghị lần thứ mười bốn Ban Chấp hành Đảng bộ thành phố Hà Nội "
        "khóa XVII?"
    )


def test_nghi_quyet_do():
    q = _ask(
        "Ai trình bày báo cáo tổng kết 15 năm thực hiện nghị quyết đó?",
        "Nghị quyết 15-NQ/TW về tiếp tục đổi mới phương thức lãnh đạo của Đảng được ban hành ngày nào?",
    )
    assert "Nghị quyết 15-NQ/TW về tiếp tục đổi mới phương thức lãnh đạo của Đảng" in q
    assert "ban hành" not in q


def test_pronoun_takes_the_previous_subject():
    q = _ask("Nó được ban hành khi nào?", "Kết luận số 143-KL/TU có những nội dung gì?")
    assert q == "Kết luận số 143-KL/TU được ban hành khi nào?"


def test_short_follow_up_gets_the_previous_content_words():
    q = _ask("Khi nào?", "Hà Nội ban hành kết luận số 143-KL/TU về kinh tế")
    assert q.startswith("Khi nào?")
    assert "143-KL/TU" in q


def test_english_follow_up():
    q = _ask("What about 2024?", "What was Hanoi's GRDP growth in 2023?")
    assert q == "What was Hanoi's GRDP growth in 2024?"


def test_follow_up_of_a_follow_up_builds_on_the_reading_the_earlier_one_was_answered_as():
    history = [
        Turn("Năm 2023 kinh tế Hà Nội tăng trưởng ước đạt bao nhiêu?"),
        Turn(
            "Còn năm 2024 thì sao?",
            understood_as="Năm 2024 kinh tế Hà Nội tăng trưởng đạt bao nhiêu?",
        ),
    ]
    assert condense_question("Còn năm 2025 thì sao?", history) == (
        "Năm 2025 kinh tế Hà Nội tăng trưởng đạt bao nhiêu?"
    )


@pytest.mark.parametrize(
    "question",
    [
        "Năm 2023 Hà Nội có bao nhiêu doanh nghiệp thành lập mới?",
        "Thành ủy Hà Nội tập trung đầu tư để tạo đột phá trên những lĩnh vực nào?",
        "Thu ngân sách trên địa bàn Hà Nội năm 2023 ước đạt bao nhiêu?",
        "Từ năm 2007 đến nay, Thành ủy Hà Nội đã ban hành bao nhiêu văn bản?",
        "Nghị quyết số 15 của Bộ Chính trị được nhắc tới thế nào: Hà Nội tham mưu gì với "
        "nghị quyết này?",
        "GRDP là gì?",
        "tong von dau tu xa hoi nam 2023 cua ha noi uoc dat bao nhieu",
    ],
)
def test_self_contained_questions_pass_through_unchanged(question):
    history = [Turn("Chủ tịch UBND thành phố Hà Nội tên là gì?", "Tôi không tìm thấy.")]
    assert not is_followup(question)
    assert condense_question(question, history) == question


def test_no_history_no_change():
    assert condense_question("Còn năm 2024 thì sao?", []) == "Còn năm 2024 thì sao?"


def test_condense_reports_the_new_words():
    c = condense("Còn năm 2024 thì sao?", [Turn("Năm 2023 thu ngân sách đạt bao nhiêu?")])
    assert c.is_followup and c.focus == "năm 2024"


def test_a_carried_noun_phrase_keeps_words_that_only_fold_like_boundary_words():
    # "đô" folds to "do" and "thể" to "the", like the words that end a phrase ("do", "thế")
    h = [Turn("Kết luận về thể chế đặc thù của Thủ đô được ban hành khi nào?")]
    assert condense_question("Ai ký kết luận đó?", h) == (
        "Ai ký Kết luận về thể chế đặc thù của Thủ đô?"
    )
    # a word that does end a phrase still does
    h = [Turn("Kết luận số 143 của Thành ủy được ký khi nào?")]
    assert condense_question("Ai trình bày kết luận đó?", h) == (
        "Ai trình bày Kết luận số 143 của Thành ủy?"
    )


def test_a_personal_pronoun_is_the_person_the_previous_answer_named():
    history = [
        Turn("Đoàn công tác số 1 làm việc với Hà Nội khi nào?", "12/4 [1]\n\nChiều 12/4, ..."),
        Turn("Trưởng đoàn là ai?", "Trương Thị Mai [1]\n\nGhi nhận ..., đồng chí Trương Thị Mai"),
    ]
    q = condense_question("bà ấy nói gì về phân cấp?", history)
    assert q == "Trương Thị Mai nói gì về phân cấp?"
    # an answer that names no one: the previous question's subject, as before
    q = condense_question("Ông ấy ký khi nào?", [Turn("Ai được giao ký kết luận?", "12/4 [1]")])
    assert "Trương" not in q


@pytest.mark.parametrize("question", ["Tăng bao nhiêu phần trăm?", "tang bao nhieu phan tram?"])
def test_a_question_opening_with_a_verb_is_about_the_previous_subject(question):
    previous = "Hà Nội có bao nhiêu doanh nghiệp thành lập mới năm 2023?"
    assert is_followup(question)
    reading = condense_question(question, [Turn(previous)])
    assert fold_diacritics("doanh nghiệp thành lập mới năm 2023") in fold_diacritics(reading)
    # with a subject of its own it stands alone
    assert not is_followup("Tăng trưởng kinh tế Hà Nội năm 2023 là bao nhiêu?")
    assert not is_followup("Kết luận 143-KL/TU nói gì?")


def test_a_carried_noun_phrase_keeps_the_place_or_event_it_names():
    q = _ask("tham luận đó có mấy cam kết", "Ai trình bày tham luận tại Đại hội XIV?")
    assert q == "Tham luận tại Đại hội XIV có mấy cam kết"
    # "tại" before a lowercase word still ends it
    assert (
        _ask("hội nghị đó bàn gì?", "Hội nghị họp tại hội trường ngày nào?") == "Hội nghị bàn gì?"
    )


def test_a_person_referred_to_without_marks_is_the_one_the_previous_answer_named():
    history = [Turn("ai ky ket luan 143", "Nguyễn Thị Tuyến [1]\n\nỦy viên Trung ương Đảng, ...")]
    assert (
        condense_question("nguoi do giu chuc vu gi", history) == "Nguyen Thi Tuyen giu chuc vu gi"
    )
    assert condense_question("ba ay ky ngay nao?", history) == "Nguyen Thi Tuyen ky ngay nao?"
    assert (
        condense_question("Người đó giữ chức vụ gì?", history) == "Nguyễn Thị Tuyến giữ chức vụ gì?"
    )


def test_a_question_opening_with_do_la_refers_back():
    previous = "Hà Nội định hướng phát triển mấy thành phố trực thuộc?"
    assert is_followup("đó là những thành phố nào?")
    q = condense_question("đó là những thành phố nào?", [Turn(previous, "2 thành phố [1]")])
    assert "trực thuộc" in q and q.startswith("Đó là những thành phố nào?")


@pytest.mark.parametrize(
    ("question", "previous", "asked"),
    [
        ("cái thứ 3 là gì?", "5 điểm nghẽn của Hà Nội là gì?", "Điểm nghẽn thứ 3 là gì?"),
        ("Còn thứ tư?", "Hà Nội có những điểm nghẽn nào?", "Điểm nghẽn thứ tư là gì?"),
        ("cai thu 2 la gi", "ha noi xac dinh 3 khau dot pha nao", "Khau dot pha thu 2 la gi?"),
        # the list's noun is the one whose count was asked; the place is a word for it
        ("cái đầu tiên là gì", "ha noi co bao nhieu diem nghen", "Diem nghen dau tien la gi?"),
        ("Cái cuối cùng?", "Hà Nội có mấy khâu đột phá?", "Khâu đột phá cuối cùng là gì?"),
    ],
)
def test_an_item_asked_by_its_place_is_an_item_of_the_list_asked_before(question, previous, asked):
    assert is_followup(question)
    c = condense(question, [Turn(previous, "")])
    assert c.is_followup and c.query.startswith(asked), c.query
    assert previous.split()[1] in c.query  # the rest of the previous question is carried


def test_an_item_after_an_item_is_of_the_same_list():
    history = [Turn("Hà Nội có mấy khâu đột phá?", "3 khâu đột phá [1]")]
    for asked in ("cái đầu tiên là gì?", "còn thứ hai?"):
        history.append(Turn(asked, ""))
        q = condense_question("cái cuối cùng?", history)
        assert q.startswith("Khâu đột phá cuối cùng là gì?"), (asked, q)


def test_a_place_alone_is_not_taken_for_a_follow_up_when_it_says_more():
    assert not is_followup("Thứ hai, về tài chính - ngân sách, Thành ủy giao những nhiệm vụ gì?")


def test_a_person_referred_to_is_the_one_the_previous_question_named():
    # the answer does not lead with a name: "ông ấy" is the person asked about
    history = [Turn("Nguyễn Văn Phong giữ chức vụ gì?", "“Một mô hình ...” – Phó Bí thư [1].")]
    q = condense_question("ông ấy trình bày tham luận ở đâu?", history)
    assert q == "Nguyễn Văn Phong trình bày tham luận ở đâu?"
    # a place before the name is no part of it
    history = [Turn("Bí thư Thành ủy Hà Nội Đinh Tiến Dũng phát biểu ở đâu?", "")]
    assert condense_question("Ông ấy giữ chức vụ gì?", history) == "Đinh Tiến Dũng giữ chức vụ gì?"


def test_a_word_or_two_about_what_was_just_named_is_a_follow_up():
    previous = [Turn("Đoàn công tác số 1 làm việc với ai?", "Ban Thường vụ Thành ủy Hà Nội [1]")]
    c = condense("trưởng đoàn là ai?", previous)
    assert c.is_followup and "Đoàn công tác số 1" in c.query, c
    c = condense("truong doan la ai", [Turn("doan cong tac so 1 lam viec voi ai", "")])
    assert c.is_followup and "doan cong tac so 1" in c.query, c
    # a name, or no word in common, and it stands alone
    assert not condense("Nguyễn Văn Phong là ai?", previous).is_followup
    assert not condense("GRDP là gì?", previous).is_followup
    assert not condense("Trưởng đoàn công tác số 1 của Ban Chỉ đạo Đề án Trung ương 6 là ai?",
                        previous).is_followup  # fmt: skip


_MIXED_MARKS = [
    ("GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?", "Còn năm 2024 thì mục tiêu là bao nhiêu?"),
    ("GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?", "còn năm 2024?"),
    ("GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?", "năm 2024 thì sao?"),
    ("Nguyễn Văn Phong giữ chức vụ gì?", "ông ấy trình bày tham luận ở đâu?"),
    ("Hà Nội có những điểm nghẽn nào?", "cái thứ hai là gì?"),
    ("Ai ký Kết luận 143-KL/TU về phát triển văn hóa?", "Còn nghị quyết đó ban hành khi nào?"),
    ("Mô hình lãnh đạo hiện đại gồm những gì?", "bốn cam kết hành động là gì"),
]  # fmt: skip


@pytest.mark.parametrize(("previous", "follow_up"), _MIXED_MARKS)
def test_a_follow_up_typed_without_marks_is_read_as_the_same_follow_up_typed_with_them(
    previous, follow_up
):
    h = [Turn(previous)]
    marked, unmarked = continuation(follow_up, h), continuation(fold_diacritics(follow_up), h)
    assert unmarked.is_followup == marked.is_followup and unmarked.replaced == marked.replaced
    assert unmarked.query == fold_diacritics(marked.query)  # the same reading, folded
    assert not has_diacritics(unmarked.query)  # not half marked: "nam" alone would be a name


@pytest.mark.parametrize(("previous", "follow_up"), _MIXED_MARKS)
def test_a_follow_up_after_a_question_typed_without_marks_is_read_folded(previous, follow_up):
    folded_history = [Turn(fold_diacritics(previous))]
    for typed in (follow_up, fold_diacritics(follow_up)):
        reading = continuation(typed, folded_history)
        assert not has_diacritics(reading.query) and not has_diacritics(reading.focus)
    marked = continuation(follow_up, folded_history).query
    assert marked == continuation(fold_diacritics(follow_up), folded_history).query


@pytest.mark.parametrize(("previous", "follow_up"), _MIXED_MARKS)
def test_a_follow_up_is_read_alike_after_the_question_typed_with_or_without_marks(
    previous, follow_up
):
    """ "Nguyen Van Phong giu chuc vu gi?" names a person as its marked form does."""
    after_marked = continuation(follow_up, [Turn(previous)]).query
    after_unmarked = continuation(follow_up, [Turn(fold_diacritics(previous))]).query
    assert after_unmarked == fold_diacritics(after_marked)  # "dau nguoi" is "đầu người"


def test_marked_turns_keep_their_marks_and_a_code_is_not_taken_for_unmarked_words():
    h = [Turn("GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?")]
    assert continuation("còn năm 2024?", h).query.startswith("GRDP bình quân đầu người")
    reading = continuation("bốn cam kết hành động là gì", [Turn("PAR-Index")]).query
    assert "bốn cam kết" in reading.lower()  # "PAR-Index" has no marks but is no folded text
