"""Grammar source text: decoding bytes to text and mapping offsets to
line:column, plus the error type every grammar front end raises."""
from __future__ import annotations

import abc
import bisect
import codecs
import re

from ..errors import FormatError

__all__ = ["GrammarError", "SourceText", "decode_grammar_bytes", "repeat_count"]


def repeat_count(digits: str) -> int:
    """A repeat count's value; any count of more than 18 digits is returned
    as 10**18, above every limit (Python refuses to convert >4300 digits,
    and nothing needs to)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**18


class GrammarError(FormatError):
    """A grammar document is malformed or cannot be compiled.

    Attributes:
        line: 1-based line of the problem (0 when not tied to a place).
        column: 1-based column (characters, not bytes).
        source: name of the document (file path or ``"<string>"``).
    """

    def __init__(self, message: str, line: int = 0, column: int = 0, source: str = "<string>") -> None:
        where = f"{source}: " if source else ""
        if line > 0:
            where += f"line {line}, column {column}: "
        super().__init__(where + message)
        self.reason = message
        self.line = line
        self.column = column
        self.source = source


class SourceText:
    """Text plus a line index, so parsers can report where they are."""

    _BREAK = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str, name: str = "<string>") -> None:
        self.text = text
        self.name = name
        self._starts = [0] + [m.end() for m in self._BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def error(self, message: str, offset: int) -> GrammarError:
        line, col = self.position(offset)
        return GrammarError(message, line, col, self.name)


class Scanner(abc.ABC):
    """Cursor over a grammar's text shared by the ABNF and JSGF parsers:
    position, look-ahead, C-style comments and errors with line and column.
    Subclasses say how to describe the text at the cursor in messages."""

    def __init__(self, text: str, source: str = "<string>") -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.src = SourceText(text, source)
        self.s = text
        self.n = len(text)
        self.i = 0
        self.depth = 0

    def error(self, message: str, at: "int | None" = None) -> GrammarError:
        return self.src.error(message, self.i if at is None else at)

    def pos(self, at: "int | None" = None) -> tuple[int, int]:
        return self.src.position(self.i if at is None else at)

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < self.n else ""

    def skip(self) -> None:
        """Skips white space and // or /* */ comments."""
        s, n = self.s, self.n
        while self.i < n:
            c = s[self.i]
            if c in " \t\r\n":
                self.i += 1
            elif s.startswith("//", self.i):
                while self.i < n and s[self.i] not in "\r\n":
                    self.i += 1
            elif s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                if end < 0:
                    raise self.error("unterminated comment ('/*' without '*/')")
                self.i = end + 2
            else:
                break

    @abc.abstractmethod
    def describe(self) -> str:
        """The text at the cursor, for error messages."""

    def expect(self, c: str, what: str) -> None:
        self.skip()
        if self.peek() != c:
            raise self.error(f"expected '{c}' {what}, found {self.describe()}")
        self.i += 1


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Header forms that name the document's encoding, read from an ASCII view.
_ABNF_ENC = re.compile(rb"#ABNF 1\.0 ([A-Za-z0-9._:\-]+);")
_JSGF_ENC = re.compile(rb"#JSGF\s+V?[0-9.]+\s+([A-Za-z0-9._:\-]+)")


def _sniff_utf16(data: bytes) -> str | None:
    # Without a BOM, an ASCII first character shows up as "x\0" or "\0x".
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        return "utf-16-le"
    if len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
        return "utf-16-be"
    return None


def decode_grammar_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode an ABNF or JSGF document.

    A byte-order mark wins; then the encoding named in the header
    (``#ABNF 1.0 ISO-8859-1;``, ``#JSGF V1.0 utf-8;``); then UTF-8. A file
    that is not valid UTF-8 and names no encoding is read as ISO-8859-1,
    as the SRGS test suite's ``meta.gram`` expects of a lenient processor.
    XML documents are decoded by the XML parser itself.
    """
    encoding = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            data = data[len(bom):]
            encoding = enc
            break
    if encoding is None:
        encoding = _sniff_utf16(data)
    if encoding is None:
        head = data[:200]
        m = _ABNF_ENC.match(head) or _JSGF_ENC.match(head)
        if m:
            declared = m.group(1).decode("ascii")
            try:
                codecs.lookup(declared)
            except LookupError:
                raise GrammarError(f"unknown character encoding '{declared}' in the header", 1, 1, name) from None
            encoding = declared
            if codecs.lookup(declared).name in ("iso8859-1", "cp1252", "latin-1") and not data.isascii():
                # IBM's sample grammars declare ISO-8859-1 over UTF-8 text;
                # real Latin-1 text almost never forms valid UTF-8 sequences.
                try:
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    pass
    if encoding is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("iso-8859-1")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise GrammarError(f"document is not valid {encoding}: {e.reason} at byte {e.start}", 0, 0, name) from None
    except LookupError:
        raise GrammarError(f"unknown character encoding '{encoding}'", 1, 1, name) from None
    # A header naming UTF-16 on an already-decoded view is harmless; a BOM
    # inside the decoded text (e.g. UTF-16 declared and BOM present) is not.
    return text[1:] if text.startswith("\ufeff") else text
