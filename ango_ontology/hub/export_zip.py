"""The export's wire form, for both sides: the query the client sends, the zip the emulator packs.

`GET /v2/export` takes the query of SDK 1.4.10's `ExportOptions.toDict()` plus `project`; the answer's
`data.exportPath` is the URL of a zip holding one file: the records as a JSON list (`format=json`) or one
JSON object per line (`format=ndjson`).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from ango_ontology.errors import BadResponseError
from ango_ontology.model import JSON

TASK_TYPES = ("default", "consensus", "benchmark")


def export_params(project_id: str, stages: list[str]) -> dict[str, str]:
    """The export query for every task of every type in `stages`, keys in the order the SDK sends them.

    Unlike the SDK's defaults: no history (not needed, and large), no notification, every task type.
    """
    return {
        "sendEmail": "false",
        "includeMetadata": "true",
        "includeHistory": "false",
        "doNotNotify": "true",
        "format": "json",
        "type": "task",
        "includeOnlyKeyFrames": "false",
        "includeIdleBlurDurations": "false",
        "taskTypes": json.dumps(list(TASK_TYPES)),
        "stage": json.dumps(stages),
        "project": project_id,
    }


# An export of a very large project is a few hundred megabytes of JSON; past this, refuse rather than
# exhaust memory on a bad or hostile file.
MAX_EXPORT_BYTES = 2 * 1024**3


def pack(records: list[JSON], fmt: str, name: str) -> bytes:
    """A zip holding one file: the records as a JSON list, or one per line for ndjson."""
    body = "".join(json.dumps(r) + "\n" for r in records) if fmt == "ndjson" else json.dumps(records)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.{fmt}", body)
    return buffer.getvalue()


def unpack(data: bytes, source: str) -> list[JSON]:
    """The records in an export zip (JSON list or NDJSON); BadResponseError naming `source` otherwise."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            if not names:
                raise BadResponseError(f"{source}: the export zip holds no file")
            size = archive.getinfo(names[0]).file_size
            if size > MAX_EXPORT_BYTES:
                raise BadResponseError(f"{source}: the export unpacks to {size:,} bytes, over the limit of "
                                       f"{MAX_EXPORT_BYTES:,}")
            with archive.open(names[0]) as member:
                content = member.read(MAX_EXPORT_BYTES + 1)
            if len(content) > MAX_EXPORT_BYTES:  # the header understated it
                raise BadResponseError(f"{source}: the export unpacks to more than {MAX_EXPORT_BYTES:,} bytes")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise BadResponseError(f"{source}: the export is not a readable zip ({exc})") from None
    records = _parse(content, source)
    if not all(isinstance(r, dict) for r in records):
        raise BadResponseError(f"{source}: the export holds something other than asset records")
    return records


def _parse(content: bytes, source: str) -> list[Any]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadResponseError(f"{source}: the export file is not UTF-8 text") from None
    try:
        value = json.loads(text)
    except ValueError:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            raise BadResponseError(f"{source}: the export file is neither JSON nor NDJSON ({exc})") from None
    if isinstance(value, dict):
        return [value]  # NDJSON of a single record
    if not isinstance(value, list):
        raise BadResponseError(f"{source}: the export file holds no list of records")
    return value
