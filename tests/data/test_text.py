"""mytorch.datasets.text: CharDataset, the corpora on disk, the names and NamesDataset."""
import gzip
import os
import stat
import types

import numpy as np
import pytest

import mytorch as mt
from mytorch.datasets import (CharDataset, NamesDataset, load_bible_kjv, load_devils_dictionary,
                              load_names, load_python_source, read_text)
from mytorch.datasets import text as text_module
from mytorch.utils.data import DataLoader


# ---- CharDataset -------------------------------------------------------------------------------

def test_vocabulary_encode_decode():
    ds = CharDataset("hello world", block_size=3)
    assert ds.itos == [" ", "d", "e", "h", "l", "o", "r", "w"] and ds.vocab_size == 8
    assert ds.stoi == {ch: i for i, ch in enumerate(ds.itos)}
    ids = ds.encode("hold")
    assert ids.dtype == mt.int64 and ids.tolist() == [3, 5, 4, 1]
    assert ds.decode(ids) == "hold"
    assert ds.decode([3, 5]) == ds.decode(np.array([[3], [5]])) == "ho"
    assert ds.data.tolist() == ds.encode("hello world").tolist()
    assert repr(ds) == "CharDataset(11 characters, vocab_size=8, block_size=3)"


def test_windows_are_shifted_by_one():
    ds = CharDataset("abcdefg", block_size=3)
    assert len(ds) == 4
    x, y = ds[0]
    assert x.dtype == y.dtype == mt.int64 and x.shape == y.shape == (3,)
    assert ds.decode(x) == "abc" and ds.decode(y) == "bcd"
    assert [ds.decode(ds[i][1]) for i in range(len(ds))] == ["bcd", "cde", "def", "efg"]
    assert ds.decode(ds[-1][0]) == "def" and ds.decode(ds[mt.tensor(1)][0]) == "bcd"
    with pytest.raises(IndexError, match="index 4 is out of range for a CharDataset of 4"):
        ds[4]
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.shape == yb.shape == (4, 3) and (xb[:, 1:] == yb[:, :-1]).all()


def test_shared_vocabulary_and_errors():
    parent = CharDataset("abcabc", block_size=2)
    child = CharDataset("cab", block_size=2, chars=parent.itos)
    assert child.stoi == parent.stoi and child.data.tolist() == [2, 0, 1]
    with pytest.raises(KeyError, match="character 'z' is not in the vocabulary of 3"):
        parent.encode("abz")
    with pytest.raises(IndexError, match=r"ids must be in \[0, 3\).*got 3"):
        parent.decode([0, 3])
    with pytest.raises(IndexError, match="got -1"):
        parent.decode([-1])
    with pytest.raises(ValueError, match="needs a text of at least 5 characters, got 3"):
        CharDataset("abc", block_size=4)
    with pytest.raises(ValueError, match="block_size must be a positive int, got 0"):
        CharDataset("abc", block_size=0)
    with pytest.raises(TypeError, match="expects the text as a str, got bytes"):
        CharDataset(b"abc", block_size=1)
    with pytest.raises(ValueError, match="must not repeat"):
        CharDataset("ab", block_size=1, chars="aab")
    with pytest.raises(ValueError, match="the vocabulary must be single characters"):
        CharDataset("ab", block_size=1, chars=["a", "bc"])


def test_split_in_one_place_with_the_parent_vocabulary():
    ds = CharDataset("abcdefghij" * 2, block_size=2)
    train, val = ds.split(0.75)
    assert train.text == ds.text[:15] and val.text == ds.text[15:]
    assert train.itos == val.itos == ds.itos and val.block_size == 2
    assert len(train) == 13 and len(val) == 3
    with pytest.raises(ValueError, match="leaves the validation part 1 characters"):
        ds.split(0.95)
    with pytest.raises(ValueError, match="fraction must be between 0 and 1, got 1"):
        ds.split(1)


def test_bptt_batches_continue_each_row():
    text = "".join(chr(ord("a") + i % 26) for i in range(50))
    ds = CharDataset(text, block_size=4)
    batches = list(ds.bptt_batches(3))
    m = 50 // 3                                             # 16 characters per stream
    assert len(batches) == (m - 1) // 4 == 3
    streams = ds.data[:3 * m].reshape(3, m)
    for k, (x, y) in enumerate(batches):
        assert x.shape == y.shape == (3, 4) and x.dtype == mt.int64
        assert x.tolist() == streams[:, 4 * k:4 * k + 4].tolist()
        assert y.tolist() == streams[:, 4 * k + 1:4 * k + 5].tolist()
    # row b of batch k + 1 starts where row b of batch k stopped
    assert all(batches[k + 1][0][:, 0].tolist() == batches[k][1][:, -1].tolist()
               for k in range(len(batches) - 1))
    with pytest.raises(ValueError, match="needs at least block_size \\+ 1 = 5 characters per "
                                         "stream"):
        next(ds.bptt_batches(20))
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        next(ds.bptt_batches(0))


def test_from_file_and_read_text(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text("héllo\nwörld\n", encoding="utf-8")
    ds = CharDataset.from_file(path, block_size=4)
    assert ds.text == "héllo\nwörld\n" and "é" in ds.stoi
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin.txt is not utf-8 text: byte b'\\xe9' at "
                                         r"offset 3 .*pass the file's encoding="):
        read_text(latin)
    assert read_text(latin, encoding="latin-1") == "café"
    with pytest.raises(FileNotFoundError):
        CharDataset.from_file(tmp_path / "missing.txt", block_size=2)


# ---- corpora -----------------------------------------------------------------------------------

def test_python_source_joins_the_stdlib_files_in_order(tmp_path, monkeypatch):
    (tmp_path / "b.py").write_text("bee = 2\n")
    (tmp_path / "a.py").write_text("aye = 1\n")
    (tmp_path / "notes.txt").write_text("not python\n")
    monkeypatch.setattr(text_module.sysconfig, "get_paths", lambda: {"stdlib": str(tmp_path)})
    assert load_python_source() == "aye = 1\n\nbee = 2\n"
    assert load_python_source(max_chars=5) == "aye ="
    with pytest.raises(ValueError, match="max_chars must be None or a positive int, got 0"):
        load_python_source(max_chars=0)
    monkeypatch.setattr(text_module.sysconfig, "get_paths", lambda: {"stdlib": str(tmp_path / "x")})
    (tmp_path / "x").mkdir()
    with pytest.raises(FileNotFoundError, match="no \\*.py files"):
        load_python_source()


def test_python_source_of_this_python():
    text = load_python_source(max_chars=20_000)
    assert len(text) == 20_000 and "def " in text and "import " in text


def test_bible_kjv_through_the_bible_program(tmp_path, monkeypatch):
    data = tmp_path / "bible.data"
    data.write_bytes(b"compressed")
    program = tmp_path / "bin" / "bible"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n[ \"$1\" = -l100000 ] && [ \"$2\" = Gen1:1-Rev22:21 ] || "
                       "exit 3\nprintf '\\nGenesis 1\\n\\n  1 In the beginning.\\n'\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(program.parent) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setattr(text_module, "BIBLE_DATA", str(data))
    assert load_bible_kjv() == "Genesis 1\n\n  1 In the beginning.\n"
    program.write_text("#!/bin/sh\necho broken >&2\nexit 2\n")
    with pytest.raises(RuntimeError, match="failed \\(exit status 2\\): broken"):
        load_bible_kjv()
    monkeypatch.setattr(text_module, "BIBLE_DATA", str(tmp_path / "none"))
    with pytest.raises(FileNotFoundError, match="sudo apt-get install bible-kjv"):
        load_bible_kjv()


def test_bible_kjv_missing_says_how_to_install(monkeypatch):
    monkeypatch.setattr(text_module.shutil, "which", lambda name: None)
    with pytest.raises(FileNotFoundError, match="the program `bible` is not installed: sudo "
                                                "apt-get install bible-kjv"):
        load_bible_kjv()


def test_bible_kjv_installed():
    if not os.path.isfile(text_module.BIBLE_DATA) or text_module.shutil.which("bible") is None:
        pytest.skip("Debian's bible-kjv is not installed")
    text = load_bible_kjv()
    assert text.startswith("Genesis 1\n\n  1 In the beginning God created the heaven and the "
                           "earth.\n")
    assert text.rstrip().endswith("The grace of our Lord Jesus Christ be with you all. Amen.")
    assert 4_000_000 < len(text) < 4_600_000 and len(set(text)) < 80


def dictd_code(n):
    """n in dictd's base 64, the inverse of what load_devils_dictionary reads."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        n, r = divmod(n, 64)
        out = digits[r] + out
        if n == 0:
            return out


def test_devils_dictionary_reads_the_entries_of_a_dictd_database(tmp_path, monkeypatch):
    entries = [("00databaseinfo", "00-database-info\nheader text\n"),
               ("abasement", "ABASEMENT, n.  A decent attitude.\n"),
               ("zoology", "ZOOLOGY, n.  The science of the animal kingdom.\n")]
    body, index = b"", []
    for word, entry in entries:
        raw = entry.encode("utf-8")
        index.append(f"{word}\t{dictd_code(len(body))}\t{dictd_code(len(raw))}\n")
        body += raw
    path = tmp_path / "devil.dict.dz"
    path.write_bytes(gzip.compress(body))
    (tmp_path / "devil.index").write_text("".join(reversed(index)))
    monkeypatch.setattr(text_module, "DEVIL_DICT", str(path))
    assert load_devils_dictionary() == ("ABASEMENT, n.  A decent attitude.\n\nZOOLOGY, n.  The "
                                        "science of the animal kingdom.\n")
    monkeypatch.setattr(text_module, "DEVIL_DICT", str(tmp_path / "none.dict.dz"))
    with pytest.raises(FileNotFoundError, match="sudo apt-get install dict-devil"):
        load_devils_dictionary()


def test_devils_dictionary_installed():
    if not os.path.isfile(text_module.DEVIL_DICT):
        pytest.skip("Debian's dict-devil is not installed")
    text = load_devils_dictionary()
    assert text.startswith("ABASEMENT, n.") and "ZOOLOGY, n." in text
    assert "00-database" not in text and 300_000 < len(text) < 450_000


# ---- names -------------------------------------------------------------------------------------

def fake_names_package(tmp_path, monkeypatch, files):
    for name, lines in files.items():
        (tmp_path / name).write_text("".join(f"{n:<15}0.100  0.100      1\n" for n in lines))
    spec = types.SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr(text_module.importlib.util, "find_spec",
                        lambda name: spec if name == "names" else None)


def test_load_names_reads_the_package_files(tmp_path, monkeypatch):
    fake_names_package(tmp_path, monkeypatch, {
        "dist.female.first": ["MARY", "JEAN"], "dist.male.first": ["JOHN", "JEAN"],
        "dist.all.last": ["SMITH", "JOHN"]})
    assert load_names("female") == ["mary", "jean"]
    assert load_names("first") == ["mary", "jean", "john"]
    assert load_names("last") == ["smith", "john"]
    assert load_names() == ["mary", "jean", "john", "smith"]
    with pytest.raises(ValueError, match="kind must be one of 'female', 'male', 'first', "
                                         "'last', 'all', got 'middle'"):
        load_names("middle")
    os.remove(tmp_path / "dist.all.last")
    with pytest.raises(FileNotFoundError, match="dist.all.last is missing .*pip install "
                                                "--force-reinstall names"):
        load_names("last")


def test_load_names_without_the_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(text_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install names"):
        load_names()


def test_load_names_installed():
    try:
        names = load_names()
    except ImportError:
        pytest.skip("the PyPI package `names` is not installed")
    assert len(names) > 90_000 and len(set(names)) == len(names)
    assert names[0] == "mary" and "smith" in names
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")
    assert len(load_names("first")) == 5163


# ---- NamesDataset ------------------------------------------------------------------------------

def test_names_as_sequences():
    ds = NamesDataset(["emma", "bo"])
    assert ds.itos == [".", "a", "b", "e", "m", "o"] and ds.vocab_size == 6
    assert len(ds) == 2 and ds.block_size is None
    x, y = ds[0]
    assert x.dtype == y.dtype == mt.int64 and x.shape == y.shape == (5,)
    assert ds.decode(x) == ".emma" and ds.decode(y) == "emma."
    x, y = ds[1]
    assert ds.decode(x) == ".bo.." and y.tolist() == [2, 5, 0, -100, -100]
    assert NamesDataset.ignore_index == -100
    assert repr(ds) == "NamesDataset(2 names, 2 examples, vocab_size=6, sequences)"


def test_sequences_train_with_cross_entropy_ignoring_padding():
    ds = NamesDataset(["emma", "bo"])
    x, y = ds.tensors
    logits = mt.zeros(2, 5, ds.vocab_size)
    loss = mt.nn.functional.cross_entropy(logits.reshape(-1, ds.vocab_size), y.reshape(-1))
    assert abs(loss.item() - np.log(6)) < 1e-6            # uniform over the 8 real targets


def test_names_as_fixed_contexts():
    ds = NamesDataset(["emma"], block_size=3)
    assert len(ds) == 5
    pairs = [(ds.decode(x), ds.decode(y.reshape(1))) for x, y in ds]
    assert pairs == [("...", "e"), ("..e", "m"), (".em", "m"), ("emm", "a"), ("mma", ".")]
    x, y = ds[0]
    assert x.shape == (3,) and y.shape == () and y.dtype == mt.int64
    ds2 = NamesDataset(["ab", "c"], block_size=1)
    assert ds2.tensors[0].reshape(-1).tolist() == [0, 1, 2, 0, 3]
    assert ds2.tensors[1].tolist() == [1, 2, 0, 3, 0]


def test_names_dataset_errors():
    with pytest.raises(ValueError, match="non-empty list of non-empty strings"):
        NamesDataset([])
    with pytest.raises(ValueError, match="non-empty list of non-empty strings"):
        NamesDataset(["ann", ""])
    with pytest.raises(ValueError, match="must not contain '.'"):
        NamesDataset(["j.r."])
    with pytest.raises(ValueError, match="block_size must be None or a positive int, got 0"):
        NamesDataset(["ann"], block_size=0)
    ds = NamesDataset(["ann"], chars="abn")
    assert ds.itos == [".", "a", "b", "n"]
    with pytest.raises(KeyError, match="character 'z' is not in the vocabulary '.abn'"):
        ds.encode("zab")
    with pytest.raises(IndexError, match=r"ids must be in \[0, 4\)"):
        ds.decode([4])
