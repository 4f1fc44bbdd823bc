"""Text extraction from DOCX and PDF documents."""

from __future__ import annotations

import io
import logging
import re
import zipfile

__all__ = ["docx_text", "pdf_text", "tidy_text"]

log = logging.getLogger(__name__)


def tidy_text(text: str) -> str:
    """Normalise newlines and blank runs; strip trailing spaces on each line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000\n", "\n")
    lines = [ln.rstrip() for ln in text.split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return out.strip()


def docx_text(data: bytes) -> str:
    """Paragraphs (and table cells) of a DOCX file; raises ``ValueError`` when unreadable."""
    import docx  # python-docx; imported lazily because it is slow to import

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError(f"bad docx: {exc}") from exc
    except Exception as exc:  # lxml and friends raise their own types on broken XML
        raise ValueError(f"bad docx: {exc}") from exc
    parts: list[str] = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return tidy_text("\n".join(parts))


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF; raises ``ValueError`` when the file cannot be parsed."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ValueError(f"bad pdf: {exc}") from exc
    except Exception as exc:  # pypdf surfaces many internal error types on broken files
        raise ValueError(f"bad pdf: {exc}") from exc
    # A PDF's text layer breaks lines where the layout did; Japanese needs no spaces there.
    joined = "\n".join(pages)
    joined = re.sub(r"(?<=[^\x00-\x7f。！？」』])\n(?=[^\x00-\x7f])", "", joined)
    return tidy_text(joined)
