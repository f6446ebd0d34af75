import threading, time
def spin():
    while True:
        time.sleep(0.01)
def parse(path):
    threading.Thread(target=spin).start()   # non-daemon, never ends
    yield {"a": 1}
