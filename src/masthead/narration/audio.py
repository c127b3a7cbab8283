"""PCM assembly and MP3 encoding."""

import lameenc
import numpy as np


def silence(seconds: float, sample_rate: int) -> np.ndarray:
    return np.zeros(int(seconds * sample_rate), dtype=np.int16)


def mp3_encoder(*, sample_rate: int, bitrate: int = 48) -> lameenc.Encoder:
    """Mono CBR MP3; fed piece by piece it gives the same bytes as in one go."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(5)
    return encoder


def encode_mp3(samples: np.ndarray, *, sample_rate: int, bitrate: int = 48) -> bytes:
    encoder = mp3_encoder(sample_rate=sample_rate, bitrate=bitrate)
    return bytes(encoder.encode(samples.astype(np.int16).tobytes()) + encoder.flush())
