"""Errors that vaegui shows to people: each message names the problem and the fix."""

from __future__ import annotations


class VaeguiError(Exception):
    """Base of every error a user may see; the message must be actionable as it stands."""


class ConfigError(VaeguiError):
    """A setting is out of range, of the wrong type, or missing."""


class DataError(VaeguiError):
    """A dataset, file or folder cannot be read as images."""


class RunFolderError(VaeguiError):
    """A run folder (config, weights, history) is missing, damaged or does not match."""


class TrainingError(VaeguiError):
    """Training cannot go on (NaN loss, failed checkpoint write, ...)."""


class ModelFileError(VaeguiError):
    """A saved model file cannot be read, or is not the encoder/decoder pair vaegui expects."""


class UntrustedCodeError(ModelFileError):
    """A model file holds Python code (a Lambda layer) that runs when it is opened.

    Open it again with `trust_code=True` only after the user confirms that the file comes from a
    trusted source (Keras' `safe_mode=False`); the GUI turns this error into a Yes/No question.
    """


def first_line(error: BaseException) -> str:
    """The first line of a library's error text (at most 200 characters), or the error's type when it has none."""
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def failure_message(error: BaseException, unexpected: str = "Something went wrong") -> str:
    """What the person reads when work failed: a VaeguiError's own text; for anything else (a bug, or a model's own
    code failing) `unexpected` and a short summary they can act on or report: Keras's colour codes and tensor dumps
    left out (vaegui.keras_errors). The one builder of such messages (jobs, the trainer process)."""
    from vaegui.keras_errors import plain_error_text

    if isinstance(error, VaeguiError):
        return str(error)
    return f"{unexpected}: {type(error).__name__}: {plain_error_text(error)}"
