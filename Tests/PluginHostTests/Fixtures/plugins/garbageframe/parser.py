import os
import time

# Bytes on the data pipe that are no frame (kind 255), then nothing.
def parse(path):
    os.write(4, b"\x06\x00\x00\x00\xffhello")
    time.sleep(600)
    yield {"a": 1}
