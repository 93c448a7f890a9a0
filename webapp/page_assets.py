"""What the chat page looks like and says: its CSS, its script, Gradio's strings in
Vietnamese, the intro and the sample questions. No behaviour of the server here.

The script (``chat_page.js`` beside this module) runs in the browser; see its header.
"""

from __future__ import annotations

from pathlib import Path

EXAMPLE_QUESTIONS = [
    "Năm điểm nghẽn mà Hà Nội cần tháo gỡ là gì?",
    "ha noi tang truong binh quan bao nhieu",
    "Kết luận 143-KL/TU do ai ký?",
]

INTRO_MD = (
    "## 📰 Trợ lý hỏi đáp tài liệu\n"
    "<span class='intro-more'>Đặt câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được). "
    "Câu trả lời lấy từ các bài báo đã nạp; bấm vào số **[1]**, **[2]** để xem đoạn gốc ở "
    "khung *Nguồn*, câu làm căn cứ được tô vàng.</span>"
)

FOOTER_MD = (
    "Câu trả lời được ghép từ các tài liệu đã nạp, hãy kiểm tra nguồn trước khi dùng. "
    "👍/👎 dưới mỗi câu trả lời giúp cải thiện trợ lý; hội thoại được lưu trên máy chủ này "
    "cho trình duyệt và tài khoản của bạn."
)


def page_script() -> str:
    """The browser script (run by the sources panel's ``js_on_load``)."""
    return (Path(__file__).with_name("chat_page.js")).read_text(encoding="utf-8")


PAGE_CSS = """
.src-panel { font-size: 0.95rem; line-height: 1.5; }
.src-heading { margin: 0.2rem 0 0.5rem; font-size: 1rem; }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 0.6rem 0.8rem; margin-bottom: 0.7rem; background: var(--background-fill-secondary);
  scroll-margin-top: 8px; overflow-wrap: anywhere; }
.src-card.related { border-style: dashed; }
.src-card.current { outline: 3px solid var(--color-accent); outline-offset: 1px; }
.src-head { font-weight: 600; }
.src-num { color: var(--color-accent); margin-right: 0.2rem; }
.src-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0.1rem 0 0.4rem; }
.src-text { white-space: pre-wrap; }
.src-open { margin-top: 0.4rem; font-size: 0.85em; border: 1px solid var(--border-color-primary);
  border-radius: 6px; padding: 0.15rem 0.5rem; background: var(--background-fill-primary);
  cursor: pointer; }
.src-turn { display: none; }
.src-turn.active { display: block; }
.src-which { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 0.4rem; }
mark.quote { background: #fff1a8; color: #1f2937; padding: 0 1px; border-radius: 2px; }
mark.answer { background: #f59e0b; color: #111827; font-weight: 700; padding: 0 2px;
  border-radius: 2px; }
.src-notice { background: #e8f1ff; color: #1e3a8a; border-left: 4px solid #3b82f6;
  padding: 0.6rem 0.8rem; border-radius: 6px; margin-bottom: 0.7rem; }
.src-warning { background: #fff4e5; color: #7c2d12; border-left: 4px solid #f59e0b;
  padding: 0.6rem 0.8rem; border-radius: 6px; margin-bottom: 0.7rem; }
.src-empty { color: var(--body-text-color-subdued); font-style: italic; }
.ingest-report ul { margin: 0.3rem 0; padding-left: 1.2rem; }
.ingest-report li.bad { color: #b91c1c; }
.ingest-report li.note { color: #92400e; }

/* [n] chips in answers and their preview */
.cite-chip { display: inline-block; border: 1px solid var(--color-accent); border-radius: 999px;
  padding: 0 0.45em; margin: 0 0.1em; font-size: 0.85em; line-height: 1.4; cursor: pointer;
  color: var(--color-accent); background: var(--background-fill-primary); font-weight: 600; }
.cite-chip:hover, .cite-chip:focus { background: var(--color-accent); color: white; }
#cite-preview { position: fixed; z-index: 2000; background: var(--background-fill-primary);
  color: var(--body-text-color); border: 1px solid var(--border-color-primary);
  border-radius: 8px; padding: 0.5rem 0.7rem; box-shadow: 0 6px 20px rgba(0,0,0,.18);
  font-size: 0.9rem; line-height: 1.45; max-height: 40vh; overflow: auto; }
#cite-preview strong { display: block; margin-bottom: 0.25rem; }
#cite-preview .cite-hint { margin-top: 0.3rem; font-size: 0.8em;
  color: var(--body-text-color-subdued); }

/* the whole document */
#doc-viewer { position: fixed; inset: 0; z-index: 3000; background: rgba(15,23,42,.45);
  display: flex; align-items: center; justify-content: center; }
#doc-viewer[hidden] { display: none; }
#doc-viewer .doc-box { background: var(--background-fill-primary); color: var(--body-text-color);
  width: min(860px, 96vw); max-height: 90vh; border-radius: 10px; display: flex;
  flex-direction: column; box-shadow: 0 10px 40px rgba(0,0,0,.3); }
#doc-viewer .doc-bar { display: flex; justify-content: space-between; align-items: center;
  padding: 0.5rem 0.8rem; border-bottom: 1px solid var(--border-color-primary); gap: 0.5rem; }
#doc-viewer .doc-close { border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: 0.2rem 0.6rem; cursor: pointer; background: var(--background-fill-secondary); }
#doc-viewer .doc-body { overflow: auto; padding: 0.8rem 1rem; }
.doc-text { white-space: pre-wrap; line-height: 1.6; }
.doc-passage { background: #e8f1ff; outline: 2px solid #3b82f6; border-radius: 3px; }
.doc-title { margin: 0 0 0.2rem; }

/* while answering: Stop in Send's place, and a note under the box */
#busy-note { font-size: 0.9em; color: var(--body-text-color-subdued); padding: 0 0.2rem; }
#busy-note p { margin: 0; }
#busy-note.nudge { animation: busy-nudge 0.9s ease-out; border-radius: 6px; }
@keyframes busy-nudge { 0%, 40% { background: #fff1a8; color: #7c2d12; } 100% { background: none; } }

#sources-toggle, #sources-close { display: none; }
#feedback-reason-box { border: 1px dashed var(--border-color-primary); }

/* phones: the sources are a drawer over the page, the input stays above the fold */
@media (max-width: 760px) {
  .intro-more { display: none; }
  #intro { padding-left: 30px; }  /* clear of the side bar's toggle */
  #chatbot { height: 46vh !important; max-height: 46vh !important; }
  #sources-toggle, #sources-close { display: inline-flex; }
  #sources-col { position: fixed !important; left: 0; right: 0; bottom: 0; z-index: 1500;
    max-height: 58vh; overflow-y: auto; overflow-x: hidden; flex-wrap: nowrap !important; background: var(--background-fill-primary);
    box-shadow: 0 -8px 30px rgba(0,0,0,.25); border-radius: 14px 14px 0 0;
    padding: 0.6rem 0.8rem 1rem !important; transform: translateY(110%);
    transition: transform .2s ease-out; min-width: 0 !important; margin: 0 !important; }
  #sources-col.open { transform: none; }
  #sources-head { position: sticky; top: -0.6rem; z-index: 2;
    background: var(--background-fill-primary) !important;
    align-items: center; flex-wrap: nowrap; }
}
"""

# Gradio's own UI strings (upload area, buttons, login) in Vietnamese. Gradio has no
# Vietnamese translation of its own; these are used whatever the browser's language.
GRADIO_STRINGS_VI = {
    "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "common.or": "hoặc",
    "common.clear": "Xoá",
    "common.remove": "Bỏ",
    "common.download": "Tải xuống",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.settings": "Cài đặt",
    "common.built_with_gradio": "Làm bằng Gradio",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API",
    "file.uploading": "Đang tải lên…",
    "chatbot.like": "Câu trả lời tốt",
    "chatbot.dislike": "Câu trả lời chưa tốt",
    "chatbot.copy_message": "Sao chép",
    "chatbot.copied_message": "Đã sao chép",
    "chatbot.clear": "Xoá",
    "login.login": "Đăng nhập",
    "login.username": "tên đăng nhập",
    "login.password": "mật khẩu",
    "login.incorrect_credentials": "Sai tên đăng nhập hoặc mật khẩu",
    "status.queue_position": "Đang chờ: {position}/{size}",
    "blocks.waiting_for_inputs": "Đang chờ tải tệp lên xong, hãy thử lại.",
}
