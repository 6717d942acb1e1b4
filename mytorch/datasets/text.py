"""Text to learn language models on, one character at a time: a character-level dataset over any
text, corpora that need no download, and lists of names for name generation.

    ds = CharDataset(load_bible_kjv(), block_size=100)     # or CharDataset.from_file(path, 100)
    x, y = ds[i]              # ids[i:i+100] and ids[i+1:i+101]: y is x shifted by one character
    train, val = ds.split(0.9)                              # the first 90% and the last 10%
    ds.decode(ds.encode("In the beginning")) == "In the beginning"

Corpora (each a plain `str`; nothing is downloaded):

    load_python_source(max_chars=)  the Python standard library's own source: the *.py files
                                    of its folder, in sorted order (about 4.7 million
                                    characters for Python 3.11)
    load_bible_kjv()                the King James Bible (Debian's bible-kjv, 4.3 million
                                    characters, 73 distinct)
    load_devils_dictionary()        Ambrose Bierce's The Devil's Dictionary (Debian's
                                    dict-devil, 0.37 million characters)
    load_names(kind=)               about 92,000 US first and last names (the PyPI package
                                    `names`), lowercase, for NamesDataset

The vocabulary of a CharDataset is the sorted set of characters of its text: `itos[k]` is the
k-th character, `stoi` its inverse, `vocab_size = len(itos)`. NamesDataset adds one token, '.'
(id 0), which starts and ends every name, as in Karpathy's makemore.
"""
import codecs
import gzip
import importlib.util
import operator
import os
import shutil
import subprocess
import sysconfig

import numpy as np

from ..factories import from_numpy
from ..tensor import Tensor
from ..utils.data import Dataset, TensorDataset


def _decode(itos, ids):
    """The characters `itos[i]` of `ids` (a tensor, an array or a sequence of ints), joined."""
    ids = ids.cpu().reshape(-1).tolist() if isinstance(ids, Tensor) else \
        np.asarray(ids, dtype=np.int64).reshape(-1).tolist()
    wrong = [i for i in ids if not 0 <= i < len(itos)]
    if wrong:
        raise IndexError(f"ids must be in [0, {len(itos)}) (the vocabulary size), got {wrong[0]}")
    return "".join(itos[i] for i in ids)


def _code_table(itos):
    """(the vocabulary's code points, sorted; the id of each): what `_encode` searches."""
    if not all(isinstance(ch, str) and len(ch) == 1 for ch in itos):
        raise ValueError("the vocabulary must be single characters")
    codes = np.array([ord(ch) for ch in itos], dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    return codes[order], order.astype(np.int64)


def _encode(text, table, vocabulary):
    """The ids of the characters of `text`, int64: one binary search of all its code points
    in the table (a Python loop over 4 million characters would take seconds)."""
    codes, ids = table
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.int64)
    where = np.minimum(np.searchsorted(codes, points), len(codes) - 1)
    unknown = codes[where] != points
    if unknown.any():
        raise KeyError(f"character {chr(points[unknown.argmax()])!r} is not in the "
                       f"vocabulary {vocabulary}")
    return from_numpy(ids[where])


class CharDataset(Dataset):
    """Fixed-length windows of a text, as character ids, for next-character prediction.

    `CharDataset(text, block_size, chars=None)`: `text` is a str; `chars` the vocabulary
    (default: the sorted set of the text's characters; pass a parent's to share its ids).
    With ids = encode(text), of length n:

        len(ds) = n − block_size
        ds[i]   = (ids[i : i + block_size], ids[i + 1 : i + block_size + 1])  int64 (block_size,)

    so `y[t]` is the character that follows `x[:t + 1]`. Every start position is a window:
    shuffle them with a DataLoader, or read the text in order with `bptt_batches`.
    """

    def __init__(self, text, block_size, chars=None):
        if not isinstance(text, str):
            raise TypeError(f"CharDataset expects the text as a str, got {type(text).__name__}")
        if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 1:
            raise ValueError(f"block_size must be a positive int, got {block_size!r}")
        if len(text) < block_size + 1:
            raise ValueError(f"CharDataset(block_size={block_size}) needs a text of at least "
                             f"{block_size + 1} characters, got {len(text)}")
        self.text = text
        self.block_size = block_size
        self.itos = sorted(set(text)) if chars is None else list(chars)
        self.stoi = {ch: i for i, ch in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise ValueError("chars must not repeat a character")
        self._table = _code_table(self.itos)
        self.data = self.encode(text)

    @property
    def vocab_size(self):
        return len(self.itos)

    @classmethod
    def from_file(cls, path, block_size, encoding="utf-8", chars=None):
        """The dataset of a text file (read whole, decoded with `encoding`)."""
        return cls(read_text(path, encoding), block_size, chars)

    def encode(self, text):
        """The ids of the characters of `text`: int64 (len(text),). A character outside the
        vocabulary is a KeyError that names it."""
        return _encode(text, self._table, f"of {self.vocab_size} characters")

    def decode(self, ids):
        """The text of `ids` (a tensor, an array or a sequence of ints)."""
        return _decode(self.itos, ids)

    def __len__(self):
        return len(self.data) - self.block_size

    def __getitem__(self, index):
        n, index = len(self), operator.index(index)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a CharDataset of {n} windows")
        index %= n
        chunk = self.data[index:index + self.block_size + 1]
        return chunk[:-1], chunk[1:]

    def split(self, fraction=0.9):
        """(train, validation): CharDatasets over the first `fraction` of the text and the rest,
        with this dataset's vocabulary and block size. The cut is in one place, not at random:
        overlapping windows drawn at random would put most of a validation window's characters
        in the training set too."""
        if not 0 < fraction < 1:
            raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
        cut = int(len(self.text) * fraction)
        parts = self.text[:cut], self.text[cut:]
        for name, part in zip(("training", "validation"), parts):
            if len(part) < self.block_size + 1:
                raise ValueError(f"split({fraction}) leaves the {name} part {len(part)} "
                                 f"characters, fewer than block_size + 1 = "
                                 f"{self.block_size + 1}")
        return tuple(type(self)(part, self.block_size, self.itos) for part in parts)

    def bptt_batches(self, batch_size):
        """The text in order, for truncated backpropagation through time: yields (x, y), each
        int64 (batch_size, block_size).

        The ids are cut into `batch_size` streams of m = n // batch_size characters (the
        remainder dropped), one per row; batch k holds characters k·L … (k+1)·L − 1 of each
        stream (L = block_size) and y the ones after them. Row b of one batch goes on where row
        b of the previous one stopped, so the hidden state a recurrent model ends a batch with
        is the right one to start the next batch from (detached). (m − 1) // L batches.
        """
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        m = len(self.data) // batch_size
        if m < self.block_size + 1:
            raise ValueError(f"bptt_batches({batch_size}) needs at least block_size + 1 = "
                             f"{self.block_size + 1} characters per stream, and the text has "
                             f"{len(self.data)} for {batch_size} streams")
        streams = self.data[:m * batch_size].reshape(batch_size, m)
        for start in range(0, m - self.block_size, self.block_size):
            yield (streams[:, start:start + self.block_size],
                   streams[:, start + 1:start + self.block_size + 1])

    def __repr__(self):
        return (f"{type(self).__name__}({len(self.text)} characters, vocab_size="
                f"{self.vocab_size}, block_size={self.block_size})")


def read_text(path, encoding="utf-8"):
    """The whole text of the file at `path`. Bytes that are not valid `encoding` are a
    ValueError that gives the file, the position and what to do."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        raise ValueError(f"{path} is not {codecs.lookup(encoding).name} text: byte "
                         f"{raw[e.start:e.start + 1]!r} at offset {e.start} ({e.reason}); pass "
                         f"the file's encoding= (e.g. 'latin-1')") from None


# ---- corpora that need no download ------------------------------------------------------------

def load_python_source(max_chars=None):
    """The Python standard library's source: every *.py file directly in its folder
    (`sysconfig.get_paths()['stdlib']`), in sorted order, joined by newlines; the first
    `max_chars` characters when given. About 4.7 million characters, 166 distinct, for 3.11."""
    if max_chars is not None and (not isinstance(max_chars, int) or max_chars < 1):
        raise ValueError(f"max_chars must be None or a positive int, got {max_chars!r}")
    folder = sysconfig.get_paths()["stdlib"]
    files = sorted(f for f in os.listdir(folder) if f.endswith(".py"))
    if not files:
        raise FileNotFoundError(f"no *.py files in the standard library folder {folder}")
    parts, size = [], 0
    for name in files:
        parts.append(read_text(os.path.join(folder, name)))
        size += len(parts[-1]) + 1
        if max_chars is not None and size >= max_chars:
            break
    text = "\n".join(parts)
    return text if max_chars is None else text[:max_chars]


BIBLE_DATA = "/usr/lib/bible.data"


def load_bible_kjv():
    """The King James Bible, Genesis 1:1 to Revelation 22:21, as Debian's `bible` program
    prints it: each chapter headed by its book and number, one verse per line.

        Genesis 1

          1 In the beginning God created the heaven and the earth.
          2 And the earth was without form, and void; ...

    The package bible-kjv installs the program (/usr/bin/bible) and, through bible-kjv-text,
    its compressed text (/usr/lib/bible.data), which only the program reads. Either missing:
    FileNotFoundError saying to `sudo apt-get install bible-kjv`.
    """
    program = shutil.which("bible")
    if program is None or not os.path.isfile(BIBLE_DATA):
        missing = "the program `bible`" if program is None else BIBLE_DATA
        raise FileNotFoundError(f"load_bible_kjv reads the King James Bible through Debian's "
                                f"package bible-kjv, and {missing} is not installed: "
                                f"sudo apt-get install bible-kjv")
    # -l with a huge width: no line breaks inside a verse, whatever $COLUMNS says
    done = subprocess.run([program, "-l100000", "Gen1:1-Rev22:21"], stdin=subprocess.DEVNULL,
                          capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{program} failed (exit status {done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8").strip("\n") + "\n"


DEVIL_DICT = "/usr/share/dictd/devil.dict.dz"


def _dictd_number(code):
    """A number as dictd's .index writes it: base 64, digits A-Z a-z 0-9 + /."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    value = 0
    for ch in code:
        value = value * 64 + digits.index(ch)
    return value


def load_devils_dictionary():
    """Ambrose Bierce's The Devil's Dictionary (1911), its entries A to Z, from Debian's
    dict-devil: the dictd database /usr/share/dictd/devil.dict.dz (gzip) and its .index, which
    gives each entry's offset and length; the database's own "00-database-*" entries (its
    header) are left out. Missing: FileNotFoundError saying to `sudo apt-get install
    dict-devil`."""
    index = DEVIL_DICT[:-len(".dict.dz")] + ".index"
    if not (os.path.isfile(DEVIL_DICT) and os.path.isfile(index)):
        raise FileNotFoundError(f"load_devils_dictionary reads {DEVIL_DICT}, from Debian's "
                                f"package dict-devil, which is not installed: sudo apt-get "
                                f"install dict-devil")
    with gzip.open(DEVIL_DICT) as f:
        body = f.read()
    spans = set()
    with open(index, encoding="utf-8") as f:
        for line in f:
            word, offset, length = line.rstrip("\n").split("\t")[:3]
            if not word.startswith("00database"):
                spans.add((_dictd_number(offset), _dictd_number(length)))
    entries = [body[start:start + size].decode("utf-8").strip("\n") for start, size in
               sorted(spans)]
    return "\n\n".join(entries) + "\n"


# ---- names ------------------------------------------------------------------------------------

NAMES_FILES = {"female": ("dist.female.first",), "male": ("dist.male.first",),
               "first": ("dist.female.first", "dist.male.first"), "last": ("dist.all.last",),
               "all": ("dist.female.first", "dist.male.first", "dist.all.last")}


def load_names(kind="all"):
    """US names from the 1990 census, lowercase, without repeats, most frequent first within
    each list, read from the text files the PyPI package `names` ships (the package itself is
    not imported).

    kind: 'female' (4,275), 'male' (1,219), 'first' (both, 5,163), 'last' (88,799) or 'all'
    (every list, 91,910 different names; at most 13 letters).
    """
    if kind not in NAMES_FILES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, NAMES_FILES))}, got {kind!r}")
    spec = importlib.util.find_spec("names")          # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("load_names reads the name lists of the PyPI package `names`, which "
                          "is not installed: pip install names (or pip install "
                          "'mytorch[examples]')")
    folder = list(spec.submodule_search_locations)[0]
    seen = {}
    for filename in NAMES_FILES[kind]:
        path = os.path.join(folder, filename)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path} is missing from the `names` package in {folder}: "
                                    f"pip install --force-reinstall names")
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.strip():
                    seen.setdefault(line.split()[0].lower(), None)
    return list(seen)


class NamesDataset(TensorDataset):
    """Names as next-character examples, as in Karpathy's makemore: token 0, '.', marks both
    the start and the end of a name; the letters follow in sorted order (`itos`, `stoi`).

    NamesDataset(names, block_size=None): the sequence form, for recurrent models. Name i of
    length n, with L = the longest name's length + 1:

        x = [0, c₁, …, cₙ, 0, …, 0]                 int64 (L,): '.' then the name, padded
        y = [c₁, …, cₙ, 0, -100, …, -100]          int64 (L,): the name, then '.', then
                                                    ignore_index (cross_entropy skips it)

    so y[t] is the character after x[:t + 1]: the first letter after '.', '.' after the last.

    NamesDataset(names, block_size=k): the fixed-context form (makemore's MLP). One example per
    character of every name and per end: the k characters before it (padded on the left with
    '.') and it; x int64 (k,), y int64 0-d. "emma" with k = 3 gives
    ... → e, ..e → m, .em → m, emm → a, mma → .

    `dataset.tensors` is (X, Y) with one row per example; `names` the names, `encode(name)`
    their letters' ids (no start or end token), `decode(ids)` the text back ('.' included).
    """

    ignore_index = -100

    def __init__(self, names, block_size=None, chars=None):
        names = list(names)
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ValueError("NamesDataset expects a non-empty list of non-empty strings")
        letters = sorted(set("".join(names))) if chars is None else list(chars)
        if "." in letters:
            raise ValueError("names must not contain '.': it is the start and end token")
        self.names = names
        self.block_size = block_size
        self.itos = ["."] + letters
        self.stoi = {ch: i for i, ch in enumerate(self.itos)}
        self._table = _code_table(self.itos)
        ids = self.encode("".join(names)).numpy()          # all at once, then cut per name
        ends = np.cumsum([len(n) for n in names])
        encoded = [part.tolist() for part in np.split(ids, ends[:-1])]
        if block_size is None:
            x, y = self._sequences(encoded)
        elif isinstance(block_size, int) and not isinstance(block_size, bool) and block_size > 0:
            x, y = self._contexts(encoded, block_size)
        else:
            raise ValueError(f"block_size must be None or a positive int, got {block_size!r}")
        super().__init__(from_numpy(x), from_numpy(y))

    def _sequences(self, encoded):
        length = max(len(ids) for ids in encoded) + 1
        x = np.zeros((len(encoded), length), np.int64)
        y = np.full((len(encoded), length), self.ignore_index, np.int64)
        for row, ids in enumerate(encoded):
            x[row, 1:len(ids) + 1] = ids
            y[row, :len(ids) + 1] = ids + [0]
        return x, y

    @staticmethod
    def _contexts(encoded, block_size):
        x, y = [], []
        for ids in encoded:
            context = [0] * block_size
            for i in ids + [0]:
                x.append(context)
                y.append(i)
                context = context[1:] + [i]
        return np.array(x, np.int64).reshape(-1, block_size), np.array(y, np.int64)

    @property
    def vocab_size(self):
        return len(self.itos)

    def encode(self, name):
        """The ids of the letters of `name`, int64 (len(name),); an unknown letter is a
        KeyError that names it."""
        return _encode(name, self._table, repr("".join(self.itos)))

    def decode(self, ids):
        """The text of `ids` (a tensor, an array or a sequence of ints), '.' included."""
        return _decode(self.itos, ids)

    def __repr__(self):
        form = "sequences" if self.block_size is None else f"block_size={self.block_size}"
        return (f"{type(self).__name__}({len(self.names)} names, {len(self)} examples, "
                f"vocab_size={self.vocab_size}, {form})")


__all__ = ["CharDataset", "read_text", "load_python_source", "load_bible_kjv",
           "load_devils_dictionary", "load_names", "NamesDataset"]
