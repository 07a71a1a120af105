"""Tables of the customization store (SQLAlchemy Core, any dialect).

One generic set of tables serves custom language models and custom acoustic
models: ``models`` (``kind`` says which) with the job/lease columns that make
state changes compare-and-set, ``resources`` (corpora and grammars now, audio
later), ``blobs`` (every file in the blob directory, owned by a model and
optionally by one resource), and the words of language models with the
resources they came from. Times are UNIX seconds (floats), JSON columns hold
small lists and maps; nothing here is specific to one database.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 1

metadata = MetaData()


def _model_ref(**kwargs) -> Column:
    """The ``model_id`` column of a table whose rows belong to one model."""
    return Column("model_id", String(36), ForeignKey("models.id"), nullable=False, **kwargs)


def _owner() -> Column:
    return Column("owner", String(256), nullable=False)


def _customer_id() -> Column:
    """The ``customer_id`` that ``delete_user_data`` removes by."""
    return Column("customer_id", String(256))


def _times() -> tuple[Column, Column]:
    """``created`` and ``updated``, in UNIX seconds."""
    return Column("created", Float, nullable=False), Column("updated", Float, nullable=False)

#: Store-wide settings (``schema_version``).
settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

models = Table(
    "models",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),  # "language" | "acoustic"
    _owner(),
    Column("name", String(256), nullable=False),
    Column("description", String(128), nullable=False, default=""),
    Column("base_model_name", String(64), nullable=False),
    Column("language", String(16), nullable=False),
    Column("dialect", String(16), nullable=False),
    Column("versions", JSON, nullable=False),  # base model versions, oldest first
    Column("status", String(16), nullable=False),
    Column("progress", Integer, nullable=False, default=0),
    Column("error", Text),  # what went wrong last (shown as the model's "error")
    Column("settings", JSON, nullable=False),  # e.g. {"customization_weight": 0.3}
    Column("dirty", Boolean, nullable=False, default=False),  # data changed since training
    Column("failed", Boolean, nullable=False, default=False),  # last training failed
    Column("trained_version", String(128)),  # base version of the current artifact
    Column("revision", Integer, nullable=False, default=0),  # bumped on every change
    # The background job holding the model (NULL when idle), and its lease.
    Column("job", String(32)),
    Column("job_id", String(36)),
    Column("job_resource", String(128)),
    Column("prior_status", String(16)),
    Column("lease_holder", String(200)),
    Column("lease_expires", Float),
    *_times(),
    Index("ix_models_owner", "owner"),
    Index("ix_models_job", "job"),
)

resources = Table(
    "resources",
    metadata,
    Column("id", String(36), primary_key=True),
    _model_ref(),
    _owner(),
    Column("kind", String(16), nullable=False),  # "corpus" | "grammar" | "audio"
    Column("name", String(128), nullable=False),
    Column("status", String(24), nullable=False),
    _customer_id(),
    Column("content_type", String(128)),
    Column("total_words", Integer, nullable=False, default=0),
    Column("oov_words", Integer, nullable=False, default=0),
    Column("details", JSON, nullable=False),
    Column("error", Text),
    *_times(),
    # Names are unique across kinds: a corpus and a grammar may not share one.
    UniqueConstraint("model_id", "name", name="uq_resources_model_name"),
    Index("ix_resources_customer", "customer_id"),
)

blobs = Table(
    "blobs",
    metadata,
    Column("name", String(120), primary_key=True),
    _model_ref(),
    Column("resource_id", String(36), ForeignKey("resources.id")),
    Column("role", String(32), nullable=False),  # "source", "analysis", "lm", "lexicon", ...
    Column("size", Integer, nullable=False),
    Column("created", Float, nullable=False),
    Index("ix_blobs_model", "model_id"),
    Index("ix_blobs_resource", "resource_id"),
)

words = Table(
    "words",
    metadata,
    _model_ref(primary_key=True),
    Column("word", String(256), primary_key=True),
    _owner(),
    Column("sounds_like", JSON, nullable=False),
    Column("display_as", String(512), nullable=False),
    Column("mapping_only", JSON(none_as_null=True)),
    Column("user", Boolean, nullable=False, default=False),  # added or modified by the user
    _customer_id(),  # of the user's definition
    Column("error", JSON(none_as_null=True)),  # [{sounds_like: message}, ...] or NULL
    Column("pronunciations", JSON(none_as_null=True)),  # ["AY T R IH P AH L IY", ...]; NULL: derive at training
    *_times(),
    Index("ix_words_customer", "customer_id"),
)

#: Which corpora/grammars a word came from, with its count in each.
word_sources = Table(
    "word_sources",
    metadata,
    _model_ref(primary_key=True),
    Column("word", String(256), primary_key=True),
    Column("resource_id", String(36), ForeignKey("resources.id"), primary_key=True),
    Column("count", Integer, nullable=False),
    Index("ix_word_sources_resource", "resource_id"),
)

#: Asynchronous recognition jobs (``/v1/recognitions``) of every owner. A
#: job is claimed by compare-and-set on ``status`` and held by a lease that
#: its manager renews, so a job left ``processing`` by a dead process is
#: found and rerun (or failed), and replicas sharing the database see and run
#: each other's jobs exactly once. The audio is a file in the blob directory
#: (``audio_blob``) until the job finishes.
recognition_jobs = Table(
    "recognition_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    _owner(),
    Column("status", String(16), nullable=False),  # waiting | processing | completed | failed
    Column("audio_blob", String(120)),
    Column("content_type", String(256)),
    Column("params", JSON, nullable=False),
    Column("user_token", String(1024)),
    Column("callback_url", String(2048)),
    Column("callback_secret", String(1024)),
    Column("events", JSON, nullable=False),
    Column("results_ttl", Integer, nullable=False),  # minutes after the job ends
    Column("expires", Float),  # set when the job ends
    _customer_id(),
    Column("warnings", JSON, nullable=False),
    Column("results", JSON(none_as_null=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_holder", String(200)),  # the manager running it (kept after it ends)
    Column("lease_expires", Float),
    *_times(),
    Index("ix_recognition_jobs_owner", "owner"),
    Index("ix_recognition_jobs_status", "status"),
    Index("ix_recognition_jobs_customer", "customer_id"),
)

#: Callback URLs allowlisted by ``register_callback``, per owner.
job_callbacks = Table(
    "job_callbacks",
    metadata,
    Column("owner", String(256), primary_key=True),
    Column("url", String(2048), primary_key=True),
    Column("secret", String(1024)),
    _customer_id(),
    Column("created", Float, nullable=False),
    Index("ix_job_callbacks_customer", "customer_id"),
)
