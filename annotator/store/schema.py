"""The database schema, as ordered sqlite-utils migrations."""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("annotator")


@MIGRATIONS()
def create_corpus_tables(db: Database) -> None:
    """Documents, their sentences, the actors they mention and each mention's span."""
    from .first_tables import create_corpus_tables as create

    create(db)


@MIGRATIONS()
def create_label_tables(db: Database) -> None:
    """Model predictions, annotators' labels, per-sentence review state and the undo log."""
    from .first_tables import create_label_tables as create

    create(db)


@MIGRATIONS()
def add_prediction_margin(db: Database) -> None:
    """The gap between a prediction's two best scores, for uncertainty-first review."""
    from .predictions import add_margin_column

    add_margin_column(db)


@MIGRATIONS()
def create_flags(db: Database) -> None:
    """Sentences an annotator marked as uncertain, with a reason, for leads to look at."""
    db.table("flags").create(
        {
            "id": int,
            "sentence_id": str,
            "annotator": str,
            "reason": str,
            "comment": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[("sentence_id", "sentences", "id")],
        not_null={"sentence_id", "annotator", "reason"},
    )
    db.table("flags").create_index(["sentence_id", "annotator"], unique=True)


@MIGRATIONS()
def index_sentence_text(db: Database) -> None:
    """Full-text search over sentences, kept current by triggers."""
    db.table("sentences").enable_fts(["text"], create_triggers=True, tokenize="porter")


@MIGRATIONS()
def add_decision_seconds(db: Database) -> None:
    """Seconds each decision took: the time since the annotator's previous decision."""
    db.table("decisions").add_column("seconds", float)


@MIGRATIONS()
def create_actor_merges(db: Database) -> None:
    """Project-wide actor merges, kept so that each can be undone."""
    from .actors import create_merge_table

    create_merge_table(db)


@MIGRATIONS()
def add_job_details(db: Database) -> None:
    """What a queued job needs to run again after a restart, and which worker process holds it."""
    db.table("jobs").add_column("params", str)
    db.table("jobs").add_column("worker", str)
    db.table("jobs").add_column("unit", str)


@MIGRATIONS()
def create_sentence_labels(db: Database) -> None:
    """Answers to the optional second question: the sentence's overall sentiment."""
    db.table("sentence_labels").create(
        {
            "sentence_id": str,
            "annotator": str,
            "label": str,
            "created": str,
            "updated": str,
        },
        pk=("sentence_id", "annotator"),
        foreign_keys=[("sentence_id", "sentences", "id")],
        not_null={"label"},
    )


@MIGRATIONS()
def create_users(db: Database) -> None:
    """Accounts: a unique username, an argon2 password hash and a role."""
    from .users import create_user_table

    create_user_table(db)


@MIGRATIONS()
def create_login_failures(db: Database) -> None:
    """Failed sign-ins, kept a short while to slow down password guessing."""
    db.table("login_failures").create(
        {"id": int, "username": str, "address": str, "created": str}, pk="id"
    )
    db.table("login_failures").create_index(["username", "created"])
    db.table("login_failures").create_index(["address", "created"])


@MIGRATIONS()
def create_adjudications(db: Database) -> None:
    """A lead's final label for a mention the annotators disagree on."""
    db.table("adjudications").create(
        {"mention_id": int, "label": str, "adjudicator": str, "created": str, "updated": str},
        pk="mention_id",
        foreign_keys=[("mention_id", "mentions", "id")],
        not_null={"label", "adjudicator"},
    )


@MIGRATIONS()
def create_assignments(db: Database) -> None:
    """Which annotators hold each sentence: at most the project's overlap k of them."""
    from .assignments import create_assignments_table

    create_assignments_table(db)


@MIGRATIONS()
def add_prelabel_shown(db: Database) -> None:
    """Whether the annotator saw the pre-label when labelling (anchoring control hides some)."""
    db.table("annotations").add_column("prelabel_shown", int, not_null_default=1)


@MIGRATIONS()
def create_snapshots(db: Database) -> None:
    """Figures computed in the background for large corpora, with when they were computed."""
    db.table("snapshots").create({"name": str, "data": str, "created": str}, pk="name")


@MIGRATIONS()
def add_session_version(db: Database) -> None:
    """A counter in every signed-in session of the account; bumping it ends them all."""
    db.table("users").add_column("session_version", int, not_null_default=0)


@MIGRATIONS()
def add_shown_prediction(db: Database) -> None:
    """The prediction shown beside each label, and the project's active model.

    Labels given before this was recorded were shown the newest prediction of their
    mention at the time they were given; the newest model run becomes the active model.
    """
    db.table("annotations").add_column("prediction_id", int)
    db.execute(
        """
        update annotations set prediction_id = (
          select p.id from predictions p
          where p.mention_id = annotations.mention_id and p.created <= annotations.updated
          order by p.id desc limit 1)
        where status != 'manual' and prelabel_shown = 1
        """
    )
    db.execute(
        "insert or ignore into settings (key, value)"
        " select 'active_model', model from predictions order by id desc limit 1"
    )


@MIGRATIONS()
def create_gold_labels_view(db: Database) -> None:
    """The one definition of gold, as the view `gold_labels` (see gold.py)."""
    from .gold import create_gold_view

    create_gold_view(db)


@MIGRATIONS(transactional=False)
def never_reuse_mention_and_prediction_ids(db: Database) -> None:
    """A removed mention (and its predictions) keeps its id for undo: ids are never reused."""
    from .id_sequences import rebuild_with_autoincrement

    for table in ("mentions", "predictions"):
        rebuild_with_autoincrement(db, table)


@MIGRATIONS()
def index_the_queue(db: Database) -> None:
    """What lets the queue serve a sentence without a scan: which assignments are finished
    (queue.py), and each sentence's place in the queue's orders (priority.py)."""
    from .priority import create_priority_table
    from .queue import add_finished_flag

    add_finished_flag(db)
    create_priority_table(db)


@MIGRATIONS()
def stage_imports(db: Database) -> None:
    """Imports in progress: their documents stay unpublished until the import ends."""
    from .imports import create_import_tables

    create_import_tables(db)


@MIGRATIONS()
def create_actor_aliases(db: Database) -> None:
    """The project's own aliases, written by actor merges and applied by later imports."""
    from .actors import create_alias_table

    create_alias_table(db)


@MIGRATIONS()
def add_queue_order(db: Database) -> None:
    """Each account's chosen queue order, kept from one sign-in to the next."""
    db.table("users").add_column("queue_order", str)


@MIGRATIONS()
def create_walk_marks(db: Database) -> None:
    """Where each annotator's last walk of the queue stopped, and what makes that stale."""
    from .queue_walk import create_walk_marks as create

    create(db)


@MIGRATIONS()
def create_review_counts(db: Database) -> None:
    """Each annotator's number of finished sentences, kept as reviews are written."""
    from .review_counts import create_review_counts as create

    create(db)


@MIGRATIONS()
def add_merge_history(db: Database) -> None:
    """Undone actor merges are kept (their ids are never reused) with the aliases each changed."""
    db.table("actor_merges").add_column("aliases", str)
    db.table("actor_merges").add_column("undone", str)


@MIGRATIONS()
def add_job_bar_start(db: Database) -> None:
    """When each job's current progress bar started: what its time left is reckoned from."""
    db.table("jobs").add_column("bar_started", str)


@MIGRATIONS()
def gold_waits_for_k_annotators(db: Database) -> None:
    """Gold needs as many agreeing annotators as the project asks for (k); fewer is pending."""
    from .gold import create_gold_view

    create_gold_view(db)
