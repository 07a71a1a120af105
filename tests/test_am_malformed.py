"""Truncated, corrupted and inconsistent model files give clear errors."""
from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from asr_engine.acoustic import AcousticModel
from asr_engine.errors import AsrError, FormatError, NotFoundError

from conftest import PSX

AN4 = PSX / "an4_ci_cont"  # text mdef, float mixture weights
TIDIGITS = PSX / "tidigits" / "hmm"  # binary big-endian mdef, 4-bit sendump


def copy_model(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


@pytest.fixture
def an4(tmp_path):
    return copy_model(AN4, tmp_path / "an4")


@pytest.fixture
def tidigits(tmp_path):
    return copy_model(TIDIGITS, tmp_path / "tidigits")


@pytest.fixture
def en_us(tmp_path, en_us_model_dir):
    return copy_model(en_us_model_dir, tmp_path / "en-us")


def truncate(path: Path, keep: int) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:keep] if keep >= 0 else data[:keep])


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def data_offset(path: Path) -> int:
    """Offset of the first byte after the s3 header and byte-order word."""
    raw = path.read_bytes()
    return raw.index(b"endhdr\n") + len("endhdr\n") + 4


def expect_format_error(model_dir: Path, *fragments: str) -> str:
    with pytest.raises(FormatError) as info:
        AcousticModel.load(str(model_dir))
    msg = str(info.value)
    for f in fragments:
        assert f in msg, msg
    assert info.value.code == 400
    return msg


# --- Gaussian parameters -------------------------------------------------

@pytest.mark.parametrize("name", ["means", "variances"])
def test_truncated_gaussians(an4, name):
    truncate(an4 / name, -100)
    expect_format_error(an4, name, "truncated")


def test_means_bad_checksum(an4):
    flip_byte(an4 / "means", data_offset(an4 / "means") + 500)
    expect_format_error(an4, "means", "checksum")


def test_means_wrong_count(an4):
    p = an4 / "means"
    raw = bytearray(p.read_bytes())
    off = data_offset(p) + 16  # n_mgau, n_feat, n_density, veclen[0], then the count
    order = "<" if raw[off - 20:off - 16] == b"\x44\x33\x22\x11" else ">"
    (n,) = struct.unpack_from(order + "i", raw, off)
    struct.pack_into(order + "i", raw, off, n + 39)
    p.write_bytes(bytes(raw))
    expect_format_error(an4, "means", "does not match")


def test_means_trailing_garbage(an4):
    with open(an4 / "means", "ab") as f:
        f.write(b"\0" * 8)
    expect_format_error(an4, "means", "unexpected bytes")


def test_not_a_parameter_file(an4):
    (an4 / "variances").write_bytes(b"hello world\n" * 10)
    expect_format_error(an4, "variances")


def test_bad_byte_order_word(an4):
    p = an4 / "means"
    off = data_offset(p) - 4
    raw = bytearray(p.read_bytes())
    raw[off:off + 4] = b"\x01\x02\x03\x04"
    p.write_bytes(bytes(raw))
    expect_format_error(an4, "means", "byte-order")


def test_variances_shape_differs_from_means(an4):
    shutil.copy(TIDIGITS / "variances", an4 / "variances")
    expect_format_error(an4, "variances", "differs")


# --- feat.params consistency ---------------------------------------------

def test_stream_layout_disagrees_with_feat_params(en_us):
    text = (en_us / "feat.params").read_text().replace("-svspec 0-12/13-25/26-38", "-svspec 0-12/13-38")
    (en_us / "feat.params").write_text(text)
    expect_format_error(en_us, "means", "feat.params", "13,13,13", "13,26")


def test_feature_type_disagrees_with_means(an4):
    (an4 / "feat.params").write_text((AN4 / "feat.params").read_text().replace("1s_c_d_dd", "s2_4x"))
    expect_format_error(an4, "feat.params", "12,24,3,12")


def test_malformed_feat_params(an4):
    (an4 / "feat.params").write_text("-feat 1s_c_d_dd\nnfilt 40\n")
    expect_format_error(an4, "feat.params")


def test_svspec_out_of_range(an4):
    (an4 / "feat.params").write_text("-feat 1s_c_d_dd\n-svspec 0-12/13-45\n")
    expect_format_error(an4, "svspec")


# --- model definition -----------------------------------------------------

def test_truncated_binary_mdef(en_us):
    truncate(en_us / "mdef", 2_000_000)
    expect_format_error(en_us, "mdef", "truncated")


def test_binary_mdef_bad_counts(en_us):
    p = en_us / "mdef"
    raw = bytearray(p.read_bytes())
    (hlen,) = struct.unpack_from("<i", raw, 8)
    struct.pack_into("<i", raw, 12 + hlen + 4, 10**8)  # n_phone
    p.write_bytes(bytes(raw))
    expect_format_error(en_us, "mdef")


def test_text_mdef_senone_out_of_range(an4):
    p = an4 / "mdef"
    lines = p.read_text().splitlines()
    i = next(k for k, line in enumerate(lines) if line.split()[:1] == ["AE"])
    lines[i] = lines[i].replace(" 3 ", " 999 ", 1)
    p.write_text("\n".join(lines) + "\n")
    msg = expect_format_error(an4, "mdef", "senone")
    assert f"line {i + 1}" in msg


def test_text_mdef_header_mismatch(an4):
    p = an4 / "mdef"
    p.write_text(p.read_text().replace("34 n_base", "35 n_base"))
    expect_format_error(an4, "mdef")


def test_text_mdef_missing_final_state(an4):
    p = an4 / "mdef"
    p.write_text(p.read_text().replace("    2    N", "    2", 1))
    expect_format_error(an4, "mdef", "N")


def test_text_mdef_extra_phone(an4):
    p = an4 / "mdef"
    p.write_text(p.read_text() + "ZZ - - - n/a 0 0 1 2 N\n")
    expect_format_error(an4, "mdef", "more phones")


def test_mdef_garbage(an4):
    (an4 / "mdef").write_bytes(bytes(range(256)) * 4)
    expect_format_error(an4, "mdef")


# --- mixture weights ------------------------------------------------------

def test_truncated_mixture_weights(an4):
    truncate(an4 / "mixture_weights", -50)
    expect_format_error(an4, "mixture_weights", "truncated")


def test_mixture_weights_bad_checksum(an4):
    flip_byte(an4 / "mixture_weights", data_offset(an4 / "mixture_weights") + 40)
    expect_format_error(an4, "mixture_weights")


def test_mixture_weights_wrong_senone_count(an4):
    p = an4 / "mdef"
    # Drop the last CI phone (Z): 33 phones, 99 senones, Gaussians and weights still for 102.
    text = p.read_text().replace("34 n_base", "33 n_base").replace("136 n_state_map", "132 n_state_map")
    text = text.replace("102 n_tied_state", "99 n_tied_state").replace("102 n_tied_ci_state", "99 n_tied_ci_state")
    lines = [line for line in text.splitlines() if not line.startswith("    Z ")]
    p.write_text("\n".join(lines) + "\n")
    msg = expect_format_error(an4)
    assert "senones" in msg or "codebooks" in msg


def test_truncated_sendump(tidigits):
    truncate(tidigits / "sendump", -1000)
    expect_format_error(tidigits, "sendump", "truncated")


def test_sendump_trailing_bytes(en_us):
    with open(en_us / "sendump", "ab") as f:
        f.write(b"\0" * 16)
    expect_format_error(en_us, "sendump", "unexpected bytes")


def test_sendump_bad_title(en_us):
    p = en_us / "sendump"
    raw = bytearray(p.read_bytes())
    raw[0:4] = b"\xff\xff\xff\x7f"
    p.write_bytes(bytes(raw))
    expect_format_error(en_us, "sendump")


def test_sendump_from_other_model(en_us):
    shutil.copy(TIDIGITS / "sendump", en_us / "sendump")
    expect_format_error(en_us, "sendump")


# --- transition matrices --------------------------------------------------

def test_truncated_transition_matrices(an4):
    truncate(an4 / "transition_matrices", -30)
    expect_format_error(an4, "transition_matrices", "truncated")


def test_transition_matrices_wrong_shape(an4):
    shutil.copy(TIDIGITS / "transition_matrices", an4 / "transition_matrices")
    expect_format_error(an4, "transition_matrices")


def test_transition_matrices_not_left_to_right(an4):
    p = an4 / "transition_matrices"
    raw = bytearray(p.read_bytes())
    off = data_offset(p) + 16 + 4 * 4  # first matrix, row 1, column 0
    struct.pack_into("<f", raw, off, 0.5)
    # Keep the checksum consistent so the topology check is what fails.
    body = raw[data_offset(p):-4]
    total = 0
    for (v,) in struct.iter_unpack("<I", body):
        total = (((total << 20) | (total >> 12)) + v) & 0xFFFFFFFF
    struct.pack_into("<I", raw, len(raw) - 4, total)
    p.write_bytes(bytes(raw))
    expect_format_error(an4, "transition_matrices", "left-to-right")


def test_missing_weights(an4):
    (an4 / "mixture_weights").unlink()
    with pytest.raises(NotFoundError, match="mixture_weights"):
        AcousticModel.load(str(an4))


# --- exhaustive truncation: never a crash --------------------------------

@pytest.mark.parametrize("name", ["mdef", "means", "variances", "mixture_weights", "transition_matrices", "feat.params"])
def test_every_truncation_point_is_an_error(an4, name):
    p = an4 / name
    original = p.read_bytes()
    step = max(1, len(original) // 37)
    for keep in list(range(0, len(original), step)) + [len(original) - 1]:
        p.write_bytes(original[:keep])
        try:
            AcousticModel.load(str(an4))
        except AsrError:
            continue
        # A shorter feat.params can still be valid (it only drops options), and
        # so can a text file that lost only its final newline.
        assert name == "feat.params" or original[keep:].strip() == b"", f"{name} truncated to {keep} bytes loaded"
    p.write_bytes(original)
    AcousticModel.load(str(an4))


@pytest.mark.parametrize("name", ["mdef", "sendump"])
def test_binary_truncation_points(tidigits, name):
    p = tidigits / name
    original = p.read_bytes()
    for keep in [0, 3, 4, 11, 50, 300, 600, len(original) // 2, len(original) - 2]:
        p.write_bytes(original[:keep])
        with pytest.raises(FormatError):
            AcousticModel.load(str(tidigits))
