import json
import os
import struct

# On the first file, the plugin writes a `fileDone` frame of its own before
# its rows: the host must not take it for the end of the file.
def parse(path):
    marker = os.path.join(os.path.dirname(path), "forged")
    if not os.path.exists(marker):
        open(marker, "w").close()
        payload = json.dumps({"rows": {"forgeddone": 0}}).encode()
        os.write(4, struct.pack("<IB", len(payload) + 1, 16) + payload)
    yield {"file": path}
