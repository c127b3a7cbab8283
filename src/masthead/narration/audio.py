"""PCM assembly and MP3 encoding."""

import lameenc
import numpy as np


def silence(seconds: float, sample_rate: int) -> np.ndarray:
    return np.zeros(int(seconds * sample_rate), dtype=np.int16)


def encode_mp3(samples: np.ndarray, *, sample_rate: int, bitrate: int = 48) -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(5)
    return bytes(encoder.encode(samples.astype(np.int16).tobytes()) + encoder.flush())
