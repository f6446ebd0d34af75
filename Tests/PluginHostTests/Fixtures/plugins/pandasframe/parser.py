import pandas as pd
def parse(path):
    df = pd.DataFrame({"i": [1, 2, None], "f": [0.5, 1.5, 2.5], "s": ["a", None, "c"],
                       "ts": pd.to_datetime(["2024-01-01", None, "2024-01-03"])})
    df["i"] = df["i"].astype("Int64")
    return df
