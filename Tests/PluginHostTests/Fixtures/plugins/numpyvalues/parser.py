import numpy as np
def parse(path):
    yield {"i": np.int64(5), "f": np.float32(0.25), "b": np.bool_(True), "dt": np.datetime64("2024-01-02T03:04:05")}
