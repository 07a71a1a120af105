"""Audio input: every format the services accept, real files from
../shared/data, and malformed input that must raise a clear AsrError."""
from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import soundfile as sf

import asr_engine as ae
from asr_engine.audio import g711
from conftest import DEV, PSX

RATE = 16000


def tone(rate=RATE, seconds=0.5, freq=440.0, channels=1, amp=0.5):
    t = np.arange(int(rate * seconds)) / rate
    x = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([x] * channels, axis=1) if channels > 1 else x


def encode(x, rate, fmt, subtype):
    buf = io.BytesIO()
    sf.write(buf, x, rate, format=fmt, subtype=subtype)
    return buf.getvalue()


WAV_SUBTYPES = ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "ULAW", "ALAW"]


@pytest.mark.parametrize("subtype", WAV_SUBTYPES)
@pytest.mark.parametrize("container", ["WAV", "WAVEX"])
def test_wav_encodings_match_libsndfile(container, subtype):
    data = encode(tone(channels=2), RATE, container, subtype)
    ours = ae.load_audio(data, sample_rate=None)
    ref, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    assert ours.original_rate == rate == RATE
    assert ours.channels == 2
    np.testing.assert_allclose(ours.samples, ref.mean(axis=1), atol=1e-6)


@pytest.mark.parametrize(
    "fmt,subtype,ctype",
    [("FLAC", "PCM_16", "audio/flac"), ("OGG", "VORBIS", "audio/ogg"), ("OGG", "OPUS", "audio/ogg;codecs=opus"),
     ("MP3", "MPEG_LAYER_III", "audio/mp3"), ("AU", "ULAW", "audio/basic"), ("WAV", "PCM_16", "audio/wav")],
)
def test_compressed_containers(fmt, subtype, ctype):
    rate = 48000 if subtype == "OPUS" else RATE
    x = tone(rate=rate, seconds=1.0)
    data = encode(x, rate, fmt, subtype)
    for content_type in (ctype, None):
        audio = ae.load_audio(data, content_type)
        assert audio.sample_rate == RATE
        length = audio.duration  # seconds of decoded audio
        assert abs(length - 1.0) < 0.1
        # A 440 Hz tone survives any of these codecs: check its level.
        rms = np.sqrt(np.mean(audio.samples[2000:-2000] ** 2))
        assert 0.25 < rms < 0.45, rms


def test_headerless_l16_both_endiannesses_and_detection():
    x = (tone(rate=8000, seconds=1.0) * 32767).astype(np.int16)
    for endian, dtype in (("little-endian", "<i2"), ("big-endian", ">i2")):
        raw = x.astype(dtype).tobytes()
        explicit = ae.load_audio(raw, f"audio/l16;rate=8000;endianness={endian}", sample_rate=None)
        detected = ae.load_audio(raw, "audio/l16; rate=8000", sample_rate=None)
        np.testing.assert_allclose(explicit.samples, x / 32768.0, atol=1e-6)
        np.testing.assert_array_equal(detected.samples, explicit.samples)


def test_l16_multichannel_downmix():
    left = (tone(seconds=0.2) * 20000).astype(np.int16)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    audio = ae.load_audio(stereo.astype("<i2").tobytes(), "audio/l16;rate=16000;channels=2;endianness=little-endian")
    assert audio.channels == 2
    np.testing.assert_allclose(audio.samples, left / 65536.0, atol=1e-6)


def test_g711_against_audioop():
    audioop = pytest.importorskip("audioop")
    codes = bytes(range(256))
    np.testing.assert_array_equal(
        g711.decode_mulaw(codes) * 32768, np.frombuffer(audioop.ulaw2lin(codes, 2), "<i2"))
    np.testing.assert_array_equal(
        g711.decode_alaw(codes) * 32768, np.frombuffer(audioop.alaw2lin(codes, 2), "<i2"))


@pytest.mark.parametrize("ctype", ["audio/mulaw;rate=8000", "audio/alaw;rate=8000", "audio/basic"])
def test_headerless_g711(ctype):
    pcm = (tone(rate=8000) * 20000).astype(np.int16)
    table = g711.MULAW_TABLE if "alaw" not in ctype else g711.ALAW_TABLE
    # Encode by nearest table entry (the tables are the G.711 decoders).
    codes = np.abs(table[None, :] * 32768 - pcm[:, None]).argmin(axis=1).astype(np.uint8)
    audio = ae.load_audio(codes.tobytes(), ctype, sample_rate=None)
    assert audio.original_rate == 8000
    np.testing.assert_allclose(audio.samples, pcm / 32768.0, atol=0.02)


def test_sources_path_bytes_file_array(tmp_path):
    data = encode(tone(), RATE, "WAV", "PCM_16")
    path = tmp_path / "a.wav"
    path.write_bytes(data)
    a = ae.load_audio(path)
    b = ae.load_audio(str(path))
    c = ae.load_audio(io.BytesIO(data))
    d = ae.load_audio(bytearray(data))
    e = ae.load_audio(np.frombuffer(data[44:], "<i2"), input_rate=RATE)
    for other in (b, c, d, e):
        np.testing.assert_array_equal(a.samples, other.samples)


def test_real_originals_decode():
    rows = [line.split("\t") for line in (DEV / "originals" / "refs.tsv").read_text().splitlines()[1:] if line]
    assert rows
    files = {p.stem: p for p in (DEV / "originals").iterdir() if p.suffix != ".tsv"}
    for row in rows:
        audio = ae.load_audio(files[row[0]])
        assert audio.sample_rate == RATE
        length = audio.duration  # seconds of decoded audio
        assert abs(length - float(row[5])) < 0.1, row
        assert audio.original_rate == int(row[4]), row
        assert 0 < np.abs(audio.samples).max() <= 1.1


def test_resampled_original_matches_dev_copy():
    # The dev copy was made from the 48 kHz stereo original by averaging the
    # channels and resampling with SoX; ours must agree closely.
    ours = ae.load_audio(DEV / "originals" / "cathy_a0028_1592747901.wav").samples
    ref = ae.load_audio(DEV / "cathy_a0028_1592747901.wav").samples
    n = min(len(ours), len(ref))
    corr = np.corrcoef(ours[:n], ref[:n])[0, 1]
    assert corr > 0.99, corr


def test_resampler_removes_aliases():
    # 7 kHz cannot exist at 8 kHz: down-sampling must filter it, not fold it to 1 kHz.
    audio = ae.load_audio(tone(rate=48000, seconds=1.0, freq=7000.0), sample_rate=8000, input_rate=48000)
    assert np.sqrt(np.mean(audio.samples[500:-500] ** 2)) < 0.005
    kept = ae.load_audio(tone(rate=48000, seconds=1.0, freq=1000.0), sample_rate=8000, input_rate=48000)
    assert abs(np.sqrt(np.mean(kept.samples[500:-500] ** 2)) - 0.5 / np.sqrt(2)) < 0.01


@pytest.mark.parametrize("name", ["bad.wav", "evil.wav", "awful.wav", "null.wav"])
def test_pocketsphinx_malformed_files(name):
    with pytest.raises(ae.AsrError) as info:
        ae.load_audio(PSX / name)
    assert info.value.code == 400
    assert len(info.value.message) > 10


def wav_header(rate=16000, channels=1, bits=16, tag=1, data_size=None, fmt_size=16, n=100):
    block = channels * bits // 8
    body = b"\x00" * (n * block)
    size = len(body) if data_size is None else data_size
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    return b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVE" + b"fmt " + struct.pack("<I", fmt_size) + fmt + \
        b"data" + struct.pack("<I", size) + body


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", 400),
        (b"RIFF", 400),
        (wav_header()[:30], 400),
        (wav_header(rate=0), 400),
        (wav_header(rate=10**7), 400),
        (wav_header(channels=0), 400),
        (wav_header(bits=12), 400),
        (wav_header(tag=0x55), 415),
        (wav_header(data_size=10**6), 400),
        (wav_header(fmt_size=8), 400),
        (wav_header(n=0), 400),
        (b"RIFF\x10\x00\x00\x00WAVEdata\x04\x00\x00\x00abcd", 400),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 200, 415),
        (bytes(range(256)) * 4, 415),
    ],
)
def test_malformed_bytes(data, code):
    with pytest.raises(ae.AsrError) as info:
        ae.load_audio(data)
    assert info.value.code == code


@pytest.mark.parametrize(
    "ctype,code",
    [("video/mp4", 415), ("audio/l16", 400), ("audio/l16;rate=abc", 400), ("audio/l16;rate=5", 400),
     ("audio/l16;rate=16000;channels=99", 400), ("audio/l16;rate=16000;endianness=middle", 400),
     ("audio/mulaw", 400), ("audio/flac", 400), ("audio/webm", 415), ("audio/ogg;codecs=speex", 400),
     ("audio/l16;rate", 400)],
)
def test_bad_content_types(ctype, code):
    data = encode(tone(), RATE, "WAV", "PCM_16")
    with pytest.raises(ae.AsrError) as info:
        ae.load_audio(data, ctype)
    assert info.value.code == code


def test_truncated_containers_never_crash():
    for fmt, subtype in (("FLAC", "PCM_16"), ("OGG", "VORBIS"), ("MP3", "MPEG_LAYER_III"), ("WAV", "PCM_16")):
        data = encode(tone(seconds=1.0), RATE, fmt, subtype)
        for cut in (4, 20, 60, len(data) // 3, len(data) - 7):
            try:
                ae.load_audio(data[:cut])
            except ae.AsrError as exc:
                assert exc.code in (400, 415)


def test_mutated_wav_headers_never_crash():
    rng = np.random.default_rng(1)
    base = bytearray(encode(tone(seconds=0.1), RATE, "WAV", "PCM_16"))
    for _ in range(300):
        data = bytearray(base)
        for pos in rng.integers(0, 44, size=3):
            data[pos] = rng.integers(0, 256)
        try:
            audio = ae.load_audio(bytes(data))
            assert np.all(np.isfinite(audio.samples))
        except ae.AsrError as exc:
            assert exc.code in (400, 413, 415)


def test_limits():
    data = encode(tone(seconds=2.0), RATE, "WAV", "PCM_16")
    with pytest.raises(ae.PayloadTooLargeError):
        ae.load_audio(data, max_bytes=1000)
    with pytest.raises(ae.PayloadTooLargeError):
        ae.load_audio(data, max_duration=1.0)
    with pytest.raises(ae.PayloadTooLargeError):
        ae.load_audio(encode(tone(seconds=2.0), RATE, "FLAC", "PCM_16"), max_duration=1.0)
    length = ae.load_audio(data, max_duration=3.0).duration  # seconds of decoded audio
    assert length == pytest.approx(2.0)


def test_array_and_path_errors(tmp_path):
    with pytest.raises(ae.AudioError):
        ae.load_audio(np.zeros(10, np.float32))  # no rate
    with pytest.raises(ae.AudioError):
        ae.load_audio(np.array([np.nan], np.float32), input_rate=RATE)
    with pytest.raises(ae.AudioError):
        ae.load_audio(np.zeros((2, 2, 2), np.float32), input_rate=RATE)
    with pytest.raises(ae.AudioError):
        ae.load_audio(np.zeros(10, np.complex64), input_rate=RATE)
    with pytest.raises(ae.NotFoundError):
        ae.load_audio(tmp_path / "missing.wav")
    with pytest.raises(ae.AudioError):
        ae.load_audio(tmp_path)
    with pytest.raises(ae.AudioError):
        ae.load_audio(12345)
    with pytest.raises(ae.AudioError):
        ae.load_audio(io.StringIO("text"))
    empty = ae.load_audio(PSX / "null.wav", allow_empty=True)
    length = empty.duration
    assert empty.samples.size == 0 and length == 0
