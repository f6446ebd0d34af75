def parse(path):
    yield {"id": 1, "amount": 10}
    yield {"id": 2, "amount": 2**64}
